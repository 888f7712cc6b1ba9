import ArgumentParser
import CapsimKit
import Foundation

/// Options shared by the commands that simulate several scenarios.
struct ThreadOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads for Monte Carlo (1 to 256; default: all cores). Results do not depend on it.")
    var threads: Int?

    var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws { try Self.check(threads: threads) }

    /// The bounds of `--threads` and `--runs`, the same in every command.
    static let threadRange = 1...256
    static let runRange = 1...10_000_000

    static func check(threads: Int?) throws {
        if let threads, !threadRange.contains(threads) {
            throw ValidationError("--threads must be between 1 and \(threadRange.upperBound), got \(threads)")
        }
    }

    static func check(runs: Int?) throws {
        if let runs, !runRange.contains(runs) {
            throw ValidationError("--runs must be between 1 and \(runRange.upperBound), got \(runs)")
        }
    }
}

/// Report formats of check and diff.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, markdown
}

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record the figures that matter of each scenario, for capsim check.",
        discussion: """
        Writes DIR/<scenario name>.json per scenario: total, infra and team cost and MRR at \
        months 6, 12, 24, 36, 60 and the horizon, the month of every event (phase entry, plan \
        change, milestone, limit breach, compute size, replica, capacity breach, funding \
        round, cash below the floor), the cash low point, the required raise and break-even \
        month, and for scenarios with monte_carlo: their P50/P95, event probabilities and \
        the raise for 90% of runs.
        """)

    @Argument(help: "Scenario files (YAML).")
    var scenarios: [String]

    @Option(help: "Directory for the baseline files (created if missing).")
    var dir: String

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("give at least one scenario file") }
        if let collision = FigureSet.baselineCollision(among: scenarios) { throw ValidationError(collision) }
    }

    func run() throws {
        let loaded = try scenarios.map { path in (path, try Scenario.load(path: path)) }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ToolError(description: "cannot create the baseline directory '\(dir)': \(error.localizedDescription)")
        }
        for (path, scenario) in loaded {
            let figures = try FigureSet.compute(scenario, threads: threads.count)
            let file = (dir as NSString).appendingPathComponent(FigureSet.baselineFileName(forScenario: path))
            try OutputFile.write(figures.json().serialized(), to: file)
            try OutputFile.writeStandardOutput("wrote \(file): \(figures.figures.count) figures of \(path)\(figures.monteCarlo.map { " (Monte Carlo: \($0.runs) runs, seed \($0.seed))" } ?? "")\n")
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute scenarios and fail when a figure moved past its tolerance or a gate fails.",
        discussion: """
        With --baseline, compares each scenario with DIR/<scenario name>.json (from capsim \
        baseline): amounts within their tolerance (default 2% or 1 unit; the scenario's \
        check: section and --tolerance change it), event months exactly (check.event_months), \
        probabilities within check.probability. Always evaluates the scenario's gates: \
        probabilistic gates add Monte Carlo runs until the verdict holds at check.confidence.

        Exit status: 0 all passed, 1 a figure moved or a gate failed (or is inconclusive), \
        2 bad input (a missing or corrupt baseline, a bad scenario).
        """)

    @Argument(help: "Scenario files (YAML).")
    var scenarios: [String]

    @Option(help: "Directory of baseline files written by capsim baseline.")
    var baseline: String?

    @Option(parsing: .unconditional, help: "Relative tolerance for every amount, as 2% or 0.02 (overrides the scenario's check: tolerances).")
    var tolerance: String?

    @Option(help: "Report format: table or markdown (for a pull-request comment).")
    var format: ReportFormat = .table

    @Option(help: "Also write JUnit XML (a test case per scenario baseline and per gate) to this file.")
    var junit: String?

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("give at least one scenario file") }
        if baseline != nil, let collision = FigureSet.baselineCollision(among: scenarios) { throw ValidationError(collision) }
        if let tolerance, Self.parseTolerance(tolerance) == nil {
            let hint = Double(tolerance).map { $0 > 1 && $0 <= 100 ? "; did you mean \(NumberFormat.significant($0))%?" : "" } ?? ""
            throw ValidationError("--tolerance must be a percentage from 0% to 100% such as 2%, or a fraction from 0 to 1 such as 0.02, got '\(tolerance)'\(hint)")
        }
    }

    /// `2%` or `0.02` → 0.02; nil for anything outside 0–100% (a bare 5 is not 500%), inf or NaN.
    static func parseTolerance(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let isPercent = trimmed.hasSuffix("%")
        guard let number = Double(isPercent ? String(trimmed.dropLast()) : trimmed), number.isFinite else { return nil }
        let fraction = isPercent ? number / 100 : number
        return (0...1).contains(fraction) ? fraction : nil
    }

    func run() throws {
        var loaded: [(String, Scenario, FigureSet?, String?)] = []
        for path in scenarios {
            var scenario = try Scenario.load(path: path)
            if let relative = tolerance.flatMap(Self.parseTolerance) {
                scenario.check.tolerance.relative = relative
                for key in scenario.check.metrics.keys { scenario.check.metrics[key]?.relative = relative }
            }
            var baselineFigures: FigureSet?
            var baselinePath: String?
            if let baseline {
                let file = (baseline as NSString).appendingPathComponent(FigureSet.baselineFileName(forScenario: path))
                guard FileManager.default.fileExists(atPath: file) else {
                    throw ToolError(description: "no baseline for \(path) at \(file); create it with: capsim baseline \(path) --dir \(baseline)")
                }
                baselineFigures = try FigureSet.read(path: file)
                baselinePath = file
            } else if scenario.gates.isEmpty {
                throw ToolError(description: "nothing to check for \(path): give --baseline DIR or add gates: to the scenario")
            }
            loaded.append((path, scenario, baselineFigures, baselinePath))
        }
        let checks = try loaded.map { path, scenario, baselineFigures, baselinePath in
            try ScenarioCheck.evaluate(path: path, scenario: scenario, baseline: baselineFigures, baselinePath: baselinePath,
                                       threads: threads.count)
        }
        let document = CheckReport.document(checks)
        try OutputFile.writeStandardOutput(format == .markdown ? document.markdown() : document.plainText())
        if let junit { try OutputFile.write(CheckReport.junit(checks), to: junit) }
        if checks.contains(where: \.isFailure) { throw ExitCode(ExitStatus.checkFailed.rawValue) }
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two scenarios, or two result files, figure by figure.",
        discussion: """
        A and B are scenario files (.yaml), baseline files (capsim baseline) or results of \
        capsim run --format json. Shows every figure of capsim baseline with both values, the \
        change and the percentage, and the events that moved. Exit 0 unless an input is bad (2).
        """)

    @Argument(help: "The first scenario or result file.")
    var a: String

    @Argument(help: "The second scenario or result file.")
    var b: String

    @Option(help: "Report format: table or markdown.")
    var format: ReportFormat = .table

    @OptionGroup var threads: ThreadOptions

    func run() throws {
        let document = CheckReport.diff(try figures(a), try figures(b), labels: (a, b))
        try OutputFile.writeStandardOutput(format == .markdown ? document.markdown() : document.plainText())
    }

    private func figures(_ path: String) throws -> FigureSet {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" {
            return try FigureSet.compute(try Scenario.load(path: path), threads: threads.count)
        }
        return try FigureSet.read(path: path)
    }
}
