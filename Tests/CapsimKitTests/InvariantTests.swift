import CapsimKit
import Testing

/// Properties that hold for every valid scenario, checked on randomly generated ones.
@Suite("Invariants over random scenarios")
struct InvariantTests {
    /// A random valid scenario as YAML, so that the decoder is exercised too.
    static func randomScenario(_ rng: inout SeededGenerator, priceScale: Double = 1) -> String {
        func r(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &rng) }
        let paidCount = Int.random(in: 0...3, using: &rng)
        let weights = (0..<paidCount).map { _ in Double(Int.random(in: 1...9, using: &rng)) }
        let total = weights.reduce(0, +)
        var tiers = "  - {name: free, price: 0, churn: \(r(0...0.5)), messages_per_active_day: \(r(0...50)), daily_quota: \(r(1...20))}\n"
        var users = "free: \(r(0...500))"
        for index in 0..<paidCount {
            // The last share absorbs rounding so that the shares sum to exactly 1.
            let share = index == paidCount - 1 ? 1 - weights.dropLast().reduce(0) { $0 + $1 / total } : weights[index] / total
            tiers += "  - {name: t\(index), price: \(r(1...200)), share: \(share), churn: \(r(0...0.3)), messages_per_active_day: \(r(0...300))}\n"
            users += ", t\(index): \(r(0...50))"
        }
        let policy = Bool.random(using: &rng) ? "thresholds" : "cheapest"
        let archive = Bool.random(using: &rng)
            ? "archive_after_months: \(Int.random(in: 1...12, using: &rng))\n  archive_to: \(["database", "storage", "delete"].randomElement(using: &rng)!)"
            : "archive_to: database"
        return """
            start: 2024-0\(Int.random(in: 1...9, using: &rng))
            horizon_months: \(Int.random(in: 1...72, using: &rng))
            cash: {initial: \(r(-10_000...100_000))}
            tiers:
            \(tiers)
            conversion_rate: \(r(0...0.2))
            users: {\(users), waitlist: \(r(0...1000))}
            acquisition:
              market_size: \(r(1000...1e7))
              cac: \(r(0.5...100))
              referral_rate: \(r(0...0.3))
              waitlist_conversion: \(r(0...1))
              waitlist_joins: \(r(0...100))
              activation_rate: \(r(0...1))
            usage:
              stickiness: \(r(0...1))
              events_per_message: \(r(0...5))
              events_per_user: \(r(0...100))
              bytes_per_message: \(r(0...10_000))
              bytes_per_event: \(r(0...2000))
              bytes_per_account: \(r(0...100_000))
              base_db_bytes: \(r(0...1e8))
              storage_per_account: \(r(0...1e7))
              egress_per_message: \(r(0...10_000))
              egress_per_user: \(r(0...1e7))
              peak_concurrency: \(r(0...1))
              cost_per_message: \(r(0...0.01))
              \(archive)
            payments: {percent: \(r(0...0.05)), fixed: \(r(0...0.5))}
            marketing: [{phase: 0, spend: \(r(0...2000))}, {phase: 1, spend: \(r(0...20_000))}]
            infrastructure:
              supabase:
                policy: \(policy)
                plans:
                  - {name: free, price: 0, included: {db: 500 MB, egress: 5 GB, storage: 1 GB, mau: 50000}, hard_limits: true, max_users: \(r(10...500))}
                  - {name: pro, price: \(25 * priceScale), included: {db: 8 GB, egress: 250 GB, storage: 100 GB, mau: 100000},
                     overage: {db_per_gb: 0.125, egress_per_gb: 0.09, storage_per_gb: 0.021, per_mau: 0.00325}, max_users: \(r(1000...5000))}
                  - {name: big, price: \(599 * priceScale), included: {db: 100 GB}, overage: {db_per_gb: 0.1}}
              services: [{name: s, monthly: \(r(0...500)), per_user: \(r(0...0.1)), when: {users_at_least: \(r(0...1000))}}]
            team: [{role: dev, monthly_cost: \(r(0...10_000)), headcount: [{count: 1}, {when: {mrr_at_least: \(r(0...5000))}, count: 3}]}]
            compliance: [{name: c, annual: \(r(0...50_000)), when: {phase_at_least: 1}}]
            phases:
              - name: zero
              - name: one
                when: {users_at_least: \(r(10...2000))}
            """
    }

    @Test("Users are never negative, tiers sum to the total, costs are non-negative, cash identity holds",
          arguments: 0..<200)
    func invariants(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let yaml = Self.randomScenario(&rng)
        let scenario = try Fixtures.scenario(yaml, name: "random-\(seed).yaml")
        let rows = try Simulator.project(scenario).rows
        #expect(rows.count == scenario.horizonMonths + 1)
        for (t, row) in rows.enumerated() {
            let tolerance = 1e-9 * max(1, row.users)
            #expect(row.usersByTier.allSatisfy { $0 >= -tolerance }, "negative users in month \(t)")
            #expect(abs(row.usersByTier.reduce(0, +) - row.users) <= tolerance, "tiers do not sum to N in month \(t)")
            let costs = [row[.supabaseCost], row[.servicesCost], row[.teamCost], row[.complianceCost], row[.marketing],
                         row[.variableCost], row[.paymentFees], row[.infraCost], row.totalCost]
            #expect(costs.allSatisfy { $0 >= 0 }, "negative cost in month \(t)")
            #expect(row[.dbBytes] >= scenario[scenario.usage.baseDBBytes] - 1e-6)
            #expect(row.waitlist >= -1e-9)
            guard t > 0 else { continue }
            let previous = rows[t - 1]
            #expect(abs(row.cash - (previous.cash + row.mrr - row.totalCost)) <= 1e-6 * max(1, abs(row.cash)),
                    "cash identity fails in month \(t)")
            #expect(row.phase >= previous.phase, "phase went back in month \(t)")
            #expect(row.planIndex >= previous.planIndex, "plan downgraded in month \(t)")
            #expect(abs(row.totalCost - (row[.infraCost] + row[.teamCost] + row[.complianceCost] + row[.marketing]
                                          + row[.variableCost] + row[.paymentFees])) <= 1e-9 * max(1, row.totalCost))
        }
    }

    @Test("Raising Supabase prices never lowers the cost of any month (thresholds policy)", arguments: 0..<50)
    func costMonotoneInPrice(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var copy = rng
        let base = try Fixtures.scenario(Self.randomScenario(&rng).replacingOccurrences(of: "policy: cheapest", with: "policy: thresholds"))
        let dearer = try Fixtures.scenario(Self.randomScenario(&copy, priceScale: 1.5).replacingOccurrences(of: "policy: cheapest", with: "policy: thresholds"))
        let cheap = try Simulator.project(base).rows
        let expensive = try Simulator.project(dearer).rows
        for (a, b) in zip(cheap, expensive) {
            #expect(b[.supabaseCost] >= a[.supabaseCost])
            #expect(b.totalCost >= a.totalCost - 1e-9)
        }
    }

    @Test("Dearer compute never lowers Supabase's cost in any month (§9, every compute price × the same factor)",
          arguments: [("scenarios/mirai-roadmap.yaml", UInt64(1)), ("scenarios/mirai-roadmap.yaml", 2), ("scenarios/mirai-funded.yaml", 3)])
    func costMonotoneInComputePrice(file: String, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let base = try Scenario.load(path: Fixtures.path(file))
        let prices = base.parameters.parameters.indices.filter { index in
            let path = base.parameters.parameters[index].keyPath
            return path.hasPrefix("infrastructure.supabase.compute.sizes.") && path.hasSuffix(".price")
        }
        try #require(prices.count > 1, "the scenario has a compute catalog")
        let cheap = try Simulator.project(base)
        for _ in 0..<3 {
            let factor = Double.random(in: 1...3, using: &rng)
            var values = base.parameters.values
            for index in prices { values[index] *= factor }
            let dearer = try Simulator.project(base, values: values)
            for t in 0...base.horizonMonths {
                let a = cheap.row(t), b = dearer.row(t)
                #expect(b[.supabaseCost] >= a[.supabaseCost] - 1e-9, "month \(t), factor \(factor)")
                #expect(b[.computeCost] >= a[.computeCost] - 1e-9, "month \(t), factor \(factor)")
            }
        }
    }

    @Test("The same scenario always gives byte-identical CSV and JSON")
    func reproducible() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let first = try Simulator.project(scenario)
        let second = try Simulator.project(try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml")))
        #expect(first.csv() == second.csv())
        #expect(first.json().serialized() == second.json().serialized())
    }
}
