/// The kinds of event a projection can contain.
public enum EventKind: Sendable, Hashable {
    /// The projection enters phase `phase` (each skipped phase is entered in the same month).
    case phaseEntered(phase: Int)
    /// The `when` of milestone `index` holds for the first time.
    case milestoneReached(index: Int)
    /// The Supabase plan moves up to plan `plan`.
    case planChanged(to: Int)
    /// Usage first exceeds a quota of hard-limited plan `plan`, whether or not it is in force.
    case limitBreached(plan: Int, resource: PlanResource)
    /// The plan in force is hard-limited and usage is over one of its quotas.
    case planOverLimit
    /// The compute size is size `size` or a later one for the first time (§9).
    case computeSize(size: Int)
    /// The database has at least `count` read replicas for the first time.
    case replicas(count: Int)
    /// No option of §9 is feasible; `bound` nil for any bound.
    case capacityBreach(bound: CapacityBound?)
    /// Funding round `index` is received (§10).
    case fundingReceived(index: Int)
    /// Cash first falls below `cash.floor` (§10).
    case cashBelowFloor

    /// A short label for reports.
    public var label: String {
        switch self {
        case .phaseEntered: "phase"
        case .milestoneReached: "milestone"
        case .planChanged: "plan change"
        case .limitBreached: "limit breach"
        case .planOverLimit: "over plan limit"
        case .computeSize: "compute"
        case .replicas: "replicas"
        case .capacityBreach: "capacity breach"
        case .fundingReceived: "funding"
        case .cashBelowFloor: "cash"
        }
    }
}

/// Every event a scenario can produce, in a fixed order, each with a stable key used in
/// every output: `phase:1`, `milestone:<name>`, `plan:<name>`, `breach:<plan>:<resource>`,
/// `plan_over_limit`, `compute:<size>`, `replicas:<k>`, `capacity_breach`,
/// `capacity_breach:<bound>`, `funding:<name>`, `cash_below_floor`.
public struct EventCatalog: Sendable {
    public let kinds: [EventKind]
    public let keys: [String]
    /// Where each group starts in ``kinds``.
    let phaseBase: Int, milestoneBase: Int, planBase: Int, breachBase: Int, overLimit: Int
    let computeBase: Int, replicaBase: Int, capacityBase: Int, fundingBase: Int, cashBelowFloor: Int

    /// The forms of event keys, for messages.
    public static let keyForms = "phase:N or phase:<name>, milestone:<name>, plan:<name>, breach:<plan>:<resource>, plan_over_limit, compute:<size>, replicas:<k>, capacity_breach[:<bound>], funding:<name>, cash_below_floor"

    public init(scenario: Scenario) {
        var kinds: [EventKind] = []
        phaseBase = kinds.count
        kinds += scenario.phases.indices.map { .phaseEntered(phase: $0) }
        milestoneBase = kinds.count
        kinds += scenario.milestones.indices.map { .milestoneReached(index: $0) }
        planBase = kinds.count - 1  // plan 0 is never changed to
        kinds += scenario.supabase.plans.indices.dropFirst().map { .planChanged(to: $0) }
        breachBase = kinds.count
        let hardPlans = scenario.supabase.plans.indices.filter { scenario.supabase.plans[$0].hasHardLimits }
        for plan in hardPlans { kinds += PlanResource.allCases.map { .limitBreached(plan: plan, resource: $0) } }
        overLimit = kinds.count
        kinds.append(.planOverLimit)
        computeBase = kinds.count
        let compute = scenario.supabase.compute
        kinds += (compute?.sizes.indices).map { $0.map { EventKind.computeSize(size: $0) } } ?? []
        replicaBase = kinds.count - 1  // replicas:1 first
        let maxReplicas = compute?.maxReplicas ?? 0
        kinds += (maxReplicas > 0 ? Array(1...maxReplicas) : []).map { .replicas(count: $0) }
        capacityBase = kinds.count
        if compute != nil { kinds += [.capacityBreach(bound: nil)] + CapacityBound.allCases.map { .capacityBreach(bound: $0) } }
        fundingBase = kinds.count
        kinds += scenario.funding.indices.map { .fundingReceived(index: $0) }
        cashBelowFloor = kinds.count
        kinds.append(.cashBelowFloor)
        self.kinds = kinds
        let plans = scenario.supabase.plans
        keys = kinds.map { kind in
            switch kind {
            case let .phaseEntered(phase): "phase:\(phase)"
            case let .milestoneReached(index): "milestone:\(scenario.milestones[index].name)"
            case let .planChanged(to): "plan:\(plans[to].name)"
            case let .limitBreached(plan, resource): "breach:\(plans[plan].name):\(resource.rawValue)"
            case .planOverLimit: "plan_over_limit"
            case let .computeSize(size): "compute:\(compute!.sizes[size].name)"
            case let .replicas(count): "replicas:\(count)"
            case let .capacityBreach(bound): bound.map { "capacity_breach:\($0.rawValue)" } ?? "capacity_breach"
            case let .fundingReceived(index): "funding:\(scenario.funding[index].name)"
            case .cashBelowFloor: "cash_below_floor"
            }
        }
        phaseNames = scenario.phases.map(\.name)
    }

    private let phaseNames: [String]

    public var count: Int { kinds.count }

    /// The key of an event as a user may write it: a key of the catalog, or `phase:<name>`.
    public func key(named text: String) -> String? {
        if keys.contains(text) { return text }
        if text.hasPrefix("phase:"), let index = phaseNames.firstIndex(of: String(text.dropFirst(6))) { return "phase:\(index)" }
        return nil
    }

    public func index(of key: String) -> Int? { keys.firstIndex(of: key) }
}
