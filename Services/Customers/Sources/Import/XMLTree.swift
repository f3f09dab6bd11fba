import Foundation
import Postgres

/// A small XML reader for the customer import (C35): elements, text, CDATA and the predefined and numeric
/// entities; declarations, comments and processing instructions are skipped, attributes ignored.
struct XMLElement: Sendable, Equatable {
    var name: String
    var children: [XMLElement] = []
    var text = ""

    /// The first child with this name.
    subscript(_ child: String) -> XMLElement? { children.first { $0.name == child } }

    /// The trimmed text, nil when empty.
    var value: String? {
        let trimmed = text.trimmedWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }
}

enum XMLTree {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The document's root element.
    static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        var parser = Parser(text: Array(String(decoding: bytes, as: UTF8.self).unicodeScalars))
        parser.skipMisc()
        let root = try parser.element(depth: 0)
        parser.skipMisc()
        guard parser.atEnd else { throw Malformed(description: "content after the root element") }
        return root
    }

    private struct Parser {
        let text: [Unicode.Scalar]
        var position = 0

        var atEnd: Bool { position >= text.count }

        func starts(with prefix: String) -> Bool {
            var index = position
            for scalar in prefix.unicodeScalars {
                guard index < text.count, text[index] == scalar else { return false }
                index += 1
            }
            return true
        }

        mutating func skip(past terminator: String) throws {
            while !atEnd {
                if starts(with: terminator) {
                    position += terminator.unicodeScalars.count
                    return
                }
                position += 1
            }
            throw Malformed(description: "unterminated \(terminator)")
        }

        /// Whitespace, the declaration, comments, processing instructions and a doctype.
        mutating func skipMisc() {
            while !atEnd {
                if text[position].properties.isWhitespace { position += 1 }
                else if starts(with: "<?") { try? skip(past: "?>") }
                else if starts(with: "<!--") { try? skip(past: "-->") }
                else if starts(with: "<!DOCTYPE") { try? skip(past: ">") }
                else { return }
            }
        }

        mutating func name() throws -> String {
            var result = ""
            while !atEnd, !text[position].properties.isWhitespace, !["/", ">", "="].contains(text[position]) {
                result.unicodeScalars.append(text[position])
                position += 1
            }
            guard !result.isEmpty else { throw Malformed(description: "missing element name at \(position)") }
            return result
        }

        mutating func element(depth: Int) throws -> XMLElement {
            guard depth < 32 else { throw Malformed(description: "nested too deeply") }
            guard starts(with: "<") else { throw Malformed(description: "expected an element at \(position)") }
            position += 1
            var element = XMLElement(name: try name())
            // Attributes are skipped, quoted values included.
            while !atEnd, text[position] != ">", !starts(with: "/>") {
                if text[position] == "\"" || text[position] == "'" {
                    let quote = text[position]
                    position += 1
                    while !atEnd, text[position] != quote { position += 1 }
                }
                position += 1
            }
            if starts(with: "/>") {
                position += 2
                return element
            }
            guard !atEnd else { throw Malformed(description: "unterminated <\(element.name)>") }
            position += 1
            while !atEnd {
                if starts(with: "</") {
                    position += 2
                    let closing = try name()
                    guard closing == element.name else { throw Malformed(description: "</\(closing)> closes <\(element.name)>") }
                    while !atEnd, text[position] != ">" { position += 1 }
                    guard !atEnd else { break }
                    position += 1
                    return element
                } else if starts(with: "<!--") {
                    try skip(past: "-->")
                } else if starts(with: "<![CDATA[") {
                    position += 9
                    let start = position
                    try skip(past: "]]>")
                    element.text.unicodeScalars.append(contentsOf: text[start..<(position - 3)])
                } else if starts(with: "<?") {
                    try skip(past: "?>")
                } else if starts(with: "<") {
                    element.children.append(try self.element(depth: depth + 1))
                } else if text[position] == "&" {
                    element.text += try entity()
                } else {
                    element.text.unicodeScalars.append(text[position])
                    position += 1
                }
            }
            throw Malformed(description: "unterminated <\(element.name)>")
        }

        mutating func entity() throws -> String {
            let start = position
            while !atEnd, text[position] != ";", position - start < 12 { position += 1 }
            guard !atEnd, text[position] == ";" else { throw Malformed(description: "malformed entity at \(start)") }
            let name = String(String.UnicodeScalarView(text[(start + 1)..<position]))
            position += 1
            switch name {
            case "lt": return "<"
            case "gt": return ">"
            case "amp": return "&"
            case "quot": return "\""
            case "apos": return "'"
            default:
                let number: UInt32? = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst()) : nil
                guard let number, let scalar = Unicode.Scalar(number) else { throw Malformed(description: "unknown entity &\(name);") }
                return String(Character(scalar))
            }
        }
    }
}
