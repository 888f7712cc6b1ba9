@testable import CapsimKit
import Foundation
import GSLKit
import Testing

@Suite("Monte Carlo")
struct MonteCarloTests {
    /// A scenario with every parameter fixed and a large population, so that the law of
    /// large numbers makes each run close to the expected path.
    static let largePopulation = """
        start: 2025-01
        horizon_months: 24
        tiers:
          - {name: free, price: 0, churn: 0.08, messages_per_active_day: 8, daily_quota: 10}
          - {name: starter, price: 19, share: 0.7, churn: 0.05, messages_per_active_day: 30}
          - {name: pro, price: 49, share: 0.3, churn: 0.04, messages_per_active_day: 80}
        conversion_rate: 0.02
        users: {free: 200000, starter: 10000, pro: 3000, waitlist: 5000}
        acquisition: {cac: 5, referral_rate: 0.05, waitlist_conversion: 0.1, waitlist_joins: 500,
                      activation_rate: 0.6, market_size: 50000000}
        usage: {stickiness: 0.3, bytes_per_message: 4 KB}
        marketing: [{phase: 0, spend: 50000}]
        infrastructure:
          supabase:
            plans: [{name: only, price: 599}]
        phases: [{name: one}]
        """

    @Test("With every parameter fixed, the Monte Carlo mean of users and MRR tracks the deterministic projection within 0.5%")
    func meanMatchesDeterministic() throws {
        let scenario = try Fixtures.scenario(Self.largePopulation)
        let expected = Simulator.project(scenario).rows
        let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 200, seed: 3, threads: 2))
        let users = try #require(result.seriesIndex("users_total")), mrr = try #require(result.seriesIndex("mrr_usd"))
        for month in 0..<result.months {
            let meanUsers = try #require(result.mean(month: month, metric: users))
            let meanMRR = try #require(result.mean(month: month, metric: mrr))
            // Tolerance: 0.5% relative. Each run's users differ from the expectation by a few
            // hundred (binomial noise on ~200k); over 200 runs the mean is far closer.
            #expect(abs(meanUsers - expected[month].users) <= 0.005 * expected[month].users, "month \(month) users")
            #expect(abs(meanMRR - expected[month].mrr) <= 0.005 * expected[month].mrr, "month \(month) MRR")
        }
    }

    @Test("The metric values runs sum are the export's columns, each as Metric.value(in:) gives it")
    func numericValuesMatchMetrics() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let order = Metric.exportOrder(tierCount: scenario.tiers.count)
        #expect(order == MonthlyColumn.numeric(for: scenario).map(\.metric))
        var values = [Double](repeating: 0, count: order.count)
        for row in Simulator.project(scenario).rows {
            var visited: [Int] = []
            row.forEachNumericValue { index, value in
                values[index] = value
                visited.append(index)
            }
            #expect(visited == Array(order.indices), "each metric once, in order")
            for (index, metric) in order.enumerated() {
                let expected = metric.value(in: row)
                #expect(expected.map { $0 == values[index] } ?? values[index].isNaN, "month \(row.month) \(metric)")
            }
        }
    }

    @Test("Users are whole numbers in every run and tiers sum to the total")
    func wholeUsers() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        var records: [RunRecord] = []
        _ = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 50, seed: 1, threads: 2),
                                onRun: { records.append($0) })
        #expect(records.map(\.run) == Array(0..<50), "records arrive in run order")
        for record in records {
            let row = record.horizon
            #expect(row.usersByTier.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
            #expect(row.usersByTier.sum == row.users)
        }
    }

    @Test("Results are identical for 1, 2 and 3 threads, and for the same seed")
    func threadIndependence() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        func outputs(threads: Int, seed: UInt64 = 9) -> [String] {
            var runs = ""
            let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 300, seed: seed, threads: threads, sampleCapacity: 100),
                                             onRun: { runs += RunsCSV.row($0) })
            return [result.bandsCSV(), runs, result.summary().plainText(), result.json().serialized()]
        }
        let one = outputs(threads: 1)
        #expect(outputs(threads: 2) == one)
        #expect(outputs(threads: 3) == one)
        #expect(outputs(threads: 1, seed: 10) != one, "a different seed gives different runs")
    }

    @Test("Runs folded in many waves give what one wave gives")
    func waves() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        func outputs(waveMemoryBudget: Int) -> [String] {
            var options = MonteCarloOptions(runs: 700, seed: 3, threads: 2, sampleCapacity: 200)
            options.waveMemoryBudget = waveMemoryBudget
            var runs = ""
            var reports: [Int] = []
            let result = MonteCarlo.simulate(scenario, options: options, onRun: { runs += RunsCSV.row($0) },
                                             progress: { done, _ in reports.append(done) })
            return [result.bandsCSV(), runs, result.json().serialized(), reports.map(String.init).joined(separator: " ")]
        }
        let one = outputs(waveMemoryBudget: .max)
        let many = outputs(waveMemoryBudget: 0)   // 2 blocks (128 runs) a wave
        #expect(Array(many.prefix(3)) == Array(one.prefix(3)))
        #expect(one[3] == "700")
        #expect(many[3] == "128 256 384 512 640 700", "a progress report after each wave")
    }

    @Test("Event probabilities and months come from every run")
    func events() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        var records: [RunRecord] = []
        let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 120, seed: 4, threads: 2),
                                         onRun: { records.append($0) })
        for (index, event) in result.eventStatistics().enumerated() {
            let months = records.map { $0.eventMonths[index] }.filter { $0 >= 0 }
            #expect(event.runs == months.count)
            #expect(event.month == Quantiles(months.map(Double.init)))
        }
        #expect(result.eventStatistics()[0].share == 1, "phase 0 is entered in every run")
    }

    @Test("Bands: the mean lies within the run values and the percentiles are ordered")
    func bandsOrdered() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 100, seed: 2, threads: 2))
        for bands in result.bands() {
            for band in bands {
                guard let q = band.quantiles, let mean = band.mean else { continue }
                #expect(q.p5 <= q.p25 && q.p25 <= q.p50 && q.p50 <= q.p75 && q.p75 <= q.p95)
                _ = mean
            }
        }
        let header = result.bandsCSV().prefix { $0 != "\r\n" }
        #expect(header == "month,date,metric,mean,p5,p25,p50,p75,p95")
    }

    /// Costs that hold from month 1 on (no condition), one of them uncertain.
    static let standingCosts = largePopulation.replacingOccurrences(
        of: "    plans: [{name: only, price: 599}]",
        with: "    plans: [{name: only, price: 599}]\n  services: [{name: always, monthly: {dist: uniform, min: 50, max: 150}}]")
        + """

        team: [{role: founder, monthly_cost: 5000, headcount: [{count: 1}]}]
        compliance: [{name: audit, annual: 1200}]
        """

    @Test("An engine loaded with another run's scenario projects what a new engine projects", arguments: [
        "scenarios/mirai-roadmap.yaml", "scenarios/mirai-viral.yaml", "scenarios/mirai-high-churn.yaml", "standing costs",
    ])
    func reloadedEngine(path: String) throws {
        // Given three runs' drawn scenarios, of the same structure
        let base = path.hasSuffix(".yaml") ? try Scenario.load(path: Fixtures.path(path)) : try Fixtures.scenario(Self.standingCosts)
        let generator = RandomGenerator(.taus2, seed: 5)
        let drawn: [Scenario] = (0..<3).map { _ in
            var scenario = base
            for uncertainty in base.uncertainties {
                uncertainty.target(&scenario, uncertainty.range.clamp(uncertainty.distribution.draw(using: generator)))
            }
            return scenario
        }
        let plan = EnginePlan(scenario: base)
        // A run that stops at month 1 leaves the engine where the next run (the same draws) is in month 1.
        var short = drawn[0]
        short.horizonMonths = 1
        var reused = Engine(scenario: short, plan: plan)
        var shortFlows = RandomFlows(generator: RandomGenerator(.taus2, seed: 0))
        _ = Simulator.simulate(&reused, flows: &shortFlows) { _ in }
        for (index, scenario) in drawn.enumerated() {
            // When one engine runs them in turn (a Monte Carlo worker's), and a new engine runs each
            var reusedRows: [MonthRow] = [], freshRows: [MonthRow] = []
            reused.load(scenario)
            var flows = RandomFlows(generator: RandomGenerator(.taus2, seed: UInt(index)))
            _ = Simulator.simulate(&reused, flows: &flows) { reusedRows.append($0) }
            flows = RandomFlows(generator: RandomGenerator(.taus2, seed: UInt(index)))
            _ = Simulator.simulate(scenario, plan: plan, flows: &flows) { freshRows.append($0) }
            // Then every month is the same
            let differing = zip(reusedRows, freshRows).first { $0 != $1 }
            #expect(reusedRows.count == freshRows.count && differing == nil,
                    "run \(index), month \(differing?.0.month ?? -1): \(String(describing: differing))")
            if !path.hasSuffix(".yaml") {
                #expect(freshRows.dropFirst().allSatisfy { $0.teamCost == 5000 && $0.complianceCost == 100 && $0.servicesCost > 0 },
                        "costs without a condition are charged every month")
            }
            var expected = ExpectedFlows()
            reused.load(scenario)
            #expect(Simulator.simulate(&reused, flows: &expected) { _ in } == Simulator.project(scenario).rows.last,
                    "run \(index), expected flows")
        }
    }
}

