import CapsimKit
import Testing

/// A two-month scenario worked by hand from MODEL.md §1–7. Every expected value below is
/// written as the arithmetic done on paper, so a reader can follow each step.
@Suite("Hand-computed two-month scenario")
struct HandComputedTests {
    static let yaml = """
        start: 2025-01
        horizon_months: 2
        cash: {initial: 1000}
        tiers:
          - {name: free, price: 0, churn: 0.1, messages_per_active_day: 10, daily_quota: 5}
          - {name: paid, price: 20, churn: 0.05, messages_per_active_day: 20}
        conversion_rate: 0.1
        users: {free: 100, paid: 10, waitlist: 50}
        acquisition: {cac: 10, referral_rate: 0.02, waitlist_conversion: 0.2, waitlist_joins: 5,
                      activation_rate: 0.5, market_size: 10000}
        usage:
          stickiness: 0.5
          events_per_message: 1
          events_per_user: 10
          bytes_per_message: 1 KB
          bytes_per_event: 100
          bytes_per_account: 1000
          base_db_bytes: 1 MB
          storage_per_account: 2000
          egress_per_message: 2 KB
          egress_per_user: 1000
          peak_concurrency: 0.1
          cost_per_message: 0.01
          archive_after_months: 1
          archive_to: storage
        payments: {percent: 0.03, fixed: 0.3}
        marketing: [{phase: 0, spend: 500}, {phase: 1, spend: 1000}]
        infrastructure:
          supabase:
            policy: thresholds
            plans:
              - {name: free, price: 0, included: {db: 2 MB, egress: 1 GB, storage: 1 GB, mau: 1000},
                 hard_limits: true, max_users: 120}
              - {name: pro, price: 25, included: {db: 1.5 MB}, overage: {db_per_gb: 1000}}
          services:
            - {name: svc, monthly: 10, per_user: 0.1, when: {users_at_least: 120}}
        team:
          - role: dev
            monthly_cost: 100
            headcount: [{count: 1}, {when: {paid_users_at_least: 12}, count: 2}]
        compliance:
          - {name: audit, annual: 120, when: {phase_at_least: 1}}
        phases:
          - name: p0
          - name: p1
            when: {users_at_least: 120}
        milestones:
          - {name: twelve paid, when: {paid_users_at_least: 12}, action: celebrate}
          - {name: never, when: {users_at_least: 1000000}}
        """

    let projection: Projection

    init() throws {
        projection = try Simulator.project(try Fixtures.scenario(Self.yaml))
    }

    /// Relative tolerance for values computed with a different order of operations.
    func expectClose(_ actual: Double?, _ expected: Double, _ what: String,
                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let actual else {
            Issue.record("\(what) is undefined, expected \(expected)", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(actual - expected) <= 1e-9 * max(1, abs(expected)), "\(what): \(actual) vs \(expected)",
                sourceLocation: sourceLocation)
    }

    @Test("Month 0 is the initial state: stocks from initial users, no flows or costs")
    func monthZero() {
        let row = projection.rows[0]
        #expect(projection.rows.count == 3)
        #expect(projection.scenario.start.adding(months: row.month).description == "2025-01")
        #expect(Array(row.usersByTier) == [100, 10])
        expectClose(row.users, 110, "N(0)")
        expectClose(row[.dau], 55, "DAU = 110 × 0.5")
        // 100 × 0.5 × min(10, 5) + 10 × 0.5 × 20 = 250 + 100
        expectClose(row.messagesPerDay, 350, "messages/day")
        #expect(row.messages == 0 && row[.signups] == 0 && row.totalCost == 0 && row[.paymentFees] == 0)
        // 1 MB base + C(0) = 110 accounts × 1000 bytes
        expectClose(row[.dbBytes], 1_110_000, "db")
        expectClose(row[.storageBytes], 220_000, "storage = E(0) = N(0) = 110 × 2000")
        expectClose(row.mrr, 200, "MRR = 10 × 20")
        expectClose(row.cash, 1000, "cash(0) = cash.initial")
        #expect(row.phase == 0)
        #expect(row.planIndex == 0, "110 users < free's max_users 120")
    }

    @Test("Month 1 follows MODEL.md §2–6 step by step")
    func monthOne() {
        let row = projection.rows[1]
        // spend = marketing of phase(0) = 500; s = 1 − 110/10000 = 0.989
        // paid = 500/10 × 0.989 = 49.45; organic = 0.02 × 110 × 0.989 = 2.1758; waitlist = 0.2 × 50 = 10
        expectClose(row[.signups], 61.6258, "signups")
        expectClose(row.waitlist, 45, "W = 50 − 10 + 5")
        expectClose(row.cumulativeSignups, 171.6258, "C = 110 + 61.6258")
        expectClose(row.activated, 30.8129, "activated = 61.6258 × 0.5")
        // churned: free 100 × 0.1 = 10, paid 10 × 0.05 = 0.5; conversions = 90 × 0.1 = 9
        expectClose(row[.churned], 10.5, "churned")
        expectClose(row[.conversions], 9, "conversions")
        expectClose(row.usersByTier[0], 111.8129, "U_free = 90 − 9 + 30.8129")
        expectClose(row.usersByTier[1], 18.5, "U_paid = 9.5 + 9")
        expectClose(row.users, 130.3129, "N")
        expectClose(row[.dau], 65.15645, "DAU")
        // 111.8129 × 0.5 × 5 + 18.5 × 0.5 × 20 = 279.53225 + 185
        expectClose(row.messagesPerDay, 464.53225, "messages/day")
        expectClose(row.messages, 14_139.200359375, "messages = 464.53225 × 30.4375")
        expectClose(row.events, 15_442.329359375, "events = messages × 1 + 130.3129 × 10")
        // data(1) = 14139.200359375 × 1000 + 15442.329359375 × 100 = 15,683,433.2953125 (still live: 1 − 1 < A)
        expectClose(row[.dbBytes], 1_000_000 + 171_625.8 + 15_683_433.2953125, "db")
        expectClose(row[.storageBytes], 281_625.8, "storage = E(1) × 2000 = (110 + 30.8129) × 2000")
        expectClose(row[.egressBytes], 14_139.200359375 * 2000 + 130_312.9, "egress")
        expectClose(row.mrr, 370, "MRR = 18.5 × 20")
        expectClose(row[.paymentFees], 16.65, "fees = 18.5 × (20 × 0.03 + 0.3)")
        #expect(row.phase == 1, "130 users ≥ 120")
        #expect(row.planIndex == 1, "130 users ≥ free's max_users 120: pro")
        // pro: 25 + (16,855,059.0953125 − 1,500,000) / 1e9 × 1000
        expectClose(row[.supabaseCost], 25 + 15.3550590953125, "supabase")
        expectClose(row[.servicesCost], 10 + 13.03129, "services = 10 + 0.1 × 130.3129")
        expectClose(row[.teamCost], 200, "team: last holding step has count 2 (18.5 paid ≥ 12)")
        expectClose(row[.complianceCost], 10, "compliance = 120 / 12 in phase 1")
        expectClose(row[.marketing], 500, "marketing")
        expectClose(row[.variableCost], 141.39200359375, "variable = messages × 0.01")
        expectClose(row[.infraCost], 63.3863490953125, "infra")
        expectClose(row.totalCost, 931.4283526890625, "total")
        expectClose(row.cash, 438.5716473109375, "cash = 1000 + 370 − 931.43")
        expectClose(row.grossMargin, 148.5716473109375 / 370, "gross margin")
        expectClose(row[.paidChurnRate], 0.05, "paid churn = 0.5 / 10")
        expectClose(row.costPerUser, 63.3863490953125 / 130.3129, "infra per user")
    }

    @Test("Month 2 uses month 1's end values and archives month 1's data to storage")
    func monthTwo() {
        let row = projection.rows[2]
        let s = 1 - 171.6258 / 10000                   // saturation from C(1)
        let signups = 1000.0 / 10 * s + 0.02 * 130.3129 * s + 0.2 * 45  // spend of phase(1) = 1000
        expectClose(row[.signups], signups, "signups")
        expectClose(row.waitlist, 41, "W = 45 − 9 + 5")
        let activated = signups * 0.5
        let retainedFree = 111.8129 * 0.9
        let conversions = retainedFree * 0.1
        expectClose(row.usersByTier[0], retainedFree - conversions + activated, "U_free")
        expectClose(row.usersByTier[1], 18.5 * 0.95 + conversions, "U_paid")
        let users = retainedFree - conversions + activated + 18.5 * 0.95 + conversions
        let messages = ((retainedFree - conversions + activated) * 0.5 * 5 + (18.5 * 0.95 + conversions) * 0.5 * 20) * 30.4375
        let data2 = messages * 1000 + (messages + users * 10) * 100
        let cumulative = 171.6258 + signups
        // Month 1's data (15,683,433.2953125 bytes) is archived (2 − 1 ≥ A = 1) into storage.
        expectClose(row[.dbBytes], 1_000_000 + cumulative * 1000 + data2, "db holds month 2's data only")
        expectClose(row[.storageBytes], (140.8129 + activated) * 2000 + 15_683_433.2953125, "storage: E(2) × 2000 + month 1's data")
        expectClose(row[.marketing], 1000, "marketing of phase 1")
        expectClose(row.cash, 438.5716473109375 + row.mrr - row.totalCost, "cash identity")
    }

    @Test("Milestones with the same condition are each reached, in the same month")
    func milestonesSharingACondition() throws {
        let yaml = Self.yaml.replacingOccurrences(of: "  - {name: never, when: {users_at_least: 1000000}}",
                                                  with: "  - {name: never, when: {users_at_least: 1000000}}\n  - {name: also twelve, when: {paid_users_at_least: 12}}")
        let projection = try Simulator.project(try Fixtures.scenario(yaml))
        let milestones = projection.events.filter { $0.key.hasPrefix("milestone:") }.map { "\($0.month) \($0.key)" }
        #expect(milestones == ["1 milestone:twelve paid", "1 milestone:also twelve"])
    }

    @Test("Events: phase entry, plan change with reason, limit breach, milestones")
    func events() {
        let keys = projection.events.map { "\($0.month) \($0.key)" }
        #expect(keys == ["0 phase:0", "1 phase:1", "1 milestone:twelve paid", "1 plan:pro", "1 breach:free:db",
                         "2 cash_below_floor"])
        let change = projection.events.first { $0.key == "plan:pro" }
        #expect(change?.detail.contains("reached free's max_users (120)") == true)
        #expect(projection.phaseEntryMonths == [0, 1])
        // Month 2 spends 1000 on marketing alone against 438.57 of cash and 552.76 of MRR.
        #expect(projection.funding.cashOutMonth == 2)
        #expect(projection.funding.cashLowPointMonth == 2)
    }
}
