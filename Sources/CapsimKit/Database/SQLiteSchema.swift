import Foundation
import GRDB

/// The migrations of `migrations/` loaded into an in-memory SQLite database through
/// ``SQLTranslator``, with a record of every construct that was translated, emulated or skipped.
public final class SQLiteSchema: @unchecked Sendable {
    /// The in-memory database.
    public let queue: DatabaseQueue
    /// Every construct met, in load order.
    public private(set) var notes: [ConstructNote] = []
    /// Materialized views (emulated as tables) and the SELECT that fills each.
    public private(set) var materializedViews: [String: String] = [:]
    /// The migration files loaded, in order.
    public let files: [String]
    /// What `now()` (and `CURRENT_DATE`) answer.
    public let clock = DatabaseClock()

    /// Migration files of `directory`: `NNN_name.sql`, in name order.
    public static func migrationFiles(in directory: String) throws(SchemaError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw SchemaError(location: directory, message: "no migrations directory here (run capsim from the repository, or give --migrations DIR)")
        }
        let files = names.filter { $0.hasSuffix(".sql") && $0.prefix(3).allSatisfy(\.isNumber) }.sorted()
        guard !files.isEmpty else { throw SchemaError(location: directory, message: "no NNN_*.sql migration files") }
        return files.map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Loads every migration of `directory`, each file in one transaction.
    public init(migrations directory: String) throws(SchemaError) {
        files = try Self.migrationFiles(in: directory)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let clock = self.clock
        configuration.prepareDatabase { db in SQLiteFunctions.register(in: db, clock: clock) }
        do {
            queue = try DatabaseQueue(configuration: configuration)
        } catch {
            throw SchemaError(location: directory, message: "cannot open an in-memory SQLite database: \(error)")
        }
        for file in files {
            try load(file: file)
        }
    }

    /// Runs a PostgreSQL file (migrations, seed data) through the translator, in one transaction.
    public func load(file: String) throws(SchemaError) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw SchemaError(location: file, message: "cannot read the file")
        }
        let statements: [SQLStatement]
        do { statements = try SQLLexer.statements(in: text, file: file) } catch {
            throw SchemaError(location: "\(error.file):\(error.line)", message: error.message)
        }
        try run(statements)
    }

    /// Translates and runs statements in one transaction; the first failure names its file:line.
    func run(_ statements: [SQLStatement]) throws(SchemaError) {
        var translator = SQLTranslator()
        var failure: SchemaError?
        do {
            try queue.inTransaction { db in
                for statement in statements {
                    let plan: SQLitePlan
                    do { plan = try translator.translate(statement) } catch let error as SchemaError {
                        failure = error
                        return .rollback
                    }
                    do {
                        try self.execute(plan, db: db)
                    } catch {
                        failure = SchemaError(location: statement.location,
                                              message: "SQLite rejected the translated statement: \(Self.message(of: error))\n    \(Self.describe(plan))")
                        return .rollback
                    }
                }
                return .commit
            }
        } catch {
            throw SchemaError(location: statements.first?.location ?? "", message: "\(error)")
        }
        if let failure { throw failure }
        notes += translator.notes
    }

    private func execute(_ plan: SQLitePlan, db: Database) throws {
        switch plan {
        case let .execute(sql):
            try db.execute(sql: sql)
        case let .materializedView(name, select, ifNotExists, withData):
            if ifNotExists, try db.tableExists(name) { return }
            try db.execute(sql: "CREATE TABLE \(name) AS SELECT * FROM (\(select))\(withData ? "" : " WHERE 0")")
            materializedViews[name] = select
        case let .refresh(name):
            try refresh(name, db: db)
        case let .addColumn(table, column, sql):
            if try db.columns(in: table).contains(where: { $0.name.lowercased() == column.lowercased() }) { return }
            try db.execute(sql: sql)
        case .skip:
            break
        }
    }

    private func refresh(_ name: String, db: Database) throws {
        guard let select = materializedViews[name] else {
            throw SchemaError(location: name, message: "no materialized view named \(name)")
        }
        try db.execute(sql: "DELETE FROM \(name)")
        try db.execute(sql: "INSERT INTO \(name) SELECT * FROM (\(select))")
    }

    /// `REFRESH MATERIALIZED VIEW name`.
    public func refreshMaterializedView(_ name: String) throws {
        try queue.inTransaction { db in
            try self.refresh(name, db: db)
            return .commit
        }
    }

    /// What `PRAGMA integrity_check` reports wrong with the database; empty when it says ok.
    public func integrityProblems() throws -> [String] {
        let lines = try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        return lines == ["ok"] ? [] : lines
    }

    /// Refreshes every materialized view (in load order of their definitions).
    public func refreshMaterializedViews() throws {
        for name in materializedViews.keys.sorted() { try refreshMaterializedView(name) }
    }

    /// The schema as SQLite holds it: the CREATE statement of every table and index.
    public func schemaSQL() throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, tbl_name, name
                """)
        }
    }

    /// The tables, without SQLite's own.
    public func tableNames() throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
    }

    static func message(of error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error)" }
        return "\(error)"
    }

    static func describe(_ plan: SQLitePlan) -> String {
        switch plan {
        case let .execute(sql): sql
        case let .materializedView(name, select, _, _): "CREATE TABLE \(name) AS \(select)"
        case let .refresh(name): "REFRESH \(name)"
        case let .addColumn(_, _, sql): sql
        case .skip: ""
        }
    }
}
