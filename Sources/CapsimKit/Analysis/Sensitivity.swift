import GSLKit

/// Something sensitivity measures (MODEL.md §11): a monthly column at a month, a summary
/// figure of §10, or whether an event has happened by a month.
public enum Outcome: Sendable, Hashable, CustomStringConvertible {
    /// `COLUMN@M`: a numeric monthly column at month M.
    case column(name: String, slot: Int, month: Int)
    /// A summary figure of the projection (§10).
    case summary(SummaryFigure)
    /// `EVENT@M`: 1 when the event's first month is M or earlier, else 0.
    case event(key: String, index: Int, month: Int)

    /// The summary figures an outcome may name.
    public enum SummaryFigure: String, Sendable, CaseIterable {
        case cashLowPoint = "cash_low_point_usd"
        case cashLowPointMonth = "cash_low_point_month"
        case cashOutMonth = "cash_out_month"
        case raiseByMonth = "raise_by_month"
        case requiredRaise = "required_raise"
        case breakEvenMonth = "break_even_month"

        /// Whether the figure is a month that may be none.
        var isOptionalMonth: Bool { self == .cashOutMonth || self == .raiseByMonth || self == .breakEvenMonth }
    }

    public var description: String {
        switch self {
        case let .column(name, _, month): "\(name)@\(month)"
        case let .summary(figure): figure.rawValue
        case let .event(key, _, month): "\(key)@\(month)"
        }
    }

    /// The outcome written as `text` for `scenario`.
    /// - Throws: ``OutcomeError`` saying what is wrong and what is accepted.
    public static func parse(_ text: String, for scenario: Scenario) throws(OutcomeError) -> Outcome {
        let catalog = EventCatalog(scenario: scenario)
        let columns = scenario.numericColumns
        if let figure = SummaryFigure(rawValue: text) { return .summary(figure) }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            let names = SummaryFigure.allCases.map(\.rawValue) + columns.map(\.name)
            let hint = Suggestion.nearest(to: text, in: names).map { "; did you mean '\($0)'?" } ?? ""
            throw OutcomeError("'\(text)' is not an outcome\(hint) (an outcome is COLUMN@MONTH such as users_total@60, EVENT@MONTH such as cash_below_floor@24, or one of \(SummaryFigure.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let name = String(parts[0])
        guard let month = Int(parts[1]), (0...scenario.horizonMonths).contains(month) else {
            throw OutcomeError("'\(text)': the month after '@' must be a whole number from 0 to the horizon (\(scenario.horizonMonths))")
        }
        if let slot = columns.first(where: { $0.name == name })?.slot { return .column(name: name, slot: slot, month: month) }
        if let key = catalog.key(named: name), let index = catalog.index(of: key) { return .event(key: key, index: index, month: month) }
        let hint = Suggestion.nearest(to: name, in: columns.map(\.name) + catalog.keys).map { "; did you mean '\($0)'?" } ?? ""
        throw OutcomeError("'\(text)': '\(name)' is neither a numeric monthly column nor an event of this scenario\(hint)")
    }

    /// A founder's questions: users, MRR and cost at the horizon, the cash low point, the raise
    /// needed, break-even, and whether cash falls below the floor.
    public static func defaults(for scenario: Scenario) -> [Outcome] {
        let horizon = scenario.horizonMonths
        let texts = ["users_total@\(horizon)", "mrr_usd@\(horizon)", "total_cost_usd@\(horizon)", "cash_low_point_usd",
                     "required_raise", "break_even_month", "cash_below_floor@\(horizon)"]
        return texts.compactMap { try? parse($0, for: scenario) }
    }

    /// Whether the outcome is 0 or 1 (an event by a month).
    public var isEvent: Bool {
        if case .event = self { return true }
        return false
    }

    /// The outcome in a projection: its value (nil where undefined, or a month that is none)
    /// and the value its swing and ranks use (a none month counts as H + 1; nil where undefined).
    func value(in projection: Projection) -> (shown: Double?, ranked: Double?) {
        let horizon = Double(projection.scenario.horizonMonths)
        switch self {
        case let .column(name, _, month):
            let value = projection.value(column: name, month: month)
            return (value, value)
        case let .event(_, index, month):
            let value: Double = projection.eventMonths[index].map { $0 <= month } == true ? 1 : 0
            return (value, value)
        case let .summary(figure):
            return Self.value(of: figure, in: projection.funding, horizon: horizon)
        }
    }

    /// The outcome in one Monte Carlo run (`captured` in the order of ``captures(_:)``).
    func value(in record: RunRecord, captureIndex: Int?, horizon: Int) -> Double? {
        switch self {
        case .column: let value = record.captured[captureIndex!]; return value.isNaN ? nil : value
        case let .event(_, index, month): return record.eventMonths[index] >= 0 && record.eventMonths[index] <= month ? 1 : 0
        case let .summary(figure): return Self.value(of: figure, in: record.funding, horizon: Double(horizon)).ranked
        }
    }

    private static func value(of figure: SummaryFigure, in funding: FundingSummary, horizon: Double) -> (shown: Double?, ranked: Double?) {
        func month(_ month: Int?) -> (Double?, Double?) { (month.map(Double.init), month.map(Double.init) ?? horizon + 1) }
        return switch figure {
        case .cashLowPoint: (funding.cashLowPoint, funding.cashLowPoint)
        case .cashLowPointMonth: (Double(funding.cashLowPointMonth), Double(funding.cashLowPointMonth))
        case .requiredRaise: (funding.requiredRaise, funding.requiredRaise)
        case .cashOutMonth: month(funding.cashOutMonth)
        case .raiseByMonth: month(funding.raiseByMonth)
        case .breakEvenMonth: month(funding.breakEvenMonth)
        }
    }

    /// The monthly values Monte Carlo runs must keep for `outcomes` (one per column outcome).
    static func captures(_ outcomes: [Outcome]) -> [Capture] {
        outcomes.compactMap { if case let .column(_, slot, month) = $0 { Capture(slot: slot, month: month) } else { nil } }
    }
}

/// An outcome that cannot be read (exit status 2).
public struct OutcomeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Which inputs move which outcomes (MODEL.md §11): a one-at-a-time tornado on the
/// deterministic projection and, with Monte Carlo runs, Spearman's rank correlations.
public struct Sensitivity: Sendable {
    /// One parameter's effect on one outcome.
    public struct Row: Sendable, Hashable {
        public var parameter: ParameterID
        public var keyPath: String
        /// Q(0.1) and Q(0.9) of the parameter's distribution, clamped to its key's range, in model units.
        public var lowInput: Double
        public var highInput: Double
        /// The outcome with the parameter at its low and its high input (nil: undefined or none).
        public var low: Double?
        public var high: Double?
        /// |high − low| (a none month counting as H + 1); nil when either is undefined.
        public var swing: Double?
        /// Spearman's ρ of the parameter's draws and the outcome over the runs (with `--runs`).
        public var spearman: Double?
        /// For an event outcome: its share in the runs of the lowest and the highest quarter of the draws.
        public var shareLowQuarter: Double?
        public var shareHighQuarter: Double?
    }

    /// The rows of one outcome, by swing (largest first; undefined last), and its value at the means.
    public struct OutcomeRows: Sendable {
        public var outcome: Outcome
        public var base: Double?
        public var rows: [Row]
    }

    public let scenario: Scenario
    public let outcomes: [OutcomeRows]
    /// Monte Carlo runs and seed of the correlations, if any.
    public let monteCarlo: MonteCarloSettings?

    /// The lower and upper quantiles the tornado sets each parameter to.
    public static let quantiles = (low: 0.1, high: 0.9)

    /// The tornado of `outcomes` (2P + 1 deterministic projections for P uncertain
    /// parameters) and, when `monteCarlo` is given, the correlations over its runs.
    /// - Throws: ``SimulationError`` when a projection or run overflows.
    public static func analyse(_ scenario: Scenario, outcomes: [Outcome], monteCarlo: MonteCarloOptions? = nil,
                               progress: ((Int, Int) -> Void)? = nil) throws(SimulationError) -> Sensitivity {
        let base = scenario.parameters.values
        let baseProjection = try Simulator.project(scenario)
        var table = outcomes.map { OutcomeRows(outcome: $0, base: $0.value(in: baseProjection).shown, rows: []) }
        for id in scenario.uncertainties {
            let parameter = scenario.parameters[id]
            let range = parameter.quantity.range
            let lowInput = range.clamp(parameter.distribution!.quantile(quantiles.low))
            let highInput = range.clamp(parameter.distribution!.quantile(quantiles.high))
            var values = base
            values[id.index] = lowInput
            let low = try Simulator.project(scenario, values: values)
            values[id.index] = highInput
            let high = try Simulator.project(scenario, values: values)
            for index in outcomes.indices {
                let (lowShown, lowRanked) = outcomes[index].value(in: low)
                let (highShown, highRanked) = outcomes[index].value(in: high)
                let swing = lowRanked.flatMap { l in highRanked.map { abs($0 - l) } }
                table[index].rows.append(Row(parameter: id, keyPath: parameter.keyPath, lowInput: lowInput, highInput: highInput,
                                             low: lowShown, high: highShown, swing: swing))
            }
        }
        var settings: MonteCarloSettings?
        if var options = monteCarlo, !scenario.uncertainties.isEmpty {
            options.captures = Outcome.captures(outcomes)
            var records: [RunRecord] = []
            records.reserveCapacity(options.runs)
            _ = try MonteCarlo.simulate(scenario, options: options, onRun: { records.append($0) }, progress: progress)
            correlate(&table, records: records, horizon: scenario.horizonMonths)
            settings = MonteCarloSettings(runs: options.runs, seed: options.seed)
        }
        for index in table.indices {
            // By swing, largest first; equal swings (and undefined ones, last) in parameter order.
            table[index].rows = table[index].rows.enumerated().sorted { a, b in
                switch (a.element.swing, b.element.swing) {
                case let (x?, y?) where x != y: x > y
                case (nil, _?): false
                case (_?, nil): true
                default: a.offset < b.offset
                }
            }.map(\.element)
        }
        return Sensitivity(scenario: scenario, outcomes: table, monteCarlo: settings)
    }

    /// Spearman's ρ of each parameter's draws with each outcome over the runs where the
    /// outcome is defined, and for event outcomes the event's share in each quarter of draws.
    /// Each parameter's draws are ranked and ordered once, not once per outcome.
    private static func correlate(_ table: inout [OutcomeRows], records: [RunRecord], horizon: Int) {
        guard let parameterCount = table.first?.rows.count else { return }
        // Rows are still in parameter order, the order of each record's draws.
        let draws = (0..<parameterCount).map { parameter in records.map { $0.parameters[parameter] } }
        let drawRanks = draws.map(Statistics.ranks)
        // Runs by their draw of each parameter, ties by run index (for event outcomes' quarters only).
        let orders = table.contains(where: { $0.outcome.isEvent })
            ? draws.map { draw in records.indices.sorted { (draw[$0], $0) < (draw[$1], $1) } } : []
        var captureIndex = 0
        for index in table.indices {
            let outcome = table[index].outcome
            var capture: Int?
            if case .column = outcome { capture = captureIndex; captureIndex += 1 }
            let values = records.map { outcome.value(in: $0, captureIndex: capture, horizon: horizon) }
            let defined = values.indices.filter { values[$0] != nil }
            let everyRun = defined.count == records.count
            let valueRanks = everyRun ? Statistics.ranks(values.map { $0! }) : []
            for parameter in 0..<parameterCount {
                table[index].rows[parameter].spearman = everyRun
                    ? Statistics.pearson(drawRanks[parameter], valueRanks)
                    : Statistics.spearman(defined.map { draws[parameter][$0] }, defined.map { values[$0]! })
                if outcome.isEvent {
                    let quarter = records.count / 4
                    guard quarter > 0 else { continue }
                    func share(_ runs: ArraySlice<Int>) -> Double { Double(runs.filter { values[$0] == 1 }.count) / Double(quarter) }
                    table[index].rows[parameter].shareLowQuarter = share(orders[parameter].prefix(quarter))
                    table[index].rows[parameter].shareHighQuarter = share(orders[parameter].suffix(quarter))
                }
            }
        }
    }
}
