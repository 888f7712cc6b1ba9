/// A numeric monthly output of the model: one column of the monthly CSV, one series of
/// Monte Carlo bands. `value(in:)` is nil where the metric is undefined that month.
public enum Metric: Sendable, Hashable {
    case month, phase, usersTotal
    /// U_i for tier `i`.
    case usersTier(Int)
    case paidUsers, signups, activated, churned, conversions, dau, messages, messagesPerDay
    case dbBytes, storageBytes, egressBytes, mrr, paymentFees
    case supabaseCost, servicesCost, teamCost, complianceCost, marketing, variableCost, infraCost, totalCost, cash
    case grossMargin, costPerUser

    @inline(__always)
    public func value(in row: MonthRow) -> Double? {
        switch self {
        case .month: Double(row.month)
        case .phase: Double(row.phase)
        case .usersTotal: row.users
        case let .usersTier(index): row.usersByTier[index]
        case .paidUsers: row.paidUsers
        case .signups: row.signups
        case .activated: row.activated
        case .churned: row.churned
        case .conversions: row.conversions
        case .dau: row.dau
        case .messages: row.messages
        case .messagesPerDay: row.messagesPerDay
        case .dbBytes: row.dbBytes
        case .storageBytes: row.storageBytes
        case .egressBytes: row.egressBytes
        case .mrr: row.mrr
        case .paymentFees: row.paymentFees
        case .supabaseCost: row.supabaseCost
        case .servicesCost: row.servicesCost
        case .teamCost: row.teamCost
        case .complianceCost: row.complianceCost
        case .marketing: row.marketing
        case .variableCost: row.variableCost
        case .infraCost: row.infraCost
        case .totalCost: row.totalCost
        case .cash: row.cash
        case .grossMargin: row.grossMargin
        case .costPerUser: row.costPerUser
        }
    }
}

extension Metric {
    /// The numeric columns of the monthly export in their order (``MonthlyColumn/numeric(for:)``),
    /// for a scenario with `tierCount` tiers: the order of ``MonthRow/forEachNumericValue(_:)``.
    static func exportOrder(tierCount: Int) -> [Metric] {
        [.month, .phase, .usersTotal] + (0..<tierCount).map { .usersTier($0) } + [
            .paidUsers, .signups, .activated, .churned, .conversions, .dau, .messages, .messagesPerDay,
            .dbBytes, .storageBytes, .egressBytes, .mrr, .paymentFees, .supabaseCost, .servicesCost, .teamCost,
            .complianceCost, .marketing, .variableCost, .infraCost, .totalCost, .cash, .grossMargin, .costPerUser,
        ]
    }
}

extension MonthRow {
    /// Calls `body(i, value)` for metric i of ``Metric/exportOrder(tierCount:)``, in that
    /// order, with what `metric.value(in:)` gives (NaN where undefined): one pass without a
    /// switch per metric (Monte Carlo sums them for every month of every run).
    @inline(__always)
    func forEachNumericValue(_ body: (Int, Double) -> Void) {
        body(0, Double(month))
        body(1, Double(phase))
        body(2, users)
        let tiers = usersByTier.count
        for tier in 0..<tiers { body(3 + tier, usersByTier[tier]) }
        let rest = 3 + tiers
        body(rest, paidUsers)
        body(rest + 1, signups)
        body(rest + 2, activated)
        body(rest + 3, churned)
        body(rest + 4, conversions)
        body(rest + 5, dau)
        body(rest + 6, messages)
        body(rest + 7, messagesPerDay)
        body(rest + 8, dbBytes)
        body(rest + 9, storageBytes)
        body(rest + 10, egressBytes)
        body(rest + 11, mrr)
        body(rest + 12, paymentFees)
        body(rest + 13, supabaseCost)
        body(rest + 14, servicesCost)
        body(rest + 15, teamCost)
        body(rest + 16, complianceCost)
        body(rest + 17, marketing)
        body(rest + 18, variableCost)
        body(rest + 19, infraCost)
        body(rest + 20, totalCost)
        body(rest + 21, cash)
        body(rest + 22, grossMargin ?? .nan)
        body(rest + 23, costPerUser ?? .nan)
    }
}
