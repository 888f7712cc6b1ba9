import Yams

extension ScenarioSource {
    /// Applies one `--set path.to.key=value` override.
    ///
    /// Path segments are separated by `.`; a list element is named by its name (`tiers.pro.churn`;
    /// team roles by `role`, marketing entries by phase: `marketing.3.spend`) or by its 0-based
    /// index (`tiers[1].churn`; `tiers.1.churn` when no entry is named `1`).
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
        guard let path = KeyPathSegment.parse(pathText) else {
            throw ScenarioError(location: location(column: 1), message: "'\(pathText)' is not a key path (use a.b.c or a[0].b)")
        }
        let valueColumn = pathText.unicodeScalars.count + 2
        var value: ConfigNode
        do {
            value = try parse(yaml: valueText.isEmpty ? "''" : valueText, file: "--set")
        } catch {
            value = ConfigNode(value: .scalar(valueText, isPlain: false), location: location(column: valueColumn))
        }
        relocate(&value, to: location(column: valueColumn))
        let phaseNames = ConfigNode.names(of: root["phases"])
        return try set(value, at: path[...], in: root, kind: .mapping(ScenarioKeys.root), phaseNames: phaseNames,
                       pathShown: pathText, location: location(column: 1))
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

    private static func set(_ value: ConfigNode, at path: ArraySlice<KeyPathSegment>, in node: ConfigNode, kind: KeyKind?,
                            phaseNames: [String], pathShown: String, location: FileLocation) throws(ScenarioError) -> ConfigNode {
        guard let first = path.first else { return value }
        let rest = path.dropFirst()
        let segment = first.text
        func set(_ value: ConfigNode, at path: ArraySlice<KeyPathSegment>, in node: ConfigNode, kind: KeyKind?) throws(ScenarioError) -> ConfigNode {
            try Self.set(value, at: path, in: node, kind: kind, phaseNames: phaseNames, pathShown: pathShown, location: location)
        }
        switch node.value {
        case .mapping where first.isIndex:
            throw ScenarioError(location: location, message: "--set \(pathShown): [\(segment)] names a list element, but this is a mapping")
        case var .mapping(entries):
            let childKind = kind?.child(segment)
            if let index = entries.firstIndex(where: { $0.key == segment }) {
                entries[index].value = try set(value, at: rest, in: entries[index].value, kind: childKind)
            } else {
                let empty = ConfigNode(value: .mapping([]), location: location)
                entries.append(.init(key: segment, keyLocation: location, value: try set(value, at: rest, in: empty, kind: childKind)))
            }
            return ConfigNode(value: .mapping(entries), location: node.location)
        case var .sequence(items):
            var list: ListSpec?
            if case let .list(spec)? = kind { list = spec }
            func identity(_ item: ConfigNode) -> String? {
                switch list?.identity {
                case let .key(key)?: return item.text(key)
                case .phase?:
                    guard let text = item.text("phase") else { return nil }
                    return Int(text).map(String.init) ?? phaseNames.firstIndex(of: text).map(String.init)
                case .position?, nil: return item.text("name")
                }
            }
            let wanted = list?.identity == .phase ? (Int(segment).map(String.init) ?? phaseNames.firstIndex(of: segment).map(String.init) ?? segment)
                : segment
            let byName = first.isIndex ? nil : items.firstIndex { identity($0) == wanted }
            let index = byName ?? Int(segment).flatMap { items.indices.contains($0) ? $0 : nil }
            guard let index else {
                let names = items.compactMap(identity)
                throw ScenarioError(location: location, message:
                    "--set \(pathShown): the list has no element '\(segment)' (\(names.isEmpty ? "" : "names: \(TreeDecoder.list(names)); ")indices 0 to \(items.count - 1))")
            }
            items[index] = try set(value, at: rest, in: items[index], kind: list.map { KeyKind.mapping($0.entry) })
            return ConfigNode(value: .sequence(items), location: node.location)
        case .scalar:
            if node.isNull {
                let empty = ConfigNode(value: .mapping([]), location: location)
                return try set(value, at: path, in: empty, kind: kind)
            }
            throw ScenarioError(location: location, message:
                "--set \(pathShown): '\(segment)' is inside a scalar value, which has no keys")
        }
    }
}

/// One segment of a key path: `tiers`, `pro`, or `[1]` (a list position).
struct KeyPathSegment: Sendable, Hashable {
    var text: String
    var isIndex: Bool

    /// `a.b[2].c` as segments; nil when malformed (an empty segment, an unclosed bracket).
    static func parse(_ path: String) -> [KeyPathSegment]? {
        var segments: [KeyPathSegment] = []
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.first == "[" {
                guard !segments.isEmpty, let close = rest.firstIndex(of: "]") else { return nil }
                let number = rest[rest.index(after: rest.startIndex)..<close]
                guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), Int(number) != nil else { return nil }
                segments.append(KeyPathSegment(text: String(number), isIndex: true))
                rest = rest[rest.index(after: close)...]
                // After `]`: the end, another `[`, or `.` and a name.
                if rest.first == "." {
                    rest = rest.dropFirst()
                    guard let next = rest.first, next != "[", next != "." else { return nil }
                }
            } else {
                let name = rest.prefix { $0 != "." && $0 != "[" && $0 != "]" }
                guard !name.isEmpty else { return nil }
                segments.append(KeyPathSegment(text: String(name), isIndex: false))
                rest = rest.dropFirst(name.count)
                if rest.first == "]" { return nil }
                if rest.first == "." {
                    rest = rest.dropFirst()
                    guard let next = rest.first, next != "[", next != "." else { return nil }
                }
            }
        }
        return segments.isEmpty ? nil : segments
    }
}
