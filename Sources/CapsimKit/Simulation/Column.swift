/// A value the engine computes for every month: a column of the monthly CSV, a series of
/// Monte Carlo bands, an outcome of sensitivity, an observable of calibration, or (without a
/// CSV name) a value the engine keeps for itself. Declared once here, with its unit and
/// meaning; undefined values are NaN in a row and empty cells in the CSV.
public enum Column: Int, CaseIterable, Sendable {
    case month, phase, usersTotal, paidUsers, waitlist, signups, activated, churned, conversions
    case dau, concurrent, messages, messagesPerDay, events, dbBytes, storageBytes, egressBytes
    case mrr, paymentFees
    case replicas, busyCores, dbConnections, poolClients, workingSetBytes, computeCost
    case supabaseCost, servicesCost, teamCost, complianceCost, marketing, variableCost, infraCost, totalCost
    case funding, cash, netBurn, runwayMonths, burnMultiple, grossMargin, costPerUser
    // Kept by the engine, not exported.
    /// Index of the Supabase plan in force.
    case planIndex
    /// Index of the compute size in force (NaN without a compute catalog).
    case computeIndex
    /// Bits of the ``CapacityBound``s that failed this month (0 when none).
    case capacityBreachMask
    /// Paid churn of the month (NaN in month 0 and without paid accounts last month).
    case paidChurnRate
    /// Accounts lost from paid tiers.
    case paidChurned
    /// C(t): signups since the start.
    case cumulativeSignups
    /// E(t): accounts ever activated.
    case everActivated
    /// cash(t − 1) + MRR(t) − total(t): what `cash_at_most` compares.
    case cashBeforeFunding

    /// The monthly CSV's name of the column; nil for the engine's own values.
    public var csvName: String? {
        switch self {
        case .month: "month"
        case .phase: "phase"
        case .usersTotal: "users_total"
        case .paidUsers: "paid_users"
        case .waitlist: "waitlist"
        case .signups: "signups"
        case .activated: "activated"
        case .churned: "churned"
        case .conversions: "conversions"
        case .dau: "dau"
        case .concurrent: "concurrent"
        case .messages: "messages"
        case .messagesPerDay: "messages_per_day"
        case .events: "events"
        case .dbBytes: "db_bytes"
        case .storageBytes: "storage_bytes"
        case .egressBytes: "egress_bytes"
        case .mrr: "mrr_usd"
        case .paymentFees: "payment_fees_usd"
        case .replicas: "replicas"
        case .busyCores: "busy_cores"
        case .dbConnections: "db_connections"
        case .poolClients: "pool_clients"
        case .workingSetBytes: "working_set_bytes"
        case .computeCost: "compute_usd"
        case .supabaseCost: "supabase_usd"
        case .servicesCost: "services_usd"
        case .teamCost: "team_usd"
        case .complianceCost: "compliance_usd"
        case .marketing: "marketing_usd"
        case .variableCost: "variable_usd"
        case .infraCost: "infra_usd"
        case .totalCost: "total_cost_usd"
        case .funding: "funding_usd"
        case .cash: "cash_usd"
        case .netBurn: "net_burn_usd"
        case .runwayMonths: "runway_months"
        case .burnMultiple: "burn_multiple"
        case .grossMargin: "gross_margin"
        case .costPerUser: "cost_per_user_usd"
        case .planIndex, .computeIndex, .capacityBreachMask, .paidChurnRate, .paidChurned, .cumulativeSignups,
             .everActivated, .cashBeforeFunding: nil
        }
    }

    /// What the column means, for docs/model.md.
    public var doc: String {
        switch self {
        case .month: "t, 0 … H"
        case .phase: "phase(t), an index"
        case .usersTotal: "N(t), accounts on every tier"
        case .paidUsers: "accounts on paid tiers"
        case .waitlist: "W(t), people on the waitlist"
        case .signups: "signups of the month"
        case .activated: "signups that became accounts"
        case .churned: "accounts lost, every tier"
        case .conversions: "free accounts that moved to a paid tier"
        case .dau: "daily active accounts"
        case .concurrent: "accounts online at the peak: DAU × peak_concurrency"
        case .messages: "messages of the month"
        case .messagesPerDay: "messages per day"
        case .events: "analytics events of the month"
        case .dbBytes: "database size, bytes"
        case .storageBytes: "file storage, bytes"
        case .egressBytes: "egress of the month, bytes"
        case .mrr: "monthly recurring revenue"
        case .paymentFees: "card fees"
        case .replicas: "read replicas (§9)"
        case .busyCores: "cores the peak hour's queries keep busy (§9)"
        case .dbConnections: "database connections at the peak (§9)"
        case .poolClients: "pooler clients at the peak (§9)"
        case .workingSetBytes: "bytes the database should keep in memory (§9)"
        case .computeCost: "compute: primary and replicas, less the credit (§9)"
        case .supabaseCost: "plan price + overages + compute"
        case .servicesCost: "services"
        case .teamCost: "team"
        case .complianceCost: "compliance"
        case .marketing: "marketing spend"
        case .variableCost: "messages × cost_per_message"
        case .infraCost: "Supabase + services"
        case .totalCost: "every cost of the month"
        case .funding: "funding received (§10)"
        case .cash: "cash at the end of the month, funding included"
        case .netBurn: "total cost − MRR (0 in month 0)"
        case .runwayMonths: "months of cash at the last three months' mean net burn (empty when not burning)"
        case .burnMultiple: "net burn of three months / (12 × MRR growth over them) (empty when either is ≤ 0)"
        case .grossMargin: "(MRR − infra − variable − payment fees) / MRR (empty without MRR)"
        case .costPerUser: "infra / N (empty without accounts)"
        case .planIndex, .computeIndex, .capacityBreachMask, .paidChurnRate, .paidChurned, .cumulativeSignups,
             .everActivated, .cashBeforeFunding: ""
        }
    }

    /// Position of the column in a row (tier columns follow the fixed ones: ``RowLayout``).
    @inline(__always)
    var slot: Int { rawValue }
}

/// Where each value of a month sits in a row of doubles: the ``Column``s, then one
/// `users_<tier>` per tier.
public struct RowLayout: Sendable, Hashable {
    public let tierCount: Int

    public init(tierCount: Int) { self.tierCount = tierCount }

    /// Values per row.
    public var width: Int { Column.allCases.count + tierCount }

    /// Slot of U_i(t).
    @inline(__always)
    public func tierSlot(_ tier: Int) -> Int { Column.allCases.count + tier }
}

/// A column of the monthly export (CSV and JSON `months`), in the documented order.
public struct ExportColumn: Sendable {
    public enum Value: Sendable {
        /// A numeric value at a row slot; NaN is an empty cell.
        case numeric(slot: Int)
        /// The month's date, `YYYY-MM`.
        case date
        /// The Supabase plan's name.
        case plan
        /// The compute size's name (empty without a compute catalog).
        case computeSize
    }

    public let name: String
    public let value: Value

    /// The slot of a numeric column.
    public var slot: Int? {
        if case let .numeric(slot) = value { return slot }
        return nil
    }

    /// Every column of the monthly export for a scenario with these tiers, in order.
    public static func all(tierNames: [String]) -> [ExportColumn] {
        let layout = RowLayout(tierCount: tierNames.count)
        func number(_ column: Column) -> ExportColumn { ExportColumn(name: column.csvName!, value: .numeric(slot: column.slot)) }
        var columns = [number(.month), ExportColumn(name: "date", value: .date), number(.phase), number(.usersTotal)]
        columns += tierNames.indices.map { ExportColumn(name: "users_\(tierNames[$0])", value: .numeric(slot: layout.tierSlot($0))) }
        columns += [Column.paidUsers, .waitlist, .signups, .activated, .churned, .conversions, .dau, .concurrent,
                    .messages, .messagesPerDay, .events, .dbBytes, .storageBytes, .egressBytes, .mrr, .paymentFees].map(number)
        columns += [ExportColumn(name: "supabase_plan", value: .plan), ExportColumn(name: "compute_size", value: .computeSize)]
        columns += [Column.replicas, .busyCores, .dbConnections, .poolClients, .workingSetBytes, .computeCost, .supabaseCost,
                    .servicesCost, .teamCost, .complianceCost, .marketing, .variableCost, .infraCost, .totalCost,
                    .funding, .cash, .netBurn, .runwayMonths, .burnMultiple, .grossMargin, .costPerUser].map(number)
        return columns
    }

    /// The numeric columns only (the series of Monte Carlo bands, the metrics of gates), in export order.
    public static func numeric(tierNames: [String]) -> [ExportColumn] {
        all(tierNames: tierNames).filter { $0.slot != nil }
    }
}
