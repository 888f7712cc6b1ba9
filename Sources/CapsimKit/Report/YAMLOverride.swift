import Foundation

/// The keys a written scenario sets (calibrated or measured), as nested YAML: named list
/// entries by their identity key (`tiers: [{name: pro, churn: …}]`), which `extends` merges by name.
final class YAMLOverride {
    var entries: [(key: String, node: YAMLOverride)] = []
    var leaf: String?

    func set(_ keyPath: String, to text: String) {
        var node = self
        for segment in keyPath.split(separator: ".").map(String.init) {
            if let existing = node.entries.first(where: { $0.key == segment })?.node {
                node = existing
            } else {
                let child = YAMLOverride()
                node.entries.append((segment, child))
                node = child
            }
        }
        node.leaf = text
    }

    /// `text` in single quotes, YAML's way (a quote doubled).
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The lines of this node's entries under a key of `kind`.
    func lines(kind: KeyKind?, indent: String) -> [String] {
        var result: [String] = []
        for (key, node) in entries {
            if case let .list(spec)? = kind {
                // `key` is an entry's identity; the list's own key was written by the parent.
                let identity = spec.identity == .phase ? key : YAMLOverride.quoted(key)
                result.append("\(indent)- \(spec.identityKey ?? "name"): \(identity)")
                result += node.lines(kind: .mapping(spec.entry), indent: indent + "  ")
                continue
            }
            let name = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? key : YAMLOverride.quoted(key)
            if let leaf = node.leaf {
                result.append("\(indent)\(name): \(leaf)")
            } else {
                result.append("\(indent)\(name):")
                let childKind = kind?.child(key)
                var isList = false
                if case .list? = childKind { isList = true }
                result += node.lines(kind: childKind, indent: indent + (isList ? "" : "  "))
            }
        }
        return result
    }
}
