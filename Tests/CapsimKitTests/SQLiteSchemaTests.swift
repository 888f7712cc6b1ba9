@testable import CapsimKit
import Foundation
import GRDB
import Testing

/// One rule per PostgreSQL construct: the statement in, SQLite (or a skip with a note) out.
@Suite("PostgreSQL to SQLite translation rules")
struct SQLTranslatorTests {
    static func translate(_ sql: String) throws -> (SQLitePlan, [ConstructNote]) {
        let statements = try SQLLexer.statements(in: sql, file: "t.sql")
        var translator = SQLTranslator()
        let plan = try translator.translate(statements[0])
        return (plan, translator.notes)
    }

    static func sql(_ text: String) throws -> String {
        guard case let .execute(sql) = try translate(text).0 else { return "" }
        return sql
    }

    @Test("Column types, defaults, identity and generated columns", arguments: [
        ("CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), at timestamptz NOT NULL DEFAULT now())",
         "CREATE TABLE t (\n    id TEXT PRIMARY KEY DEFAULT (gen_random_uuid()),\n    at TEXT NOT NULL DEFAULT (now())\n)"),
        ("CREATE TABLE IF NOT EXISTS t (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ok boolean NOT NULL DEFAULT false)",
         "CREATE TABLE IF NOT EXISTS t (\n    n INTEGER PRIMARY KEY,\n    ok INTEGER NOT NULL DEFAULT false\n)"),
        ("CREATE TABLE t (p jsonb NOT NULL DEFAULT '{}'::jsonb, a numeric(10, 2), v varchar(255) DEFAULT '', d date, b bytea)",
         "CREATE TABLE t (\n    p TEXT NOT NULL DEFAULT '{}',\n    a REAL,\n    v TEXT DEFAULT '',\n    d TEXT,\n    b BLOB\n)"),
        ("CREATE TABLE t (a timestamptz, b timestamptz, c timestamptz GENERATED ALWAYS AS (LEAST(a, b)) STORED)",
         "CREATE TABLE t (\n    a TEXT,\n    b TEXT,\n    c TEXT GENERATED ALWAYS AS (LEAST(a, b)) STORED\n)"),
        ("CREATE TABLE t (u uuid REFERENCES auth.users (id) ON DELETE CASCADE, PRIMARY KEY (u))",
         "CREATE TABLE t (\n    u TEXT REFERENCES auth_users (id) ON DELETE CASCADE,\n    PRIMARY KEY (u)\n)"),
        ("CREATE TABLE auth.users (id uuid PRIMARY KEY)", "CREATE TABLE auth_users (\n    id TEXT PRIMARY KEY\n)"),
        ("CREATE TABLE m (id uuid, at timestamptz, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
         "CREATE TABLE m (\n    id TEXT,\n    at TEXT,\n    PRIMARY KEY (id, at)\n)"),
    ])
    func tables(postgres: String, sqlite: String) throws {
        #expect(try Self.sql(postgres) == sqlite)
    }

    @Test("Expressions: casts, INTERVAL arithmetic, ordered-set aggregates, schema names", arguments: [
        ("SELECT * FROM t WHERE created_at > NOW() - INTERVAL '7 days'",
         "SELECT * FROM t WHERE created_at > pg_add_interval(NOW(), '-7 days')"),
        ("SELECT count(*) FROM t WHERE ae.created_at > u.created_at + INTERVAL '7 days'",
         "SELECT count(*) FROM t WHERE ae.created_at > pg_add_interval(u.created_at, '+7 days')"),
        ("SELECT x::date, y::text, z::int, '1'::numeric FROM t", "SELECT date(x), y, CAST(z AS INTEGER), CAST('1' AS REAL) FROM t"),
        ("SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY n) AS m FROM t", "SELECT percentile_cont(0.5, n) AS m FROM t"),
        ("SELECT DATE_TRUNC('week', u.created_at) FROM auth.users u", "SELECT DATE_TRUNC('week', u.created_at) FROM auth_users u"),
        ("SELECT COUNT(*) FROM public.chat_messages WHERE DATE(created_at) = CURRENT_DATE",
         "SELECT COUNT(*) FROM chat_messages WHERE DATE(created_at) = date(now())"),
        ("INSERT INTO q (a) VALUES (1) ON CONFLICT (a) DO NOTHING", "INSERT INTO q (a) VALUES (1) ON CONFLICT (a) DO NOTHING"),
    ])
    func expressions(postgres: String, sqlite: String) throws {
        #expect(try Self.sql(postgres) == sqlite)
    }

    @Test("Indexes: B-tree kept, BRIN emulated, GIN skipped")
    func indexes() throws {
        #expect(try Self.sql("CREATE INDEX IF NOT EXISTS i ON t USING brin (at)") == "CREATE INDEX IF NOT EXISTS i ON t (at)")
        #expect(try Self.sql("CREATE UNIQUE INDEX i ON auth.users (email) WHERE email IS NOT NULL")
                == "CREATE UNIQUE INDEX i ON auth_users (email) WHERE email IS NOT NULL")
        let (plan, notes) = try Self.translate("CREATE INDEX i ON t USING gin (properties)")
        #expect(plan == .skip)
        #expect(notes.first?.handling == .skipped && notes.first?.construct == "GIN index")
    }

    @Test("Materialized views become tables with a refresh; REFRESH refills them")
    func materializedViews() throws {
        let (plan, notes) = try Self.translate("CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT * FROM t WHERE at > NOW() - INTERVAL '7 days' WITH DATA")
        #expect(plan == .materializedView(name: "v", select: "SELECT * FROM t WHERE at > pg_add_interval(NOW(), '-7 days')", ifNotExists: true, withData: true))
        #expect(notes.contains { $0.construct == "CREATE MATERIALIZED VIEW" && $0.handling == .emulated })
        #expect(try Self.translate("REFRESH MATERIALIZED VIEW CONCURRENTLY v").0 == .refresh(name: "v"))
        #expect(try Self.sql("DROP MATERIALIZED VIEW IF EXISTS v") == "DROP TABLE IF EXISTS v")
    }

    @Test("Statements SQLite cannot run are skipped with their reason", arguments: [
        ("ALTER TABLE t ENABLE ROW LEVEL SECURITY", "ENABLE ROW LEVEL SECURITY"),
        ("CREATE POLICY p ON t FOR SELECT TO authenticated USING (user_id = auth.uid())", "row-level security policy"),
        ("CREATE OR REPLACE FUNCTION f() RETURNS void AS $$ BEGIN PERFORM 1; END; $$ LANGUAGE plpgsql", "CREATE FUNCTION (plpgsql)"),
        ("CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT 1 $$", "auth.uid()"),
        ("DO $$ BEGIN CREATE ROLE x; END $$", "DO block (PL/pgSQL)"),
        ("ALTER SYSTEM SET max_connections = 100", "ALTER SYSTEM"),
        ("CREATE TRIGGER a AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", "trigger"),
        ("CREATE TABLE t_2025_01 PARTITION OF t FOR VALUES FROM ('2025-01-01') TO ('2025-02-01')", "partition (PARTITION OF)"),
        ("CREATE EXTENSION IF NOT EXISTS pgcrypto", "CREATE EXTENSION"),
        ("REVOKE ALL ON v FROM anon", "REVOKE"),
        ("CREATE SCHEMA IF NOT EXISTS auth", "CREATE SCHEMA"),
    ])
    func skipped(postgres: String, construct: String) throws {
        let (plan, notes) = try Self.translate(postgres)
        #expect(plan == .skip)
        #expect(notes.contains { $0.construct == construct && $0.location == "t.sql:1" }, "\(notes)")
    }

    @Test("ADD COLUMN IF NOT EXISTS is emulated by checking the table first")
    func addColumn() throws {
        let (plan, _) = try Self.translate("ALTER TABLE conversations ADD COLUMN IF NOT EXISTS organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL")
        #expect(plan == .addColumn(table: "conversations", column: "organization_id",
                                   sql: "ALTER TABLE conversations ADD COLUMN organization_id TEXT REFERENCES organizations (id) ON DELETE SET NULL"))
    }

    @Test("Anything without a rule is an error naming file:line, never dropped", arguments: [
        ("CREATE TYPE mood AS ENUM ('a')", "unrecognised statement 'CREATE TYPE mood AS…'"),
        ("SELECT * FROM t WHERE props @> '{}'", "the operator @> has no SQLite rule"),
        ("CREATE TABLE t (a money)", "column 'a': type 'money' has no SQLite rule"),
        ("SELECT INTERVAL '1 day'", "INTERVAL outside date arithmetic"),
        ("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)", "ADD CONSTRAINT has no SQLite rule"),
    ])
    func unrecognised(postgres: String, message: String) {
        #expect {
            _ = try Self.translate("\n\n" + postgres)
        } throws: { error in
            "\(error)".hasPrefix("t.sql:3: error: ") && "\(error)".contains(message)
        }
    }

    @Test("The lexer keeps dollar-quoted bodies, strings and comments whole")
    func lexer() throws {
        let text = "-- a comment; with a semicolon\nSELECT 'it''s; fine';\nDO $body$ BEGIN PERFORM 1; END $body$;\n/* block; */ SELECT 2"
        let statements = try SQLLexer.statements(in: text, file: "l.sql")
        #expect(statements.map(\.line) == [2, 3, 4])
        #expect(statements[0].text == "SELECT 'it''s; fine'")
        #expect(statements[1].tokens.count == 2)
    }
}

@Suite("The migrations in SQLite")
struct SQLiteSchemaTests {
    static let migrations = Fixtures.path("migrations")

    @Test("000–011 load; the roadmap's tables exist; the skipped constructs are recorded")
    func loads() throws {
        let schema = try SQLiteSchema(migrations: Self.migrations)
        let tables = try schema.tableNames()
        for table in ["auth_users", "profiles", "conversations", "chat_messages", "analytics_events", "waitlist", "user_feedback",
                      "subscriptions", "subscription_history", "organizations", "organization_members", "user_cohorts",
                      "recent_messages_cache", "chat_messages_archive", "audit_log", "organization_quotas"] {
            #expect(tables.contains(table), "missing \(table)")
        }
        let skipped = Set(schema.notes.filter { $0.handling == .skipped }.map(\.construct))
        #expect(skipped.isSuperset(of: ["row-level security policy", "ENABLE ROW LEVEL SECURITY", "ALTER SYSTEM", "DO block (PL/pgSQL)", "trigger"]))
        #expect(schema.notes.allSatisfy { $0.location.contains(".sql:") })
        let columns = try schema.queue.read { db in try db.columns(in: "conversations").map(\.name) }
        #expect(columns.contains("organization_id"), "ADD COLUMN IF NOT EXISTS ran once")
    }

    @Test("Every portable query runs on the loaded schema")
    func queriesRun() throws {
        let schema = try SQLiteSchema(migrations: Self.migrations)
        try schema.refreshMaterializedViews()
        let queries = try QueryFile.all(in: Fixtures.path("queries"))
        #expect(queries.filter { !$0.isPortable }.map(\.name).sorted() == ["slow_queries", "unused_indexes"])
        for query in queries where query.isPortable {
            _ = try schema.run(query)
        }
    }

    @Test("A migration SQLite rejects names its file and line")
    func brokenMigration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "CREATE TABLE a (id uuid PRIMARY KEY);\n\nCREATE INDEX i ON missing (x);\n"
            .write(to: directory.appendingPathComponent("001_a.sql"), atomically: true, encoding: .utf8)
        #expect { try SQLiteSchema(migrations: directory.path) } throws: { error in
            "\(error)".contains("001_a.sql:3: error: SQLite rejected the translated statement: no such table: main.missing")
        }
    }

    @Test("Timestamps: parse PostgreSQL's forms, add intervals as PostgreSQL does, truncate to weeks starting Monday")
    func timestamps() throws {
        let t = try #require(Timestamp.parse("2025-01-31 10:30:00+00"))
        #expect(Timestamp.format(t) == "2025-01-31 10:30:00.000+00:00")
        #expect(Timestamp.parse("2025-01-31 12:30:00+02:00") == t)
        #expect(Timestamp.format(Timestamp.add("+1 month", to: t)!) == "2025-02-28 10:30:00.000+00:00")
        #expect(Timestamp.format(Timestamp.add("-6 months", to: t)!) == "2024-07-31 10:30:00.000+00:00")
        #expect(Timestamp.format(Timestamp.add("-7 days", to: t)!) == "2025-01-24 10:30:00.000+00:00")
        #expect(Timestamp.format(Timestamp.add("1 day 2 hours", to: t)!) == "2025-02-01 12:30:00.000+00:00")
        #expect(Timestamp.format(Timestamp.truncate("week", t)!) == "2025-01-27 00:00:00.000+00:00")
        #expect(Timestamp.format(Timestamp.truncate("month", t)!) == "2025-01-01 00:00:00.000+00:00")
        #expect(Timestamp.parse("2025-13-01") == nil && Timestamp.parse("yesterday") == nil)
    }

    @Test("percentile_cont interpolates as PostgreSQL's; least/greatest ignore NULLs")
    func registeredFunctions() throws {
        let schema = try SQLiteSchema(migrations: Self.migrations)
        try schema.queue.read { db in
            let median = try Double.fetchOne(db, sql: "SELECT percentile_cont(0.5, x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 10 UNION ALL SELECT 4)")
            #expect(median == 3)
            let p90 = try Double.fetchOne(db, sql: "SELECT percentile_cont(0.9, x) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 10 UNION ALL SELECT 4)")
            #expect(abs(p90! - 8.2) < 1e-12)
            #expect(try Int.fetchOne(db, sql: "SELECT least(3, NULL, 2)") == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT greatest(NULL, 3, 7)") == 7)
            #expect(try String.fetchOne(db, sql: "SELECT date_trunc('week', '2025-01-31 10:30:00.000+00:00')") == "2025-01-27 00:00:00.000+00:00")
        }
    }
}
