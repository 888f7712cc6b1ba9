import ArgumentParser
import CapsimKit
import Foundation

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit scenario parameters to observed months and write a calibrated scenario.",
        discussion: """
        MODEL.md §12: the fit minimises the sum over columns and observed months of \
        ((model − actual) / scale)², scale = the column's mean |actual|, by GSL's trust-region \
        least squares on logit- or log-transformed parameters, from three starts (the \
        scenario's values, then every parameter at a quarter and at three quarters of its \
        bounds); the best is kept, then refined with each month's phase held (its own timeline \
        and those with one phase entered a month earlier or later), so that a phase's step in \
        marketing spend does not stop it short (docs/model.md §12). It reports each value with \
        its standard error and 90% interval, their correlations, R² per column, warnings where \
        the data cannot identify a parameter, and a back-test: the fit on all but the last \
        --holdout months, judged on them.

        The actuals CSV has a `month` column (YYYY-MM) and any numeric columns of the monthly \
        CSV (users_total, paid_users, signups, mrr_usd, messages, …); an empty cell is a month \
        that column was not observed.

        --output writes a scenario that extends this one and gives each fitted parameter as a \
        distribution of the fitted mean and standard error (beta for rates, lognormal for \
        positive values); capsim run and capsim sensitivity read it. Its comment records the \
        date (SOURCE_DATE_EPOCH when set, for reproducible files).
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(help: "Observed months: a CSV with a month column (YYYY-MM) and monthly CSV columns.")
    var actuals: String

    @Option(name: .customLong("fit"), help: ArgumentHelp(
        "A parameter to fit, by key path, with optional bounds (repeatable; 1 to 20): conversion_rate, tiers.free.churn=0.01:0.3.",
        valueName: "key[=low:high]"))
    var fits: [String] = []

    @Option(parsing: .unconditional, help: "Months the back-test holds out (0 for none; default a quarter of the observed months, at least 1).")
    var holdout: Int?

    @OptionGroup var overrides: ScenarioOverrides

    @Option(help: "Report format: table or json. Default: table.")
    var format: OutputFormat = .table

    @Option(help: "Write the calibrated scenario (YAML, atomically) to this file.")
    var output: String?

    func validate() throws {
        guard !fits.isEmpty else { throw ValidationError("give at least one --fit KEY (e.g. --fit conversion_rate)") }
        guard fits.count <= 20 else { throw ValidationError("--fit may be given at most 20 times, got \(fits.count)") }
        if let holdout, !(0...1200).contains(holdout) {
            throw ValidationError("--holdout must be between 0 and 1200, got \(holdout)")
        }
        if format != .table && format != .json { throw ValidationError("--format must be table or json") }
    }

    func run() throws {
        let loaded = try Scenario.load(path: scenario, overrides: overrides.values)
        let calibration: Calibration
        do {
            let requests = try fits.map { text throws(CalibrationError) in try FitRequest.parse(text) }
            let observed = try Actuals.read(path: actuals, for: loaded)
            calibration = try Calibration.fit(loaded, actuals: observed, fitting: requests, holdout: holdout)
        } catch {
            throw ToolError(description: error.description)
        }
        if let output {
            let text = calibration.scenarioYAML(extending: WrittenFiles.relativePath(of: scenario, from: output), date: WrittenFiles.today())
            try OutputFile.write(text, to: output)
        }
        let report = format == .json ? calibration.json().serialized() : calibration.summary().plainText()
        try OutputFile.writeStandardOutput(report)
    }
}
