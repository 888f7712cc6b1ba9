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

    /// A short name of this node's kind, for error messages.
    var kindName: String {
        switch value {
        case .scalar: return isNull ? "null" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// Overlays `other` on this node: mappings merge key by key (recursively),
    /// anything else (scalars, lists) is replaced by `other`. A distribution
    /// (`{dist: ...}`) is a value, not a mapping of settings: it replaces whole.
    public func merged(with other: ConfigNode) -> ConfigNode {
        guard case var .mapping(base) = value, case let .mapping(overrides) = other.value,
              self["dist"] == nil, other["dist"] == nil else {
            return other
        }
        for entry in overrides {
            if let index = base.firstIndex(where: { $0.key == entry.key }) {
                base[index].value = base[index].value.merged(with: entry.value)
            } else {
                base.append(entry)
            }
        }
        return ConfigNode(value: .mapping(base), location: location)
    }

    /// This node without the entry for `key` (a mapping only).
    func removing(key: String) -> ConfigNode {
        guard case let .mapping(entries) = value else { return self }
        return ConfigNode(value: .mapping(entries.filter { $0.key != key }), location: location)
    }
}
