@testable import CapsimKit
import GSLKit
import Testing

@Suite("Sensitivity (§11)")
struct SensitivityTests {
    /// 100 paid accounts and nothing else: MRR = 100 × price; total cost = the service.
    static let twoParameters = """
        start: 2025-01
        horizon_months: 2
        cash: {initial: 1000}
        tiers:
          - {name: free, price: 0, churn: 0, messages_per_active_day: 0}
          - {name: paid, price: {dist: uniform, min: 10, max: 30}, churn: 0, messages_per_active_day: 0}
        conversion_rate: 0
        users: {paid: 100}
        acquisition: {cac: 10, activation_rate: 0}
        usage: {stickiness: 0}
        infrastructure:
          supabase:
            plans: [{name: only, price: 0}]
          services: [{name: ops, monthly: {dist: normal, mean: 2000, sd: 100}}]
        phases: [{name: one}]
        """

    @Test("A tornado of two parameters whose answer is known, rows by swing")
    func knownTornado() throws {
        let scenario = try Fixtures.scenario(Self.twoParameters)
        let outcomes = try ["mrr_usd@1", "total_cost_usd@1", "cash_out_month", "cash_below_floor@2"].map { try Outcome.parse($0, for: scenario) }
        let result = try Sensitivity.analyse(scenario, outcomes: outcomes)
        let z = 1.2815515655446004   // z of the 90th percentile
        // mrr_usd@1 = 100 × price: price at Q(0.1) = 12 and Q(0.9) = 28; the service does not move it.
        let mrr = result.outcomes[0]
        #expect(mrr.base == 2000)
        #expect(mrr.rows.map(\.keyPath) == ["tiers.paid.price", "infrastructure.services.ops.monthly"])
        #expect(abs(mrr.rows[0].lowInput - 12) < 1e-12 && abs(mrr.rows[0].highInput - 28) < 1e-12)
        #expect(abs(mrr.rows[0].low! - 1200) < 1e-9 && abs(mrr.rows[0].high! - 2800) < 1e-9 && abs(mrr.rows[0].swing! - 1600) < 1e-9)
        #expect(mrr.rows[1].swing == 0)
        // total_cost_usd@1 = the service: 2000 ∓ z × 100; the price does not move it.
        let cost = result.outcomes[1]
        #expect(cost.rows.map(\.keyPath) == ["infrastructure.services.ops.monthly", "tiers.paid.price"])
        #expect(abs(cost.rows[0].low! - (2000 - z * 100)) < 1e-9 && abs(cost.rows[0].swing! - 2 * z * 100) < 1e-9)
        // Cash: 1000 + MRR − cost. At the means it never falls below 0 (cash 1000, 1000, 1000).
        // Price at 12 → MRR 1200 < cost 2000: cash 200, then −600 in month 2 (H + 1 = 3 without it).
        let cashOut = result.outcomes[2]
        let price = try #require(cashOut.rows.first { $0.keyPath == "tiers.paid.price" })
        #expect(cashOut.base == nil && price.low == 2 && price.high == nil && price.swing == 1)
        let event = result.outcomes[3]
        let eventRow = try #require(event.rows.first { $0.keyPath == "tiers.paid.price" })
        #expect(eventRow.low == 1 && eventRow.high == 0)
    }

    @Test("Undefined swings sort last; equal swings keep parameter order")
    func ordering() throws {
        let scenario = try Fixtures.scenario(Self.twoParameters)
        let outcome = try Outcome.parse("burn_multiple@1", for: scenario)   // t < 3: undefined in every projection
        let rows = try Sensitivity.analyse(scenario, outcomes: [outcome]).outcomes[0].rows
        #expect(rows.allSatisfy { $0.swing == nil })
        #expect(rows.map(\.keyPath) == ["tiers.paid.price", "infrastructure.services.ops.monthly"])
    }

    @Test("Outcomes that cannot be read are errors naming what is accepted")
    func badOutcomes() throws {
        let scenario = try Fixtures.scenario(Self.twoParameters)
        #expect(throws: OutcomeError.self) { try Outcome.parse("mrr_usd@3", for: scenario) }
        #expect { try Outcome.parse("mrr@1", for: scenario) } throws: { "\($0)".contains("did you mean 'mrr_usd'?") }
        #expect { try Outcome.parse("required_rise", for: scenario) } throws: { "\($0)".contains("did you mean 'required_raise'?") }
    }

    @Test("Spearman's ρ on constructed cases: a swap, ties at their average rank, a constant series")
    func spearman() {
        // Ranks (1,2,3,4) and (1,3,2,4): ρ = 1 − 6 Σd² / (n(n² − 1)) = 1 − 12/60.
        #expect(abs(Statistics.spearman([1, 2, 3, 4], [10, 30, 20, 40])! - 0.8) < 1e-12)
        // x ranks (1, 2.5, 2.5, 4): Pearson with (1, 2, 3, 4) = 4.5 / √(4.5 × 5).
        #expect(abs(Statistics.spearman([1, 2, 2, 3], [1, 2, 3, 4])! - 4.5 / (4.5 * 5).squareRoot()) < 1e-12)
        #expect(Statistics.spearman([1, 1, 1], [1, 2, 3]) == nil)
    }

    @Test("Spearman's ρ equals 1 − 6 Σd² / (n(n² − 1)) on random series without ties", arguments: [UInt64(1), 2, 3])
    func spearmanFormula(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let n = 200
        // A shuffled 0..<n has no ties; y is x plus noise, so ρ is far from 0.
        let x = (0..<n).map { _ in Double(generator.next() % 1_000_000_000) }
        let y = x.map { $0 + Double(generator.next() % 400_000_000) }
        let rx = Statistics.ranks(x), ry = Statistics.ranks(y)
        #expect(Set(rx) == Set((1...n).map(Double.init)), "ranks are 1…n without ties")
        let d2 = zip(rx, ry).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        let expected = 1 - 6 * d2 / Double(n * (n * n - 1))
        #expect(abs(Statistics.spearman(x, y)! - expected) < 1e-12)
    }

    @Test("With runs: an event that happens exactly in the high draws has shares 0 and 1 by quarter")
    func quarters() throws {
        // Cash 1000 less a service drawn uniformly on [0, 2000] in month 1: below 0 iff the draw > 1000.
        let yaml = Self.twoParameters
            .replacingOccurrences(of: "price: {dist: uniform, min: 10, max: 30}", with: "price: 10")
            .replacingOccurrences(of: "users: {paid: 100}", with: "users: {paid: 0}")
            .replacingOccurrences(of: "{dist: normal, mean: 2000, sd: 100}", with: "{dist: uniform, min: 0, max: 2000}")
        let scenario = try Fixtures.scenario(yaml)
        let outcome = try Outcome.parse("cash_below_floor@1", for: scenario)
        let result = try Sensitivity.analyse(scenario, outcomes: [outcome], monteCarlo: MonteCarloOptions(runs: 400, seed: 3, threads: 2))
        let row = try #require(result.outcomes[0].rows.first)
        #expect(row.shareLowQuarter == 0 && row.shareHighQuarter == 1)
        #expect(row.spearman.map { $0 > 0.8 } == true)
        #expect(result.csv().hasPrefix("outcome,parameter,low_input,high_input,low,high,swing,spearman,share_low_quarter,share_high_quarter\r\n"))
    }
}

