import ArgumentParser
import CapsimKit
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fill the migrations' schema (in SQLite) with synthetic data matching a projected month.",
        discussion: """
        Accounts, tiers, subscriptions and their history, organizations, conversations, \
        messages and analytics events consistent with the deterministic projection at --month, \
        as of the end of that month. --scale F multiplies every count; --max-rows R picks a \
        scale at which no table has more than R rows: the largest table is expected to have \
        about R − 3√R rows (or all of the month's, if fewer), and in the rare case that a \
        drawn count still exceeds R the month is generated again at a lower scale. A month \
        that would not fit in memory is refused with the scale that would, and a scale so \
        small that no account is left with the smallest one that keeps an account. With --output DIR, writes one CSV per table \
        (header row; load with psql's \\copy table FROM 'file.csv' csv header; auth_users.csv \
        goes to auth.users). Deterministic for a seed.
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(parsing: .unconditional, help: "The projected month the data matches.")
    var month: Int

    @Option(parsing: .unconditional, help: "Multiply every count by this (0 < F ≤ 1). Default 1.")
    var scale: Double?

    @Option(name: .customLong("max-rows"), parsing: .unconditional, help: "Pick the scale so that no table has more than this many rows.")
    var maxRows: Int?

    @Option(parsing: .unconditional, help: "Random seed, 0 to 18446744073709551615.")
    var seed: UInt64 = 1

    @Option(help: "Write one CSV per table into this directory (created if missing).")
    var output: String?

    @Option(help: "The migrations directory.")
    var migrations = "migrations"

    @Option(name: .customLong("memory-limit"), parsing: .unconditional, help: "Refuse data larger than this many GB in memory (0.001 to 1,000,000).")
    var memoryLimit: Double = 8

    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "Also load the month into this PostgreSQL database: migrations applied as they are, rows by COPY; rows and bytes are then PostgreSQL's.",
        valueName: "postgresql://user@host:port/db"))
    var databaseURL: String?

    @Flag(help: "With --database-url: drop schema public and empty auth.users first (a throwaway database only).")
    var reset = false

    @Flag(name: .customLong("integrity-check"), help: "Also run SQLite's PRAGMA integrity_check on the loaded database and report it.")
    var integrityCheck = false

    func validate() throws {
        if scale != nil, maxRows != nil { throw ValidationError("give --scale or --max-rows, not both") }
        if reset, databaseURL == nil { throw ValidationError("--reset needs --database-url") }
        if let scale, !(scale > 0 && scale <= 1) { throw ValidationError("--scale must be in (0, 1], got \(scale)") }
        if let maxRows, !(1...1_000_000_000).contains(maxRows) { throw ValidationError("--max-rows must be between 1 and 1000000000, got \(maxRows)") }
        if !(memoryLimit.isFinite && memoryLimit >= 0.001 && memoryLimit <= 1e6) {
            throw ValidationError("--memory-limit must be between 0.001 and 1000000 GB, got \(memoryLimit)")
        }
    }

    func run() throws {
        let loaded = try Scenario.load(path: scenario)
        let projection = try Simulator.project(loaded)
        let options = DataOptions(month: month, scale: scale ?? 1, seed: seed, memoryLimit: memoryLimit * 1e9)
        if let problem = try SyntheticData(projection: projection, options: options).emptyMonthProblem(maxRows: maxRows) {
            throw ToolError(description: problem)
        }
        let data: SyntheticData, schema: SQLiteSchema, counts: TableCounts
        if let maxRows {
            (data, schema, counts) = try SyntheticData.generate(projection, options: options, maxRows: maxRows) {
                try SQLiteSchema(migrations: migrations)
            }
        } else {
            data = try SyntheticData(projection: projection, options: options)
            schema = try SQLiteSchema(migrations: migrations)
            counts = try data.generate(into: schema)
        }
        var document = ReportDocument(
            title: "capsim data: \(loaded.name), month \(month) (\(loaded.start.adding(months: month)))",
            subtitle: "scale \(NumberFormat.significant(data.options.scale)), seed \(seed); as of \(Timestamp.format(data.endOfMonth))")
        let expected = data.expectedCounts()
        var storage = try schema.measureStorage()
        var rows = counts.counts
        if let databaseURL {
            do {
                let report = try PostgresLoad.run(schema: schema, counts: counts, url: databaseURL, migrations: migrations, reset: reset,
                                                  clock: data.endOfMonth)
                storage = report.storage
                rows = counts.counts.map { ($0.table, report.storage.table($0.table)?.rows ?? 0) }
                document.sections.append(.init(title: "PostgreSQL", lines: [
                    "Loaded into \(PostgresConnection.redacted(databaseURL)) with COPY after applying \(migrations)/ as written"
                        + (report.appliedAuthStub ? " (with the auth stub 000: the server had no auth.users)" : " (000 skipped: the server has auth.users)")
                        + "; rows are SELECT count(*) there, bytes pg_total_relation_size (indexes and TOAST)."
                        + " The data's moment is \(PostgresLoad.clockSchema).now() (and .today()): \(Timestamp.format(data.endOfMonth))."]))
            } catch let error as PostgresError {
                throw ToolError(description: "--database-url: \(error.description)")
            }
        }
        document.sections.append(.init(title: "Tiers", lines: [
            "Stored in the schema's tier columns as: \(SchemaTiers.describe(data.schemaTiers, of: loaded)) (set a tier's schema_tier to choose)."]))
        document.sections.append(.init(title: "Rows per table", table: .init(
            headers: ["table", "rows", "expected at this scale"],
            rows: rows.map { [$0.table, NumberFormat.grouped(Double($0.rows)),
                              NumberFormat.grouped(Double(expected[$0.table]) * data.options.scale)] },
            rightAligned: [1, 2])))
        document.sections.append(storage.comparison(with: loaded))
        if integrityCheck {
            let problems = try schema.integrityProblems()
            guard problems.isEmpty else {
                throw ToolError(status: .internalError, description: "PRAGMA integrity_check found \(problems.count) problem(s) in the loaded database, first: \(problems[0]); please report it")
            }
            document.sections.append(.init(title: "Integrity", lines: ["PRAGMA integrity_check: ok"]))
        }
        if let output {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for table in try schema.tablesAsCSV() {
                try OutputFile.write(table.csv, to: (output as NSString).appendingPathComponent("\(table.table).csv"))
            }
            document.sections.append(.init(title: "CSV", lines: ["One file per table in \(output)."]))
        }
        try OutputFile.writeStandardOutput(document.plainText())
    }
}
