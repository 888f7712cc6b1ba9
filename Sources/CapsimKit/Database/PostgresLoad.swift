import Foundation
import GRDB

/// Synthetic data of a projected month in real PostgreSQL: the migrations applied as they are
/// (RLS and policies included; the auth stub only where the server has no `auth.users`, as
/// on plain PostgreSQL), the generated rows loaded with COPY, then counted and weighed there.
public enum PostgresLoad {
    /// What the load left in PostgreSQL: rows per table (`SELECT count(*)`) and bytes with
    /// indexes and TOAST (`pg_total_relation_size`, summed over a partitioned table's partitions).
    public struct Report: Sendable {
        public var storage: StorageMeasurement
        /// Whether the auth stub (000) was applied: the server had no `auth.users`.
        public var appliedAuthStub: Bool
    }

    /// The PostgreSQL name of a table of capsim's SQLite schema (`auth_users` → `auth.users`).
    static func postgresName(of table: String) -> String {
        table == "auth_users" ? "auth.users" : "public.\(table)"
    }

    /// Applies `migrations` to the database at `url` and copies the tables the generator wrote
    /// (`counts`) from `schema` into it. A target with tables in `public` is refused unless
    /// `reset`, which drops the public schema and empties `auth.users` first.
    /// - Throws: ``PostgresError`` naming what failed (the connection, a migration's statement, a COPY).
    /// With `clock` (the data's moment, seconds since 1970 UTC), also sets ``clockSchema``'s
    /// `now()` and `today()` to it, so that queries can read the data's time.
    public static func run(schema: SQLiteSchema, counts: TableCounts, url: String, migrations: String,
                           reset: Bool, clock: Double? = nil) throws -> Report {
        try run(schema: schema, counts: counts, connection: try PostgresConnection(url: url), migrations: migrations, reset: reset, clock: clock)
    }

    /// The same on an open connection.
    static func run(schema: SQLiteSchema, counts: TableCounts, connection: PostgresConnection, migrations: String,
                    reset: Bool, clock: Double? = nil) throws -> Report {
        let url = connection.url
        let existing = Int(try connection.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") ?? "0") ?? 0
        let hasAuth = try connection.value("SELECT to_regclass('auth.users') IS NOT NULL") == "t"
        if existing > 0 {
            guard reset else {
                throw PostgresError("the database at \(PostgresConnection.redacted(url)) is not empty (\(existing) tables in schema public); "
                    + "give --reset to drop them first (a throwaway database only: it drops schema public and empties auth.users)")
            }
            try connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT ALL ON SCHEMA public TO public")
            if hasAuth { try connection.execute("TRUNCATE auth.users CASCADE") }
        }
        let files: [String]
        do { files = try SQLiteSchema.migrationFiles(in: migrations) } catch { throw PostgresError(error.description) }
        for file in files {
            let name = (file as NSString).lastPathComponent
            if name.hasPrefix("000_"), hasAuth { continue }
            try apply(file: file, on: connection)
        }
        // In the order the migrations create the tables, so that every foreign key's parent
        // rows are in before its children's.
        let order = try schema.queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
        }
        let written = Set(counts.counts.filter { $0.rows > 0 }.map(\.table))
        for table in order where written.contains(table) {
            let csv = try schema.tableAsCSV(table), name = postgresName(of: table)
            // The product's own triggers (the daily quota, updated_at) are its behaviour on new
            // writes, not part of the history loaded: off during the COPY, on again after.
            try connection.execute("ALTER TABLE \(name) DISABLE TRIGGER USER")
            try connection.copy(into: name, columns: csv.columns, csv: csv.text)
            try connection.execute("ALTER TABLE \(name) ENABLE TRIGGER USER")
        }
        // Materialized views were built empty when the migrations ran: build them on the rows.
        for view in try connection.execute("SELECT format('%I.%I', schemaname, matviewname) FROM pg_matviews ORDER BY 1").compactMap({ $0.first ?? nil }) {
            try connection.execute("REFRESH MATERIALIZED VIEW \(view)")
        }
        if let clock { try setClock(clock, on: connection) }
        try connection.execute("ANALYZE")
        var tables: [StorageMeasurement.Table] = []
        for (table, _) in counts.counts {
            let name = postgresName(of: table)
            let rows = Int(try connection.value("SELECT count(*) FROM \(name)") ?? "0") ?? 0
            let bytes = Int(try connection.value(
                "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('\(name)')), pg_total_relation_size('\(name)'))") ?? "0") ?? 0
            if rows > 0 { tables.append(.init(name: table, rows: rows, bytes: bytes)) }
        }
        return Report(storage: StorageMeasurement(tables: tables), appliedAuthStub: !hasAuth)
    }

    /// The schema holding the data's clock on PostgreSQL: `capsim_clock.now()` and
    /// `capsim_clock.today()` return the moment the data is taken at (the end of its month),
    /// as SQLite's clock does; `capsim queries` reads them where a query reads the server's.
    public static let clockSchema = "capsim_clock"

    /// Sets the data's clock on PostgreSQL to `seconds` since 1970 UTC.
    static func setClock(_ seconds: Double, on connection: PostgresConnection) throws(PostgresError) {
        let moment = Timestamp.format(seconds)
        try connection.execute("""
            CREATE SCHEMA IF NOT EXISTS \(clockSchema);
            CREATE OR REPLACE FUNCTION \(clockSchema).now() RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT timestamptz '\(moment)' $$;
            CREATE OR REPLACE FUNCTION \(clockSchema).today() RETURNS date LANGUAGE sql STABLE AS $$ SELECT (timestamptz '\(moment)' AT TIME ZONE 'UTC')::date $$;
            SET TIME ZONE 'UTC'
            """)
    }

    /// Runs a migration file statement by statement: in one transaction, unless its header says
    /// `-- transaction: none` (ALTER SYSTEM cannot run inside one).
    static func apply(file: String, on connection: PostgresConnection) throws(PostgresError) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw PostgresError("cannot read \(file)") }
        let statements: [SQLStatement]
        do { statements = try SQLLexer.statements(in: text, file: file) } catch {
            throw PostgresError("\(error.file):\(error.line): \(error.message)")
        }
        let transactional = !text.contains("\n-- transaction: none")
        if transactional { try connection.execute("BEGIN") }
        for statement in statements {
            do { try connection.execute(statement.text) } catch {
                if transactional { _ = try? connection.execute("ROLLBACK") }
                throw PostgresError("\(statement.location): \(error.description)")
            }
        }
        if transactional { try connection.execute("COMMIT") }
    }
}
