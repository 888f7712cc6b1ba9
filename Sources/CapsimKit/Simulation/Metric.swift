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
