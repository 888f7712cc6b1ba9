import CapsimKit
import Testing

/// MODEL.md §9 worked by hand. One query per account-month of 1,000 ms with peak_to_mean 1
/// makes busy cores = N / (30.4375 × 86,400) = N / 2,629,800; read_share 0.5 splits it.
@Suite("Compute, connections and replicas (§9), by hand")
struct CapacityTests {
    static let secondsPerMonth = 30.4375 * 86_400

    static func yaml(users: Double, waitlist: Double = 0, sizes: String, plan: String = "{name: pro, price: 25}",
                     usage: String = "", workload: String = "") -> String {
        """
        start: 2025-01
        horizon_months: 1
        tiers:
          - {name: free, price: 0, churn: 0, messages_per_active_day: 0}
        conversion_rate: 0
        users: {free: \(users), waitlist: \(waitlist)}
        acquisition: {cac: 10, activation_rate: 1, waitlist_conversion: 1}
        usage: {stickiness: 0\(usage)}
        infrastructure:
          supabase:
            plans: [\(plan)]
            compute:
              credit: 10
              max_cpu_utilisation: 1
              read_share: 0.5
              sizes:
        \(sizes)
        workload:
          peak_to_mean: 1
          queries: [{name: q, per: account_month, ms: 1000}]
        \(workload)
        phases: [{name: one}]
        """
    }

    static let twoSizes = """
                - {name: S1, price: 10, cpu: 1, ram: 100 GB, max_connections: 10000000, pooler_clients: 10000000, max_replicas: 2}
                - {name: S2, price: 100, cpu: 4, ram: 100 GB, max_connections: 10000000, pooler_clients: 10000000}
        """

    @Test("A month that needs a replica, then one where a larger size drops it; the credit comes off the primary")
    func replicaThenLargerSize() throws {
        // Month 0: N = 1.2 × 2,629,800: busy 1.2. S1 alone: 0.6 + 0.6 = 1.2 > 1 core. S1 + 1 replica: primary 0.6 + 0.3,
        // replica 0.3: feasible at 2 × 10 − 10 (credit) = 10, cheaper than S2 at 100 − 10.
        // Month 1: the waitlist signs up, N = 1.8 × 2,629,800: S1 with 2 replicas has a primary of 0.9 + 0.3 > 1; S2 alone fits.
        let n0 = 1.2 * Self.secondsPerMonth, n1 = 1.8 * Self.secondsPerMonth
        let projection = try Simulator.project(try Fixtures.scenario(Self.yaml(users: n0, waitlist: n1 - n0, sizes: Self.twoSizes)))
        let rows = projection.rows
        #expect(abs(rows[0][.busyCores] - 1.2) < 1e-9 && abs(rows[1][.busyCores] - 1.8) < 1e-9)
        #expect(rows[0].computeIndex == 0 && rows[0][.replicas] == 1)
        #expect(rows[1].computeIndex == 1 && rows[1][.replicas] == 0, "a larger size may have fewer replicas")
        #expect(rows[1][.computeCost] == 90, "S2 at 100 less the credit of 10")
        #expect(rows[1][.supabaseCost] == 25 + 90)
        #expect(rows[0][.dbConnections] == 1.2 * 1.5, "busy × hold_factor 1.5")
        #expect(projection.month(ofEvent: "replicas:1") == 0 && projection.month(ofEvent: "compute:S2") == 1)
        #expect(projection.month(ofEvent: "replicas:2") == nil && projection.month(ofEvent: "capacity_breach") == nil)
    }

    @Test("A hard-limited plan runs on its free size, without the credit")
    func freePlanSize() throws {
        let sizes = """
                    - {name: Nano, price: 5, cpu: 1, ram: 1 GB, max_connections: 60, pooler_clients: 200, free_plan: true}
                    - {name: Micro, price: 10, cpu: 1, ram: 1 GB, max_connections: 60, pooler_clients: 200}
            """
        let projection = try Simulator.project(try Fixtures.scenario(Self.yaml(
            users: 1000, sizes: sizes, plan: "{name: free, price: 0, hard_limits: true, max_users: 100000}")))
        let row = projection.rows[1]
        #expect(row.computeIndex == 0 && row[.computeCost] == 5)
    }

    /// (bound, the sizes' only size, usage keys, workload keys): a scenario that breaks exactly that bound in month 1.
    static let breaches: [(CapacityBound, String, String, String)] = [
        (.cpu, "cpu: 0.5, ram: 1 GB, max_connections: 1000, pooler_clients: 1000", "", ""),
        (.ram, "cpu: 100, ram: 1 GB, max_connections: 1000, pooler_clients: 1000", ", base_db_bytes: 600 MB", ""),
        (.connections, "cpu: 100, ram: 1 GB, max_connections: 4, pooler_clients: 1000", "", "  hold_factor: 2"),
        (.clients, "cpu: 100, ram: 1 GB, max_connections: 1000, pooler_clients: 10", ", peak_concurrency: 0.1", ""),
        (.db, "cpu: 100, ram: 100 GB, max_connections: 1000, pooler_clients: 1000, max_db: 1 GB", ", base_db_bytes: 2 GB", ""),
    ]

    @Test("A breach names exactly the bound that fails, and the month bills the fallback option", arguments: 0..<5)
    func breach(index: Int) throws {
        let (bound, size, usage, workload) = Self.breaches[index]
        // N = 2,629,800: busy 1 core (CPU breach at 0.5 cores); connections 1 × hold_factor 2 > 0.4 × 4.
        var yaml = Self.yaml(users: Self.secondsPerMonth, sizes: "            - {name: Only, price: 50, \(size)}",
                             usage: usage, workload: workload)
        if bound == .clients { yaml = yaml.replacingOccurrences(of: "usage: {stickiness: 0", with: "usage: {stickiness: 1") }
        let projection = try Simulator.project(try Fixtures.scenario(yaml))
        let row = projection.rows[1]
        #expect(row.capacityBreach == [bound], "\(bound): \(String(describing: row.capacityBreach))")
        #expect(projection.month(ofEvent: "capacity_breach:\(bound.rawValue)") == 0)
        #expect(row[.computeCost] == 40, "the only size, billed, less the credit")
    }
}

@Suite("Compute invariants (§9)")
struct CapacityInvariantTests {
    @Test("Compute never steps back: the size never shrinks, and at the same size replicas never drop", arguments: 0..<12)
    func neverStepsBack(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let base = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        // Random values of every uncertain input, within its range: other growth paths.
        var values = base.parameters.values
        for id in base.uncertainties {
            let range = base.parameters[id].quantity.range
            let mean = values[id.index]
            values[id.index] = range.clamp(mean * Double.random(in: 0.5...1.5, using: &rng))
        }
        let rows = try Simulator.project(base, values: values).rows
        for (previous, row) in zip(rows, rows.dropFirst()) {
            let (a, b) = (previous.computeIndex!, row.computeIndex!)
            #expect(b >= a, "month \(row.month): size \(a) → \(b)")
            if a == b { #expect(row[.replicas] >= previous[.replicas], "month \(row.month): replicas drop at the same size") }
            #expect(row[.computeCost] >= 0)
        }
    }
}
