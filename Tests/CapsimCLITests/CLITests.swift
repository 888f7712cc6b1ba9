import Foundation
import Testing

/// The result of running the built `capsim` binary.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `capsim` binary that `swift test` built next to this test bundle.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/CapsimCLITests/Fixtures")

    static var binary: URL {
        let bundleDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundleDirectory.appendingPathComponent("capsim")
    }

    /// Runs `capsim arguments…` in the repository root. A death by a signal is status 128 + the
    /// signal, as a shell reports it.
    static func run(_ arguments: [String], in directory: URL = root) throws -> ProcessResult {
        try launch(arguments, in: directory, timeout: nil).result
    }

    /// Runs `capsim arguments…` and stops it (SIGKILL) after `seconds`; nil when it had to be stopped.
    static func run(_ arguments: [String], in directory: URL, timeout seconds: Double) throws -> ProcessResult? {
        let (result, killed) = try launch(arguments, in: directory, timeout: seconds)
        return killed ? nil : result
    }

    private static func launch(_ arguments: [String], in directory: URL, timeout: Double?) throws -> (result: ProcessResult, killed: Bool) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = DispatchWorkItem { kill(process.processIdentifier, SIGKILL) }
        if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline) }
        // Read both pipes before waiting so that a large output cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        deadline.cancel()
        let signalled = process.terminationReason == .uncaughtSignal
        let result = ProcessResult(status: signalled ? 128 + process.terminationStatus : process.terminationStatus,
                                   stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        return (result, timeout != nil && signalled && process.terminationStatus == SIGKILL)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("capsim run and validate, end to end")
struct CLITests {
    @Test("run prints the planner's summary of the default scenario")
    func runDefault() throws {
        let result = try CLI.run(["run", "scenarios/mirai-roadmap.yaml"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        for heading in ["Phase timeline", "Action calendar", "Cash", "Unit economics at phase entry"] {
            #expect(result.stdout.contains(heading))
        }
        #expect(result.stdout.contains("Supabase free → pro"))
    }

    @Test("--format csv and --months: a header and one row per month")
    func runCSV() throws {
        let result = try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--format", "csv", "--months", "24"])
        #expect(result.status == 0)
        let lines = result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 26)
        #expect(lines.first?.hasPrefix("month,date,phase,users_total,users_free,") == true)
        #expect(lines.last?.hasPrefix("24,2027-01,") == true)
    }

    @Test("--format json is valid JSON with the resolved scenario, months and events; --set applies")
    func runJSON() throws {
        let result = try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--format", "json", "--set", "cash.initial=12345"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((object?["months"] as? [Any])?.count == 61)
        #expect(object?["events"] is [Any])
        let scenario = object?["scenario"] as? [String: Any]
        #expect((scenario?["cash"] as? [String: Any])?["initial"] as? Double == 12345)
    }

    @Test("--output writes the file atomically and infers the format from its extension")
    func output() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("projection.csv").path
        let result = try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--output", path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.hasPrefix("month,date,phase"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["projection.csv"],
                "no temporary file left behind")
    }

    @Test("A failed run leaves an existing output file untouched")
    func noPartialOutput() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("keep.csv").path
        try "previous complete file\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", CLI.fixtures.appendingPathComponent("wrong-types.yaml").path, "--output", path])
        #expect(result.status == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous complete file\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["keep.csv"])
    }

    /// (fixture, fragments stderr must contain)
    static let brokenScenarios: [(String, [String])] = [
        ("wrong-types.yaml", [
            "wrong-types.yaml:2:17: error: horizon_months: expected a whole number between 1 and 1200, got 'sixty'",
            "wrong-types.yaml:3:18: error: conversion_rate: expected a number, got a list",
            "wrong-types.yaml:5:15: error: usage.stickiness: must be between 0 and 1, got 1.5",
            "      stickiness: 1.5\n                  ^",
            "wrong-types.yaml:6:22: error: usage.bytes_per_message: expected a size such as '2 KB'",
        ]),
        ("unknown-key.yaml", ["unknown-key.yaml:3:3: error: acquisition.referal_rate: unknown key 'referal_rate'; did you mean 'referral_rate'?"]),
        ("shares.yaml", ["shares.yaml:3:3: error: tiers: the shares of the paid tiers must sum to 1, got 0.9"]),
        ("free-not-first.yaml", [
            "free-not-first.yaml:3:28: error: tiers.starter.price: the first tier is the free tier and must have price 0, got 19",
            "free-not-first.yaml:4:25: error: tiers.free.price: only the first tier may be free (price 0)",
        ]),
        ("bad-distribution.yaml", [
            "bad-distribution.yaml:3:8: error: acquisition.cac: invalid lognormal distribution: p10 (9) must be less than p90 (3)",
            "bad-distribution.yaml:4:20: error: acquisition.activation_rate: invalid beta distribution: no beta has mean 0.6 and sd 0.5",
        ]),
        ("cycle-a.yaml", ["cycle-b.yaml:1:10: error: extends: cyclic 'extends': cycle-a.yaml -> cycle-b.yaml -> cycle-a.yaml"]),
        ("unknown-plan.yaml", ["unknown-plan.yaml:5:75: error: infrastructure.supabase.plans[2]: unknown plan name 'enterprize'"]),
        ("missing-required.yaml", [
            "error: conversion_rate: missing required key 'conversion_rate'",
            "error: tiers.free.churn: missing required key 'churn'",
            "error: acquisition.activation_rate: missing required key 'activation_rate'",
            "error: usage.stickiness: missing required key 'stickiness'",
        ]),
        ("not-yaml.yaml", ["not-yaml.yaml:3:1: error: invalid YAML"]),
    ]

    @Test("A broken scenario exits 2 with every problem named once, by file:line:column and key", arguments: brokenScenarios)
    func brokenScenario(fixture: String, fragments: [String]) throws {
        let result = try CLI.run(["run", "Tests/CapsimCLITests/Fixtures/\(fixture)"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        for fragment in fragments {
            let times = result.stderr.components(separatedBy: fragment).count - 1
            #expect(times == 1, "stderr names \(times) times: \(fragment)\n--- stderr:\n\(result.stderr)")
        }
    }

    @Test("Usage errors exit 2 with a message", arguments: [
        (["run", "no-such-file.yaml"], "cannot read scenario file 'no-such-file.yaml': no such file"),
        (["run", "scenarios/mirai-roadmap.yaml", "--format", "xml"], "The value 'xml' is invalid for '--format <format>'"),
        (["run", "scenarios/mirai-roadmap.yaml", "--months", "0"], "--months must be between 1 and 1200"),
        (["run", "scenarios/mirai-roadmap.yaml", "--bogus"], "Unknown option '--bogus'"),
        (["run", "scenarios/mirai-roadmap.yaml", "--output", "/no/such/dir/x.csv"], "the directory '/no/such/dir' does not exist"),
        (["run", "scenarios/mirai-roadmap.yaml", "--set", "tiers.pro.churn=7"], "--set:1:23: error: tiers.pro.churn: must be between 0 and 1, got 7"),
        (["frobnicate"], "Unexpected argument 'frobnicate'"),
        (["run", "scenarios/mirai-roadmap.yaml", "--runs", "10000000000"], "--runs must be between 1 and 10000000, got 10000000000"),
        (["sensitivity", "scenarios/mirai-roadmap.yaml", "--runs", "0"], "--runs must be between 1 and 10000000, got 0"),
        (["run", "scenarios/mirai-roadmap.yaml", "--runs", "10", "--threads", "10000000000"], "--threads must be between 1 and 256"),
        (["check", "scenarios/mirai-roadmap.yaml", "--threads", "0"], "--threads must be between 1 and 256, got 0"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test("validate checks several files: 0 when all are valid, 2 when any is not")
    func validate() throws {
        let good = try CLI.run(["validate", "scenarios/mirai-roadmap.yaml", "scenarios/mirai-viral.yaml"])
        #expect(good.status == 0)
        #expect(good.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("ok: ") }.count == 2)
        let mixed = try CLI.run(["validate", "scenarios/mirai-roadmap.yaml", "Tests/CapsimCLITests/Fixtures/unknown-key.yaml"])
        #expect(mixed.status == 2)
        #expect(mixed.stdout.contains("ok: scenarios/mirai-roadmap.yaml"))
        #expect(mixed.stderr.contains("did you mean 'referral_rate'?"))
    }

    @Test("--help documents the commands and exit codes")
    func help() throws {
        let result = try CLI.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("run"))
        #expect(result.stdout.contains("validate"))
        #expect(result.stdout.contains("2  bad input or usage"))
    }

    @Test("Monte Carlo writes the summary, bands.csv and runs.csv, identical for any thread count")
    func monteCarlo() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func run(threads: Int) throws -> (ProcessResult, String, String) {
            let bands = directory.appendingPathComponent("bands-\(threads).csv").path
            let runs = directory.appendingPathComponent("runs-\(threads).csv").path
            let result = try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--runs", "300", "--seed", "5",
                                      "--threads", "\(threads)", "--bands", bands, "--runs-csv", runs])
            return (result, try String(contentsOfFile: bands, encoding: .utf8), try String(contentsOfFile: runs, encoding: .utf8))
        }
        let (result, bands, runs) = try run(threads: 1)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "no progress bar when stderr is not a terminal")
        #expect(result.stdout.contains("capsim Monte Carlo: MIRAI roadmap"))
        #expect(result.stdout.contains("Chance that cash falls below zero"))
        #expect(bands.hasPrefix("month,date,metric,mean,p5,p25,p50,p75,p95\r\n0,2025-01,month,0,0,0,0,0,0\r\n"))
        let runLines = runs.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(runLines.count == 301)
        #expect(runLines[0].hasPrefix("run,tiers.free.churn,tiers.free.messages_per_active_day,"))
        #expect(runLines[0].contains(",users_total,paid_users,mrr_usd,cash_usd,total_cost_usd,infra_usd,required_raise_usd,break_even_month,month:phase:0,"))
        let (again, bandsAgain, runsAgain) = try run(threads: 2)
        #expect(again.stdout == result.stdout)
        #expect(bandsAgain == bands)
        #expect(runsAgain == runs)
    }

    @Test("sensitivity prints a tornado, writes the documented CSV, and refuses bad outcomes with exit 2")
    func sensitivity() throws {
        let table = try CLI.run(["sensitivity", "scenarios/mirai-roadmap.yaml", "--outcome", "mrr_usd@36"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("mrr_usd@36") && table.stdout.contains("█"))
        let csv = try CLI.run(["sensitivity", "scenarios/mirai-roadmap.yaml", "--outcome", "mrr_usd@36", "--format", "csv",
                               "--runs", "200", "--threads", "1"])
        #expect(csv.status == 0)
        let lines = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "outcome,parameter,low_input,high_input,low,high,swing,spearman,share_low_quarter,share_high_quarter")
        // One row per uncertain input of the scenario (12), each of the outcome.
        #expect(lines.count == 13 && lines.dropFirst().allSatisfy { $0.hasPrefix("mrr_usd@36,") })
        let again = try CLI.run(["sensitivity", "scenarios/mirai-roadmap.yaml", "--outcome", "mrr_usd@36", "--format", "csv",
                                 "--runs", "200", "--threads", "2"])
        #expect(again.stdout == csv.stdout, "identical for any thread count")
        let bad = try CLI.run(["sensitivity", "scenarios/mirai-roadmap.yaml", "--outcome", "mrr_usd@99"])
        #expect(bad.status == 2 && bad.stdout.isEmpty)
        #expect(bad.stderr.contains("must be a whole number from 0 to the horizon (60)"))
    }

    @Test("Monte Carlo flags without Monte Carlo are a usage error")
    func monteCarloFlagsNeedRuns() throws {
        let result = try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--bands", "/tmp/x.csv"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--bands, --runs-csv and --threads need Monte Carlo"))
    }

    @Test("schema prints the SQLite schema and the constructs table; postgres prints the files")
    func schema() throws {
        let result = try CLI.run(["schema"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("CREATE TABLE chat_messages ("))
        #expect(result.stdout.contains("row-level security policy"))
        #expect(result.stdout.contains("ALTER SYSTEM"))
        let postgres = try CLI.run(["schema", "--dialect", "postgres", "--format", "markdown"])
        #expect(postgres.status == 0)
        #expect(postgres.stdout.contains("CREATE MATERIALIZED VIEW IF NOT EXISTS user_cohorts AS"))
        #expect(postgres.stdout.contains("\n```sql\n-- migrations/000_supabase_auth_stub.sql\n"), "SQL is a fenced code block, not escaped text")
        let missing = try CLI.run(["schema", "--migrations", "/no/such/dir"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no migrations directory"))
    }

    @Test("An interrupted Monte Carlo run dies of the signal and leaves no file, not even its temporary ones",
          arguments: [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    func interruptedRunLeavesNothing(signal: Int32) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", "scenarios/mirai-roadmap.yaml", "--runs", "5000000", "--threads", "1",
                             "--runs-csv", directory.appendingPathComponent("runs.csv").path,
                             "--bands", directory.appendingPathComponent("bands.csv").path]
        process.currentDirectoryURL = CLI.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupt once runs.csv is being written (its temporary file exists).
        let deadline = Date().addingTimeInterval(60)
        while try FileManager.default.contentsOfDirectory(atPath: directory.path).count < 2, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(process.isRunning)
        kill(process.processIdentifier, signal)
        // The test runner's threads block these signals, and a child inherits that mask: without
        // capsim's own handler the signal would stay pending and the run go on.
        let exitDeadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("capsim did not stop within 10 s of signal \(signal)")
            return
        }
        if signal == SIGQUIT {
            // Cleaned up and exited 131 rather than dumping core.
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 128 + SIGQUIT)
        } else {
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == signal)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
    }

    @Test("data generates a month and measures its storage; run --storage measured reprojects with it")
    func dataAndMeasuredStorage() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "3", "--max-rows", "2000",
                                "--output", directory.path, "--integrity-check"])
        #expect(data.status == 0)
        #expect(data.stdout.contains("chat_messages"))
        #expect(data.stdout.contains("PRAGMA integrity_check: ok"))
        #expect(data.stdout.contains("bytes_per_message"))
        let csv = try String(contentsOfFile: directory.appendingPathComponent("chat_messages.csv").path, encoding: .utf8)
        #expect(csv.hasPrefix("id,conversation_id,user_id,role,content,prompt_tokens,completion_tokens,created_at\r\n"))
        // --max-rows is a cap on every table (rows end with CRLF; the first line is the header).
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let rows = try String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)
                .components(separatedBy: "\r\n").count - 2
            #expect(rows <= 2000, "\(file): \(rows) rows")
        }
        let run = try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--storage", "measured", "--storage-month", "3", "--format", "csv"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("storage sizes measured from synthetic data of month 3"))
        let unreachable = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "3", "--max-rows", "500",
                                       "--database-url", "postgresql://postgres@127.0.0.1:1/postgres"])
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("--database-url: cannot connect to postgresql://postgres@127.0.0.1:1/postgres"))
        let resetAlone = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "3", "--reset"])
        #expect(resetAlone.status == 2)
        #expect(resetAlone.stderr.contains("--reset needs --database-url"))
        let bad = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "99"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("month must be between 0 and 60, got 99"))
    }

    @Test("data refuses a scale at which the month keeps no account, and names a --max-rows or --scale that keeps one")
    func dataRefusesAnEmptyMonth() throws {
        let tooFew = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "24", "--max-rows", "50"])
        #expect(tooFew.status == 2)
        #expect(tooFew.stdout.isEmpty)
        let suggested = try #require(tooFew.stderr.firstMatch(of: /keeps no account of its [0-9,]+ and its tables would be empty; use --max-rows (\d+) or more/))
        let enough = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "24", "--max-rows", String(suggested.1)])
        #expect(enough.status == 0)
        #expect(enough.stdout.contains(#/auth_users +1 /#))
        let tinyScale = try CLI.run(["data", "scenarios/mirai-roadmap.yaml", "--month", "24", "--scale", "0.00001"])
        #expect(tinyScale.status == 2)
        #expect(tinyScale.stderr.contains("keeps no account"))
        #expect(tinyScale.stderr.contains("use --scale"))
    }

    @Test("queries times the portable queries and writes queries.csv, fits.csv and queries.json")
    func queries() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run(["queries", "scenarios/mirai-roadmap.yaml", "--months", "6,12", "--max-rows", "1500",
                                  "--repeat", "1", "--output", directory.path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Projected query time at full size"))
        #expect(result.stdout.contains("messages_today"))
        for file in ["queries.csv", "fits.csv", "queries.json"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        let bad = try CLI.run(["queries", "scenarios/mirai-roadmap.yaml", "--months", "6,x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--months must be months between 1 and 60"))
        for (arguments, message) in [(["--engine", "postgres"], "--engine postgres needs --database-url"),
                                     (["--database-url", "postgresql://x@127.0.0.1:1/x"], "--database-url needs --engine postgres or both"),
                                     (["--engine", "both", "--database-url", "postgresql://postgres:secret@127.0.0.1:1/x"], "cannot connect to postgresql://postgres:REDACTED@127.0.0.1:1/x"),
                                     (["--engine", "oracle"], "'oracle' is invalid for '--engine")] {
            let refused = try CLI.run(["queries", "scenarios/mirai-roadmap.yaml", "--months", "6", "--max-rows", "500"] + arguments)
            #expect(refused.status == 2, "\(arguments)")
            #expect(refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
            #expect(!refused.stderr.contains("secret"), "the password is not printed")
        }
    }
}


@Suite("capsim calibrate, end to end")
struct CalibrateCLITests {
    /// Month 1–12 of the calibration fixture run with conversion_rate 0.08, as actuals.
    static func actuals(in directory: URL) throws -> URL {
        let run = try CLI.run(["run", "Tests/CapsimCLITests/Fixtures/calibrate.yaml", "--set", "conversion_rate=0.08", "--format", "csv"])
        try #require(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows[0]
        let date = header.firstIndex(of: "date")!, paid = header.firstIndex(of: "paid_users")!, mrr = header.firstIndex(of: "mrr_usd")!
        let text = "month,paid_users,mrr_usd\n" + rows[1...].prefix(12).map { "\($0[date]),\($0[paid]),\($0[mrr])" }.joined(separator: "\n") + "\n"
        let url = directory.appendingPathComponent("actuals.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("Fits, reports, writes a scenario that extends the original, and that scenario runs")
    func calibrate() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let actuals = try Self.actuals(in: directory)
        let output = directory.appendingPathComponent("calibrated.yaml")
        let result = try CLI.run(["calibrate", "Tests/CapsimCLITests/Fixtures/calibrate.yaml", "--actuals", actuals.path,
                                  "--fit", "conversion_rate", "--output", output.path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let fitted = (json["parameters"] as! [[String: Any]])[0]
        #expect(abs((fitted["value"] as! Double) - 0.08) < 1e-6)
        let written = try String(contentsOf: output, encoding: .utf8)
        #expect(written.contains("extends: '"))
        #expect(written.contains("conversion_rate:"))
        let run = try CLI.run(["run", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        let table = try CLI.run(["calibrate", "Tests/CapsimCLITests/Fixtures/calibrate.yaml", "--actuals", actuals.path, "--fit", "conversion_rate"])
        #expect(table.stdout.contains("Fitted parameters") && table.stdout.contains("Back-test"))
    }

    @Test("Bad input is exit 2 with a message naming what is wrong, and no output file", arguments: [
        (["--fit", "conversion_rat"], "did you mean 'conversion_rate'?"),
        ([] as [String], "give at least one --fit KEY"),
        (["--fit", "conversion_rate", "--holdout=-1"], "--holdout must be between 0 and 1200"),
        (["--fit", "conversion_rate=1:0"], "LOW must be less than HIGH"),
        (["--fit", "conversion_rate", "--format", "csv"], "--format must be table or json"),
    ])
    func badInput(arguments: [String], message: String) throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let actuals = try Self.actuals(in: directory)
        let output = directory.appendingPathComponent("calibrated.yaml")
        let result = try CLI.run(["calibrate", "Tests/CapsimCLITests/Fixtures/calibrate.yaml", "--actuals", actuals.path,
                                  "--output", output.path] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["actuals.csv"])
    }
}

@Suite("Output files are written safely, end to end")
struct OutputFileCLITests {
    static let scenario = "scenarios/mirai-roadmap.yaml"

    @Test("A replaced file keeps its permission bits; a symbolic link stays a link and its target is replaced")
    func regularFilesAndLinks() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("months.csv").path
        try "old\n".write(toFile: file, atomically: false, encoding: .utf8)
        #expect(chmod(file, 0o640) == 0)
        #expect(try CLI.run(["run", Self.scenario, "--output", file]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("month,date,"))
        let link = directory.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "months.csv")
        #expect(try CLI.run(["run", Self.scenario, "--output", link, "--format", "json"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "months.csv")
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("{"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["link.json", "months.csv"])
    }

    @Test("A FIFO is written into, not replaced")
    func fifo() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader on the other end, so that opening the FIFO for writing does not block.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        let result = try CLI.run(["run", Self.scenario, "--output", fifo, "--format", "csv"])
        let read = out.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(String(decoding: read, as: UTF8.self).hasPrefix("month,date,"))
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pipe.csv"])
    }

    @Test("A failed write is exit 3 naming the path and the system's reason", arguments: [
        (["run", scenario, "--output", "/dev/full"], "cannot write '/dev/full': No space left on device"),
        (["sensitivity", scenario, "--output", "/dev/full"], "cannot write '/dev/full': No space left on device"),
    ])
    func failedWrite(arguments: [String], message: String) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 3)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("Standard output that cannot be written is exit 3, not a crash")
    func fullStandardOutput() throws {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", Self.scenario]
        process.currentDirectoryURL = CLI.root
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        #expect(stderr.contains("cannot write to standard output: No space left on device"), "\(stderr)")
    }
}
