import Foundation
import Yams

/// Reads scenario files into ``ConfigNode`` trees: YAML parsing, `extends` and `--set` overrides.
public enum ScenarioSource {
    /// The most values a file may expand to. YAML aliases repeat a node wherever they appear,
    /// so a few lines can stand for billions of values ("billion laughs"); a real scenario has
    /// a few thousand.
    public static let maximumNodes = 200_000

    /// Reads `path`, follows its `extends` chain (MODEL.md "Overrides") and applies the
    /// `overrides` (`path.to.key=value`, in order).
    public static func load(path: String, overrides: [String] = []) throws(ScenarioError) -> ConfigNode {
        var root = try loadFile(path: path, chain: [])
        for (index, override) in overrides.enumerated() {
            root = try apply(override: override, ordinal: index + 1, to: root)
        }
        return root
    }

    /// Parses YAML text into a tree whose locations name `file`.
    public static func parse(yaml text: String, file: String) throws(ScenarioError) -> ConfigNode {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        func location(_ mark: Mark?) -> FileLocation {
            let line = mark?.line ?? 1
            let text = line - 1 < lines.count && line >= 1 ? lines[line - 1] : ""
            return FileLocation(file: file, line: line, column: mark?.column ?? 1, lineText: String(text.prefix(200)))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlDiagnostic(error, file: file, location: location)
        } catch {
            throw ScenarioError(location: location(nil), message: "cannot parse YAML: \(error)")
        }
        guard let node else {
            throw ScenarioError(location: FileLocation(file: file, line: 1, column: 1, lineText: ""),
                                message: "the file is empty (or only comments); a scenario is a YAML mapping")
        }
        var budget = maximumNodes
        return try convert(node, location: location, budget: &budget)
    }

    // MARK: - Files and `extends`

    private static func loadFile(path: String, chain: [String]) throws(ScenarioError) -> ConfigNode {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw ScenarioError(location: nil, message: "cannot read scenario file '\(path)': \(error.reason)")
        }
        let root = try parse(yaml: text, file: path)
        guard root.entries != nil else {
            throw ScenarioError(location: root.location, message: "a scenario must be a YAML mapping of keys, got \(root.kindName)")
        }
        guard let parentNode = root["extends"] else { return root }
        guard case let .scalar(parentName, _) = parentNode.value, !parentNode.isNull, !parentName.isEmpty else {
            throw ScenarioError(location: parentNode.location, keyPath: "extends",
                                message: "expected the path of another scenario file, got \(parentNode.kindName)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let parentPath = parentName.hasPrefix("/") || directory.isEmpty
            ? parentName : (directory as NSString).appendingPathComponent(parentName)
        let key = canonical(path)
        if chain.contains(key) || canonical(parentPath) == key || chain.contains(canonical(parentPath)) {
            let cycle = (chain + [key, canonical(parentPath)]).map { ($0 as NSString).lastPathComponent }
            throw ScenarioError(location: parentNode.location, keyPath: "extends",
                                message: "cyclic 'extends': \(cycle.joined(separator: " -> "))")
        }
        let parent: ConfigNode
        do {
            parent = try loadFile(path: parentPath, chain: chain + [key])
        } catch {
            // A file that cannot be read is reported where `extends` names it.
            if error.diagnostics.count == 1, error.diagnostics[0].location == nil {
                throw ScenarioError(location: parentNode.location, keyPath: "extends", message: error.diagnostics[0].message)
            }
            throw error
        }
        var diagnostics: [Diagnostic] = []
        let merged = ConfigNode.mergeScenarios(parent, root.removing(key: "extends"), diagnostics: &diagnostics)
        guard diagnostics.isEmpty else { throw ScenarioError(diagnostics.sortedBySource()) }
        return merged
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    // MARK: - YAML to ConfigNode

    private static func convert(_ node: Node, location: (Mark?) -> FileLocation,
                                budget: inout Int) throws(ScenarioError) -> ConfigNode {
        budget -= 1
        guard budget >= 0 else {
            throw ScenarioError(location: location(node.mark),
                                message: "the file expands to more than \(maximumNodes) values (YAML anchors and aliases repeat what they name); a scenario needs far fewer")
        }
        switch node {
        case let .scalar(scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            return ConfigNode(value: .scalar(scalar.string, isPlain: plain), location: location(scalar.mark))
        case let .mapping(mapping):
            var entries: [ConfigNode.Entry] = []
            for (key, value) in mapping {
                guard case let .scalar(keyScalar) = key else {
                    throw ScenarioError(location: location(key.mark), message: "mapping keys must be plain names, got a \(key.isMapping ? "mapping" : "list")")
                }
                entries.append(.init(key: keyScalar.string, keyLocation: location(keyScalar.mark),
                                     value: try convert(value, location: location, budget: &budget)))
            }
            return ConfigNode(value: .mapping(entries), location: location(mapping.mark))
        case let .sequence(sequence):
            var items: [ConfigNode] = []
            for item in sequence {
                items.append(try convert(item, location: location, budget: &budget))
            }
            return ConfigNode(value: .sequence(items), location: location(sequence.mark))
        case let .alias(alias):
            throw ScenarioError(location: location(alias.mark), message: "an unresolved YAML alias")
        }
    }

    private static func yamlDiagnostic(_ error: YamlError, file: String,
                                       location: (Mark?) -> FileLocation) -> ScenarioError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return ScenarioError(location: location(mark), message: "invalid YAML: \(detail)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ScenarioError(location: location(context.mark),
                                 message: "duplicate key\(duplicates.count > 1 ? "s" : "") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in one mapping")
        case let .reader(problem, _, _, _):
            return ScenarioError(location: location(nil), message: "cannot read the YAML text: \(problem)")
        default:
            return ScenarioError(location: location(nil), message: "invalid YAML")
        }
    }
}

private extension Node {
    var isMapping: Bool {
        if case .mapping = self { return true }
        return false
    }
}
