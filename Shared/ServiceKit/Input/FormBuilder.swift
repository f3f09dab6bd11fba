extension FormValue {
    /// Builds the nested value of a form from PHP-style field names, as Symfony reads them:
    /// `a[b][c]=1` nests maps, `a[]=x` appends at the next integer key, the last value of a repeated
    /// name wins, and a node whose keys are exactly `0, 1, 2, …` in order becomes a `.list`
    /// (PHP's `array_is_list`), so `roles[0]=37` reads like the JSON `{"roles":["37"]}`.
    ///
    /// Works on a tree of reference nodes, so each insertion mutates in place rather than
    /// copying the enum values above it.
    struct FormBuilder {
        static let maxDepth = 32
        static let maxFields = 10_000

        private let root = Node()
        private var fieldCount = 0

        /// Adds one field; names that PHP ignores (empty, or starting with `[`) are skipped but still counted.
        mutating func add(name: UnsafeBufferPointer<UInt8>, value: FormValue) throws(InputError) {
            fieldCount += 1
            guard fieldCount <= Self.maxFields else { throw .tooManyFields }
            guard let path = try Self.path(of: name) else { return }
            root.insert(value, at: path[...])
        }

        mutating func add(name: String, value: FormValue) throws(InputError) {
            try Array(name.utf8).withUnsafeBufferPointer { (name) throws(InputError) in try add(name: name, value: value) }
        }

        /// The form: always a map at the top, even when its names are `0`, `1`, ….
        func build() -> FormValue {
            .map(root.map())
        }

        enum Segment: Equatable {
            case key(String)
            case append
        }

        /// Splits `a[b][]` into `[.key("a"), .key("b"), .append]` following PHP's `php_register_variable_ex`:
        /// leading spaces dropped; anything after a group that is not another `[` ignored; an unclosed
        /// first group leaves the whole name literal (`a[b` is the key `a[b`, as Symfony keeps it);
        /// an unclosed later group is dropped. Returns nil for names PHP ignores.
        static func path(of name: UnsafeBufferPointer<UInt8>) throws(InputError) -> [Segment]? {
            var start = 0
            while start < name.count, name[start] == UInt8(ascii: " ") { start += 1 }
            guard start < name.count else { return nil }
            guard let open = name[start...].firstIndex(of: UInt8(ascii: "[")) else {
                return [.key(text(name, start..<name.count))]
            }
            guard open > start else { return nil }

            var segments: [Segment] = [.key(text(name, start..<open))]
            var cursor = open
            while cursor < name.count, name[cursor] == UInt8(ascii: "[") {
                guard let close = name[(cursor + 1)...].firstIndex(of: UInt8(ascii: "]")) else {
                    if segments.count == 1 { return [.key(text(name, start..<name.count))] }
                    break
                }
                guard segments.count <= maxDepth else { throw .tooDeep }
                segments.append(close == cursor + 1 ? .append : .key(text(name, (cursor + 1)..<close)))
                cursor = close + 1
            }
            return segments
        }

        private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }

        final class Node {
            private enum Slot {
                case leaf(FormValue)
                case node(Node)
            }

            private var keys: [String] = []
            private var slots: [String: Slot] = [:]
            /// The key `[]` appends at: one past the largest integer key, as in PHP.
            private var nextIndex = 0
            /// Whether the keys so far are `0, 1, 2, …` in insertion order.
            private var keysAreIndices = true

            func insert(_ value: FormValue, at path: ArraySlice<Segment>) {
                guard let first = path.first else { return }
                let key: String
                switch first {
                case .key(let name): key = name
                case .append: key = String(nextIndex)
                }
                if path.count == 1 {
                    set(key, .leaf(value))
                } else {
                    child(at: key).insert(value, at: path.dropFirst())
                }
            }

            func map() -> FormMap {
                FormMap(uniqueKeys: keys, values: keys.map(value(at:)))
            }

            private func value() -> FormValue {
                keysAreIndices ? .list(keys.map(value(at:))) : .map(map())
            }

            private func value(at key: String) -> FormValue {
                switch slots[key] {
                case .leaf(let value): value
                case .node(let node): node.value()
                case nil: .null
                }
            }

            /// The node at `key`, replacing a scalar there (PHP turns `a=1&a[b]=2` into `a[b]=2`).
            private func child(at key: String) -> Node {
                if case .node(let node) = slots[key] { return node }
                let node = Node()
                set(key, .node(node))
                return node
            }

            /// Sets `key`, keeping its position if it already exists.
            private func set(_ key: String, _ slot: Slot) {
                guard slots.updateValue(slot, forKey: key) == nil else { return }
                let index = FormValue.arrayIndex(key)
                keysAreIndices = keysAreIndices && index == keys.count
                if let index, index >= nextIndex { nextIndex = index + 1 }
                keys.append(key)
            }
        }
    }

    /// The integer a map key stands for when it is written like a PHP integer key (`0`, `17`, not `01` or `-1`),
    /// up to 18 digits so that one more never overflows.
    static func arrayIndex(_ key: String) -> Int? {
        let utf8 = key.utf8
        guard let first = utf8.first, utf8.count <= 18, first != UInt8(ascii: "0") || utf8.count == 1 else { return nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
