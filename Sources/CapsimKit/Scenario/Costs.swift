/// How the Supabase plan is chosen each month (`infrastructure.supabase.policy`).
public enum PlanPolicy: String, Sendable, CaseIterable {
    /// The roadmap's decision tree: the first plan whose `max_users` is above the user count.
    case thresholds
    /// The plan with the lowest monthly cost for the month's usage, among plans that fit.
    case cheapest
}

/// `infrastructure.supabase`.
public struct Supabase: Sendable {
    public var policy: PlanPolicy
    /// Plans in upgrade order; the plan never moves back up this list.
    public var plans: [SupabasePlan]
    /// The compute catalog (§9); nil: compute is not modelled.
    public var compute: ComputeCatalog?
}

/// A resource that a Supabase plan includes and may charge overage for.
public enum PlanResource: String, Sendable, CaseIterable, Hashable {
    case db, egress, storage, mau

    /// The unit a quota and its overage rate are expressed in.
    public var unitName: String { self == .mau ? "MAU" : "GB" }

    /// The key of its overage rate under `overage`.
    public var overageKey: String {
        switch self {
        case .db: "db_per_gb"
        case .egress: "egress_per_gb"
        case .storage: "storage_per_gb"
        case .mau: "per_mau"
        }
    }

    /// Position in ``allCases``.
    public var index: Int { Self.allCases.firstIndex(of: self)! }
}

/// One Supabase plan (`infrastructure.supabase.plans[i]`).
public struct SupabasePlan: Sendable {
    public var name: String
    /// Dollars per month.
    public var price: ParameterID
    /// Included quota per resource (bytes for db, egress and storage; accounts for MAU), by
    /// ``PlanResource/index``; nil: 0.
    public var included: [ParameterID?]
    /// Dollars per unit over the quota (per GB = 10^9 bytes, or per MAU), by resource; nil: free.
    public var overage: [ParameterID?]
    /// The plan fits while the user count is below this; nil: always fits.
    public var maxUsers: ParameterID?
    /// A plan that cannot exceed its quotas (the free plan).
    public var hasHardLimits: Bool
}

/// `infrastructure.supabase.compute` (MODEL.md §9).
public struct ComputeCatalog: Sendable {
    public var sizes: [ComputeSize]
    /// Dollars taken off the primary's price on plans without hard limits, at most that price.
    public var credit: ParameterID
    public var maxCPUUtilisation: ParameterID
    public var ramForCache: ParameterID
    public var poolShare: ParameterID
    public var readShare: ParameterID
    public var replicaDiskPerGB: ParameterID

    /// The most replicas any size may have.
    public var maxReplicas: Int { sizes.map(\.maxReplicas).max() ?? 0 }
}

/// One compute size (`compute.sizes[i]`).
public struct ComputeSize: Sendable {
    public var name: String
    /// Dollars per month per instance.
    public var price: ParameterID
    /// Effective cores at sustained load.
    public var cpu: ParameterID
    /// Bytes of memory.
    public var ram: ParameterID
    public var maxConnections: ParameterID
    public var poolerClients: ParameterID
    /// The largest database recommended; nil: no limit.
    public var maxDB: ParameterID?
    public var maxReplicas: Int
    /// Hard-limited plans run on such sizes, and no other plan does.
    public var isFreePlan: Bool
}

/// A capacity bound of §9 that an option can fail.
public enum CapacityBound: String, Sendable, CaseIterable {
    case cpu, ram, connections, clients, db

    /// Bit of the bound in a breach mask.
    var bit: Int { 1 << Self.allCases.firstIndex(of: self)! }

    /// The bounds of a breach mask, in order.
    static func bounds(in mask: Int) -> [CapacityBound] { allCases.filter { mask & $0.bit != 0 } }
}

/// `workload` (MODEL.md §9): how the product's queries load the database.
public struct Workload: Sendable {
    public var peakToMean: ParameterID
    public var holdFactor: ParameterID
    public var clientsPerConcurrentUser: ParameterID
    public var hotMonths: ParameterID
    public var engineFactor: ParameterID
    public var queries: [WorkloadQuery]
}

/// One query of the workload (`workload.queries[i]`).
public struct WorkloadQuery: Sendable {
    public var name: String
    public var per: QueryRate
    public var count: ParameterID
    public var time: QueryTime
}

/// A query's milliseconds per run: a constant, or a × max(rows(table), 1)^b.
public enum QueryTime: Sendable {
    case constant(ParameterID)
    case growing(a: ParameterID, b: ParameterID, table: GrowthTable)
}

/// A third-party service (`infrastructure.services[i]`), paid while `when` holds.
public struct Service: Sendable {
    public var name: String
    public var monthly: ParameterID
    public var perUser: ParameterID
    public var when: Condition
}

/// A role on the team (`team[i]`) and its headcount plan.
public struct Role: Sendable {
    public var role: String
    /// Dollars per person per month, fully loaded.
    public var monthlyCost: ParameterID
    /// The count is that of the last step whose `when` holds (0 if none).
    public var headcount: [HeadcountStep]
}

public struct HeadcountStep: Sendable {
    public var when: Condition
    public var count: ParameterID
}

/// A compliance programme (`compliance[i]`): annual cost spread over the months `when` holds.
public struct ComplianceCost: Sendable {
    public var name: String
    public var annual: ParameterID
    public var when: Condition
}
