import Foundation
import GatewayKit
import Hummingbird
import Logging
import Metrics
import Prometheus

func fail(_ message: String, exitCode: Int32) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    exit(exitCode)
}

let arguments = Array(CommandLine.arguments.dropFirst())

if arguments.contains("--routes") {
    do {
        print(try RouteTable.bundled().listing())
        exit(0)
    } catch {
        fail("\(error)", exitCode: 1)
    }
}

let configuration: GatewayConfiguration
do {
    configuration = try GatewayConfiguration.load(arguments: arguments, environment: ProcessInfo.processInfo.environment)
} catch {
    fail("\(error)", exitCode: 2)
}

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardOutput(label: label)
    handler.logLevel = configuration.logLevel
    return handler
}
let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
let logger = Logger(label: "gateway")

do {
    let gateway = try await buildGatewayApplication(configuration: configuration, registry: registry, logger: logger)
    try await gateway.runService()  // until SIGTERM or SIGINT, then a graceful shutdown
} catch {
    logger.critical("gateway stopped", metadata: ["error": "\(error)"])
    exit(1)
}
