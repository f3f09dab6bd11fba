// swift-tools-version:6.2
import PackageDescription

/// Settings every target of the suite shares: Swift 6 mode plus the upcoming features we hold ourselves to.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

/// The five services. Each one is a library (`Services/<Name>/Sources`) holding its domain, repositories,
/// controllers and migrations, plus a thin executable (`Services/<Name>/Main`) that only reads the
/// configuration and runs the application the library builds.
struct Service {
    let name: String
    let executable: String
    let dependsOn: [String]
}

let services = [
    Service(name: "Auth", executable: "auth-service", dependsOn: []),
    Service(name: "Customers", executable: "customers-service", dependsOn: ["Auth"]),
    Service(name: "Ledger", executable: "ledger-service", dependsOn: ["Auth", "Customers"]),
    Service(name: "Campaigns", executable: "campaigns-service", dependsOn: ["Auth", "Customers", "Ledger"]),
    Service(name: "Reviews", executable: "reviews-service", dependsOn: ["Auth", "Ledger"]),
]

func serviceTargets(_ service: Service) -> [Target] {
    [
        .target(
            name: service.name,
            dependencies: ["ServiceKit", "Postgres", hummingbird, logging]
                + service.dependsOn.map { .target(name: $0) },
            path: "Services/\(service.name)/Sources",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: service.executable,
            dependencies: [.target(name: service.name), "ServiceKit"],
            path: "Services/\(service.name)/Main",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(service.name)Tests",
            dependencies: [.target(name: service.name), "TestSupport"],
            path: "Tests/\(service.name)Tests",
            swiftSettings: swiftSettings
        ),
    ]
}

/// A test target for one of the shared libraries, with the PostgreSQL test harness.
func sharedTestTarget(_ name: String, testing library: String) -> Target {
    .testTarget(
        name: name,
        dependencies: [.target(name: library), "TestSupport"],
        path: "Tests/\(name)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "loyalty-suite",
    platforms: [.macOS(.v15)],
    products: services.map { .executable(name: $0.executable, targets: [$0.executable]) }
        + [.executable(name: "gateway", targets: ["gateway"])],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            path: "Shared/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", logging,
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Shared/Postgres",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceKit",
            dependencies: [
                "Postgres", hummingbird, logging,
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ServiceKit",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gateway",
            dependencies: [
                "GatewayKit", hummingbird, logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "gateway/Main",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatewayKit",
            dependencies: [
                hummingbird, logging,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "gateway/Sources",
            resources: [.copy("endpoints.tsv")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Postgres", "ServiceKit", "Auth", "Customers", "Ledger", "Campaigns", "Reviews", hummingbird,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        sharedTestTarget("PostgresTests", testing: "Postgres"),
        sharedTestTarget("ServiceKitTests", testing: "ServiceKit"),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "GatewayKit", hummingbird, logging,
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/GatewayTests",
            swiftSettings: swiftSettings
        ),
    ] + services.flatMap(serviceTargets)
)
