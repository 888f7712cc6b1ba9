import ArgumentParser
import CapsimKit
import Foundation

struct QueriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Time the portable queries of queries/ on synthetic data of projected months and fit how they grow.",
        discussion: """
        For each month (default: each phase-entry month), generates data at 1/16, 1/8, 1/4, 1/2 \
        and 1 of the scale that keeps every table at or under --max-rows rows, runs every portable \
        query --repeat times (median; a run past --query-timeout is interrupted), reads its plan \
        (EXPLAIN QUERY PLAN), fits time = a·rows^b on the log-log points (GSL least squares, R², a \
        90% interval from the fit's covariance) and extrapolates to the month's full size, warning \
        where that stretches the fit more than 10×. Every query appears in every month with its \
        status (ok, no rows, error, timed out) and why. Reports the first month of the whole \
        horizon each query passes its budget (its '-- budget_ms:' header, else the scenario's \
        queries.budget_ms, default 100) and full scans of tables over 100,000 rows; for each, it \
        proposes an index, creates it on the month's largest database, times the query again and \
        reports the speed-up (then drops it).

        --output DIR writes queries.csv, fits.csv, queries.json (what capsim report --queries \
        reads) and measured.yaml: a scenario that extends this one with the storage sizes measured \
        (usage.bytes_per_message, bytes_per_event, bytes_per_account) and, for each query with a \
        '-- per:' header, a workload.queries entry (MODEL.md §9) with ms = {a, b, table} from the \
        fit, so that `capsim run DIR/measured.yaml` projects storage and compute from the measurement.

        --engine postgres (or both) with --database-url loads each database into PostgreSQL as \
        `capsim data --database-url` does (the first load refuses a non-empty target unless \
        --reset) and times every portable query there: the server's execution time from EXPLAIN \
        (ANALYZE, BUFFERS, FORMAT JSON), its plan's node types and buffers; now(), CURRENT_DATE \
        and CURRENT_TIMESTAMP read the data's clock, as in SQLite. queries.csv and fits.csv get \
        an engine column; measured.yaml then takes PostgreSQL's times and sizes. With both, \
        --output also writes fidelity.csv: each query's rows on both engines, whether the results \
        are the same (in any order), both times and their ratio.
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(parsing: .unconditional, help: "Months to measure, comma-separated (default: each phase-entry month).")
    var months: String?

    @Flag(help: "Measure each phase-entry month (the default).")
    var phases = false

    @Option(name: .customLong("max-rows"), parsing: .unconditional, help: "Rows the largest table may have at the biggest scale (100 to 100,000,000; no table gets more).")
    var maxRows = 100_000

    @Option(parsing: .unconditional, help: "Runs of each query (1 to 1,000; the median is kept).")
    var `repeat` = 5

    @Option(name: .customLong("query-timeout"), parsing: .unconditional, help: "Seconds a query may run before it is interrupted and reported as timed out (0.001 to 3,600).")
    var queryTimeout = 30.0

    @Option(parsing: .unconditional, help: "Random seed of the data, 0 to 18446744073709551615.")
    var seed: UInt64 = 1

    @Option(help: "Write queries.csv, fits.csv, queries.json and measured.yaml (and fidelity.csv with --engine both) into this directory.")
    var output: String?

    @Option(help: "Report format: table or markdown.")
    var format: ReportFormat = .table

    @Option(help: "The migrations directory.")
    var migrations = "migrations"

    @Option(help: "The queries directory.")
    var queries = "queries"

    @Option(help: "Where to time the queries: sqlite (in process, the default), postgres (needs --database-url) or both.")
    var engine: EngineChoice = .sqlite

    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "The PostgreSQL database each synthetic database is loaded into (with --engine postgres or both).",
        valueName: "postgresql://user@host:port/db"))
    var databaseURL: String?

    @Flag(help: "With --database-url: let the first load drop schema public and empty auth.users (a throwaway database only).")
    var reset = false

    enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
        case sqlite, postgres, both
        var engines: [QueryEngine] { self == .both ? [.sqlite, .postgres] : self == .sqlite ? [.sqlite] : [.postgres] }
    }

    func validate() throws {
        if months != nil, phases { throw ValidationError("give --months or --phases, not both") }
        if engine != .sqlite, databaseURL == nil { throw ValidationError("--engine \(engine.rawValue) needs --database-url") }
        if engine == .sqlite, databaseURL != nil { throw ValidationError("--database-url needs --engine postgres or both") }
        if reset, databaseURL == nil { throw ValidationError("--reset needs --database-url") }
        if !(100...100_000_000).contains(maxRows) { throw ValidationError("--max-rows must be between 100 and 100000000, got \(maxRows)") }
        if !(1...1000).contains(`repeat`) { throw ValidationError("--repeat must be between 1 and 1000, got \(`repeat`)") }
        if !(queryTimeout.isFinite && queryTimeout >= 0.001 && queryTimeout <= 3600) {
            throw ValidationError("--query-timeout must be between 0.001 and 3600 seconds, got \(queryTimeout)")
        }
    }

    func run() throws {
        let loaded = try Scenario.load(path: scenario)
        let asked: [Int]
        if let months {
            let parsed = months.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parsed.allSatisfy({ $0.map { (1...loaded.horizonMonths).contains($0) } ?? false }) else {
                throw ToolError(description: "--months must be months between 1 and \(loaded.horizonMonths), comma-separated; got '\(months)'")
            }
            asked = parsed.map { $0! }
        } else {
            asked = QueryBench.phaseEntryMonths(of: try Simulator.project(loaded))
        }
        let progress = ProgressBar(label: "datasets")
        var done = 0
        let bench: QueryBench
        do {
            bench = try QueryBench.run(loaded, months: asked, queries: try QueryFile.all(in: queries), migrations: migrations,
                                       maxRows: maxRows, repeats: `repeat`, timeout: queryTimeout, seed: seed, engines: engine.engines,
                                       postgres: databaseURL.map { PostgresTarget(url: $0, reset: reset) }, progress: { _ in
                                           progress.update(done: done, total: asked.count * QueryBench.scales.count)
                                           done += 1
                                       })
        } catch let error as PostgresError {
            throw ToolError(description: "--database-url: \(error.description)")
        }
        progress.finish()
        if let output {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try OutputFile.write(bench.timingsCSV(), to: (output as NSString).appendingPathComponent("queries.csv"))
            try OutputFile.write(bench.fitsCSV(), to: (output as NSString).appendingPathComponent("fits.csv"))
            try OutputFile.write(bench.json().serialized(), to: (output as NSString).appendingPathComponent("queries.json"))
            if !bench.fidelity.isEmpty {
                try OutputFile.write(bench.fidelityCSV(), to: (output as NSString).appendingPathComponent("fidelity.csv"))
            }
            let measured = (output as NSString).appendingPathComponent("measured.yaml")
            // The command as run, with any password in --database-url hidden.
            let arguments = CommandLine.arguments.dropFirst().map { argument in
                argument == databaseURL ? PostgresConnection.redacted(argument)
                    : argument.hasPrefix("--database-url=") ? "--database-url=" + PostgresConnection.redacted(String(argument.dropFirst(15))) : argument
            }
            let command = (["capsim"] + arguments).joined(separator: " ")
            try OutputFile.write(bench.measuredScenarioYAML(extending: WrittenFiles.relativePath(of: scenario, from: measured),
                                                            command: command, date: WrittenFiles.today()), to: measured)
        }
        let document = bench.summary()
        try OutputFile.writeStandardOutput(format == .markdown ? document.markdown() : document.plainText())
    }
}
