import Foundation
import GRDB
import GRDBSQLite

/// Loads many rows through SQLite's own insert path, the way its shell does it fast: one
/// transaction, the journal off, one prepared `INSERT` per table and column list reused
/// (bind, step, reset), and the secondary indexes dropped first and created again once the
/// rows are in (one sort each, on both cores with `PRAGMA threads`). SQLite writes every page
/// itself, so every construct it supports (partial and expression indexes, NOCASE, CHECK,
/// defaults, generated columns, WITHOUT ROWID) behaves as it does for any insert.
///
/// Binding goes through SQLite's C API on the prepared statements GRDB makes: a row through
/// GRDB's `StatementArguments` costs about twice as much (FACTS-toolchain: 249–284k rows/s
/// against 1.08–1.55M). Rows come in ``RowBatch``es, their texts packed in one buffer.
final class TableInserter {
    private let db: Database
    /// The secondary indexes to create again: their names and SQL, in the schema's order.
    private let indexes: [(name: String, sql: String)]
    /// Statements and rows inserted, by ``Shape/id``.
    private var statements: [Statement?] = []
    private var shapes: [Shape] = []
    private var counts: [Int] = []
    private var isFinished = false
    private let enforcedForeignKeys: Bool
    /// The journal mode before the load: restored after it, since without a journal a
    /// ROLLBACK (a write timed in a rolled-back savepoint) leaves its rows behind.
    private let journalMode: String

    /// Drops the secondary indexes of every table and begins the transaction.
    init(_ db: Database) throws {
        self.db = db
        indexes = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid")
            .map { ($0["name"], $0["sql"]) }
        // Foreign keys are not checked while loading (GRDB turns them on): each check is two
        // more B-tree searches per row. The generator guarantees them and the tests run
        // `PRAGMA foreign_key_check` on what it loads.
        enforcedForeignKeys = try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false
        journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "memory"
        try db.execute(sql: "PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA threads = 2")
        for index in indexes { try db.execute(sql: "DROP INDEX \(Self.quoted(index.name))") }
        try db.execute(sql: "BEGIN")
    }

    /// A table and the columns a row gives (the others take their defaults), numbered by
    /// whoever makes rows so that inserting one looks its statement up by index.
    final class Shape: Sendable {
        let id: Int
        let table: String
        let columns: [String]

        init(id: Int, table: String, columns: [String]) {
            self.id = id
            self.table = table
            self.columns = columns
        }
    }

    /// Inserts every row of `batch`, in order.
    func insert(_ batch: RowBatch) throws {
        try batch.bytes.withUnsafeBufferPointer { buffer in
            // Texts are bound in place (SQLITE_STATIC), pointing into the batch's bytes.
            // Sound: the bytes do not move or change inside this closure, every parameter of
            // a statement is bound again before each of its steps, and the bindings are
            // cleared before the closure returns, so SQLite never keeps a pointer past it.
            // (SQLITE_TRANSIENT made SQLite allocate and copy every text, and the strings'
            // own release on this thread cost as much again: 4.4 s → 3.0 s of inserts for month 60, see
            // Benchmarks/scripts/insert-vs-shell.sh.)
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var used: Set<Int> = []
            defer { for id in used { sqlite3_clear_bindings(statements[id]!.sqliteStatement) } }
            for row in batch.rows {
                let handle = try statement(for: row.shape).sqliteStatement
                used.insert(row.shape.id)
                for column in 0..<row.shape.columns.count {
                    let position = Int32(column + 1)
                    let code: Int32
                    switch batch.cells[row.firstCell + column] {
                    case let .text(start, count): code = sqlite3_bind_text(handle, position, base + start, Int32(count), nil)
                    case let .integer(number): code = sqlite3_bind_int64(handle, position, Int64(number))
                    case let .real(number): code = sqlite3_bind_double(handle, position, number)
                    case .null: code = sqlite3_bind_null(handle, position)
                    }
                    guard code == SQLITE_OK else { throw error(code, row.shape.table) }
                }
                let step = sqlite3_step(handle)
                sqlite3_reset(handle)
                guard step == SQLITE_DONE else { throw error(step, row.shape.table) }
                counts[row.shape.id] += 1
            }
        }
    }

    private func statement(for shape: Shape) throws -> Statement {
        if shape.id < statements.count, let cached = statements[shape.id] { return cached }
        if shape.id >= statements.count {
            statements += Array(repeating: nil, count: shape.id + 1 - statements.count)
            counts += Array(repeating: 0, count: shape.id + 1 - counts.count)
        }
        let names = shape.columns.map(Self.quoted).joined(separator: ", ")
        let marks = Array(repeating: "?", count: shape.columns.count).joined(separator: ", ")
        let statement = try db.makeStatement(sql: "INSERT INTO \(Self.quoted(shape.table)) (\(names)) VALUES (\(marks))")
        statements[shape.id] = statement
        shapes.append(shape)
        return statement
    }

    /// Rows inserted per table, by table name.
    var rowCounts: [(table: String, rows: Int)] {
        Dictionary(shapes.map { ($0.table, counts[$0.id]) }, uniquingKeysWith: +).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Commits and creates the secondary indexes again (a UNIQUE one fails on a duplicate).
    func finish() throws {
        statements = []
        try db.execute(sql: "COMMIT")
        isFinished = true
        for index in indexes { try db.execute(sql: index.sql) }
        if enforcedForeignKeys { try db.execute(sql: "PRAGMA foreign_keys = ON") }
        try db.execute(sql: "PRAGMA journal_mode = \(journalMode)")
    }

    /// Rolls back when the load stopped before ``finish()`` (the schema keeps its indexes).
    func abandon() {
        guard !isFinished else { return }
        statements = []
        try? db.execute(sql: "ROLLBACK")
        for index in indexes { try? db.execute(sql: index.sql) }
        if enforcedForeignKeys { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
        try? db.execute(sql: "PRAGMA journal_mode = \(journalMode)")
        isFinished = true
    }

    private func error(_ code: Int32, _ table: String) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: "inserting into \(table): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// Rows packed for ``TableInserter``: each row's shape and first cell, the cells, and one
/// buffer holding every text, so that a batch is three allocations however many rows it has.
struct RowBatch: Sendable {
    enum Cell: Sendable {
        case text(start: Int, count: Int)
        case integer(Int)
        case real(Double)
        case null
    }

    var rows: [(shape: TableInserter.Shape, firstCell: Int)] = []
    var cells: [Cell] = []
    var bytes: [UInt8] = []

    /// Appends a row: `values` in the order of the shape's columns (String, Int, Double or nil;
    /// anything else as its text).
    mutating func append(_ shape: TableInserter.Shape, _ values: [(any DatabaseValueConvertible)?]) {
        rows.append((shape, cells.count))
        for value in values {
            switch value {
            case let text as String: appendText(text)
            case let number as Int: cells.append(.integer(number))
            case let number as Double: cells.append(.real(number))
            case nil: cells.append(.null)
            case let other?: appendText("\(other)")
            }
        }
    }

    private mutating func appendText(_ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        cells.append(.text(start: start, count: bytes.count - start))
    }
}
