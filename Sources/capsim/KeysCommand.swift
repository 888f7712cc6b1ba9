import ArgumentParser
import CapsimKit
import Foundation

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print the reference of every scenario key, or of the monthly CSV's columns (Markdown).",
        discussion: """
        Written from the declarations capsim reads scenarios with: each key's path (list \
        entries as `tiers[].churn`), type and range, default, whether it may be a \
        distribution, and meaning. docs/model.md holds the same tables.
        """)

    /// What to print.
    enum Table: String, ExpressibleByArgument, CaseIterable { case scenario, columns }

    @Argument(help: "scenario (the keys of a scenario file, the default) or columns (the monthly CSV's columns).")
    var table: Table = .scenario

    func run() throws {
        let text = table == .scenario ? KeyReference.scenarioKeys() : KeyReference.monthlyColumns()
        try OutputFile.writeStandardOutput(text)
    }
}
