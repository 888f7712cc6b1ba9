/// The month-by-month engine of MODEL.md, for one projection.
public enum Simulator {
    /// The deterministic projection: expected flows, distributions at their means.
    /// - Throws: ``SimulationError`` when a month's figures overflow.
    public static func project(_ scenario: Scenario) throws(SimulationError) -> Projection {
        try project(scenario, values: scenario.parameters.values)
    }

    /// The deterministic projection with other parameter values (by ``ParameterID``): what
    /// sensitivity and calibration move.
    public static func project(_ scenario: Scenario, values: [Double]) throws(SimulationError) -> Projection {
        try project(scenario, values: values, phases: nil)
    }

    /// The deterministic projection with each month's phase given (months 0 … horizon, each
    /// a phase index) instead of found by §7; nil: found by §7.
    static func project(_ scenario: Scenario, values: [Double], phases: [Int]?) throws(SimulationError) -> Projection {
        let model = Model(scenario)
        var engine = Engine(model: model)
        engine.forcedPhases = phases
        var flows = ExpectedFlows()
        var table: [Double] = []
        table.reserveCapacity((model.horizon + 1) * model.layout.width)
        try engine.run(model.inputs(values), flows: &flows) { table.append(contentsOf: $0) }
        return Projection(scenario: scenario, values: table, engine: engine)
    }
}

/// A projection: the scenario it came from, one row per month (0 … horizon), the events
/// found in them and the funding summary (§10).
public struct Projection: Sendable {
    public let scenario: Scenario
    public let layout: RowLayout
    /// Row t is `table[t × width ..< (t + 1) × width]`.
    public let table: [Double]
    public let catalog: EventCatalog
    /// Month of each catalog event; nil where it does not happen within the horizon.
    public let eventMonths: [Int?]
    /// Events in month order (catalog order within a month).
    public private(set) var events: [ProjectionEvent] = []
    public let funding: FundingSummary

    init(scenario: Scenario, values: [Double], engine: Engine) {
        self.scenario = scenario
        layout = engine.model.layout
        table = values
        catalog = engine.model.events
        let months = engine.eventMonths
        eventMonths = months.map { $0 >= 0 ? $0 : nil }
        funding = FundingSummary(engine: engine, floor: scenario[scenario.cash.floor])
        let happened = catalog.kinds.indices.filter { months[$0] >= 0 }.sorted { (months[$0], $0) < (months[$1], $1) }
        events = happened.map { index in
            ProjectionEvent(month: months[index], kind: catalog.kinds[index], key: catalog.keys[index],
                            detail: ProjectionEvent.detail(of: catalog.kinds[index], in: self, month: months[index]))
        }
    }

    /// Months 0 … H.
    public var rows: [MonthRow] { (0...scenario.horizonMonths).map(row) }

    /// Month t's row.
    public func row(_ month: Int) -> MonthRow {
        MonthRow(values: table[(month * layout.width)..<((month + 1) * layout.width)], layout: layout)
    }

    /// The last month's row.
    public var last: MonthRow { row(scenario.horizonMonths) }

    /// The phase of each month 0 … H.
    var phaseTimeline: [Int] { (0...scenario.horizonMonths).map { Int(row($0)[.phase]) } }

    /// The month each phase is first entered (nil if not within the horizon).
    public var phaseEntryMonths: [Int?] {
        scenario.phases.indices.map { eventMonths[catalog.phaseBase + $0] }
    }

    /// The month of an event by key, nil when it does not happen.
    public func month(ofEvent key: String) -> Int? { catalog.index(of: key).flatMap { eventMonths[$0] } }
}

/// The funding summary of MODEL.md §10 (min over months 0 … H).
public struct FundingSummary: Sendable, Hashable {
    /// The first month with cash below the floor.
    public var cashOutMonth: Int?
    /// max(0, cash_out_month − raise_lead_months).
    public var raiseByMonth: Int?
    /// max(0, floor − min cash): what must be raised to stay at or above the floor.
    public var requiredRaise: Double
    public var cashLowPoint: Double
    public var cashLowPointMonth: Int
    /// The earliest t ≥ 1 from which MRR covers total cost in every month to the horizon.
    public var breakEvenMonth: Int?
    /// Break-even comes, and before cash falls below the floor (if it does).
    public var defaultAlive: Bool

    /// The summary of the run `engine` has just simulated, whose floor was `floor`.
    init(engine: Engine, floor: Double) {
        let model = engine.model
        let cashOut = engine.eventMonths[model.events.cashBelowFloor]
        self.init(horizon: model.horizon, floor: floor, lead: model.scenario.cash.raiseLeadMonths,
                  cashOutMonth: cashOut >= 0 ? cashOut : nil, cashLow: engine.cashLow, cashLowMonth: engine.cashLowMonth,
                  lastLossMonth: engine.lastLossMonth)
    }

    init(horizon: Int, floor: Double, lead: Int, cashOutMonth: Int?, cashLow: Double, cashLowMonth: Int, lastLossMonth: Int) {
        self.cashOutMonth = cashOutMonth
        raiseByMonth = cashOutMonth.map { max(0, $0 - lead) }
        requiredRaise = max(0, floor - cashLow)
        cashLowPoint = cashLow
        cashLowPointMonth = cashLowMonth
        breakEvenMonth = lastLossMonth == horizon ? nil : lastLossMonth + 1
        defaultAlive = breakEvenMonth.map { breakEven in cashOutMonth.map { breakEven < $0 } ?? true } ?? false
    }
}

/// One month of a projection: its values by ``Column`` and tier.
public struct MonthRow: Sendable {
    public let values: ArraySlice<Double>
    public let layout: RowLayout

    /// The value of a column; NaN where undefined.
    public subscript(column: Column) -> Double { values[values.startIndex + column.slot] }

    /// The value at a row slot (a numeric ``ExportColumn``'s).
    public subscript(slot slot: Int) -> Double { values[values.startIndex + slot] }

    /// The value of a column, nil where undefined.
    public func value(_ column: Column) -> Double? {
        let value = self[column]
        return value.isNaN ? nil : value
    }

    public var month: Int { Int(self[.month]) }
    public var phase: Int { Int(self[.phase]) }
    public var planIndex: Int { Int(self[.planIndex]) }
    /// The compute size's index; nil without a compute catalog.
    public var computeIndex: Int? { value(.computeIndex).map(Int.init) }
    public var users: Double { self[.usersTotal] }
    public var paidUsers: Double { self[.paidUsers] }
    public var mrr: Double { self[.mrr] }
    public var totalCost: Double { self[.totalCost] }
    public var cash: Double { self[.cash] }
    public var waitlist: Double { self[.waitlist] }
    public var activated: Double { self[.activated] }
    public var messages: Double { self[.messages] }
    public var messagesPerDay: Double { self[.messagesPerDay] }
    public var events: Double { self[.events] }
    /// C(t): signups since the start.
    public var cumulativeSignups: Double { self[.cumulativeSignups] }
    /// Accounts lost from paid tiers this month.
    public var paidChurned: Double { self[.paidChurned] }
    /// U_i(t).
    public func users(tier: Int) -> Double { values[values.startIndex + layout.tierSlot(tier)] }
    /// U_i(t) of every tier, in tier order.
    public var usersByTier: [Double] { (0..<layout.tierCount).map(users(tier:)) }

    /// The bounds that failed in a capacity breach this month; nil when there was none.
    public var capacityBreach: [CapacityBound]? {
        guard let mask = value(.capacityBreachMask), mask != 0 else { return nil }
        return CapacityBound.bounds(in: Int(mask))
    }

    /// MRR per paid account; nil without paid accounts.
    public var arpu: Double? { paidUsers > 0 ? mrr / paidUsers : nil }
    public var grossMargin: Double? { value(.grossMargin) }
    /// ARPU × gross margin / paid churn.
    public var ltv: Double? {
        guard let arpu, let grossMargin, let churn = value(.paidChurnRate), churn > 0 else { return nil }
        return arpu * grossMargin / churn
    }
    /// Marketing spend per conversion.
    public var cac: Double? { self[.conversions] > 0 ? self[.marketing] / self[.conversions] : nil }
    /// Months of gross profit per paid account to repay CAC.
    public var paybackMonths: Double? {
        guard let cac, let arpu, let grossMargin, arpu * grossMargin > 0 else { return nil }
        return cac / (arpu * grossMargin)
    }
    public var costPerUser: Double? { value(.costPerUser) }

    /// The month's usage of the metered resources.
    public var usage: PlanUsage {
        PlanUsage(dbBytes: self[.dbBytes], egressBytes: self[.egressBytes], storageBytes: self[.storageBytes], mau: users)
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
}
