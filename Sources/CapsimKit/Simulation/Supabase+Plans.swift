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
    public func amount(of resource: PlanResource) -> Double {
        switch resource {
        case .db: dbBytes
        case .egress: egressBytes
        case .storage: storageBytes
        case .mau: mau
        }
    }
}

/// Bytes in a GB (sizes are SI: 1 GB = 10^9 bytes).
public let bytesPerGB = 1e9

extension SupabasePlan {
    /// price + Σ max(0, usage − included) × overage rate, per GB (or per MAU).
    public func monthlyCost(for usage: PlanUsage) -> Double {
        var cost = price
        for resource in PlanResource.allCases {
            guard let rate = overage[resource] else { continue }
            let excess = max(0, usage.amount(of: resource) - quota(resource))
            cost += (resource == .mau ? excess : excess / bytesPerGB) * rate
        }
        return cost
    }

    /// Whether usage of `resource` is above this plan's quota.
    @inline(__always)
    public func isExceeded(_ resource: PlanResource, by usage: PlanUsage) -> Bool {
        usage.amount(of: resource) > quota(resource)
    }

    /// Resources whose usage is above this plan's quota.
    public func exceededResources(by usage: PlanUsage) -> [PlanResource] {
        PlanResource.allCases.filter { isExceeded($0, by: usage) }
    }

    /// Whether the plan can serve this month: below `max_users` (if set) and, for a
    /// hard-limited plan, within every quota.
    public func fits(_ usage: PlanUsage) -> Bool {
        if let maxUsers, usage.mau >= maxUsers { return false }
        return !hasHardLimits || !PlanResource.allCases.contains { isExceeded($0, by: usage) }
    }
}

extension Supabase {
    /// The plan the policy picks for a month's usage, before the no-downgrade rule.
    /// When no plan fits, the last plan.
    public func choosePlan(for usage: PlanUsage) -> Int {
        switch policy {
        case .thresholds:
            return plans.firstIndex { plan in plan.maxUsers.map { $0 > usage.mau } ?? true } ?? plans.count - 1
        case .cheapest:
            var best: (index: Int, cost: Double)?
            for (index, plan) in plans.enumerated() where plan.fits(usage) {
                let cost = plan.monthlyCost(for: usage)
                if best == nil || cost < best!.cost { best = (index, cost) }
            }
            return best?.index ?? plans.count - 1
        }
    }
}
