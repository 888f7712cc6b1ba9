import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("capsim baseline, check and diff, end to end")
struct CheckCLITests {
    static let roadmap = CLI.root.appendingPathComponent("scenarios/mirai-roadmap.yaml").path

    /// A scenario file in a fresh directory that extends the roadmap with `overrides` (YAML).
    static func scenario(in directory: URL, _ overrides: String) throws -> String {
        let path = directory.appendingPathComponent("plan.yaml").path
        let gates = overrides.contains("gates:") ? "" : "gates: []\n"
        try "extends: \(roadmap)\nmonte_carlo: {runs: 200, seed: 3}\n\(gates)\(overrides)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("A price change past the tolerance fails with the figures that moved; a small one passes")
    func priceChange() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let baselines = directory.appendingPathComponent("baselines").path
        // Given a baseline of the plan
        let path = try Self.scenario(in: directory, "")
        let recorded = try CLI.run(["baseline", path, "--dir", baselines])
        #expect(recorded.status == 0)
        #expect(recorded.stdout.contains("wrote \(baselines)/plan.json"))
        #expect(try CLI.run(["check", path, "--baseline", baselines]).status == 0)

        // When Supabase Team goes from $599 to $899
        let team = "infrastructure: {supabase: {policy: thresholds, plans: [{name: free, price: 0, included: {db: 500 MB, egress: 1 GB, storage: 2 GB, mau: 50000}, hard_limits: true, max_users: 50}, {name: pro, price: 25, included: {db: 8 GB, egress: 50 GB, storage: 100 GB, mau: 100000}, max_users: 1000}, {name: team, price: 899, included: {db: 16 GB, egress: 250 GB, storage: 250 GB, mau: 100000}, max_users: 10000}, {name: enterprise, price: 4000}]}}"
        _ = try Self.scenario(in: directory, team)
        let junit = directory.appendingPathComponent("check.xml").path
        let failed = try CLI.run(["check", path, "--baseline", baselines, "--junit", junit])
        // Then check fails and shows what moved
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("FAILED"))
        #expect(failed.stdout.contains("infra_usd@m24"))
        #expect(failed.stdout.contains("moved"))
        #expect(failed.stdout.contains("capsim baseline \(path)"))
        let markdown = try CLI.run(["check", path, "--baseline", baselines, "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix("# capsim check: FAILED"))
        #expect(markdown.stdout.contains("| infra\\_usd@m24 |"))

        // And the JUnit XML parses, with one failing test case for the baseline
        let parser = XMLParser(contentsOf: URL(fileURLWithPath: junit))!
        let collector = JUnitCollector()
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.testcases == 1)
        #expect(collector.failures == 1)

        // A loose tolerance lets the same change through
        #expect(try CLI.run(["check", path, "--baseline", baselines, "--tolerance", "60%"]).status == 1,
                "event months still moved")
        // A change within 2% passes
        _ = try Self.scenario(in: directory, "payments: {percent: 0.029, fixed: 0.301}")
        let small = try CLI.run(["check", path, "--baseline", baselines])
        #expect(small.status == 0, "\(small.stdout)")
        #expect(small.stdout.contains("changed within tolerance"))
    }

    @Test("A missing or corrupt baseline is an input error that says what to do")
    func missingBaseline() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.scenario(in: directory, "")
        let missing = try CLI.run(["check", path, "--baseline", directory.path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no baseline for \(path) at \(directory.path)/plan.json; create it with: capsim baseline \(path) --dir \(directory.path)"))
        try "{\"capsim_baseline\": 1, \"figures\": 3}".write(toFile: directory.appendingPathComponent("plan.json").path, atomically: true, encoding: .utf8)
        let corrupt = try CLI.run(["check", path, "--baseline", directory.path])
        #expect(corrupt.status == 2)
        #expect(corrupt.stderr.contains("plan.json' is not valid JSON"))
        let nothing = try CLI.run(["check", path])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("nothing to check"))
    }

    @Test("Gates in the scenario are checked without a baseline; a failing gate exits 1")
    func gates() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.scenario(in: directory, """
            gates:
              - {name: cheap, metric: total_cost_usd, month: 24, at_most: 1000}
              - {event: cash_below_floor, within_months: 18, probability_at_most: 0.9}
            """)
        let result = try CLI.run(["check", path, "--junit", directory.appendingPathComponent("j.xml").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Gate FAILED: cheap: total_cost_usd in month 24 is"))
        #expect(result.stdout.contains("Gate passed: P(cash_below_floor by month 18) at most 0.9"))
        let junit = try String(contentsOfFile: directory.appendingPathComponent("j.xml").path, encoding: .utf8)
        #expect(junit.contains("<testcase classname=\"capsim.check\" name=\"gate: cheap\">"))
    }

    @Test("--tolerance takes 2% or 0.02 and refuses a bare 5, 500%, inf; two scenarios sharing a baseline file are refused")
    func toleranceAndCollisions() throws {
        for (value, fragment) in [("5", "got '5'; did you mean 5%?"), ("500%", "got '500%'"), ("inf", "got 'inf'"), ("nan", "got 'nan'")] {
            let result = try CLI.run(["check", "scenarios/mirai-roadmap.yaml", "--baseline", "baselines", "--tolerance", value])
            #expect(result.status == 2, "\(value)")
            #expect(result.stderr.contains("--tolerance must be a percentage from 0% to 100%"), "\(value): \(result.stderr)")
            #expect(result.stderr.contains(fragment), "\(value): \(result.stderr)")
        }
        #expect(try CLI.run(["check", "scenarios/mirai-roadmap.yaml", "--baseline", "baselines", "--tolerance", "5%"]).status == 0)

        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for name in ["a", "b"] {
            let folder = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("x.yaml")
            try Data("extends: \(CLI.root.appendingPathComponent("scenarios/mirai-roadmap.yaml").path)\n".utf8).write(to: file)
            paths.append(file.path)
        }
        let base = directory.appendingPathComponent("base").path
        for arguments in [["baseline"] + paths + ["--dir", base], ["check"] + paths + ["--baseline", base]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments[0])")
            #expect(result.stderr.contains("would share the baseline file x.json"), "\(arguments[0]): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: base), "nothing written")
    }

    @Test("diff shows every figure of two scenarios and the events that moved")
    func diff() throws {
        let result = try CLI.run(["diff", "scenarios/mirai-roadmap.yaml", "scenarios/mirai-viral.yaml"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Events that moved"))
        #expect(result.stdout.contains("month:phase:3"))
        #expect(result.stdout.contains("total_cost_usd@m24"))
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("a.json").path
        #expect(try CLI.run(["run", "scenarios/mirai-roadmap.yaml", "--output", json]).status == 0)
        let same = try CLI.run(["diff", json, "scenarios/mirai-roadmap.yaml", "--format", "markdown"])
        #expect(same.status == 0)
        #expect(same.stdout.contains("None: every event happens in the same month."))
        #expect(try CLI.run(["diff", "nope.json", json]).status == 2)
    }
}

/// Counts test cases and failures in JUnit XML.
final class JUnitCollector: NSObject, XMLParserDelegate {
    var testcases = 0
    var failures = 0

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if elementName == "testcase" { testcases += 1 }
        if elementName == "failure" { failures += 1 }
    }
}
