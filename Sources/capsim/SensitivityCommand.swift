import ArgumentParser
import CapsimKit
import Foundation

struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Which uncertain inputs move an outcome: a tornado, and with --runs rank correlations.",
        discussion: """
        One at a time (MODEL.md §11): each input given as a distribution is set to its 10th \
        and then its 90th percentile with every other input at its mean, and each outcome is \
        projected (2P + 1 projections for P inputs); rows are sorted by swing, largest first. \
        With --runs N, Monte Carlo adds Spearman's rank correlation of every input's draws \
        with every outcome and, for event outcomes, the event's share in the runs of the \
        lowest and highest quarter of that input's draws.

        An outcome is COLUMN@MONTH (a numeric monthly CSV column: users_total@60, \
        mrr_usd@36, compute_usd@48), EVENT@MONTH (1 if the event has happened by then: \
        cash_below_floor@24, phase:3@36, capacity_breach@48), or a summary figure: \
        cash_low_point_usd, cash_low_point_month, cash_out_month, raise_by_month, \
        required_raise, break_even_month (a month that never comes counts as the horizon + 1).
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("outcome"), help: ArgumentHelp(
        "An outcome (repeatable). Default: users, MRR and total cost at the horizon, cash_low_point_usd, required_raise, break_even_month and cash_below_floor at the horizon.",
        valueName: "outcome"))
    var outcomes: [String] = []

    @OptionGroup var overrides: ScenarioOverrides

    @Option(parsing: .unconditional, help: "Monte Carlo runs for rank correlations (1 to 10,000,000; none by default).")
    var runs: Int?

    @Option(parsing: .unconditional, help: "Monte Carlo seed, 0 to 18446744073709551615 (default: the scenario's monte_carlo.seed, else 1).")
    var seed: UInt64?

    @OptionGroup var threads: ThreadOptions

    @Option(help: "Output format: table, csv or json. Default: table, or the --output file's extension.")
    var format: OutputFormat?

    @Option(help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
        try ThreadOptions.check(runs: runs)
        if seed != nil, runs == nil { throw ValidationError("--seed needs --runs N") }
        if format == .markdown { throw ValidationError("--format must be table, csv or json") }
    }

    func run() throws {
        let loaded = try Scenario.load(path: scenario, overrides: overrides.values)
        let parsed: [Outcome]
        do {
            parsed = outcomes.isEmpty ? Outcome.defaults(for: loaded) : try outcomes.map { try Outcome.parse($0, for: loaded) }
        } catch let error as OutcomeError {
            throw ToolError(description: "--outcome \(error.description)")
        }
        let options = runs.map {
            MonteCarloOptions(runs: $0, seed: seed ?? loaded.monteCarloOrDefault.seed, threads: threads.count)
        }
        let progress = ProgressBar(label: "runs")
        let result = try Sensitivity.analyse(loaded, outcomes: parsed, monteCarlo: options,
                                             progress: { progress.update(done: $0, total: $1) })
        progress.finish()
        let format = format ?? output.flatMap { OutputFormat(pathExtension: ($0 as NSString).pathExtension) } ?? .table
        let text = switch format {
        case .table, .markdown: result.summary().plainText()
        case .csv: result.csv()
        case .json: result.json().serialized()
        }
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            try OutputFile.writeStandardOutput(text)
        }
    }
}
