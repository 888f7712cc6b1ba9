/// A metric that a `when` condition tests against a threshold.
public enum ConditionMetric: String, Sendable, CaseIterable, Hashable {
    case usersAtLeast = "users_at_least"
    case dauAtLeast = "dau_at_least"
    case messagesPerDayAtLeast = "messages_per_day_at_least"
    case paidUsersAtLeast = "paid_users_at_least"
    case mrrAtLeast = "mrr_at_least"
    case concurrentAtLeast = "concurrent_at_least"
    case phaseAtLeast = "phase_at_least"
    /// Paid churn of the month (§6 of the model).
    case churnAtMost = "churn_at_most"
    /// Database size, bytes.
    case dbAtLeast = "db_at_least"
}

/// End-of-month values that conditions are evaluated on.
public struct ConditionInputs: Sendable {
    public var users: Double
    public var dau: Double
    public var messagesPerDay: Double
    public var paidUsers: Double
    public var mrr: Double
    public var concurrent: Double
    public var phase: Int
    /// Paid churn of the month; 0 in month 0 and when no paid accounts existed.
    public var paidChurn: Double
    public var dbBytes: Double

    public func value(of metric: ConditionMetric) -> Double {
        switch metric {
        case .usersAtLeast: users
        case .dauAtLeast: dau
        case .messagesPerDayAtLeast: messagesPerDay
        case .paidUsersAtLeast: paidUsers
        case .mrrAtLeast: mrr
        case .concurrentAtLeast: concurrent
        case .phaseAtLeast: Double(phase)
        case .churnAtMost: paidChurn
        case .dbAtLeast: dbBytes
        }
    }
}

/// A `when`: metric thresholds that must all hold. An empty condition always holds.
///
/// The clauses are stored inline (a metric appears at most once, so nine fit), so that
/// the engine evaluates conditions without touching the heap.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    public struct Clause: Sendable, Hashable {
        public var metric: ConditionMetric
        public var threshold: Double
    }

    private var storage: InlineArray<9, Clause>
    private var count: Int

    public static let always = Condition(clauses: [])

    /// - Precondition: each metric appears at most once.
    public init(clauses: [Clause]) {
        precondition(clauses.count <= 9 && Set(clauses.map(\.metric)).count == clauses.count)
        storage = InlineArray(repeating: Clause(metric: .usersAtLeast, threshold: 0))
        count = clauses.count
        for (index, clause) in clauses.enumerated() { storage[index] = clause }
    }

    /// The tested metrics and their thresholds, in the order they were written.
    public var clauses: [Clause] { (0..<count).map { storage[$0] } }

    @inline(__always)
    public func holds(for inputs: ConditionInputs) -> Bool {
        for index in 0..<count {
            let clause = storage[index]
            let value = inputs.value(of: clause.metric)
            if clause.metric == .churnAtMost ? !(value <= clause.threshold) : !(value >= clause.threshold) { return false }
        }
        return true
    }

    public static func == (lhs: Condition, rhs: Condition) -> Bool { lhs.clauses == rhs.clauses }

    public func hash(into hasher: inout Hasher) { hasher.combine(clauses) }

    public var description: String {
        count == 0 ? "always" : clauses.map { "\($0.metric.rawValue): \(NumberFormat.plain($0.threshold))" }
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

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        self.init(year: year, month: month)
    }

    public func adding(months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(year: index / 12, month: index % 12 + 1)
    }

    public var description: String {
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(monthText)"
    }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
