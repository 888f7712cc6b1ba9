import ArgumentParser
import CapsimKit
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files without simulating them.",
        discussion: "Reports every problem of every file (file:line:column, key path, the line). Exit 0 when all are valid, 2 otherwise.")

    @Argument(help: "Scenario files (YAML).")
    var scenarios: [String]

    @OptionGroup var overrides: ScenarioOverrides

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("give at least one scenario file") }
    }

    func run() throws {
        var failed = false
        for path in scenarios {
            let scenario: Scenario
            do {
                scenario = try Scenario.load(path: path, overrides: overrides.values)
            } catch {
                failed = true
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                continue
            }
            try OutputFile.writeStandardOutput("ok: \(path): \(scenario.tiers.count) tiers, \(scenario.phases.count) phases, \(scenario.milestones.count) milestones, \(scenario.uncertainties.count) uncertain parameters, \(scenario.horizonMonths) months\n")
        }
        if failed { throw ExitCode(ExitStatus.badInput.rawValue) }
    }
}
