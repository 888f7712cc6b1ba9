import ArgumentParser
import CapsimKit
import Foundation
import GSLKit

/// Output formats of `capsim run`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown

    /// The format a file name implies: `.csv`, `.json`, `.md`; nil for anything else.
    init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        case "md", "markdown": self = .markdown
        case "txt": self = .table
        default: return nil
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Project a scenario month by month and report it.",
        discussion: """
        Deterministic by default: every distribution at its mean. Formats: table (the \
        summary a planner reads first: phase timeline, action calendar, cash, unit \
        economics), markdown (the same summary), csv (one row per month, every metric, full \
        precision), json (the resolved scenario, every month, every event).

        Monte Carlo with --runs, --seed or --monte-carlo (the scenario's monte_carlo \
        settings): each run draws every uncertain input, then simulates whole users with \
        random flows. Then table/markdown give percentiles and event probabilities, csv \
        gives the bands (month,date,metric,mean,p5,p25,p50,p75,p95), json everything; \
        --bands and --runs-csv write bands.csv and runs.csv as well. Results are identical \
        for any --threads.

        With --output and no --format, the file's extension picks the format (.csv, .json, .md).
        """)

    @Argument(help: "The scenario file (YAML), e.g. scenarios/mirai-roadmap.yaml.")
    var scenario: String

    @Option(parsing: .unconditional, help: "Months to project after month 0 (overrides the scenario's horizon_months).")
    var months: Int?

    @OptionGroup var overrides: ScenarioOverrides

    @Option(help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: table, or the --output file's extension.")
    var format: OutputFormat?

    @Option(help: "Write to this file (atomically: it is replaced only by a complete file) instead of standard output.")
    var output: String?

    @Flag(name: .customLong("monte-carlo"), help: "Run Monte Carlo with the scenario's monte_carlo settings (runs, seed).")
    var monteCarlo = false

    @Option(parsing: .unconditional, help: "Monte Carlo runs (1 to 10,000,000; default: the scenario's monte_carlo.runs, else 1000).")
    var runs: Int?

    @Option(parsing: .unconditional, help: "Monte Carlo seed, 0 to 18446744073709551615 (default: the scenario's monte_carlo.seed, else 1).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Worker threads for Monte Carlo (1 to 256; default: all cores). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Also write the Monte Carlo bands CSV to this file.")
    var bands: String?

    @Option(name: .customLong("runs-csv"), help: "Also write one CSV row per Monte Carlo run (drawn inputs, outcomes, event months) to this file, streamed.")
    var runsCSV: String?

    /// Where the byte sizes per message, event and account come from.
    enum StorageSource: String, ExpressibleByArgument, CaseIterable { case scenario, measured }

    @Option(help: "Storage sizes: scenario (its bytes_per_message, bytes_per_event, bytes_per_account) or measured (from synthetic data of --storage-month loaded in SQLite, at most 100,000 rows a table).")
    var storage: StorageSource = .scenario

    @Option(name: .customLong("storage-month"), parsing: .unconditional, help: "The month whose synthetic data is measured for --storage measured (default: month 12, or the horizon if sooner).")
    var storageMonth: Int?

    @Option(help: "The migrations directory (for --storage measured).")
    var migrations = "migrations"

    var isMonteCarlo: Bool { monteCarlo || runs != nil || seed != nil }

    func validate() throws {
        if let months, !(1...1200).contains(months) {
            throw ValidationError("--months must be between 1 and 1200, got \(months)")
        }
        try ThreadOptions.check(runs: runs)
        try ThreadOptions.check(threads: threads)
        if !isMonteCarlo, bands != nil || runsCSV != nil || threads != nil {
            throw ValidationError("--bands, --runs-csv and --threads need Monte Carlo: add --runs N or --monte-carlo")
        }
    }

    func run() throws {
        var scenario = try Scenario.load(path: scenario, overrides: overrides.values)
        if let months { scenario.horizonMonths = months }
        if storage == .measured {
            let month = storageMonth ?? min(12, scenario.horizonMonths)
            guard (0...scenario.horizonMonths).contains(month) else {
                throw ToolError(description: "--storage-month must be between 0 and \(scenario.horizonMonths), got \(month)")
            }
            let measurement = try SyntheticData.measure(scenario, month: month, migrations: migrations)
            scenario = scenario.withMeasuredStorage(measurement)
            let usage = scenario.usage
            let note = "storage sizes measured from synthetic data of month \(month): message \(NumberFormat.grouped(scenario[usage.bytesPerMessage])) B, event \(NumberFormat.grouped(scenario[usage.bytesPerEvent])) B, account \(NumberFormat.grouped(scenario[usage.bytesPerAccount])) B"
            FileHandle.standardError.write(Data("capsim: \(note)\n".utf8))
        }
        let format = format ?? output.flatMap { OutputFormat(pathExtension: ($0 as NSString).pathExtension) } ?? .table
        let text = isMonteCarlo ? try monteCarloReport(scenario, format: format) : try deterministicReport(scenario, format: format)
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            try OutputFile.writeStandardOutput(text)
        }
    }

    private func deterministicReport(_ scenario: Scenario, format: OutputFormat) throws -> String {
        let projection = try Simulator.project(scenario)
        return switch format {
        case .table: projection.summary().plainText()
        case .markdown: projection.summary().markdown()
        case .csv: projection.csv()
        case .json: projection.json().serialized()
        }
    }

    private func monteCarloReport(_ scenario: Scenario, format: OutputFormat) throws -> String {
        let options = MonteCarloOptions(runs: runs ?? scenario.monteCarloOrDefault.runs, seed: seed ?? scenario.monteCarloOrDefault.seed,
                                        threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let runsFile = try runsCSV.map { path throws(ToolError) in try OutputFile(path: path) }
        let bandsFile = try bands.map { path throws(ToolError) in try OutputFile(path: path) }
        runsFile?.write(RunsCSV.header(for: scenario, catalog: EventCatalog(scenario: scenario)))
        let progress = ProgressBar(label: "runs")
        let result = try MonteCarlo.simulate(
            scenario, options: options,
            onRun: runsFile.map { file in { record in file.write(RunsCSV.row(record)) } },
            progress: { progress.update(done: $0, total: $1) })
        progress.finish()
        bandsFile?.write(result.bandsCSV())
        try runsFile?.commit()
        try bandsFile?.commit()
        return switch format {
        case .table: result.summary().plainText()
        case .markdown: result.summary().markdown()
        case .csv: result.bandsCSV()
        case .json: result.json().serialized()
        }
    }
}
