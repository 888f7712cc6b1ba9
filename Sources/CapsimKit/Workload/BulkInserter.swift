import GRDB
import GRDBSQLite

/// Inserts rows through SQLite's C API with one prepared statement reused for every row
/// (no per-row Swift arrays or existentials): the hot path of synthetic data.
public struct BulkInserter {
    private let connection: OpaquePointer
    private let statement: OpaquePointer
    public let columns: Int
    public private(set) var rows = 0

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Prepares `INSERT INTO table (columns…) VALUES (?, …)` on `db`'s connection.
    public init(_ db: Database, table: String, columns names: [String]) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(message: "the database is closed") }
        var statement: OpaquePointer?
        let sql = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        guard sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
              let statement else {
            throw DatabaseError(message: String(cString: sqlite3_errmsg(connection)))
        }
        self.connection = connection
        self.statement = statement
        columns = names.count
    }

    /// Finalizes the statement.
    public func close() { sqlite3_finalize(statement) }

    @inline(__always) public func bind(_ index: Int, _ text: String) {
        sqlite3_bind_text(statement, Int32(index + 1), text, -1, Self.transient)
    }

    @inline(__always) public func bind(_ index: Int, utf8 bytes: UnsafeBufferPointer<UInt8>) {
        sqlite3_bind_text(statement, Int32(index + 1), UnsafeRawPointer(bytes.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) },
                          Int32(bytes.count), Self.transient)
    }

    @inline(__always) public func bind(_ index: Int, _ value: Int) { sqlite3_bind_int64(statement, Int32(index + 1), Int64(value)) }

    @inline(__always) public func bind(_ index: Int, _ value: Double) { sqlite3_bind_double(statement, Int32(index + 1), value) }

    @inline(__always) public func bindNull(_ index: Int) { sqlite3_bind_null(statement, Int32(index + 1)) }

    /// Inserts the bound row.
    public mutating func step() throws {
        guard sqlite3_step(statement) == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(statement)
            throw DatabaseError(message: message)
        }
        sqlite3_reset(statement)
        rows += 1
    }
}
