import Foundation
import Testing

/// A small seeded generator (SplitMix64), so that every mutation can be replayed from its seed.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x2545_F491_4F6C_DD1D }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    /// Values that have broken parsers and engines: out of range, non-finite, wrong type, huge.
    static let hostileValues = ["-1", "0", "1e308", "-1e308", ".inf", "-.inf", ".nan", "1e-320", "99999999999999999999",
                                "abc", "null", "[]", "{}", "'1 KB'", "2.5", "\"\"", "true", "*nowhere", "{dist: lognormal, median: 5, sigma: 40}",
                                "{dist: beta, mean: 0.5, sd: 0.9}", "{dist: pert, min: 3, mode: 1, max: 2}", "1200", "0x10", "1_000"]

    /// One mutation of a scenario's text: a number made hostile, a line deleted, duplicated,
    /// moved or re-indented, a key misspelt, the file cut short, bytes that are not text, or an
    /// anchor and aliases added.
    mutating func mutate(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let index = below(lines.count)
        switch below(10) {
        case 0, 1, 2:
            let line = lines[index]
            // A number after a separator (the separator kept): a value, not part of a name.
            let numbers = line.matches(of: /([:\s\[,{])(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)/)
            if numbers.isEmpty {
                lines[index] = line + " " + pick(Self.hostileValues)
            } else {
                let match = numbers[below(numbers.count)]
                lines[index] = line.replacingCharacters(in: match.output.2.startIndex..<match.range.upperBound, with: pick(Self.hostileValues))
            }
        case 3: lines.remove(at: index)
        case 4: lines.insert(lines[index], at: index)
        case 5: lines.swapAt(index, below(lines.count))
        case 6: lines[index] = (below(2) == 0 ? "  " : "") + String(lines[index].dropFirst(below(2) == 0 ? 2 : 0))
        case 7: lines[index] = lines[index].replacingOccurrences(of: ":", with: "x:", options: [], range: lines[index].range(of: ":"))
        case 8: return String(text.prefix(below(text.count)))
        default:
            let alias = "x_anchor: &a [1, 2, 3]\nx_alias: [*a, *a, *a]\n"
            lines[index] += pick(["\t", "\u{0}", "\u{FEFF}", " #", " &b", " *a"])
            return alias + lines.joined(separator: "\n")
        }
        return lines.joined(separator: "\n")
    }
}

/// Seeded mutations of the shipped scenarios and of flags, each answered by the built binary
/// with exit 0 (and output without NaN or infinity) or exit 2 (and a message), within a time
/// limit: never a crash, a trap, a hang or a number that is not one. A failure names its seed.
@Suite("Mutated scenarios and hostile flags: exit 0 or 2, never a crash or a hang")
struct MutationTests {
    static let scenarios = ["mirai-roadmap.yaml", "mirai-viral.yaml", "mirai-high-churn.yaml", "mirai-funded.yaml",
                            "mirai-current-prices.yaml"]
    static let timeLimit = 60.0

    /// What must hold of every answer.
    static func expectWellBehaved(_ result: ProcessResult?, _ what: String) {
        guard let result else {
            Issue.record("\(what): still running after \(Int(timeLimit)) s")
            return
        }
        #expect(result.status == 0 || result.status == 2, "\(what): exit \(result.status)\n\(result.stderr.prefix(600))")
        if result.status == 2 {
            #expect(result.stderr.lowercased().contains("error"), "\(what): exit 2 without a message")
            #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Fatal error"), "\(what): \(result.stderr.prefix(400))")
        }
        if result.status == 0 {
            let words = result.stdout.split { !$0.isLetter && $0 != "∞" }.map { $0.lowercased() }
            #expect(!words.contains("nan") && !words.contains("inf") && !words.contains("infinity") && !result.stdout.contains("∞"),
                    "\(what): a number that is not one in the output")
        }
    }

    @Test("A mutated scenario is validated and run, or refused with exit 2", arguments: 0..<240)
    func mutatedScenario(seed: Int) throws {
        var mutator = Mutator(seed: UInt64(seed))
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in Self.scenarios + ["catalogs"] {   // extends and catalogs resolve beside the file
            try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("scenarios/\(name)"), to: directory.appendingPathComponent(name))
        }
        let target = Self.scenarios[seed % Self.scenarios.count]
        let original = try String(contentsOf: directory.appendingPathComponent(target), encoding: .utf8)
        var text = original
        for _ in 0...mutator.below(2) { text = mutator.mutate(text) }
        // A mutated base file reaches every scenario that extends it.
        let mutatedFile = mutator.below(4) == 0 ? "mirai-roadmap.yaml" : target
        if mutatedFile != target { text = mutator.mutate(try String(contentsOf: directory.appendingPathComponent(mutatedFile), encoding: .utf8)) }
        try text.write(to: directory.appendingPathComponent(mutatedFile), atomically: true, encoding: .utf8)
        let command = mutator.pick([["validate", target], ["run", target], ["run", target, "--format", "json"],
                                    ["run", target, "--format", "csv"], ["run", target, "--runs", "50"]])
        Self.expectWellBehaved(try CLI.run(command, in: directory, timeout: Self.timeLimit),
                               "seed \(seed): capsim \(command.joined(separator: " ")) after mutating \(mutatedFile)")
    }

    static let flagValues = ["0", "-1", "1", "3", "-0", "1e3", "10000000000", "99999999999999999999", "abc", "", "nan", "inf",
                             "-inf", "0x10", "2.5", "1,000", " 7", "12%", "5%", "--", "-5%"]

    @Test("Hostile flags on each subcommand give exit 0 or 2", arguments: 0..<120)
    func hostileFlags(seed: Int) throws {
        var mutator = Mutator(seed: UInt64(seed) &+ 1_000_003)
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = CLI.root.appendingPathComponent("scenarios/mirai-roadmap.yaml").path
        let value = { (m: inout Mutator) in m.pick(Self.flagValues) }
        var command: [String]
        switch mutator.below(7) {
        case 0: command = ["run", scenario, mutator.pick(["--runs", "--seed", "--threads", "--months"]), value(&mutator)]
        case 1: command = ["run", scenario, "--set", mutator.pick(["conversion_rate", "horizon_months", "tiers.pro.price", "usage.bytes_per_message",
                                                                    "acquisition.cac", "tiers[9].churn", "cash.initial", "nope"]) + "=" + mutator.pick(Mutator.hostileValues)]
        case 2: command = ["sensitivity", scenario, mutator.pick(["--runs", "--seed", "--outcome"]), value(&mutator)]
        case 3: command = ["check", scenario, "--tolerance", value(&mutator)]
        case 4: command = ["data", scenario, "--month", mutator.pick(["1", "3", value(&mutator)]), mutator.pick(["--scale", "--max-rows", "--memory-limit", "--seed"]),
                           value(&mutator)]
        case 5: command = ["report", scenario, mutator.pick(["--runs", "--threads", "--seed"]), value(&mutator), "--output",
                           directory.appendingPathComponent("r.html").path]
        default: command = ["queries", scenario, mutator.pick(["--max-rows", "--repeat", "--query-timeout", "--months"]), value(&mutator),
                            "--months", "1"]
        }
        // Keep valid but slow requests small: a valid run count or row cap this large only takes long.
        if command.contains("--runs"), let index = command.firstIndex(of: "--runs"), let runs = Int(command[index + 1]), runs > 100 { command[index + 1] = "100" }
        if command.contains("--max-rows"), let index = command.firstIndex(of: "--max-rows"), let rows = Int(command[index + 1]), rows > 2000 { command[index + 1] = "2000" }
        if command.first == "queries", !command.contains("--max-rows") { command += ["--max-rows", "2000", "--repeat", "1"] }
        if command.first == "data", !command.contains("--max-rows"), !command.contains("--scale") { command += ["--max-rows", "2000"] }
        // (check's gates pass on this scenario, so its answer is 0 or 2 as well.)
        Self.expectWellBehaved(try CLI.run(command, in: CLI.root, timeout: Self.timeLimit), "seed \(seed): capsim \(command.joined(separator: " "))")
    }
}
