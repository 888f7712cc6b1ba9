/// The state and flows of one simulated month (one row of the CSV export).
///
/// Stocks are end-of-month values; flows and money are totals over the month.
/// Users are fractional in deterministic mode and whole in Monte Carlo mode.
public struct MonthRow: Sendable, Hashable {
    /// t, 0 … horizon.
    public var month: Int
    public var date: YearMonth
    /// phase(t), an index into the scenario's phases.
    public var phase: Int

    // Users
    /// U_i(t), accounts per tier in the scenario's order.
    public var usersByTier: TierValues
    /// N(t) = Σ U_i(t).
    public var users: Double
    /// Σ over paid tiers of U_j(t).
    public var paidUsers: Double
    /// W(t), people on the waitlist.
    public var waitlist: Double
    /// C(t), signups since the start (C(0) = N(0)).
    public var cumulativeSignups: Double
    public var signups: Double
    public var activated: Double
    /// Σ_i churned_i.
    public var churned: Double
    /// Accounts lost from paid tiers this month.
    public var paidChurned: Double
    public var conversions: Double
    /// Paid churn of the month: paid accounts lost / paid accounts at the end of last month;
    /// nil in month 0 and when there were no paid accounts.
    public var paidChurnRate: Double?

    // Usage and data
    public var dau: Double
    /// Peak simultaneous users: DAU × peak_concurrency.
    public var concurrent: Double
    /// Messages in the month.
    public var messages: Double
    public var messagesPerDay: Double
    /// Analytics events in the month.
    public var events: Double
    public var dbBytes: Double
    public var storageBytes: Double
    public var egressBytes: Double

    // Money, dollars for the month
    public var mrr: Double
    public var paymentFees: Double
    /// Index of the Supabase plan in force this month.
    public var planIndex: Int
    public var supabaseCost: Double
    public var servicesCost: Double
    public var teamCost: Double
    public var complianceCost: Double
    public var marketing: Double
    public var variableCost: Double
    /// supabase + services.
    public var infraCost: Double
    public var totalCost: Double
    /// cash(t) = cash(t−1) + MRR − total cost.
    public var cash: Double

    /// (MRR − infra − variable − payment fees) / MRR; nil when MRR = 0.
    public var grossMargin: Double? {
        mrr > 0 ? (mrr - infraCost - variableCost - paymentFees) / mrr : nil
    }

    /// Infrastructure cost per account; nil without accounts.
    public var costPerUser: Double? { users > 0 ? infraCost / users : nil }

    /// MRR per paid account; nil without paid accounts.
    public var arpu: Double? { paidUsers > 0 ? mrr / paidUsers : nil }

    /// ARPU × gross margin / paid churn.
    public var ltv: Double? {
        guard let arpu, let grossMargin, let churn = paidChurnRate, churn > 0 else { return nil }
        return arpu * grossMargin / churn
    }

    /// Marketing spend per conversion to a paid tier.
    public var cac: Double? { conversions > 0 ? marketing / conversions : nil }

    /// Months of gross profit per paid account needed to repay CAC.
    public var paybackMonths: Double? {
        guard let cac, let arpu, let grossMargin, arpu * grossMargin > 0 else { return nil }
        return cac / (arpu * grossMargin)
    }

    /// The values that `when` conditions test.
    public var conditionInputs: ConditionInputs {
        ConditionInputs(users: users, dau: dau, messagesPerDay: messagesPerDay, paidUsers: paidUsers, mrr: mrr,
                        concurrent: concurrent, phase: phase, paidChurn: paidChurnRate ?? 0, dbBytes: dbBytes)
    }
}
