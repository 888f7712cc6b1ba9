import CLibPQ
import Foundation

/// A failure talking to PostgreSQL: the server's or libpq's own message.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// One connection to a PostgreSQL server through libpq: statements as text, results as text,
/// and `COPY … FROM STDIN` for loading rows.
public final class PostgresConnection {
    private let connection: OpaquePointer
    /// The URL it was opened with (for messages: print it ``redacted(_:)``).
    let url: String

    /// Connects to `url` (`postgresql://user@host:port/database`, or libpq's `key=value` form).
    /// - Throws: ``PostgresError`` with libpq's reason (unreachable server, bad URL, refused login).
    public init(url: String) throws(PostgresError) {
        guard let connection = PQconnectdb(url) else { throw PostgresError("cannot connect to \(Self.redacted(url)): out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError("cannot connect to \(Self.redacted(url)): \(reason)")
        }
        self.connection = connection
        self.url = url
        _ = try? execute("SET client_min_messages = warning")
    }

    deinit { PQfinish(connection) }

    /// Runs `sql` (one statement, or several separated by semicolons, which PostgreSQL runs as
    /// one implicit transaction) and returns the last result's rows as text (nil for NULL).
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> [[String?]] {
        guard let result = PQexec(connection, sql) else { throw PostgresError(errorMessage) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY: return []
        case PGRES_TUPLES_OK:
            return (0..<PQntuples(result)).map { row in
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            }
        default:
            throw PostgresError(String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The first column of the first row of `sql`'s result.
    public func value(_ sql: String) throws(PostgresError) -> String? { try execute(sql).first?.first ?? nil }

    /// Loads `csv` (a header line, then RFC 4180 rows) into `table`'s `columns` with
    /// `COPY … FROM STDIN` in 64 KB chunks.
    public func copy(into table: String, columns: [String], csv: String) throws(PostgresError) {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let start = PQexec(connection, "COPY \(table) (\(names)) FROM STDIN WITH (FORMAT csv, HEADER true)") else {
            throw PostgresError(errorMessage)
        }
        let status = PQresultStatus(start)
        let startError = String(cString: PQresultErrorMessage(start))
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw PostgresError("COPY \(table): \(startError.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var bytes = Array(csv.utf8)[...]
        var sent = true
        while !bytes.isEmpty, sent {
            let chunk = bytes.prefix(1 << 16)
            // libpq reads the chunk during the call only.
            sent = chunk.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) == 1 }
            }
            bytes = bytes.dropFirst(chunk.count)
        }
        guard sent, PQputCopyEnd(connection, nil) == 1 else { throw PostgresError("COPY \(table): \(errorMessage)") }
        var failure: String?
        while let result = PQgetResult(connection) {
            if PQresultStatus(result) != PGRES_COMMAND_OK {
                failure = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            PQclear(result)
        }
        if let failure { throw PostgresError("COPY \(table): \(failure)") }
    }

    private var errorMessage: String { String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines) }

    /// `url` without its password, for messages.
    public static func redacted(_ url: String) -> String {
        if !url.contains("://") { return url.replacing(/password\s*=\s*('[^']*'|\S+)/, with: "password=REDACTED") }   // key=value form
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "REDACTED"
        return components.string ?? url
    }
}
