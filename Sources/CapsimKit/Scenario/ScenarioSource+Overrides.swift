import Yams

extension ScenarioSource {
    /// Applies one `--set path.to.key=value` override.
    ///
    /// Path segments are separated by `.`; a list element is named by its 0-based index
    /// (`tiers.1.churn`, or `tiers[1].churn`) or by its `name`/`role` (`tiers.pro.churn`).
    /// The value is read as YAML, so `0.05`, `8 GB` and `{dist: normal, mean: 1, sd: 0.2}` all work.
    /// A missing mapping key is created; validation then decides whether it is known.
    static func apply(override: String, ordinal: Int, to root: ConfigNode) throws(ScenarioError) -> ConfigNode {
        let shown = "--set \(override)"
        func location(column: Int) -> FileLocation {
            FileLocation(file: "--set", line: ordinal, column: column + 6, lineText: shown)
        }
        guard let equals = override.firstIndex(of: "="), equals != override.startIndex else {
            throw ScenarioError(location: location(column: 1),
                                message: "expected --set path.to.key=value, got '\(override)'")
        }
        let pathText = String(override[..<equals])
        let valueText = String(override[override.index(after: equals)...])
        let path = pathText.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
            .split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: \.isEmpty) else {
            throw ScenarioError(location: location(column: 1), message: "'\(pathText)' is not a key path (use a.b.c)")
        }
        let valueColumn = pathText.unicodeScalars.count + 2
        var value: ConfigNode
        do {
            value = try parse(yaml: valueText.isEmpty ? "''" : valueText, file: "--set")
        } catch {
            value = ConfigNode(value: .scalar(valueText, isPlain: false), location: location(column: valueColumn))
        }
        relocate(&value, to: location(column: valueColumn))
        return try set(value, at: path[...], in: root, pathShown: pathText, location: location(column: 1))
    }

    private static func relocate(_ node: inout ConfigNode, to location: FileLocation) {
        node.location = location
        switch node.value {
        case .scalar: break
        case var .mapping(entries):
            for index in entries.indices {
                entries[index].keyLocation = location
                relocate(&entries[index].value, to: location)
            }
            node.value = .mapping(entries)
        case var .sequence(items):
            for index in items.indices { relocate(&items[index], to: location) }
            node.value = .sequence(items)
        }
    }

    private static func set(_ value: ConfigNode, at path: ArraySlice<String>, in node: ConfigNode,
                            pathShown: String, location: FileLocation) throws(ScenarioError) -> ConfigNode {
        guard let segment = path.first else { return value }
        let rest = path.dropFirst()
        switch node.value {
        case var .mapping(entries):
            if let index = entries.firstIndex(where: { $0.key == segment }) {
                entries[index].value = try set(value, at: rest, in: entries[index].value,
                                               pathShown: pathShown, location: location)
            } else {
                let empty = ConfigNode(value: .mapping([]), location: location)
                entries.append(.init(key: segment, keyLocation: location,
                                     value: try set(value, at: rest, in: empty, pathShown: pathShown, location: location)))
            }
            return ConfigNode(value: .mapping(entries), location: node.location)
        case var .sequence(items):
            let index: Int? = Int(segment).flatMap { items.indices.contains($0) ? $0 : nil }
                ?? items.firstIndex { item in
                    ["name", "role"].contains { key in
                        if case let .scalar(text, _)? = item[key]?.value { return text == segment }
                        return false
                    }
                }
            guard let index else {
                throw ScenarioError(location: location, message:
                    "--set \(pathShown): the list has no element '\(segment)' (use an index from 0 to \(items.count - 1) or an element's name)")
            }
            items[index] = try set(value, at: rest, in: items[index], pathShown: pathShown, location: location)
            return ConfigNode(value: .sequence(items), location: node.location)
        case .scalar:
            if node.isNull {
                let empty = ConfigNode(value: .mapping([]), location: location)
                return try set(value, at: path, in: empty, pathShown: pathShown, location: location)
            }
            throw ScenarioError(location: location, message:
                "--set \(pathShown): '\(segment)' is inside a scalar value, which has no keys")
        }
    }
}
