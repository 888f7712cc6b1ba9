/// A YAML value with the place it came from, so that every error can point at its source.
///
/// Scenario files are read into this tree first; `extends` and `--set` operate on it;
/// only then is it decoded and validated into a ``Scenario``.
public struct ConfigNode: Sendable {
    public enum Value: Sendable {
        /// A scalar as written. `isPlain` is false for quoted strings, which are never numbers.
        case scalar(String, isPlain: Bool)
        case mapping([Entry])
        case sequence([ConfigNode])
    }

    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: FileLocation
        public var value: ConfigNode
    }

    public var value: Value
    public var location: FileLocation

    /// True for an empty plain scalar or `null`/`~`.
    public var isNull: Bool {
        if case let .scalar(text, isPlain) = value, isPlain {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    public var entries: [Entry]? {
        if case let .mapping(entries) = value { return entries }
        return nil
    }

    public subscript(key: String) -> ConfigNode? {
        entries?.first { $0.key == key }?.value
    }

    /// The text of a scalar entry.
    func text(_ key: String) -> String? {
        if case let .scalar(text, _)? = self[key]?.value { return text.trimmingCharacters(in: .whitespaces) }
        return nil
    }

    /// A short name of this node's kind, for error messages.
    var kindName: String {
        switch value {
        case .scalar: return isNull ? "null" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// This node without the entry for `key` (a mapping only).
    func removing(key: String) -> ConfigNode {
        guard case let .mapping(entries) = value else { return self }
        return ConfigNode(value: .mapping(entries.filter { $0.key != key }), location: location)
    }

    /// This node with the value at the mapping path `path` replaced (an existing path only).
    func replacing(_ path: [String], with replacement: ConfigNode) -> ConfigNode {
        guard let key = path.first else { return replacement }
        guard case var .mapping(entries) = value, let index = entries.firstIndex(where: { $0.key == key }) else { return self }
        entries[index].value = entries[index].value.replacing(Array(path.dropFirst()), with: replacement)
        return ConfigNode(value: .mapping(entries), location: location)
    }

    /// Overlays `other` on this node without declarations: mappings merge key by key
    /// (recursively), anything else (scalars, lists) is replaced by `other`. A distribution
    /// (`{dist: ...}`) is a value, not a mapping of settings: it replaces whole.
    public func merged(with other: ConfigNode) -> ConfigNode {
        var ignored: [Diagnostic] = []
        return merged(with: other, kind: nil, path: "", phaseNames: [], diagnostics: &ignored)
    }
}

// MARK: - `extends`: merging by the declarations

extension ConfigNode {
    /// Overlays the scenario `other` on this one (MODEL.md "Overrides"): mappings merge key by
    /// key; lists of named entries (tiers, plans, compute sizes, services, team roles, phases,
    /// milestones, funding rounds, workload queries, compliance) merge by name: an entry with
    /// a known name overrides only the keys it gives, a new name is appended, `remove: true`
    /// drops an entry; marketing entries merge by phase; other lists are replaced whole.
    /// Problems (removing an entry the base lacks, removing a phase) go to `diagnostics`.
    static func mergeScenarios(_ base: ConfigNode, _ other: ConfigNode, diagnostics: inout [Diagnostic]) -> ConfigNode {
        // Phases first: marketing entries may name them, and are matched by their number.
        var repeated: [Diagnostic] = []  // the root's merge below reports them
        let phases = base["phases"].map { phases in
            other["phases"].map { phases.merged(with: $0, kind: Self.kind(of: "phases"), path: "phases", phaseNames: [], diagnostics: &repeated) }
                ?? phases
        } ?? other["phases"]
        let phaseNames = Self.names(of: phases)
        return base.merged(with: other, kind: .mapping(ScenarioKeys.root), path: "", phaseNames: phaseNames, diagnostics: &diagnostics)
    }

    private static func kind(of rootKey: String) -> KeyKind? {
        ScenarioKeys.root.first { $0.name == rootKey }?.kind
    }

    static func names(of phases: ConfigNode?) -> [String] {
        guard case let .sequence(items)? = phases?.value else { return [] }
        return items.map { $0.text("name") ?? "" }
    }

    fileprivate func merged(with other: ConfigNode, kind: KeyKind?, path: String, phaseNames: [String],
                            diagnostics: inout [Diagnostic]) -> ConfigNode {
        switch (value, other.value, kind) {
        case let (.sequence(base), .sequence(overrides), .list(list)?) where list.identity != .position:
            return ConfigNode(value: .sequence(Self.mergedList(base, overrides, list: list, path: path, phaseNames: phaseNames,
                                                               diagnostics: &diagnostics)), location: other.location)
        case let (.mapping(base), .mapping(overrides), _) where self["dist"] == nil && other["dist"] == nil:
            var merged = base
            for entry in overrides {
                let childKind = kind?.child(entry.key)
                let childPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
                if let index = merged.firstIndex(where: { $0.key == entry.key }) {
                    merged[index].value = merged[index].value.merged(with: entry.value, kind: childKind, path: childPath,
                                                                     phaseNames: phaseNames, diagnostics: &diagnostics)
                } else {
                    merged.append(entry)
                }
            }
            return ConfigNode(value: .mapping(merged), location: location)
        default:
            return other
        }
    }

    private static func mergedList(_ base: [ConfigNode], _ overrides: [ConfigNode], list: ListSpec, path: String,
                                   phaseNames: [String], diagnostics: inout [Diagnostic]) -> [ConfigNode] {
        func identity(_ node: ConfigNode) -> String? {
            switch list.identity {
            case .position: return nil
            case .phase:
                // A phase by name or number: compared by its number.
                guard let text = node.text("phase") else { return nil }
                if let index = Int(text) { return String(index) }
                return phaseNames.firstIndex(of: text).map(String.init) ?? text
            case let .key(key):
                // A plain scalar entry is a reference by name (a catalog plan).
                if case let .scalar(text, _) = node.value, !node.isNull { return text.trimmingCharacters(in: .whitespaces) }
                return node.text(key)
            }
        }
        let entryKind = KeyKind.mapping(list.entry)
        var result = base
        for item in overrides {
            let removes = item.text("remove").map { ["true", "yes", "on"].contains($0.lowercased()) } ?? false
            guard let name = identity(item) else {
                result.append(item)
                continue
            }
            let index = result.firstIndex { identity($0) == name }
            if removes {
                if !list.isRemovable {
                    diagnostics.append(Diagnostic(location: item["remove"]?.location ?? item.location, keyPath: "\(path).\(name).remove",
                                                  message: "entries of '\(path)' cannot be removed (their positions are their numbers)"))
                } else if let index {
                    result.remove(at: index)
                } else {
                    diagnostics.append(Diagnostic(location: item["remove"]?.location ?? item.location, keyPath: "\(path).\(name).remove",
                                                  message: "no entry '\(name)' to remove (the base has \(TreeDecoder.list(result.compactMap(identity))))"))
                }
                continue
            }
            let overriding = item.removing(key: "remove")
            if let index {
                result[index] = result[index].merged(with: overriding, kind: entryKind, path: "\(path).\(name)",
                                                     phaseNames: phaseNames, diagnostics: &diagnostics)
            } else {
                result.append(overriding)
            }
        }
        return result
    }
}
