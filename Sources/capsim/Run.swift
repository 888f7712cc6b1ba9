import ArgumentParser
import CapsimKit
import Foundation

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
        Formats: table (the summary a planner reads first: phase timeline, action calendar, \
        cash, unit economics), markdown (the same summary), csv (one row per month, every \
        metric, full precision), json (the resolved scenario, every month, every event). \
        With --output and no --format, the file's extension picks the format (.csv, .json, .md).
        """)

    @Argument(help: "The scenario file (YAML), e.g. scenarios/mirai-roadmap.yaml.")
    var scenario: String

    @Option(help: "Months to project after month 0 (overrides the scenario's horizon_months).")
    var months: Int?

    @OptionGroup var overrides: ScenarioOverrides

    @Option(help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: table, or the --output file's extension.")
    var format: OutputFormat?

    @Option(help: "Write to this file (atomically: it is replaced only by a complete file) instead of standard output.")
    var output: String?

    func validate() throws {
        if let months, !(1...1200).contains(months) {
            throw ValidationError("--months must be between 1 and 1200, got \(months)")
        }
    }

    func run() throws {
        var scenario = try Scenario.load(path: scenario, overrides: overrides.values)
        if let months { scenario.horizonMonths = months }
        let projection = Simulator.project(scenario)
        let format = format ?? output.flatMap { OutputFormat(pathExtension: ($0 as NSString).pathExtension) } ?? .table
        let text = switch format {
        case .table: projection.summary().plainText()
        case .markdown: projection.summary().markdown()
        case .csv: projection.csv()
        case .json: projection.json().serialized()
        }
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
