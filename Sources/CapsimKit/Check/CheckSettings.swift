/// How far a figure may move from its baseline before `capsim check` fails: it passes when
/// the change is within the absolute tolerance or within the relative one.
public struct Tolerance: Sendable, Hashable {
    /// Fraction of the baseline value, e.g. 0.02.
    public var relative: Double
    /// In the figure's own unit (dollars, users).
    public var absolute: Double

    public init(relative: Double, absolute: Double) {
        self.relative = relative
        self.absolute = absolute
    }

    public func allows(baseline: Double, current: Double) -> Bool {
        let change = abs(current - baseline)
        return change <= absolute || change <= relative * abs(baseline)
    }
}

/// `check:` in a scenario: tolerances for `capsim check` and the confidence of probabilistic gates.
public struct CheckSettings: Sendable, Hashable {
    /// For money and count figures without a tolerance of their own. Default: 2% or 1 unit.
    public var tolerance = Tolerance(relative: 0.02, absolute: 1)
    /// Per metric (`total_cost_usd`, `infra_usd`, `team_usd`, `mrr_usd`).
    public var metrics: [String: Tolerance] = [:]
    /// Months an event may move. Default 0: event months compare exactly.
    public var eventMonths = 0
    /// Absolute tolerance of Monte Carlo probabilities. Default 0.02.
    public var probability = 0.02
    /// One-sided confidence a probabilistic gate's verdict needs. Default 0.99.
    public var confidence = 0.99
    /// The most runs a probabilistic gate may use to reach that confidence. Default 64,000.
    public var maxRuns = 64_000

    public init() {}

    public func tolerance(for metric: String) -> Tolerance { metrics[metric] ?? tolerance }
}

/// A limit a team sets in the scenario (`gates:`), checked by `capsim check`.
public struct Gate: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The deterministic value of `metric` in `month` is at most / at least `limit`.
        case value(metric: String, month: Int, isUpperBound: Bool, limit: Double)
        /// The `percentile` (5, 50 or 95) of `metric` in `month` over Monte Carlo runs is at most / at least `limit`.
        case percentile(metric: String, month: Int, percentile: Int, isUpperBound: Bool, limit: Double)
        /// The probability that `event` happens by month `withinMonths` is at most / at least `limit`.
        case probability(event: String, withinMonths: Int, isUpperBound: Bool, limit: Double)
        /// The deterministic month of `event` is at most `limit` (it must happen by then) or
        /// at least `limit` (not before; never happening passes).
        case eventMonth(event: String, isUpperBound: Bool, limit: Int)
        /// Every budget and/or target the phases state (`phases[].budget`, `phases[].targets`)
        /// holds at the phase's entry and last month; a phase not reached is not judged.
        /// `phase` limits it to one phase.
        case roadmap(statements: RoadmapStatements, phase: Int?)
    }

    /// Which of the phases' statements a roadmap gate holds the projection to.
    public enum RoadmapStatements: String, Sendable, Hashable, CaseIterable {
        case budget, targets, all

        func includes(kind: String) -> Bool {
            switch self {
            case .all: true
            case .budget: kind == "budget"
            case .targets: kind == "target"
            }
        }
    }

    /// The limit keys a gate may take (exactly one), with what each means.
    public static let bounds: [(key: String, doc: String)] = [
        ("at_most", "The deterministic value of `metric` in `month` is at most this."),
        ("at_least", "… at least this."),
        ("p5_at_most", "The 5th percentile over Monte Carlo runs is at most this (also `p50_`, `p95_`)."),
        ("p5_at_least", "… at least this."),
        ("p50_at_most", "The median over Monte Carlo runs is at most this."),
        ("p50_at_least", "… at least this."),
        ("p95_at_most", "The 95th percentile over Monte Carlo runs is at most this."),
        ("p95_at_least", "… at least this."),
        ("probability_at_most", "The share of runs in which `event` happens by `within_months` is at most this."),
        ("probability_at_least", "… at least this."),
        ("month_at_most", "The deterministic month of `event` is at most this (it happens by then)."),
        ("month_at_least", "… at least this (not before; never happening passes)."),
    ]

    /// A label for reports: the gate's `name`, else a description of it.
    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public var needsMonteCarlo: Bool {
        switch kind {
        case .value, .eventMonth, .roadmap: false
        case .percentile, .probability: true
        }
    }

    /// The gate as written, e.g. `total_cost_usd in month 24 at most 40000`.
    public var summary: String {
        switch kind {
        case let .value(metric, month, upper, limit):
            "\(metric) in month \(month) \(upper ? "at most" : "at least") \(NumberFormat.plain(limit))"
        case let .percentile(metric, month, percentile, upper, limit):
            "P\(percentile) of \(metric) in month \(month) \(upper ? "at most" : "at least") \(NumberFormat.plain(limit))"
        case let .probability(event, within, upper, limit):
            "P(\(event) by month \(within)) \(upper ? "at most" : "at least") \(NumberFormat.plain(limit))"
        case let .eventMonth(event, upper, limit):
            upper ? "\(event) by month \(limit)" : "\(event) not before month \(limit)"
        case let .roadmap(statements, phase):
            "the projection holds to the roadmap's \(statements == .all ? "budgets and targets" : statements.rawValue == "budget" ? "budgets" : "targets")\(phase.map { " in phase \($0)" } ?? "")"
        }
    }
}
