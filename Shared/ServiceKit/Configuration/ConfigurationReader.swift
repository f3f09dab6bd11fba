import Foundation
import Postgres

/// Reads typed settings from the environment and command-line flags, collecting every problem so the
/// process can fail fast with one message naming all missing or malformed keys.
///
/// A flag `--database-url X` overrides the environment key `DATABASE_URL`; a flag with no value
/// (`--verbose`) means `true`.
public struct ConfigurationReader: Sendable {
    private let values: [String: String]
    public private(set) var problems: [String] = []

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, arguments: [String] = []) {
        var values = environment
        for (key, value) in Self.flags(arguments) { values[key] = value }
        self.values = values
    }

    /// Turns `--some-key value` / `--some-key=value` / `--flag` into `SOME_KEY` → value pairs.
    static func flags(_ arguments: [String]) -> [String: String] {
        var result: [String: String] = [:]
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else { continue }
            var name = String(argument.dropFirst(2))
            var value = "true"
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else if index < arguments.endIndex, !arguments[index].hasPrefix("--") {
                value = arguments[index]
                index += 1
            }
            result[name.uppercased().replacingOccurrences(of: "-", with: "_")] = value
        }
        return result
    }

    /// The raw value of a key, nil when absent or empty.
    public func raw(_ key: String) -> String? {
        guard let value = values[key]?.trimmedSpaces, !value.isEmpty else { return nil }
        return value
    }

    public mutating func string(_ key: String, default fallback: String) -> String {
        raw(key) ?? fallback
    }

    /// A required string: records a problem and returns "" when missing.
    public mutating func requiredString(_ key: String) -> String {
        guard let value = raw(key) else {
            problems.append("\(key) is missing")
            return ""
        }
        return value
    }

    public mutating func optionalString(_ key: String) -> String? { raw(key) }

    public mutating func integer(_ key: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) -> Int {
        guard let text = raw(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            problems.append("\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(text)\"")
            return fallback
        }
        return value
    }

    public mutating func port(_ key: String, default fallback: Int) -> Int {
        guard let text = raw(key) else { return fallback }
        guard let value = Int(text), (0...65535).contains(value) else {
            problems.append("\(key) is not a port number: \"\(text)\"")
            return fallback
        }
        return value
    }

    public mutating func seconds(_ key: String, default fallback: Double) -> Duration {
        guard let text = raw(key) else { return .milliseconds(Int64(fallback * 1000)) }
        guard let value = Double(text), value > 0 else {
            problems.append("\(key) must be a positive number of seconds, got \"\(text)\"")
            return .milliseconds(Int64(fallback * 1000))
        }
        return .milliseconds(Int64(value * 1000))
    }

    public mutating func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let text = raw(key)?.lowercased() else { return fallback }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append("\(key) must be true or false, got \"\(text)\"")
            return fallback
        }
    }

    /// The contents of a file named by a key: records a problem when the key is set but the file is unreadable.
    public mutating func fileContents(_ key: String, required: Bool) -> String? {
        guard let path = raw(key) else {
            if required { problems.append("\(key) is missing") }
            return nil
        }
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            problems.append("\(key) names a file that cannot be read: \(path)")
            return nil
        }
        return contents
    }

    /// Records a problem found by the caller's own validation.
    public mutating func problem(_ message: String) { problems.append(message) }

    /// Throws one error listing every problem, if there are any.
    public func validate() throws {
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}

/// Every problem found in the configuration, reported together.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let problems: [String]
    public var description: String { "configuration error: " + problems.joined(separator: "; ") }
}
