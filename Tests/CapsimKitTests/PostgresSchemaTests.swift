import CapsimKit
import Foundation
import GRDB
import Testing

/// The migrations and queries on a real PostgreSQL 15, and the agreement of SQLite with it.
/// Each test starts its own throwaway server and removes it, also when the test fails.
/// Skipped (with this reason shown) where PostgreSQL is not installed, except in CI.
@Suite("PostgreSQL: migrations, catalog, queries and SQLite fidelity",
       .enabled(if: PostgresServer.shouldRun, "PostgreSQL 15 is not installed here; .ci/run installs it and CI runs these"),
       .serialized)
struct PostgresSchemaTests {
    static let migrations = Fixtures.path("migrations")
    static let queries = Fixtures.path("queries")

    /// Applies 000–011 in order: each file in one transaction, except files marked
    /// `-- transaction: none` (ALTER SYSTEM), which psql runs as they are.
    static func applyMigrations(_ server: PostgresServer) throws {
        for file in try SQLiteSchema.migrationFiles(in: migrations) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try server.apply(file: file, transactional: !text.contains("\n-- transaction: none"))
        }
    }

    static let expectedTables = [
        "auth.users", "public.profiles", "public.conversations", "public.chat_messages", "public.subscriptions",
        "public.subscription_history", "public.usage_quotas", "public.daily_usage", "public.analytics_events",
        "public.waitlist", "public.user_feedback", "public.organizations", "public.organization_members",
        "public.audit_log", "public.sso_providers", "public.data_export_requests", "public.chat_messages_archive",
        "public.organization_quotas", "public.tenant_schemas",
    ]

    @Test("000–011 apply in order, each in a transaction, twice (idempotent); the catalog has every table, RLS everywhere, an index for every foreign key")
    func migrationsAndCatalog() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        try Self.applyMigrations(server)
        try Self.applyMigrations(server)

        let tables = try server.query("""
            SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname IN ('public', 'auth') ORDER BY 1
            """).split(separator: "\n").dropFirst().map(String.init)
        for table in Self.expectedTables { #expect(tables.contains(table), "missing table \(table)") }

        let views = try server.query("SELECT matviewname FROM pg_matviews ORDER BY 1")
        #expect(views.contains("recent_messages_cache") && views.contains("user_cohorts"))

        let partitioned = try server.query("SELECT relname FROM pg_class WHERE relkind = 'p' ORDER BY 1")
        #expect(partitioned.contains("analytics_events") && partitioned.contains("chat_messages"))
        let partitions = try server.query("SELECT count(*) FROM pg_inherits WHERE inhparent = 'chat_messages'::regclass")
        #expect(partitions.contains("37"), "36 monthly partitions and a default: \(partitions)")

        // Every user-data table (everything in public but partitions) has row-level security on.
        let withoutRLS = try server.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT c.relrowsecurity
            """)
        #expect(withoutRLS.split(separator: "\n").count == 1, "tables without RLS:\n\(withoutRLS)")
        let policies = try server.query("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'")
        #expect((Int(policies.split(separator: "\n")[1]) ?? 0) >= 25)

        // No foreign key without an index whose leading columns are the key's columns.
        let unindexed = try server.query("""
            SELECT c.conrelid::regclass || ' (' || c.conname || ')' FROM pg_constraint c
            WHERE c.contype = 'f' AND c.conparentid = 0 AND NOT EXISTS (
                SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)
            """)
        #expect(unindexed.split(separator: "\n").count == 1, "foreign keys without an index:\n\(unindexed)")
    }

    @Test("Every query in queries/ runs on PostgreSQL")
    func queriesRun() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        try Self.applyMigrations(server)
        let queries = try QueryFile.all(in: Self.queries)
        #expect(queries.count >= 9)
        for query in queries {
            let output = try server.psql(["--csv", "-f", query.path])
            #expect(output.status == 0, "\(query.name): \(output.stderr)")
        }
    }

    @Test("The same data gives the same answers on PostgreSQL and SQLite for every portable query (numbers within 1e-9)")
    func fidelity() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        try Self.applyMigrations(server)
        let data = Fixtures.path("Tests/CapsimKitTests/Fixtures/fidelity_data.sql")
        try server.apply(file: data)
        let sqlite = try SQLiteSchema(migrations: Self.migrations)
        try sqlite.load(file: data)

        _ = try server.query("REFRESH MATERIALIZED VIEW user_cohorts")
        _ = try server.query("REFRESH MATERIALIZED VIEW recent_messages_cache")
        try sqlite.refreshMaterializedViews()

        let portable = try QueryFile.all(in: Self.queries).filter(\.isPortable)
        #expect(portable.count >= 7)
        for query in portable {
            let postgres = try server.query(query.sql)
            let lite = try sqlite.run(query)
            if query.isWrite {
                // psql reports "INSERT 0 n".
                let tag = postgres.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(tag == "INSERT 0 \(lite.changes)", "\(query.name): PostgreSQL \(tag), SQLite \(lite.changes) rows")
                #expect(lite.changes > 0, "\(query.name) should move some rows of the dataset")
                continue
            }
            let rows = CSVTable.parse(postgres)
            #expect(rows.first?.count == lite.columns.count, "\(query.name): column counts differ")
            let expected = Array(rows.dropFirst())
            #expect(expected.count == lite.rows.count, "\(query.name): PostgreSQL \(expected.count) rows, SQLite \(lite.rows.count)")
            for (pgRow, liteRow) in zip(expected, lite.rows) {
                for (pg, value) in zip(pgRow, liteRow) {
                    #expect(Self.agree(pg, value), "\(query.name): PostgreSQL '\(pg)' vs SQLite '\(value)'")
                }
            }
        }
    }

    @Test("capsim data into PostgreSQL: migrations as written, rows by COPY equal to what was generated, bytes from pg_total_relation_size; a non-empty target needs --reset")
    func dataIntoPostgres() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let url = "postgresql://postgres@127.0.0.1:\(server.port)/postgres"
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let generated = try SyntheticData.generate(try Simulator.project(scenario), options: DataOptions(month: 9), maxRows: 3000) {
            try SQLiteSchema(migrations: Self.migrations)
        }
        // Into an empty server: the auth stub is applied, every generated row arrives
        let report = try PostgresLoad.run(schema: generated.schema, counts: generated.counts, url: url, migrations: Self.migrations, reset: false,
                                          clock: generated.data.endOfMonth)
        #expect(report.appliedAuthStub)
        #expect(try server.query("SELECT extract(epoch FROM capsim_clock.now())").contains(String(format: "%.3f", generated.data.endOfMonth)),
                "the data's clock")
        for (table, rows) in generated.counts.counts where rows > 0 {
            #expect(report.storage.table(table)?.rows == rows, "\(table)")
            #expect((report.storage.table(table)?.bytes ?? 0) > 0, "\(table) has bytes")
        }
        let messages = try server.query("SELECT count(*) FROM chat_messages").split(separator: "\n").last.map(String.init)
        #expect(messages == String(generated.counts["chat_messages"]))
        #expect(try server.query("SELECT relrowsecurity FROM pg_class WHERE relname = 'chat_messages'").contains("t"), "RLS as the migrations set it")
        // Again: refused without reset, then replaced with it (same counts, not doubled)
        #expect { try PostgresLoad.run(schema: generated.schema, counts: generated.counts, url: url, migrations: Self.migrations, reset: false) }
            throws: { "\($0)".contains("is not empty") && "\($0)".contains("--reset") }
        let again = try PostgresLoad.run(schema: generated.schema, counts: generated.counts, url: url, migrations: Self.migrations, reset: true)
        #expect(!again.appliedAuthStub)
        #expect(again.storage.table("chat_messages")?.rows == generated.counts["chat_messages"])
        #expect(again.storage.table("auth_users")?.rows == generated.counts["auth_users"])
        // A server that is not there is a clear error
        #expect { _ = try PostgresConnection(url: "postgresql://postgres@127.0.0.1:1/postgres") } throws: { "\($0)".contains("cannot connect") }
    }

    @Test("capsim queries on both engines: every portable query timed on PostgreSQL by EXPLAIN ANALYZE, the same results as SQLite, PostgreSQL's sizes in the measured scenario")
    func queriesOnBothEngines() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        let url = "postgresql://postgres@127.0.0.1:\(server.port)/postgres"
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let queries = try QueryFile.all(in: Fixtures.path("queries"))
        let bench = try QueryBench.run(scenario, months: [9], queries: queries, migrations: Self.migrations, maxRows: 3000, repeats: 2,
                                       scales: [0.5, 1], engines: [.sqlite, .postgres], postgres: PostgresTarget(url: url, reset: false))
        let portable = queries.filter(\.isPortable)
        #expect(bench.engines == [.sqlite, .postgres])
        for engine in QueryEngine.allCases {
            #expect(bench.timings.filter { $0.engine == engine }.count == portable.count * 2, "\(engine): every query at every scale")
        }
        let postgres = bench.timings.filter { $0.engine == .postgres }
        #expect(postgres.allSatisfy { $0.status == .ok || $0.status == .noRows }, "\(postgres.filter { $0.status != .ok }.map { "\($0.query): \($0.reason)" })")
        #expect(postgres.filter(\.isTimed).allSatisfy { $0.plan.contains("(buffers: ") && !$0.table.isEmpty })
        // The send_message insert is rolled back on both engines: every later query sees the same rows
        #expect(bench.fidelity.count == portable.count * 2)
        #expect(bench.fidelity.allSatisfy { $0.sameResult == true }, "\(bench.fidelity.filter { $0.sameResult != true }.map { "\($0.query) at \($0.scale): \($0.sqliteRows) vs \($0.postgresRows)" })")
        #expect(bench.fidelityCSV().hasPrefix("month,query,scale,sqlite_rows,postgres_rows,same_result,sqlite_ms,postgres_ms,ratio\r\n"))
        #expect(bench.timingsCSV().hasPrefix("month,query,scale,engine,status,"))
        #expect(Set(bench.fits.map(\.engine)) == [.sqlite, .postgres])
        // The measured scenario takes PostgreSQL's sizes and times
        #expect(bench.measuringEngine == .postgres)
        let messages = try #require(bench.storage?.table("chat_messages"))
        let bytes = try server.query("SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('public.chat_messages')), pg_total_relation_size('public.chat_messages'))")
        // (measured on loading; the rolled-back inserts timed since leave dead rows, never fewer bytes)
        let now = Int(bytes.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.first ?? -1)
        #expect(messages.bytes > 0 && messages.bytes <= now, "\(messages.bytes) vs \(bytes)")
        #expect(bench.measuredScenarioYAML(extending: "x.yaml", command: "capsim queries", date: "2026-12-07").contains("bytes per row from PostgreSQL"))
        // A wrong URL is a clear error before any data is made
        #expect { _ = try QueryBench.run(scenario, months: [9], queries: queries, migrations: Self.migrations, maxRows: 3000, repeats: 1,
                                         engines: [.postgres], postgres: PostgresTarget(url: "postgresql://postgres@127.0.0.1:1/x", reset: false)) }
            throws: { "\($0)".contains("cannot connect") }
    }

    /// Equal as numbers (within 1e-9), as instants (timestamps in either format, within a
    /// minute: the fixture's times are relative to now() at each load, and the two loads run
    /// moments apart), or as text; NULL is an empty cell.
    static func agree(_ postgres: String, _ sqlite: DatabaseValue) -> Bool {
        switch sqlite.storage {
        case .null: return postgres.isEmpty
        case let .int64(value): return Double(postgres).map { abs($0 - Double(value)) <= 1e-9 } ?? false
        case let .double(value): return Double(postgres).map { abs($0 - value) <= 1e-9 * max(1, abs(value)) } ?? false
        case let .string(text):
            if let a = Timestamp.parse(postgres), let b = Timestamp.parse(text) { return abs(a - b) < 60 }
            return postgres == text
        case .blob: return false
        }
    }
}

/// psql's --csv output, parsed (quoted fields, doubled quotes).
enum CSVTable {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { row.append(field); field = "" } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
