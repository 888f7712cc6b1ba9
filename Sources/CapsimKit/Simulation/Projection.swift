/// A projection: the scenario it came from, one row per month (0 … horizon) and the events found in them.
public struct Projection: Sendable {
    public var scenario: Scenario
    public var rows: [MonthRow]
    public var events: [ProjectionEvent]

    public init(scenario: Scenario, rows: [MonthRow]) {
        self.scenario = scenario
        self.rows = rows
        var tracker = EventTracker(scenario: scenario)
        for row in rows { tracker.observe(row) }
        events = tracker.events
    }

    /// The lowest cash balance and the first month it is reached.
    public var cashLowPoint: (month: Int, cash: Double) {
        var low = (month: rows[0].month, cash: rows[0].cash)
        for row in rows where row.cash < low.cash { low = (row.month, row.cash) }
        return low
    }

    /// The first month whose cash is below zero, if any.
    public var cashRunsOut: Int? { rows.first { $0.cash < 0 }?.month }

    /// The month each phase is first entered (nil if not within the horizon).
    public var phaseEntryMonths: [Int?] {
        scenario.phases.indices.map { phase in rows.first { $0.phase >= phase }?.month }
    }
}

/// Something that happens in a month of a projection: the action calendar is made of these.
public struct ProjectionEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The projection enters phase `phase` (each skipped phase is entered in the same month).
        case phaseEntered(phase: Int)
        /// The `when` of milestone `index` holds for the first time.
        case milestoneReached(index: Int)
        /// The Supabase plan moves up from plan `from` to plan `to`.
        case planChanged(from: Int, to: Int)
        /// Usage first exceeds a quota of hard-limited plan `plan`.
        case limitBreached(plan: Int, resource: PlanResource)
        /// Cash first falls below zero.
        case cashBelowZero
    }

    public var month: Int
    public var kind: Kind
    /// What happened and why, for people.
    public var detail: String

    /// A stable identifier of the event, the same in every run of a scenario:
    /// `phase:1`, `milestone:<name>`, `plan:<to>`, `breach:<plan>:<resource>`, `cash_below_zero`.
    public func key(in scenario: Scenario) -> String {
        switch kind {
        case let .phaseEntered(phase): "phase:\(phase)"
        case let .milestoneReached(index): "milestone:\(scenario.milestones[index].name)"
        case let .planChanged(_, to): "plan:\(scenario.supabase.plans[to].name)"
        case let .limitBreached(plan, resource): "breach:\(scenario.supabase.plans[plan].name):\(resource.rawValue)"
        case .cashBelowZero: "cash_below_zero"
        }
    }
}

/// Finds events month by month, remembering which have already happened.
public struct EventTracker {
    public let scenario: Scenario
    public private(set) var events: [ProjectionEvent] = []
    private var previous: MonthRow?
    private var milestonesReached: [Bool]
    private var breachesSeen: Set<String> = []
    private var cashWentNegative = false

    public init(scenario: Scenario) {
        self.scenario = scenario
        milestonesReached = Array(repeating: false, count: scenario.milestones.count)
    }

    public mutating func observe(_ row: MonthRow) {
        defer { previous = row }
        let firstPhase = previous.map { $0.phase + 1 } ?? 0
        if row.phase >= firstPhase {
            for phase in firstPhase...row.phase {
                events.append(ProjectionEvent(month: row.month, kind: .phaseEntered(phase: phase),
                    detail: "phase \(phase) \(scenario.phases[phase].name): \(NumberFormat.grouped(row.users)) users, MRR \(NumberFormat.money(row.mrr))"))
            }
        }
        let inputs = row.conditionInputs
        for (index, milestone) in scenario.milestones.enumerated() where !milestonesReached[index] && milestone.when.holds(for: inputs) {
            milestonesReached[index] = true
            let action = milestone.action.isEmpty ? "" : ": \(milestone.action)"
            events.append(ProjectionEvent(month: row.month, kind: .milestoneReached(index: index),
                                          detail: "\(milestone.name)\(action)"))
        }
        let plans = scenario.supabase.plans
        if let previous, row.planIndex != previous.planIndex {
            events.append(ProjectionEvent(month: row.month, kind: .planChanged(from: previous.planIndex, to: row.planIndex),
                detail: "Supabase \(plans[previous.planIndex].name) → \(plans[row.planIndex].name): \(planChangeReason(from: previous.planIndex, row: row))"))
        }
        let usage = PlanUsage(row)
        for (index, plan) in plans.enumerated() where plan.hasHardLimits {
            for resource in plan.exceededResources(by: usage) where breachesSeen.insert("\(index):\(resource)").inserted {
                events.append(ProjectionEvent(month: row.month, kind: .limitBreached(plan: index, resource: resource),
                    detail: "\(plan.name) plan limit breached: \(resource.rawValue) \(Self.amount(usage.amount(of: resource), resource)) > \(Self.amount(plan.quota(resource), resource)) included"))
            }
        }
        if !cashWentNegative, row.cash < 0 {
            cashWentNegative = true
            events.append(ProjectionEvent(month: row.month, kind: .cashBelowZero,
                                          detail: "cash below zero: \(NumberFormat.money(row.cash))"))
        }
    }

    private func planChangeReason(from: Int, row: MonthRow) -> String {
        let supabase = scenario.supabase
        let old = supabase.plans[from]
        let usage = PlanUsage(row)
        if let maxUsers = old.maxUsers, row.users >= maxUsers {
            return "\(NumberFormat.grouped(row.users)) users reached \(old.name)'s max_users (\(NumberFormat.grouped(maxUsers)))"
        }
        if old.hasHardLimits, let resource = old.exceededResources(by: usage).first {
            return "\(resource.rawValue) \(Self.amount(usage.amount(of: resource), resource)) exceeds \(old.name)'s hard limit of \(Self.amount(old.quota(resource), resource))"
        }
        let new = supabase.plans[row.planIndex]
        return "cheaper at this usage (\(NumberFormat.money(new.monthlyCost(for: usage))) vs \(NumberFormat.money(old.monthlyCost(for: usage))) a month)"
    }

    static func amount(_ value: Double, _ resource: PlanResource) -> String {
        resource == .mau ? "\(NumberFormat.grouped(value)) MAU" : NumberFormat.bytes(value)
    }
}
