import ArgumentParser
import CapsimKit
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page of charts: users, MRR, cash, costs, timeline, capacity, sensitivity.",
        discussion: """
        The page has inline CSS and inline SVG only: no script, no font or image fetched, so \
        it can be attached to a pull request or mailed. Monte Carlo runs when the scenario has \
        uncertain inputs or --runs/--seed is given (runs and seed default to the scenario's \
        monte_carlo settings, else 1000 and 1); --deterministic draws only the projection \
        with every input at its mean. Costs, the timeline, capacity and quotas are drawn from \
        that projection; fans, event shares and the headline from Monte Carlo.

        --queries DIR adds measured query times (a `capsim queries --output DIR` directory): \
        time against rows, log-log, the fit with its 90% interval, the budget, and the first \
        month of the horizon each query passes it. --actuals FILE overlays observed months \
        (the CSV that capsim calibrate reads) on the fans. The header's date is today in UTC, \
        or the day of SOURCE_DATE_EPOCH when set (for reproducible pages).
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @OptionGroup var overrides: ScenarioOverrides

    @Option(parsing: .unconditional, help: "Monte Carlo runs (1 to 10,000,000; default: the scenario's monte_carlo.runs, else 1000).")
    var runs: Int?

    @Option(parsing: .unconditional, help: "Monte Carlo seed, 0 to 18446744073709551615 (default: the scenario's monte_carlo.seed, else 1).")
    var seed: UInt64?

    @Flag(help: "Draw only the projection with every input at its mean (no Monte Carlo).")
    var deterministic = false

    @OptionGroup var threads: ThreadOptions

    @Option(help: "A directory written by `capsim queries --output DIR`: adds query time against rows.")
    var queries: String?

    @Option(help: "Observed months (CSV: month as YYYY-MM and monthly CSV columns), drawn over the fans.")
    var actuals: String?

    @Option(help: "The HTML file to write (atomically).")
    var output = "report.html"

    func validate() throws {
        try ThreadOptions.check(runs: runs)
        if deterministic, runs != nil || seed != nil { throw ValidationError("--deterministic takes no --runs or --seed") }
    }

    func run() throws {
        let loaded = try Scenario.load(path: scenario, overrides: overrides.values)
        let projection = try Simulator.project(loaded)
        let report: PlanningReport
        do {
            let observed = try actuals.map { path throws(CalibrationError) in try Actuals.read(path: path, for: loaded) }
            let measured = try queries.map { directory throws(ReportError) in try QueryMeasurements.read(directory: directory) }
            let uncertain = !loaded.parameters.uncertain.isEmpty
            var monteCarlo: MonteCarloResult?
            if !deterministic, uncertain || runs != nil || seed != nil {
                let settings = loaded.monteCarloOrDefault
                let progress = ProgressBar(label: "runs")
                monteCarlo = try MonteCarlo.simulate(loaded, options: MonteCarloOptions(runs: runs ?? settings.runs, seed: seed ?? settings.seed,
                                                                                        threads: threads.count),
                                                     onRun: nil, progress: { progress.update(done: $0, total: $1) })
                progress.finish()
            }
            let sensitivity = uncertain ? try Sensitivity.analyse(loaded, outcomes: PlanningReport.headlineOutcomes(for: loaded)) : nil
            report = PlanningReport(projection: projection, monteCarlo: monteCarlo, sensitivity: sensitivity, queries: measured,
                                    actuals: observed, version: Capsim.configuration.version, date: WrittenFiles.today())
        } catch let error as CalibrationError {
            throw ToolError(description: error.description)
        } catch let error as ReportError {
            throw ToolError(description: error.description)
        }
        try OutputFile.write(report.html(), to: output)
        FileHandle.standardError.write(Data("capsim: wrote \(output)\n".utf8))
    }
}
