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
        let expected = try Simulator.project(scenario).rows
        let result = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 200, seed: 3, threads: 2))
        let users = try #require(result.seriesIndex("users_total")), mrr = try #require(result.seriesIndex("mrr_usd"))
        for month in 0..<result.months {
            let meanUsers = try #require(result.mean(month: month, series: users))
            let meanMRR = try #require(result.mean(month: month, series: mrr))
            // Tolerance: 0.5% relative. Each run's users differ from the expectation by a few
            // hundred (binomial noise on ~200k); over 200 runs the mean is far closer.
            #expect(abs(meanUsers - expected[month].users) <= 0.005 * expected[month].users, "month \(month) users")
            #expect(abs(meanMRR - expected[month].mrr) <= 0.005 * expected[month].mrr, "month \(month) MRR")
        }
    }

    @Test("The series runs sum are the numeric export columns: their means are the means of the runs' rows")
    func seriesAreExportColumns() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        var records: [RunRecord] = []
        let result = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 40, seed: 2, threads: 2),
                                             onRun: { records.append($0) })
        let columns = scenario.numericColumns
        #expect(result.seriesNames == columns.map(\.name))
        for (index, column) in columns.enumerated() {
            let values = records.map { $0.horizon[slot: column.slot!] }.filter { !$0.isNaN }
            let mean = result.mean(month: scenario.horizonMonths, series: index)
            if values.isEmpty {
                #expect(mean == nil, "\(column.name)")
            } else {
                let expected = values.reduce(0, +) / Double(values.count)
                #expect(mean.map { abs($0 - expected) <= 1e-9 * max(1, abs(expected)) } == true, "\(column.name)")
            }
        }
    }

    @Test("Users are whole numbers in every run and tiers sum to the total")
    func wholeUsers() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        var records: [RunRecord] = []
        _ = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 50, seed: 1, threads: 2),
                                onRun: { records.append($0) })
        #expect(records.map(\.run) == Array(0..<50), "records arrive in run order")
        for record in records {
            let row = record.horizon
            #expect(row.usersByTier.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
            #expect(row.usersByTier.reduce(0, +) == row.users)
        }
    }

    @Test("Results are identical for 1, 2 and 3 threads, and for the same seed")
    func threadIndependence() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        func outputs(threads: Int, seed: UInt64 = 9) throws -> [String] {
            var runs = ""
            let result = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 300, seed: seed, threads: threads, sampleCapacity: 100),
                                             onRun: { runs += RunsCSV.row($0) })
            return [result.bandsCSV(), runs, result.summary().plainText(), result.json().serialized()]
        }
        let one = try outputs(threads: 1)
        #expect(try outputs(threads: 2) == one)
        #expect(try outputs(threads: 3) == one)
        #expect(try outputs(threads: 1, seed: 10) != one, "a different seed gives different runs")
    }

    @Test("Runs folded in many waves give what one wave gives")
    func waves() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        func outputs(waveMemoryBudget: Int) throws -> [String] {
            var options = MonteCarloOptions(runs: 700, seed: 3, threads: 2, sampleCapacity: 200)
            options.waveMemoryBudget = waveMemoryBudget
            var runs = ""
            var reports: [Int] = []
            let result = try MonteCarlo.simulate(scenario, options: options, onRun: { runs += RunsCSV.row($0) },
                                             progress: { done, _ in reports.append(done) })
            return [result.bandsCSV(), runs, result.json().serialized(), reports.map(String.init).joined(separator: " ")]
        }
        let one = try outputs(waveMemoryBudget: .max)
        let many = try outputs(waveMemoryBudget: 0)   // 2 blocks (128 runs) a wave
        #expect(Array(many.prefix(3)) == Array(one.prefix(3)))
        #expect(one[3] == "700")
        #expect(many[3] == "128 256 384 512 640 700", "a progress report after each wave")
    }

    @Test("Event probabilities and months come from every run")
    func events() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        var records: [RunRecord] = []
        let result = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 120, seed: 4, threads: 2),
                                         onRun: { records.append($0) })
        for (index, event) in result.eventStatistics().enumerated() {
            let months = records.map { $0.eventMonths[index] }.filter { $0 >= 0 }
            #expect(event.runs == months.count)
            #expect(event.month == Quantiles(months.map(Double.init)))
        }
        #expect(result.eventStatistics()[0].share == 1, "phase 0 is entered in every run")
    }

    @Test("Bands: the mean is the runs' mean and lies within their values, the percentiles are ordered and within them too")
    func bandsOrdered() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        var records: [RunRecord] = []
        let result = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 100, seed: 2, threads: 2),
                                             onRun: { records.append($0) })
        let bands = result.bands()
        for month in bands {
            for band in month {
                guard let q = band.quantiles else { continue }
                #expect(q.p5 <= q.p25 && q.p25 <= q.p50 && q.p50 <= q.p75 && q.p75 <= q.p95)
            }
        }
        // At the horizon every run's value is known: check the band against them.
        for (index, column) in scenario.numericColumns.enumerated() {
            let values = records.map { $0.horizon[slot: column.slot!] }.filter { !$0.isNaN }.sorted()
            let band = bands[scenario.horizonMonths][index]
            guard let low = values.first, let high = values.last else {
                #expect(band.mean == nil && band.quantiles == nil, "\(column.name)")
                continue
            }
            let mean = try #require(band.mean, "\(column.name)")
            let q = try #require(band.quantiles, "\(column.name)")
            let slack = 1e-9 * max(1, abs(high), abs(low))
            #expect(abs(mean - values.reduce(0, +) / Double(values.count)) <= slack, "\(column.name) mean")
            #expect(low - slack <= mean && mean <= high + slack, "\(column.name): mean \(mean) outside \(low)…\(high)")
            #expect(low <= q.p5 && q.p95 <= high, "\(column.name): P5–P95 \(q.p5)…\(q.p95) outside \(low)…\(high)")
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

    @Test("An engine that ran other draws projects what a new engine projects", arguments: [
        "scenarios/mirai-roadmap.yaml", "scenarios/mirai-viral.yaml", "scenarios/mirai-high-churn.yaml", "standing costs",
    ])
    func reusedEngine(path: String) throws {
        // Given three runs' drawn values, of one scenario
        let base = path.hasSuffix(".yaml") ? try Scenario.load(path: Fixtures.path(path)) : try Fixtures.scenario(Self.standingCosts)
        let model = Model(base)
        let generator = RandomGenerator(.taus2, seed: 5)
        let drawn: [[Double]] = (0..<3).map { _ in
            var values = base.parameters.values
            for id in base.uncertainties {
                let parameter = base.parameters[id]
                values[id.index] = parameter.quantity.range.clamp(parameter.distribution!.draw(using: generator))
            }
            return values
        }
        var reused = Engine(model: model)
        for (index, values) in drawn.enumerated().reversed() + drawn.enumerated() {
            // When one engine runs them in turn (a Monte Carlo worker's), and a new engine runs each
            var reusedRows: [[Double]] = [], freshRows: [[Double]] = []
            var flows = RandomFlows(generator: RandomGenerator(.taus2, seed: UInt(index)))
            try reused.run(model.inputs(values), flows: &flows) { reusedRows.append($0) }
            var fresh = Engine(model: model)
            flows = RandomFlows(generator: RandomGenerator(.taus2, seed: UInt(index)))
            try fresh.run(model.inputs(values), flows: &flows) { freshRows.append($0) }
            // Then every month, event and cash summary is the same (NaN equal to NaN)
            let differing = zip(reusedRows, freshRows).enumerated().first { !$1.0.elementsEqual($1.1) { $0.bitPattern == $1.bitPattern } }?.offset
            #expect(reusedRows.count == freshRows.count && differing == nil, "run \(index), month \(differing ?? -1)")
            #expect(reused.eventMonths == fresh.eventMonths)
            #expect(FundingSummary(engine: reused, floor: 0) == FundingSummary(engine: fresh, floor: 0))
            if !path.hasSuffix(".yaml") {
                #expect(freshRows.dropFirst().allSatisfy {
                    $0[Column.teamCost.slot] == 5000 && $0[Column.complianceCost.slot] == 100 && $0[Column.servicesCost.slot] > 0
                }, "costs without a condition are charged every month")
            }
            var expected = ExpectedFlows()
            var last: [Double] = []
            try reused.run(model.inputs(values), flows: &expected) { last = $0 }
            let projected = try Simulator.project(base, values: values)
            #expect(last.elementsEqual(projected.last.values) { $0.bitPattern == $1.bitPattern }, "run \(index), expected flows")
        }
    }
}
