/// How one PostgreSQL construct of the migrations or queries was carried into SQLite.
public struct ConstructNote: Sendable, Hashable {
    public enum Handling: String, Sendable, CaseIterable {
        /// Rewritten into equivalent SQLite.
        case translated
        /// Imitated: the same results for capsim's purposes, by other means.
        case emulated
        /// Not carried over (no SQLite equivalent), with the reason.
        case skipped
    }

    /// The construct, e.g. `CREATE POLICY`, `uuid`, `INTERVAL arithmetic`.
    public var construct: String
    public var handling: Handling
    /// `file:line` of the statement.
    public var location: String
    /// How it was handled, or why it was skipped.
    public var detail: String
}

/// A migration or query that cannot be loaded: an unrecognised statement, or SQL that SQLite
/// rejects after translation. Names the file and line.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public var location: String
    public var message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line: error: message`, as compilers write it; `error: message` without a location.
    public var description: String { location.isEmpty ? "error: \(message)" : "\(location): error: \(message)" }
}
