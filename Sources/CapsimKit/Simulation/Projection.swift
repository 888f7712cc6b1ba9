/// A projection: the scenario it came from, one row per month (0 … horizon) and the events found in them.
public struct Projection: Sendable {
    public var scenario: Scenario
    public var rows: [MonthRow]
    public let catalog: EventCatalog
    /// Events in month order (catalog order within a month).
    public let events: [ProjectionEvent]

    public init(scenario: Scenario, rows: [MonthRow]) {
        self.scenario = scenario
        self.rows = rows
        catalog = EventCatalog(scenario: scenario)
        var tracker = EventMonths(scenario: scenario, catalog: catalog)
        for row in rows { tracker.observe(row) }
        let months = tracker.months
        events = catalog.kinds.indices.filter { months[$0] >= 0 }
            .sorted { (months[$0], $0) < (months[$1], $1) }
            .map { [scenario, rows, catalog] index in
                let month = months[index]
                return ProjectionEvent(month: month, kind: catalog.kinds[index], key: catalog.keys[index],
                                       detail: ProjectionEvent.detail(of: catalog.kinds[index], row: rows[month],
                                                                      previous: month > 0 ? rows[month - 1] : nil,
                                                                      scenario: scenario))
            }
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
    public var month: Int
    public var kind: EventKind
    /// A stable identifier of the event, the same in every run of a scenario (see ``EventCatalog``).
    public var key: String
    /// What happened and why, for people.
    public var detail: String

    static func detail(of kind: EventKind, row: MonthRow, previous: MonthRow?, scenario: Scenario) -> String {
        let plans = scenario.supabase.plans
        switch kind {
        case let .phaseEntered(phase):
            return "phase \(phase) \(scenario.phases[phase].name): \(NumberFormat.grouped(row.users)) users, MRR \(NumberFormat.money(row.mrr))"
        case let .milestoneReached(index):
            let milestone = scenario.milestones[index]
            return milestone.action.isEmpty ? milestone.name : "\(milestone.name): \(milestone.action)"
        case let .planChanged(to):
            let from = previous?.planIndex ?? 0
            return "Supabase \(plans[from].name) → \(plans[to].name): \(planChangeReason(from: from, row: row, scenario: scenario))"
        case let .limitBreached(plan, resource):
            let usage = PlanUsage(row)
            return "\(plans[plan].name) plan limit breached: \(resource.rawValue) \(amount(usage.amount(of: resource), resource)) > \(amount(plans[plan].quota(resource), resource)) included"
        case .cashBelowZero:
            return "cash below zero: \(NumberFormat.money(row.cash))"
        }
    }

    private static func planChangeReason(from: Int, row: MonthRow, scenario: Scenario) -> String {
        let old = scenario.supabase.plans[from]
        let usage = PlanUsage(row)
        if let maxUsers = old.maxUsers, row.users >= maxUsers {
            return "\(NumberFormat.grouped(row.users)) users reached \(old.name)'s max_users (\(NumberFormat.grouped(maxUsers)))"
        }
        if old.hasHardLimits, let resource = old.exceededResources(by: usage).first {
            return "\(resource.rawValue) \(amount(usage.amount(of: resource), resource)) exceeds \(old.name)'s hard limit of \(amount(old.quota(resource), resource))"
        }
        let new = scenario.supabase.plans[row.planIndex]
        return "cheaper at this usage (\(NumberFormat.money(new.monthlyCost(for: usage))) vs \(NumberFormat.money(old.monthlyCost(for: usage))) a month)"
    }

    static func amount(_ value: Double, _ resource: PlanResource) -> String {
        resource == .mau ? "\(NumberFormat.grouped(value)) MAU" : NumberFormat.bytes(value)
    }
}
