@testable import CapsimKit
import Testing

/// MODEL.md §10 worked by hand on a business with a fixed 10 paid accounts at $100 (MRR
/// $1,000 every month) whose costs rise from $500 to $1,500 in month 3.
@Suite("Funding, runway and burn (§10), by hand")
struct FundingTests {
    static func yaml(initial: Double = 100, floor: Double = 0, extra: String = "") -> String {
        """
        start: 2025-01
        horizon_months: 4
        cash: {initial: \(initial), floor: \(floor), raise_lead_months: 6}
        tiers:
          - {name: free, price: 0, churn: 0, messages_per_active_day: 0}
          - {name: paid, price: 100, churn: 0, messages_per_active_day: 0}
        conversion_rate: 0
        users: {paid: 10}
        acquisition: {cac: 10, activation_rate: 0}
        usage: {stickiness: 0}
        infrastructure:
          supabase:
            plans: [{name: only, price: 0}]
          services:
            - {name: base, monthly: 500}
            - {name: growth, monthly: 1000, when: {month_at_least: 3}}
        phases: [{name: one}]
        \(extra)
        """
    }

    static let round = """
        funding:
          - {name: bridge, amount: 2000, when: {month_at_least: 3, cash_at_most: 10000}}
        """

    @Test("A round is received once, in the first month its condition holds; runway is undefined while not burning")
    func roundAndRunway() throws {
        let projection = try Simulator.project(try Fixtures.scenario(Self.yaml(extra: Self.round)))
        let rows = projection.rows
        // cash(t) = cash(t−1) + 1000 − cost(t) + funding(t): 100, 600, 1100, 600 + 2000, 2600 − 500
        #expect(rows.map(\.cash) == [100, 600, 1100, 2600, 2100])
        #expect(rows.map { $0[.funding] } == [0, 0, 0, 2000, 0], "received in month 3 only, though its condition holds in month 4")
        #expect(rows.map { $0[.netBurn] } == [0, -500, -500, 500, 500])
        // Mean net burn of months max(1, t−2)…t: −500, −500, −166.7 (not burning), then (−500 + 500 + 500)/3.
        #expect(rows[0...3].allSatisfy { $0.value(.runwayMonths) == nil })
        #expect(abs(rows[4][.runwayMonths] - 2100 / (500.0 / 3)) < 1e-9)
        // t = 4: Σ net burn of months 2…4 = 500 > 0, but MRR(4) − MRR(1) = 0: undefined.
        #expect(rows.allSatisfy { $0.value(.burnMultiple) == nil })
        #expect(projection.month(ofEvent: "funding:bridge") == 3)
        let funding = projection.funding
        #expect(funding.cashOutMonth == nil && funding.raiseByMonth == nil)
        #expect(funding.requiredRaise == 0 && funding.cashLowPoint == 100 && funding.cashLowPointMonth == 0)
        #expect(funding.breakEvenMonth == nil, "months 3 and 4 lose money: break-even does not hold to the horizon")
        #expect(!funding.defaultAlive)
    }

    @Test("Below the floor from month 0: raise by month 0, raise what the low point lacks")
    func floorAndRequiredRaise() throws {
        let projection = try Simulator.project(try Fixtures.scenario(Self.yaml(initial: 100, floor: 500)))
        let funding = projection.funding
        #expect(funding.cashOutMonth == 0 && funding.raiseByMonth == 0)
        #expect(funding.requiredRaise == 400, "floor 500 − min cash 100")
        #expect(projection.month(ofEvent: "cash_below_floor") == 0)
    }

    @Test("Break-even from the first month that covers cost to the horizon; default alive before cash runs out")
    func breakEven() throws {
        // Costs of $500 only: MRR covers them from month 1 on.
        let yaml = Self.yaml().replacingOccurrences(of: "    - {name: growth, monthly: 1000, when: {month_at_least: 3}}\n", with: "")
        let funding = try Simulator.project(try Fixtures.scenario(yaml)).funding
        #expect(funding.breakEvenMonth == 1 && funding.cashOutMonth == nil && funding.defaultAlive)
        // The growth service from month 0 on (its condition always holds): cost 1,500 > MRR 1,000 every month.
        let dearStart = Self.yaml(initial: 100).replacingOccurrences(of: "{month_at_least: 3}", with: "{mrr_at_least: 0}")
        let projection = try Simulator.project(try Fixtures.scenario(dearStart))
        #expect(projection.funding.breakEvenMonth == nil && projection.funding.cashOutMonth == 1)
        #expect(projection.funding.raiseByMonth == 0, "max(0, 1 − 6)")
        #expect(abs(projection.funding.requiredRaise - 1900) < 1e-9, "cash(4) = 100 − 4 × 500 = −1900")
    }

    @Test("Burn multiple: three months' net burn over 12 × the MRR growth across them; runway on the mean burn")
    func burnMultiple() throws {
        // MRR grows by conversions of free accounts (10% a month); costs are fixed at $50,000.
        let yaml = """
            start: 2025-01
            horizon_months: 4
            cash: {initial: 100000}
            tiers:
              - {name: free, price: 0, churn: 0, messages_per_active_day: 0}
              - {name: paid, price: 100, churn: 0, messages_per_active_day: 0}
            conversion_rate: 0.1
            users: {free: 1000}
            acquisition: {cac: 10, activation_rate: 0}
            usage: {stickiness: 0}
            infrastructure:
              supabase:
                plans: [{name: only, price: 0}]
              services: [{name: base, monthly: 50000}]
            phases: [{name: one}]
            """
        let rows = try Simulator.project(try Fixtures.scenario(yaml)).rows
        // Paid accounts: 0, 100, 190, 271, 343.9; MRR × 100.
        let mrr = [0, 10000, 19000, 27100, 34390.0]
        for (row, expected) in zip(rows, mrr) { #expect(abs(row.mrr - expected) < 1e-6) }
        // Net burn 50,000 − MRR: 40,000, 31,000, 22,900, 15,610.
        #expect(rows[2].value(.burnMultiple) == nil, "t < 3")
        #expect(abs(rows[3][.burnMultiple] - 93_900 / (12 * 27_100.0)) < 1e-12)
        #expect(abs(rows[4][.burnMultiple] - 69_510 / (12 * 24_390.0)) < 1e-12)
        // cash(3) = 100,000 − 93,900; mean burn of months 1–3 = 31,300.
        #expect(abs(rows[3][.runwayMonths] - 6_100 / 31_300.0) < 1e-12)
        // cash(4) < 0: runway max(cash, 0) / burn = 0.
        #expect(rows[4][.runwayMonths] == 0)
    }
}
