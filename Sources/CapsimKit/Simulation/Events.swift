/// The kinds of event a projection can contain.
public enum EventKind: Sendable, Hashable {
    /// The projection enters phase `phase` (each skipped phase is entered in the same month).
    case phaseEntered(phase: Int)
    /// The `when` of milestone `index` holds for the first time.
    case milestoneReached(index: Int)
    /// The Supabase plan moves up to plan `plan`.
    case planChanged(to: Int)
    /// Usage first exceeds a quota of hard-limited plan `plan`.
    case limitBreached(plan: Int, resource: PlanResource)
    /// Cash first falls below zero.
    case cashBelowZero

    /// A short label for reports.
    public var label: String {
        switch self {
        case .phaseEntered: "phase"
        case .milestoneReached: "milestone"
        case .planChanged: "plan change"
        case .limitBreached: "limit breach"
        case .cashBelowZero: "cash"
        }
    }
}

/// Every event a scenario can produce, in a fixed order (phases, milestones, plan changes,
/// limit breaches, cash below zero), each with a stable key used in every output.
public struct EventCatalog: Sendable {
    public let kinds: [EventKind]
    /// `phase:1`, `milestone:<name>`, `plan:<name>`, `breach:<plan>:<resource>`, `cash_below_zero`.
    public let keys: [String]

    public init(scenario: Scenario) {
        var kinds: [EventKind] = scenario.phases.indices.map { .phaseEntered(phase: $0) }
        kinds += scenario.milestones.indices.map { .milestoneReached(index: $0) }
        kinds += scenario.supabase.plans.indices.dropFirst().map { .planChanged(to: $0) }
        for (index, plan) in scenario.supabase.plans.enumerated() where plan.hasHardLimits {
            kinds += PlanResource.allCases.map { .limitBreached(plan: index, resource: $0) }
        }
        kinds.append(.cashBelowZero)
        self.kinds = kinds
        let plans = scenario.supabase.plans
        keys = kinds.map { kind in
            switch kind {
            case let .phaseEntered(phase): "phase:\(phase)"
            case let .milestoneReached(index): "milestone:\(scenario.milestones[index].name)"
            case let .planChanged(to): "plan:\(plans[to].name)"
            case let .limitBreached(plan, resource): "breach:\(plans[plan].name):\(resource.rawValue)"
            case .cashBelowZero: "cash_below_zero"
            }
        }
    }

    public var count: Int { kinds.count }
}

/// The first month of each event of a ``EventCatalog``, found month by month without
/// allocating. Depends only on the scenario's structure (milestone conditions, plans), so
/// Monte Carlo builds one and copies it for every run.
public struct EventMonths: Sendable {
    /// Month of each catalog event; -1 while it has not happened.
    public private(set) var months: [Int]
    private let plans: [PlanTerms]
    private let milestoneCount: Int
    private let milestoneConditions: ConditionTable
    /// Per milestone: its condition's index in ``milestoneConditions`` (equal conditions are stored once).
    private let milestoneWhen: [Int]
    /// This run's verdicts on ``milestoneConditions``.
    private var milestoneVerdicts: ConditionTable.Verdicts
    private let phaseBase: Int
    private let milestoneBase: Int
    private let planBase: Int
    private let breachBase: Int
    private let hardPlans: [Int]
    private var previousPhase = -1
    private var previousPlan = 0
    /// Milestones not reached yet (a reached milestone's condition is no longer evaluated).
    private var milestonesLeft: Int

    public init(scenario: Scenario, catalog: EventCatalog) {
        plans = scenario.supabase.plans.map(PlanTerms.init)
        milestoneCount = scenario.milestones.count
        milestonesLeft = milestoneCount
        var conditions = ConditionTable()
        milestoneWhen = scenario.milestones.map { conditions.add($0.when) }
        milestoneConditions = conditions
        milestoneVerdicts = conditions.initialVerdicts()
        months = Array(repeating: -1, count: catalog.count)
        phaseBase = 0
        milestoneBase = scenario.phases.count
        planBase = milestoneBase + scenario.milestones.count
        breachBase = planBase + scenario.supabase.plans.count - 1
        hardPlans = scenario.supabase.plans.indices.filter { scenario.supabase.plans[$0].hasHardLimits }
    }

    /// Forgets every event, in place: the tracker is as new, for another run.
    public mutating func reset() {
        for index in months.indices { months[index] = -1 }
        previousPhase = -1
        previousPlan = 0
        milestonesLeft = milestoneCount
        milestoneConditions.reset(&milestoneVerdicts)
    }

    /// Records the events of `row`; rows must come in month order.
    public mutating func observe(_ row: MonthRow) {
        if row.phase > previousPhase {
            for phase in (previousPhase + 1)...row.phase { months[phaseBase + phase] = row.month }
            previousPhase = row.phase
        }
        if milestonesLeft > 0 {
            if milestoneConditions.update(row.conditionInputs, &milestoneVerdicts) {
                for index in 0..<milestoneCount where months[milestoneBase + index] < 0 && milestoneVerdicts[milestoneWhen[index]] {
                    months[milestoneBase + index] = row.month
                    milestonesLeft -= 1
                }
            }
        }
        if row.planIndex != previousPlan {
            months[planBase + row.planIndex - 1] = row.month
            previousPlan = row.planIndex
        }
        if !hardPlans.isEmpty {
            let usage = PlanUsage(row)
            var slot = breachBase
            for planIndex in hardPlans {
                for resource in 0..<PlanResource.allCases.count {
                    if months[slot] < 0, plans[planIndex].isExceeded(resource, by: usage) { months[slot] = row.month }
                    slot += 1
                }
            }
        }
        if months[months.count - 1] < 0, row.cash < 0 { months[months.count - 1] = row.month }
    }
}
