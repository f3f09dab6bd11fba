/// A segment trie over route templates. Nodes live in one array and refer to each other by index, which keeps
/// the structure a plain `Sendable` value.
struct RouteTrie: Sendable {
    private struct Node: Sendable {
        var literalChildren: [String: Int] = [:]
        var parameterChild: Int?
        /// Routes ending at this node, by upper-case method.
        var routesByMethod: [String: Route] = [:]
    }

    private var nodes: [Node] = [Node()]

    init(routes: [Route]) {
        for route in routes {
            insert(route)
        }
    }

    /// Finds the route for `method` and path `segments`, preferring literals and backtracking into parameters.
    func match(method: String, segments: [Substring]) -> RouteMatch? {
        var captured: [Substring] = []
        guard let route = match(method: method, segments: segments[...], node: 0, captured: &captured) else {
            return nil
        }
        return RouteMatch(route: route, parameters: Dictionary(zip(route.parameterNames, captured.map(String.init))) {
            first, _ in first
        })
    }

    private mutating func insert(_ route: Route) {
        var current = 0
        for segment in route.segments {
            current = child(of: current, for: segment)
        }
        // The first row wins if the table lists the same method and path twice.
        if nodes[current].routesByMethod[route.method] == nil {
            nodes[current].routesByMethod[route.method] = route
        }
    }

    private mutating func child(of parent: Int, for segment: RouteSegment) -> Int {
        switch segment {
        case .literal(let text):
            if let existing = nodes[parent].literalChildren[text] { return existing }
            nodes.append(Node())
            nodes[parent].literalChildren[text] = nodes.count - 1
        case .parameter:
            if let existing = nodes[parent].parameterChild { return existing }
            nodes.append(Node())
            nodes[parent].parameterChild = nodes.count - 1
        }
        return nodes.count - 1
    }

    private func match(
        method: String,
        segments: ArraySlice<Substring>,
        node: Int,
        captured: inout [Substring]
    ) -> Route? {
        guard let segment = segments.first else {
            return nodes[node].routesByMethod[method]
        }
        let rest = segments.dropFirst()
        if let literal = nodes[node].literalChildren[String(segment)],
            let route = match(method: method, segments: rest, node: literal, captured: &captured)
        {
            return route
        }
        guard let parameter = nodes[node].parameterChild else { return nil }
        captured.append(segment)
        if let route = match(method: method, segments: rest, node: parameter, captured: &captured) {
            return route
        }
        captured.removeLast()
        return nil
    }
}
