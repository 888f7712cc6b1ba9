import ArgumentParser
import CapsimKit
import Foundation

/// Process exit codes, documented in the README and in `capsim --help`.
enum ExitStatus: Int32 {
    /// Success.
    case ok = 0
    /// `capsim check`: a figure moved past its tolerance, or a gate failed.
    case checkFailed = 1
    /// Bad input or usage: a malformed scenario, a missing file, a bad flag.
    case badInput = 2
    /// An output could not be written (a full disk, a read-only directory).
    case writeFailed = 3
    /// capsim found itself wrong (a loaded database that fails SQLite's integrity check):
    /// a bug worth reporting, not bad input (sysexits' EX_SOFTWARE).
    case internalError = 70
}

/// An error the tool reports as it is, then exits with `status`.
struct ToolError: Error, CustomStringConvertible {
    var status: ExitStatus = .badInput
    var description: String
}

@main
struct Capsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capsim",
        abstract: "Capacity-planning and cost simulator for the MIRAI scaling roadmap.",
        discussion: """
        A scenario file (YAML) describes tiers, growth, usage, Supabase plans, team and \
        other costs; capsim projects it month by month (see docs/model.md).

        Exit codes:
          0  success
          1  capsim check: a figure moved past its tolerance or a gate failed
          2  bad input or usage: malformed or out-of-range scenario, missing file, bad flag
          3  an output could not be written (full disk, read-only directory)
          70  an internal error (a loaded database failed SQLite's integrity check): please report it
          129, 130, 143  ended by SIGHUP, SIGINT or SIGTERM (131: SIGQUIT); no partial output is left
        """,
        version: "0.1.0",
        subcommands: [Run.self, ReportCommand.self, Validate.self, SensitivityCommand.self, CalibrateCommand.self, KeysCommand.self, Baseline.self, Check.self, Diff.self, Schema.self, DataCommand.self, QueriesCommand.self],
        defaultSubcommand: nil)

    /// Parses, runs, and maps every failure to a documented exit code: 2 for usage and input errors.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch let error as ScenarioError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        } catch let error as SchemaError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        } catch let error as CheckError {
            FileHandle.standardError.write(Data(("error: " + error.description + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        } catch let error as SimulationError {
            FileHandle.standardError.write(Data(("error: " + error.description + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        } catch let error as ToolError {
            FileHandle.standardError.write(Data(("error: " + error.description + "\n").utf8))
            Foundation.exit(error.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(ExitStatus.badInput.rawValue)
        }
    }
}

/// Options shared by commands that load a scenario.
struct ScenarioOverrides: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one scenario value, e.g. --set tiers.pro.churn=0.03 (repeatable; list items by index or name).",
        valueName: "path.to.key=value"))
    var values: [String] = []
}
