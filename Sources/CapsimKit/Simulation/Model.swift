import GSLKit

/// Days in a model month: 365.25 / 12.
public let daysPerMonth = 30.4375

/// Bytes in a GB (sizes are SI: 1 GB = 10^9 bytes).
public let bytesPerGB = 1e9

/// A scenario's structure compiled for the engine: conditions in one flat table, and for each
/// number the engine reads, the ``ParameterID`` it comes from. Built once per scenario and
/// shared by every run; a run's numbers come from a vector of parameter values (``Inputs``).
struct Model: Sendable {
    let scenario: Scenario
    let layout: RowLayout
    let horizon: Int
    let tierCount: Int
    let conditions: ConditionTable
    /// Condition index of each phase, service, compliance programme, milestone and funding round.
    let phaseWhen: [Int]
    let serviceWhen: [Int]
    let complianceWhen: [Int]
    let milestoneWhen: [Int]
    let fundingWhen: [Int]
    /// Headcount steps of every role, roles in order: (role, condition); `roleEnds[r]` ends role r's.
    let teamSteps: [(role: Int, when: Int)]
    let roleEnds: [Int]
    /// For each phase p, the `marketing` entry whose spend applies (p's own, else the nearest
    /// lower phase's); nil when none.
    let marketingEntry: [Int?]
    let events: EventCatalog
    /// Archive months A; nil keeps everything live.
    let archiveAfter: Int?
    let archiveTo: ArchiveTarget
    let policy: PlanPolicy
    let hardPlans: [Int]
    let hasCompute: Bool

    init(_ scenario: Scenario) {
        self.scenario = scenario
        layout = RowLayout(tierCount: scenario.tiers.count)
        horizon = scenario.horizonMonths
        tierCount = scenario.tiers.count
        var table = ConditionTable()
        phaseWhen = scenario.phases.map { table.add($0.when) }
        serviceWhen = scenario.services.map { table.add($0.when) }
        complianceWhen = scenario.compliance.map { table.add($0.when) }
        milestoneWhen = scenario.milestones.map { table.add($0.when) }
        fundingWhen = scenario.funding.map { table.add($0.when) }
        teamSteps = scenario.team.enumerated().flatMap { role, entry in entry.headcount.map { (role, table.add($0.when)) } }
        var ends: [Int] = []
        var end = 0
        for role in scenario.team { end += role.headcount.count; ends.append(end) }
        roleEnds = ends
        conditions = table
        marketingEntry = scenario.phases.indices.map { phase in
            var best: Int?
            for (index, entry) in scenario.marketing.enumerated()
            where entry.phase <= phase && entry.phase >= best.map({ scenario.marketing[$0].phase }) ?? -1 {
                best = index
            }
            return best
        }
        events = EventCatalog(scenario: scenario)
        archiveAfter = scenario.usage.archiveAfterMonths
        archiveTo = scenario.usage.archiveTo
        policy = scenario.supabase.policy
        hardPlans = scenario.supabase.plans.indices.filter { scenario.supabase.plans[$0].hasHardLimits }
        hasCompute = scenario.supabase.compute != nil
    }
}

/// Conditions compiled into flat arrays, referred to by index; equal conditions stored once.
struct ConditionTable: Sendable {
    private var clauseSlot: [Int] = []
    private var clauseThreshold: [Double] = []
    private var clauseIsUpper: [Bool] = []
    /// Clauses of condition i are `starts[i] ..< starts[i + 1]`.
    private var starts: [Int] = [0]
    private var known: [Condition: Int] = [:]

    var count: Int { starts.count - 1 }

    mutating func add(_ condition: Condition) -> Int {
        if let index = known[condition] { return index }
        for clause in condition.clauses {
            clauseSlot.append(clause.metric.slot)
            clauseThreshold.append(clause.threshold)
            clauseIsUpper.append(clause.metric.isUpperBound)
        }
        starts.append(clauseSlot.count)
        known[condition] = count - 1
        return count - 1
    }

    /// Whether condition `index` holds for the metric values `values` (by ``ConditionMetric/slot``).
    @inline(__always)
    func holds(_ index: Int, _ values: ConditionValues) -> Bool {
        var clause = starts[index]
        let end = starts[index + 1]
        while clause < end {
            let value = values.values[clauseSlot[clause]]
            if clauseIsUpper[clause] ? !(value <= clauseThreshold[clause]) : !(value >= clauseThreshold[clause]) { return false }
            clause += 1
        }
        return true
    }
}

/// One run's numbers, read from a vector of parameter values (``Model/inputs(_:)``): the
/// deterministic projection's are the scenario's values, a Monte Carlo run's are its draws.
struct Inputs {
    var initialUsers: [Double]
    var initialWaitlist = 0.0, initialCash = 0.0, cashFloor = 0.0
    var price: [Double], effectiveMessages: [Double], feePerAccount: [Double]
    var churn: [BinomialProbability]
    /// Paid tiers' shares, and the conditional probabilities of their multinomial split.
    var shares: [Double]
    var shareConditionals: [BinomialProbability]
    var conversion = BinomialProbability(0), activation = BinomialProbability(0), waitlistConversion = BinomialProbability(0)
    /// +∞ without saturation.
    var marketSize = Double.infinity
    var cac = 1.0, referralRate = 0.0, waitlistJoins = 0.0
    var stickiness = 0.0, eventsPerMessage = 0.0, eventsPerUser = 0.0, bytesPerMessage = 0.0, rowsPerMessage = 1.0
    var bytesPerEvent = 0.0, bytesPerAccount = 0.0, baseDBBytes = 0.0, storagePerAccount = 0.0
    var egressPerMessage = 0.0, egressPerUser = 0.0, peakConcurrency = 0.0, costPerMessage = 0.0
    var spendByPhase: [Double]
    var serviceMonthly: [Double], servicePerUser: [Double]
    /// Role cost × count of each headcount step.
    var teamStepCost: [Double]
    var complianceMonthly: [Double]
    var fundingAmount: [Double]
    var plans: [PlanTerms]
    var compute: ComputeTerms?
    var workload: WorkloadTerms
}

extension Model {
    /// The numbers of a run whose parameter values are `values` (by ``ParameterID``).
    func inputs(_ values: [Double]) -> Inputs {
        let s = scenario
        func v(_ id: ParameterID) -> Double { values[id.index] }
        func v(_ id: ParameterID?) -> Double? { id.map { values[$0.index] } }
        let percent = v(s.payments.percent), fixed = v(s.payments.fixed)
        let prices = s.tiers.map { v($0.price) }
        let shares = s.tiers.dropFirst().map { $0.share.map(v) ?? 1 }
        var remaining = 1.0
        var conditionals: [BinomialProbability] = []
        for share in shares.dropLast() {
            conditionals.append(BinomialProbability(remaining > 0 ? min(1, max(0, share / remaining)) : 0))
            remaining -= share
        }
        var inputs = Inputs(
            initialUsers: s.tiers.map { v($0.initialUsers) },
            price: prices,
            effectiveMessages: s.tiers.map { tier in v(tier.dailyQuota).map { min(v(tier.messagesPerActiveDay), $0) } ?? v(tier.messagesPerActiveDay) },
            feePerAccount: prices.indices.map { $0 == 0 ? 0 : prices[$0] * percent + fixed },
            churn: s.tiers.map { BinomialProbability(v($0.churn)) },
            shares: shares, shareConditionals: conditionals,
            spendByPhase: marketingEntry.map { $0.map { v(s.marketing[$0].spend) } ?? 0 },
            serviceMonthly: s.services.map { v($0.monthly) }, servicePerUser: s.services.map { v($0.perUser) },
            teamStepCost: s.team.flatMap { role in role.headcount.map { v(role.monthlyCost) * v($0.count) } },
            complianceMonthly: s.compliance.map { v($0.annual) / 12 },
            fundingAmount: s.funding.map { v($0.amount) },
            plans: s.supabase.plans.map { plan in
                PlanTerms(price: v(plan.price), quotas: plan.included.map { v($0) ?? 0 }, rates: plan.overage.map { v($0) ?? .nan },
                          maxUsers: v(plan.maxUsers) ?? .infinity, hasHardLimits: plan.hasHardLimits)
            },
            compute: s.supabase.compute.map { ComputeTerms($0, values: values) },
            workload: WorkloadTerms(s.workload, values: values))
        inputs.initialWaitlist = v(s.initialWaitlist)
        inputs.initialCash = v(s.cash.initial)
        inputs.cashFloor = v(s.cash.floor)
        inputs.conversion = BinomialProbability(v(s.conversionRate))
        inputs.activation = BinomialProbability(v(s.acquisition.activationRate))
        inputs.waitlistConversion = BinomialProbability(v(s.acquisition.waitlistConversion))
        inputs.marketSize = v(s.acquisition.marketSize) ?? .infinity
        inputs.cac = v(s.acquisition.cac)
        inputs.referralRate = v(s.acquisition.referralRate)
        inputs.waitlistJoins = v(s.acquisition.waitlistJoins)
        let u = s.usage
        inputs.stickiness = v(u.stickiness)
        inputs.eventsPerMessage = v(u.eventsPerMessage)
        inputs.eventsPerUser = v(u.eventsPerUser)
        inputs.bytesPerMessage = v(u.bytesPerMessage)
        inputs.rowsPerMessage = v(u.rowsPerMessage)
        inputs.bytesPerEvent = v(u.bytesPerEvent)
        inputs.bytesPerAccount = v(u.bytesPerAccount)
        inputs.baseDBBytes = v(u.baseDBBytes)
        inputs.storagePerAccount = v(u.storagePerAccount)
        inputs.egressPerMessage = v(u.egressPerMessage)
        inputs.egressPerUser = v(u.egressPerUser)
        inputs.peakConcurrency = v(u.peakConcurrency)
        inputs.costPerMessage = v(u.costPerMessage)
        return inputs
    }
}

/// A month's usage of the resources Supabase plans meter, by ``PlanResource/index``.
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

    /// Usage of resource number `index` in its model unit (bytes, or accounts for MAU).
    @inline(__always)
    public func amount(_ index: Int) -> Double {
        switch index {
        case 0: dbBytes
        case 1: egressBytes
        case 2: storageBytes
        default: mau
        }
    }

    public func amount(of resource: PlanResource) -> Double { amount(resource.index) }
}

/// A plan's prices and limits as numbers (§5).
struct PlanTerms: Sendable {
    var price: Double
    /// Included quota per resource (0 when absent).
    var quotas: [Double]
    /// Overage rate per resource; NaN where the plan charges none.
    var rates: [Double]
    /// +∞ when the plan has no user limit.
    var maxUsers: Double
    var hasHardLimits: Bool

    /// price + Σ max(0, usage − included) × rate, per GB (or per MAU).
    @inline(__always)
    func monthlyCost(for usage: PlanUsage) -> Double {
        var cost = price
        for resource in 0..<4 where !rates[resource].isNaN {
            let excess = max(0, usage.amount(resource) - quotas[resource])
            cost += (resource == 3 ? excess : excess / bytesPerGB) * rates[resource]
        }
        return cost
    }

    @inline(__always)
    func isExceeded(_ resource: Int, by usage: PlanUsage) -> Bool { usage.amount(resource) > quotas[resource] }

    /// Below `max_users` and, for a hard-limited plan, within every quota (§5).
    @inline(__always)
    func fits(_ usage: PlanUsage) -> Bool {
        if !(usage.mau < maxUsers) { return false }
        guard hasHardLimits else { return true }
        for resource in 0..<4 where isExceeded(resource, by: usage) { return false }
        return true
    }

    /// Whether a hard-limited plan is over one of its quotas.
    func isOverLimit(_ usage: PlanUsage) -> Bool {
        hasHardLimits && (0..<4).contains { isExceeded($0, by: usage) }
    }
}
