import CapsimKit
import Foundation
import GSLKit
import Testing

@Suite("Baselines, tolerances and gates")
struct CheckTests {
    static let withGates = """
        start: 2025-01
        horizon_months: 12
        tiers:
          - {name: free, price: 0, churn: 0.1, messages_per_active_day: 5}
          - {name: paid, price: 20, churn: 0.05, messages_per_active_day: 20}
        conversion_rate: 0.05
        users: {free: 1000}
        acquisition: {cac: 10, activation_rate: 0.5, referral_rate: {dist: uniform, min: 0.05, max: 0.25}}
        usage: {stickiness: 0.3}
        marketing: [{phase: 0, spend: 1000}]
        infrastructure:
          supabase:
            plans: [{name: free, price: 0}]
        phases:
          - name: start
          - name: big
            when: {users_at_least: 1600}
        monte_carlo: {runs: 500, seed: 1}
        """

    @Test("A probabilistic gate near its limit gives the same verdict for every seed once enough runs are used",
          arguments: [UInt64(1), 2, 3, 4, 5])
    func probabilisticGateIsStable(seed: UInt64) throws {
        // Given an event with a probability of about 0.33 and a gate at 0.38
        var scenario = try Fixtures.scenario(Self.withGates + """

            gates: [{event: "phase:1", within_months: 12, probability_at_most: 0.38}]
            """)
        scenario.monteCarlo = MonteCarloSettings(runs: 500, seed: seed)
        // When the gate is evaluated
        let results = try GateEvaluation.evaluate(scenario, projection: try Simulator.project(scenario), threads: 2)
        // Then it passes, with a confidence statement, for every seed
        #expect(results.map(\.verdict) == [.pass], "\(results.map(\.detail))")
        #expect(results.first?.detail.contains("99.0% one-sided bounds") == true)
    }

    @Test("A probability estimate whose bounds straddle the limit is inconclusive, not a coin flip")
    func inconclusiveAtTheRunLimit() throws {
        var scenario = try Fixtures.scenario(Self.withGates + """

            check: {max_runs: 500}
            gates: [{event: "phase:1", within_months: 12, probability_at_most: 0.4}]
            """)
        let share = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 500, seed: 1, threads: 2))
            .eventStatistics().first { $0.key == "phase:1" }!.share
        scenario.gates = [Gate(name: "at the estimate", kind: .probability(event: "phase:1", withinMonths: 12, isUpperBound: true, limit: share))]
        let results = try GateEvaluation.evaluate(scenario, projection: try Simulator.project(scenario), threads: 2)
        #expect(results.map(\.verdict) == [.inconclusive])
    }

    @Test("Value and percentile gates")
    func valueAndPercentileGates() throws {
        let scenario = try Fixtures.scenario(Self.withGates + """

            gates:
              - {metric: users_total, month: 12, at_least: 10}
              - {metric: users_total, month: 12, at_most: 10}
              - {metric: mrr_usd, month: 6, p95_at_most: 1000000}
              - {metric: mrr_usd, month: 6, p5_at_least: 1000000}
            """)
        let results = try GateEvaluation.evaluate(scenario, projection: try Simulator.project(scenario), threads: 1)
        #expect(results.map(\.verdict) == [.pass, .fail, .pass, .fail])
    }

    @Test("Roadmap gates hold the projection to the phases' budgets and targets; unreached phases are not judged")
    func roadmapGates() throws {
        // `big` is entered when users pass 1,100; the first phase's cost runs from month 0 to the month before.
        let base = Self.withGates.replacingOccurrences(of: "users_at_least: 1600", with: "users_at_least: 1100")
        let plain = try Simulator.project(try Fixtures.scenario(base))
        let big = plain.month(ofEvent: "phase:1") ?? 0
        try #require(big >= 2, "the fixture must enter phase 1 after month 1")
        let entryCost = plain.value(column: "total_cost_usd", month: 0) ?? .nan
        let endCost = plain.value(column: "total_cost_usd", month: big - 1) ?? .nan
        let users = plain.value(column: "users_total", month: big) ?? .nan
        let scenario = try Fixtures.scenario(base.replacingOccurrences(of: """
            phases:
              - name: start
              - name: big
                when: {users_at_least: 1100}

            """, with: "") + """

            phases:
              - name: start
                budget: {min: \(max(0, min(entryCost, endCost) - 1)), max: \(max(entryCost, endCost) + 1)}
              - name: big
                when: {users_at_least: 1100}
                targets: {users_total: {min: \(users + 1)}}
              - name: never
                when: {users_at_least: 1000000000}
                budget: {max: 0}
            gates:
              - {roadmap: budget}
              - {roadmap: targets}
              - {roadmap: all, phase: start}
              - {roadmap: all, phase: big}
              - {roadmap: all, phase: never}
            """)
        let results = try GateEvaluation.evaluate(scenario, projection: try Simulator.project(scenario), threads: 1)
        #expect(results.map(\.verdict) == [.pass, .fail, .pass, .fail, .pass])
        #expect(results[1].detail.contains("phase 1 target users_total"), "\(results[1].detail)")
        #expect(results[4].detail.contains("0 of 1 statements judged"), "\(results[4].detail)")
    }

    @Test("Gates are validated like the rest of the scenario", arguments: [
        ("{metric: total_cost, month: 6, at_most: 1}", "unknown metric 'total_cost'; did you mean"),
        ("{event: phase:7, probability_at_most: 0.1}", "unknown event 'phase:7'"),
        ("{metric: infra_usd, month: 6, at_most: 1, at_least: 0}", "a gate needs exactly one limit"),
        ("{metric: infra_usd, month: 99, at_most: 1}", "gates[0].month: must be at most the horizon (12), got 99"),
        ("{event: cash_below_floor, probability_at_most: 1.5}", "must be between 0 and 1, got 1.5"),
        ("{roadmap: budgets}", "gates[0].roadmap"),
        ("{roadmap: budget, at_most: 3}", "a roadmap gate takes only 'phase' (and 'name'), got 'at_most'"),
        ("{metric: infra_usd, phase: 1, at_most: 1}", "'phase' is for roadmap gates"),
        ("{roadmap: all, phase: huge}", "gates[0].phase"),
    ])
    func gateValidation(gate: String, message: String) {
        let diagnostics = Fixtures.diagnostics(Self.withGates + "\ngates: [\(gate)]")
        #expect(diagnostics.contains { $0.description.contains(message) }, "\(diagnostics.map(\.description))")
    }

    @Test("Figures round-trip through a baseline file exactly")
    func baselineRoundTrip() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let figures = try FigureSet.compute(scenario, threads: 2)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try figures.json().serialized().write(to: url, atomically: true, encoding: .utf8)
        let read = try FigureSet.read(path: url.path)
        #expect(read.figures == figures.figures)
        #expect(read.monteCarlo == MonteCarloSettings(runs: 1000, seed: 42))
        #expect(figures.compared(with: read, settings: CheckSettings()).allSatisfy { $0.status == .unchanged })
    }


    @Test("Checking with one shared simulation gives what separate simulations give: the same figures and verdicts")
    func sharedSimulation() throws {
        // Given a scenario with Monte Carlo settings, percentile and probability gates, and a baseline that moved
        let gates = """

            gates:
              - {metric: users_total, month: 12, at_least: 10}
              - {metric: mrr_usd, month: 6, p95_at_most: 1000000}
              - {metric: mrr_usd, month: 6, p5_at_least: 1000000}
              - {event: "phase:1", within_months: 12, probability_at_most: 0.38}
            """
        let scenario = try Fixtures.scenario(Self.withGates + gates)
        let before = try Fixtures.scenario(Self.withGates.replacingOccurrences(of: "conversion_rate: 0.05", with: "conversion_rate: 0.06") + gates)
        let baseline = try FigureSet.compute(before, threads: 1)
        // When it is checked in one pass
        let check = try ScenarioCheck.evaluate(path: "x.yaml", scenario: scenario, baseline: baseline, baselinePath: "x.json", threads: 2)
        // Then figures and gates equal those of separate simulations
        let separate = try FigureSet.compute(scenario, threads: 1).compared(with: baseline, settings: scenario.check)
        let verdicts = try GateEvaluation.evaluate(scenario, projection: try Simulator.project(scenario), threads: 1)
        #expect(check.comparisons == separate)
        #expect(!check.movedFigures.isEmpty)
        #expect(check.gates == verdicts)
        #expect(check.gates.map(\.verdict) == [.pass, .pass, .fail, .pass])
    }
    @Test("Tolerances: relative or absolute for amounts, exact months, moved and new figures fail")
    func comparison() {
        let baseline = FigureSet(scenario: "s", source: "s.yaml", monteCarlo: nil, figures: [
            Figure(name: "total_cost_usd@m6", kind: .amount, metric: "total_cost_usd", value: 1000),
            Figure(name: "infra_usd@m6", kind: .amount, metric: "infra_usd", value: 100),
            Figure(name: "month:phase:1", kind: .month, value: 5),
            Figure(name: "month:phase:2", kind: .month, value: nil),
        ])
        let current = FigureSet(scenario: "s", source: "s.yaml", monteCarlo: nil, figures: [
            Figure(name: "total_cost_usd@m6", kind: .amount, metric: "total_cost_usd", value: 1015),   // +1.5%
            Figure(name: "infra_usd@m6", kind: .amount, metric: "infra_usd", value: 110),              // +10%
            Figure(name: "month:phase:1", kind: .month, value: 6),
            Figure(name: "month:milestone:new", kind: .month, value: 3),
        ])
        var settings = CheckSettings()
        let statuses = current.compared(with: baseline, settings: settings).map(\.status)
        #expect(statuses == [.withinTolerance, .moved, .moved, .unchanged, .added])
        settings.metrics["infra_usd"] = Tolerance(relative: 0.1, absolute: 0)
        settings.eventMonths = 1
        #expect(current.compared(with: baseline, settings: settings).map(\.status) == [.withinTolerance, .withinTolerance, .withinTolerance, .unchanged, .added])
    }

    @Test("A corrupt or foreign baseline is a clear error")
    func corruptBaseline() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        for (text, message) in [("{not json", "is not valid JSON"), ("{\"capsim_baseline\": 7}", "unsupported baseline version 7"),
                                ("{\"capsim_baseline\": 1}", "'figures' must be a list"), ("{\"x\": 1}", "neither a capsim baseline"),
                                ("{\"capsim_baseline\": 1, \"figures\": [{\"name\": \"a\", \"kind\": \"weird\"}]}", "figures[0] needs a 'name' and a 'kind'")] {
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect { try FigureSet.read(path: url.path) } throws: { "\($0)".contains(message) }
        }
    }

    @Test("Clopper–Pearson bounds are finite and bracket the share at any run count (no NaN reaches a verdict)")
    func clopperPearson() {
        // The case that gsl_cdf_beta_Pinv answers with NaN
        let large = Statistics.binomialConfidenceBounds(successes: 28_083, trials: 32_000, confidence: 0.99)
        #expect(large.lower.isFinite && large.upper.isFinite)
        #expect(large.lower < 28_083.0 / 32_000 && 28_083.0 / 32_000 < large.upper)
        #expect(large.upper - large.lower < 0.01)
        // Where GSL's inverse works it agrees
        let small = Statistics.binomialConfidenceBounds(successes: 30, trials: 100, confidence: 0.95)
        #expect(abs(small.lower - InverseCDF.beta(0.05, 30, 71)) < 1e-9)
        #expect(abs(small.upper - InverseCDF.beta(0.95, 31, 70)) < 1e-9)
        // Over random counts: 0 ≤ lower ≤ k/n ≤ upper ≤ 1, tighter at lower confidence
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<300 {
            let n = Int.random(in: 1...5_000_000, using: &generator), k = Int.random(in: 0...n, using: &generator)
            let share = Double(k) / Double(n)
            let wide = Statistics.binomialConfidenceBounds(successes: k, trials: n, confidence: 0.999)
            let narrow = Statistics.binomialConfidenceBounds(successes: k, trials: n, confidence: 0.9)
            #expect(0 <= wide.lower && wide.lower <= share + 1e-12 && share - 1e-12 <= wide.upper && wide.upper <= 1, "\(k) of \(n): \(wide)")
            #expect(wide.lower <= narrow.lower + 1e-12 && narrow.upper <= wide.upper + 1e-12, "\(k) of \(n)")
        }
    }

    @Test("A gate exactly at its limit fails at no more than the stated rate over the planned looks")
    func sequentialErrorRate() {
        // Given a probability gate P ≤ 0.2 whose true probability is exactly 0.2, looked at with
        // 1,000 runs, then ×4 up to 64,000, at 90% confidence (10% error allowed in all)
        let looks = GateEvaluation.plannedLooks(initial: 1000, maxRuns: 64_000)
        #expect(looks == [1000, 4000, 16_000, 64_000])
        let perLook = GateEvaluation.lookConfidence(0.9, looks: looks.count)
        #expect(abs(perLook - 0.975) < 1e-12)
        let generator = RandomGenerator(seed: 17)
        var fails = 0, naiveFails = 0
        let seeds = 3000
        for _ in 0..<seeds {
            // When runs accumulate look by look (run r's stream depends only on the seed and r)
            var successes = 0, trials = 0
            var failed = false, naiveFailed = false, decided = false, naiveDecided = false
            for look in looks {
                successes += Int(generator.binomialVariate(trials: Double(look - trials), probability: 0.2))
                trials = look
                if !decided {
                    let verdict = GateEvaluation.decide(successes: successes, trials: trials, required: 0.2, atLeast: false, confidence: perLook).0
                    if verdict != .inconclusive { decided = true; failed = verdict == .fail }
                }
                if !naiveDecided {
                    let verdict = GateEvaluation.decide(successes: successes, trials: trials, required: 0.2, atLeast: false, confidence: 0.9).0
                    if verdict != .inconclusive { naiveDecided = true; naiveFailed = verdict == .fail }
                }
            }
            if failed { fails += 1 }
            if naiveFailed { naiveFails += 1 }
        }
        // Then it fails in at most about 10% of seeds (3 standard errors of slack), while
        // looking four times at 90% each would fail more often
        let rate = Double(fails) / Double(seeds), naive = Double(naiveFails) / Double(seeds)
        #expect(rate <= 0.1 + 3 * (0.1 * 0.9 / Double(seeds)).squareRoot(), "failed in \(rate) of seeds")
        #expect(naive > rate, "uncorrected \(naive), corrected \(rate)")
    }
}
