/// How the Supabase plan is chosen each month (`infrastructure.supabase.policy`).
public enum PlanPolicy: String, Sendable, CaseIterable {
    /// The roadmap's decision tree: the first plan whose `max_users` is above the user count.
    case thresholds
    /// The plan with the lowest monthly cost for the month's usage, among plans that fit.
    case cheapest
}

/// `infrastructure.supabase`.
public struct Supabase: Sendable, Hashable {
    public var policy: PlanPolicy
    /// Plans in upgrade order; the plan never moves back up this list.
    public var plans: [SupabasePlan]
}

/// A resource that a Supabase plan includes and may charge overage for.
public enum PlanResource: String, Sendable, CaseIterable, Hashable {
    case db, egress, storage, mau

    /// The unit a quota and its overage rate are expressed in.
    public var unitName: String { self == .mau ? "MAU" : "GB" }
}

/// An optional value per metered resource (a plan's quotas or its overage rates).
public struct ResourceValues: Sendable, Hashable {
    public var db: Double?
    public var egress: Double?
    public var storage: Double?
    public var mau: Double?

    public init(db: Double? = nil, egress: Double? = nil, storage: Double? = nil, mau: Double? = nil) {
        self.db = db
        self.egress = egress
        self.storage = storage
        self.mau = mau
    }

    public subscript(resource: PlanResource) -> Double? {
        get {
            switch resource {
            case .db: db
            case .egress: egress
            case .storage: storage
            case .mau: mau
            }
        }
        set {
            switch resource {
            case .db: db = newValue
            case .egress: egress = newValue
            case .storage: storage = newValue
            case .mau: mau = newValue
            }
        }
    }
}

/// One Supabase plan (`infrastructure.supabase.plans[i]`).
public struct SupabasePlan: Sendable, Hashable {
    public var name: String
    /// Dollars per month.
    public var price: Double
    /// Included quota per resource: bytes for db, egress and storage; accounts for MAU.
    /// An absent resource is included up to 0.
    public var included: ResourceValues
    /// Dollars per unit over the quota (per GB = 10^9 bytes, or per MAU). Absent: free.
    public var overage: ResourceValues
    /// The plan fits while the user count is below this; nil: always fits.
    public var maxUsers: Double?
    /// A plan that cannot exceed its quotas (the free plan).
    public var hasHardLimits: Bool

    /// Included quota of `resource` in its model unit (bytes or accounts).
    public func quota(_ resource: PlanResource) -> Double { included[resource] ?? 0 }
}

/// A third-party service (`infrastructure.services[i]`), paid while `when` holds.
public struct Service: Sendable, Hashable {
    public var name: String
    /// Dollars per month.
    public var monthly: Double
    /// Dollars per account per month.
    public var perUser: Double
    public var when: Condition
}

/// A role on the team (`team[i]`) and its headcount plan.
public struct Role: Sendable, Hashable {
    public var role: String
    /// Dollars per person per month, fully loaded.
    public var monthlyCost: Double
    /// The count is that of the last step whose `when` holds (0 if none).
    public var headcount: [HeadcountStep]
}

public struct HeadcountStep: Sendable, Hashable {
    public var when: Condition
    /// People (fractions allowed for part-time).
    public var count: Double
}

/// A compliance programme (`compliance[i]`): annual cost spread over the months `when` holds.
public struct ComplianceCost: Sendable, Hashable {
    public var name: String
    /// Dollars per year.
    public var annual: Double
    public var when: Condition
}

/// A growth phase (`phases[p]`).
public struct Phase: Sendable, Hashable {
    public var name: String
    public var when: Condition
}

/// A dated action of the roadmap (`milestones[i]`): reported at the first month `when` holds.
public struct Milestone: Sendable, Hashable {
    public var name: String
    public var when: Condition
    public var action: String
}
