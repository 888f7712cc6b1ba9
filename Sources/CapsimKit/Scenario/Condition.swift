/// A metric that a `when` condition tests against a threshold (MODEL.md §7).
public enum ConditionMetric: String, Sendable, CaseIterable, Hashable {
    case usersAtLeast = "users_at_least"
    case dauAtLeast = "dau_at_least"
    case messagesPerDayAtLeast = "messages_per_day_at_least"
    case paidUsersAtLeast = "paid_users_at_least"
    case mrrAtLeast = "mrr_at_least"
    case concurrentAtLeast = "concurrent_at_least"
    case phaseAtLeast = "phase_at_least"
    /// Paid churn of the month (§6); 0 in month 0 and when no paid accounts existed.
    case churnAtMost = "churn_at_most"
    /// Database size, bytes.
    case dbAtLeast = "db_at_least"
    /// The month index t.
    case monthAtLeast = "month_at_least"
    /// cash_before(t) = cash(t−1) + MRR(t) − total(t), before the month's funding (§10).
    case cashAtMost = "cash_at_most"

    /// Whether the clause holds when the value is at most the threshold (else at least).
    public var isUpperBound: Bool { self == .churnAtMost || self == .cashAtMost }

    /// Position in ``allCases``: the slot of the metric's value in ``ConditionValues`` (a
    /// switch, not a search of `allCases`: the engine sets every slot every month).
    var slot: Int {
        switch self {
        case .usersAtLeast: 0
        case .dauAtLeast: 1
        case .messagesPerDayAtLeast: 2
        case .paidUsersAtLeast: 3
        case .mrrAtLeast: 4
        case .concurrentAtLeast: 5
        case .phaseAtLeast: 6
        case .churnAtMost: 7
        case .dbAtLeast: 8
        case .monthAtLeast: 9
        case .cashAtMost: 10
        }
    }

    /// What the threshold is, for the key reference.
    var doc: String {
        switch self {
        case .usersAtLeast: "N(t), accounts"
        case .dauAtLeast: "DAU(t)"
        case .messagesPerDayAtLeast: "messages per day"
        case .paidUsersAtLeast: "paid accounts"
        case .mrrAtLeast: "MRR, dollars"
        case .concurrentAtLeast: "peak concurrent users"
        case .phaseAtLeast: "the month's phase, an index or a name (not in a phase's own `when`)"
        case .churnAtMost: "paid churn of the month, a fraction (0 in month 0)"
        case .dbAtLeast: "database size (a size)"
        case .monthAtLeast: "the month t"
        case .cashAtMost: "cash before the month's funding, dollars (funding rounds and milestones only)"
        }
    }
}

/// A month's values of every condition metric, by ``ConditionMetric/slot``.
struct ConditionValues: Sendable {
    var values = [Double](repeating: 0, count: ConditionMetric.allCases.count)

    subscript(metric: ConditionMetric) -> Double {
        get { values[metric.slot] }
        set { values[metric.slot] = newValue }
    }
}

/// A `when`: metric thresholds that must all hold. An empty condition always holds.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    public struct Clause: Sendable, Hashable {
        public var metric: ConditionMetric
        public var threshold: Double

        public init(metric: ConditionMetric, threshold: Double) {
            self.metric = metric
            self.threshold = threshold
        }
    }

    /// The tested metrics and their thresholds, in the order they were written (each metric once).
    public let clauses: [Clause]

    public static let always = Condition(clauses: [])

    public init(clauses: [Clause]) {
        self.clauses = clauses
    }

    /// Whether every clause holds for `values`.
    func holds(_ values: ConditionValues) -> Bool {
        for clause in clauses {
            let value = values[clause.metric]
            if clause.metric.isUpperBound ? !(value <= clause.threshold) : !(value >= clause.threshold) { return false }
        }
        return true
    }

    public var description: String {
        clauses.isEmpty ? "always" : clauses.map { "\($0.metric.rawValue): \(NumberFormat.plain($0.threshold))" }
            .joined(separator: ", ")
    }
}

/// A calendar month, `YYYY-MM`.
public struct YearMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1...12
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM` (years 1000–9999).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1000 else { return nil }
        self.init(year: year, month: month)
    }

    public func adding(months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(year: index / 12, month: index % 12 + 1)
    }

    /// Months from `other` to this month.
    public func months(since other: YearMonth) -> Int { (year - other.year) * 12 + (month - other.month) }

    public var description: String {
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(monthText)"
    }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
