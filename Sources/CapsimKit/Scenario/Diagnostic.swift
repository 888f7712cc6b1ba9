/// A place in a scenario source: a YAML file, or a `--set` override given on the command line.
public struct FileLocation: Sendable, Hashable {
    /// The file path as the user gave it, or `--set` for a command-line override.
    public var file: String
    /// Line number, starting at 1 (for `--set`, the ordinal of the override).
    public var line: Int
    /// Column number, starting at 1, counted in Unicode scalars.
    public var column: Int
    /// The text of the source line, shown under the message with a caret.
    public var lineText: String

    public init(file: String, line: Int, column: Int, lineText: String) {
        self.file = file
        self.line = line
        self.column = column
        self.lineText = lineText
    }
}

/// One problem found in a scenario, reported the way a compiler reports an error:
/// `file:line:column: error: key.path: message`, then the line and a caret.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public var location: FileLocation?
    /// The key path of the offending value, for example `tiers[1].churn`; empty for the whole file.
    public var keyPath: String
    public var message: String

    public init(location: FileLocation?, keyPath: String, message: String) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let subject = keyPath.isEmpty ? "" : "\(keyPath): "
        guard let location else { return "error: \(subject)\(message)" }
        var text = "\(location.file):\(location.line):\(location.column): error: \(subject)\(message)"
        if !location.lineText.isEmpty {
            let prefix = location.lineText.unicodeScalars.prefix(max(0, location.column - 1))
            let padding = String(String.UnicodeScalarView(prefix).map { $0 == "\t" ? "\t" : " " })
            text += "\n    \(location.lineText)\n    \(padding)^"
        }
        return text
    }
}

/// The scenario could not be loaded: every problem found, in source order.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public init(location: FileLocation?, keyPath: String = "", message: String) {
        self.diagnostics = [Diagnostic(location: location, keyPath: keyPath, message: message)]
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
