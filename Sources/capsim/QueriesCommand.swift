import ArgumentParser
import CapsimKit
import Foundation

struct QueriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Time the portable queries of queries/ on synthetic data of projected months and fit how they grow.",
        discussion: """
        For each month (default: each phase-entry month), generates data at 1/8, 1/4, 1/2 and 1 \
        of the scale that keeps every table at or under --max-rows rows, runs every portable query \
        --repeat times (median), reads its plan (EXPLAIN QUERY PLAN), fits time = a·rows^b on the \
        log-log points (GSL least squares, R²) and extrapolates to the month's full size. \
        Reports the first month each query exceeds the scenario's queries.budget_ms (default \
        100) and full scans of tables over 100,000 rows. --output DIR writes queries.csv, \
        fits.csv and queries.json.
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "Months to measure, comma-separated (default: each phase-entry month).")
    var months: String?

    @Flag(help: "Measure each phase-entry month (the default).")
    var phases = false

    @Option(name: .customLong("max-rows"), help: "Rows the largest table may have at the biggest scale (no table gets more).")
    var maxRows = 100_000

    @Option(help: "Runs of each query (the median is kept).")
    var `repeat` = 5

    @Option(help: "Random seed of the data.")
    var seed: UInt64 = 1

    @Option(help: "Write queries.csv, fits.csv and queries.json into this directory.")
    var output: String?

    @Option(help: "Report format: table or markdown.")
    var format: ReportFormat = .table

    @Option(help: "The migrations directory.")
    var migrations = "migrations"

    @Option(help: "The queries directory.")
    var queries = "queries"

    func validate() throws {
        if months != nil, phases { throw ValidationError("give --months or --phases, not both") }
        if maxRows < 100 { throw ValidationError("--max-rows must be at least 100") }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
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
            asked = Array(Set(try Simulator.project(loaded).phaseEntryMonths.compactMap { $0 }.map { max(1, $0) })).sorted()
        }
        let progress = ProgressBar(label: "datasets")
        var done = 0
        let bench: QueryBench
        do {
            bench = try QueryBench.run(loaded, months: asked, queries: try QueryFile.all(in: queries), migrations: migrations,
                                       maxRows: maxRows, repeats: `repeat`, seed: seed, progress: { _ in
                                           progress.update(done: done, total: asked.count * 4)
                                           done += 1
                                       })
        } catch let error as SchemaError {
            throw ToolError(description: error.description)
        }
        progress.finish()
        if let output {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try OutputFile.write(bench.timingsCSV(), to: (output as NSString).appendingPathComponent("queries.csv"))
            try OutputFile.write(bench.fitsCSV(), to: (output as NSString).appendingPathComponent("fits.csv"))
            try OutputFile.write(bench.json().serialized(), to: (output as NSString).appendingPathComponent("queries.json"))
        }
        let document = bench.summary(scenario: loaded)
        try OutputFile.writeStandardOutput(format == .markdown ? document.markdown() : document.plainText())
    }
}
