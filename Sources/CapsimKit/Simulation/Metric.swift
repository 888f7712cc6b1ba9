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
    /// Whether ``value(in:)`` is defined in every month (all but gross margin, undefined
    /// without MRR, and cost per user, undefined without users).
    var isAlwaysDefined: Bool {
        switch self {
        case .grossMargin, .costPerUser: false
        default: true
        }
    }

    /// The numeric columns of the monthly export in their order (``MonthlyColumn/numeric(for:)``),
    /// for a scenario with `tierCount` tiers: the order of ``MonthRow/writeNumericValues(to:)``.
    static func exportOrder(tierCount: Int) -> [Metric] {
        [.month, .phase, .usersTotal] + (0..<tierCount).map { .usersTier($0) } + [
            .paidUsers, .signups, .activated, .churned, .conversions, .dau, .messages, .messagesPerDay,
            .dbBytes, .storageBytes, .egressBytes, .mrr, .paymentFees, .supabaseCost, .servicesCost, .teamCost,
            .complianceCost, .marketing, .variableCost, .infraCost, .totalCost, .cash, .grossMargin, .costPerUser,
        ]
    }
}

extension MonthRow {
    /// Writes the value of every metric of ``Metric/exportOrder(tierCount:)`` (NaN where
    /// undefined) to `out`: what `metric.value(in:)` gives, in one pass without a switch per
    /// metric (Monte Carlo sums them for every month of every run).
    @inline(__always)
    func writeNumericValues(to out: UnsafeMutablePointer<Double>) {
        out[0] = Double(month)
        out[1] = Double(phase)
        out[2] = users
        let tiers = usersByTier.count
        for tier in 0..<tiers { out[3 + tier] = usersByTier[tier] }
        let rest = out + 3 + tiers
        rest[0] = paidUsers
        rest[1] = signups
        rest[2] = activated
        rest[3] = churned
        rest[4] = conversions
        rest[5] = dau
        rest[6] = messages
        rest[7] = messagesPerDay
        rest[8] = dbBytes
        rest[9] = storageBytes
        rest[10] = egressBytes
        rest[11] = mrr
        rest[12] = paymentFees
        rest[13] = supabaseCost
        rest[14] = servicesCost
        rest[15] = teamCost
        rest[16] = complianceCost
        rest[17] = marketing
        rest[18] = variableCost
        rest[19] = infraCost
        rest[20] = totalCost
        rest[21] = cash
        rest[22] = grossMargin ?? .nan
        rest[23] = costPerUser ?? .nan
    }
}
