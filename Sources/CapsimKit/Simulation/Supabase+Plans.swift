/// A month's usage of the resources Supabase plans meter.
public struct PlanUsage: Sendable, Hashable {
    public var dbBytes: Double
    public var egressBytes: Double
    public var storageBytes: Double
    /// Monthly active users: N(t).
    public var mau: Double

    public init(dbBytes: Double, egressBytes: Double, storageBytes: Double, mau: Double) {
        self.dbBytes = dbBytes
        self.egressBytes = egressBytes
        self.storageBytes = storageBytes
        self.mau = mau
    }

    public init(_ row: MonthRow) {
        self.init(dbBytes: row.dbBytes, egressBytes: row.egressBytes, storageBytes: row.storageBytes, mau: row.users)
    }

    /// Usage of `resource` in its model unit (bytes, or accounts for MAU).
    @inline(__always)
    public func amount(of resource: PlanResource) -> Double { amount(resource.index) }
}

/// Bytes in a GB (sizes are SI: 1 GB = 10^9 bytes).
public let bytesPerGB = 1e9

/// A plan's prices and limits without its name: a plain value the month loop reads without
/// reference counting. Resources are in ``PlanResource/allCases`` order.
struct PlanTerms: Sendable {
    var price: Double
    /// Included quota per resource (0 when absent).
    var quotas: InlineArray<4, Double>
    /// Overage rate per resource; NaN where the plan charges none.
    var rates: InlineArray<4, Double>
    /// +∞ when the plan has no user limit.
    var maxUsers: Double
    var hasHardLimits: Bool

    init(_ plan: SupabasePlan) {
        price = plan.price
        quotas = InlineArray { plan.quota(PlanResource.allCases[$0]) }
        rates = InlineArray { plan.overage[PlanResource.allCases[$0]] ?? .nan }
        maxUsers = plan.maxUsers ?? .infinity
        hasHardLimits = plan.hasHardLimits
    }

    /// price + Σ max(0, usage − included) × overage rate, per GB (or per MAU).
    @inline(__always)
    func monthlyCost(for usage: PlanUsage) -> Double {
        var cost = price
        for resource in 0..<4 where !rates[resource].isNaN {
            let excess = max(0, usage.amount(resource) - quotas[resource])
            cost += (resource == PlanResource.mau.index ? excess : excess / bytesPerGB) * rates[resource]
        }
        return cost
    }

    /// Whether usage of resource number `resource` is above the quota.
    @inline(__always)
    func isExceeded(_ resource: Int, by usage: PlanUsage) -> Bool { usage.amount(resource) > quotas[resource] }

    /// Whether the plan can serve this month: below `max_users` and, for a hard-limited plan,
    /// within every quota.
    @inline(__always)
    func fits(_ usage: PlanUsage) -> Bool {
        if usage.mau >= maxUsers { return false }
        guard hasHardLimits else { return true }
        for resource in 0..<4 where isExceeded(resource, by: usage) { return false }
        return true
    }

    /// The plan `policy` picks among `plans` for a month's usage, before the no-downgrade rule.
    /// When no plan fits, the last plan.
    static func choose(_ plans: [PlanTerms], policy: PlanPolicy, for usage: PlanUsage) -> Int {
        switch policy {
        case .thresholds:
            for index in plans.indices where plans[index].maxUsers > usage.mau { return index }
            return plans.count - 1
        case .cheapest:
            var best = -1, bestCost = 0.0
            for index in plans.indices where plans[index].fits(usage) {
                let cost = plans[index].monthlyCost(for: usage)
                if best < 0 || cost < bestCost { (best, bestCost) = (index, cost) }
            }
            return best >= 0 ? best : plans.count - 1
        }
    }
}

extension PlanResource {
    /// Position in ``allCases``.
    var index: Int {
        switch self {
        case .db: 0
        case .egress: 1
        case .storage: 2
        case .mau: 3
        }
    }
}

extension PlanUsage {
    /// Usage of resource number `index` (``PlanResource/index``).
    @inline(__always)
    func amount(_ index: Int) -> Double {
        switch index {
        case 0: dbBytes
        case 1: egressBytes
        case 2: storageBytes
        default: mau
        }
    }
}

extension SupabasePlan {
    /// price + Σ max(0, usage − included) × overage rate, per GB (or per MAU).
    public func monthlyCost(for usage: PlanUsage) -> Double { PlanTerms(self).monthlyCost(for: usage) }

    /// Whether usage of `resource` is above this plan's quota.
    public func isExceeded(_ resource: PlanResource, by usage: PlanUsage) -> Bool {
        PlanTerms(self).isExceeded(resource.index, by: usage)
    }

    /// Resources whose usage is above this plan's quota.
    public func exceededResources(by usage: PlanUsage) -> [PlanResource] {
        PlanResource.allCases.filter { isExceeded($0, by: usage) }
    }

    /// Whether the plan can serve this month: below `max_users` (if set) and, for a
    /// hard-limited plan, within every quota.
    public func fits(_ usage: PlanUsage) -> Bool { PlanTerms(self).fits(usage) }
}

extension Supabase {
    /// The plan the policy picks for a month's usage, before the no-downgrade rule.
    /// When no plan fits, the last plan.
    public func choosePlan(for usage: PlanUsage) -> Int {
        PlanTerms.choose(plans.map(PlanTerms.init), policy: policy, for: usage)
    }
}
