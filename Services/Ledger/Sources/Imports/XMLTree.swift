import Foundation
import Postgres
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: name, text and children (enough for the import files).
final class XMLNode: @unchecked Sendable {
    let name: String
    var text = ""
    var children: [XMLNode] = []

    init(name: String) { self.name = name }

    /// The first child with this name.
    subscript(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// The trimmed text of the first child with this name, nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let text = self[name]?.text.trimmedWhitespace, !text.isEmpty else { return nil }
        return text
    }

    func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// Parses a document; nil when it is not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> XMLNode? {
        let builder = Builder()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = builder
        guard parser.parse() else { return nil }
        return builder.root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var root: XMLNode?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            let node = XMLNode(name: elementName)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }
    }
}
