import Foundation
import Yams

/// Reads scenario files into ``ConfigNode`` trees: YAML parsing, `extends` and `--set` overrides.
public enum ScenarioSource {
    /// Reads `path`, follows its `extends` chain (maps merge, lists replace) and applies
    /// the `overrides` (`path.to.key=value`, in order).
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
            return FileLocation(file: file, line: line, column: mark?.column ?? 1, lineText: text)
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
            throw ScenarioError(location: location(nil), message: "the file is empty; a scenario is a YAML mapping")
        }
        return try convert(node, location: location)
    }

    // MARK: - Files and `extends`

    private static func loadFile(path: String, chain: [String]) throws(ScenarioError) -> ConfigNode {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            throw ScenarioError(location: nil, message: "cannot read scenario file '\(path)': \(reason)")
        }
        let root = try parse(yaml: text, file: path)
        guard root.entries != nil else {
            throw ScenarioError(location: root.location, message: "a scenario must be a YAML mapping of keys, got \(root.kindName)")
        }
        guard let parentNode = root["extends"] else { return root }
        guard case let .scalar(parentName, _) = parentNode.value, !parentNode.isNull else {
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
            if error.diagnostics.count == 1, error.diagnostics[0].location == nil {
                throw ScenarioError(location: parentNode.location, keyPath: "extends",
                                    message: error.diagnostics[0].message)
            }
            throw error
        }
        return parent.merged(with: root.removing(key: "extends"))
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    // MARK: - YAML to ConfigNode

    private static func convert(_ node: Node, location: (Mark?) -> FileLocation) throws(ScenarioError) -> ConfigNode {
        switch node {
        case let .scalar(scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            return ConfigNode(value: .scalar(scalar.string, isPlain: plain), location: location(scalar.mark))
        case let .mapping(mapping):
            var entries: [ConfigNode.Entry] = []
            for (key, value) in mapping {
                guard case let .scalar(keyScalar) = key else {
                    throw ScenarioError(location: location(key.mark), message: "mapping keys must be plain names")
                }
                entries.append(.init(key: keyScalar.string, keyLocation: location(keyScalar.mark),
                                     value: try convert(value, location: location)))
            }
            return ConfigNode(value: .mapping(entries), location: location(mapping.mark))
        case let .sequence(sequence):
            var items: [ConfigNode] = []
            for item in sequence {
                items.append(try convert(item, location: location))
            }
            return ConfigNode(value: .sequence(items), location: location(sequence.mark))
        case let .alias(alias):
            throw ScenarioError(location: location(alias.mark), message: "YAML aliases are not supported in scenarios")
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
        default:
            return ScenarioError(location: location(nil), message: "invalid YAML: \(error)")
        }
    }
}
