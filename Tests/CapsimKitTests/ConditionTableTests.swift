@testable import CapsimKit
import Testing

/// The engine's flat table of conditions against each condition decided on its own
/// (`Condition.holds`), over random conditions and month values.
@Suite("Condition tables")
struct ConditionTableTests {
    /// Random conditions over every metric, thresholds on a coarse grid so that clauses share
    /// them, conditions repeat, and values land exactly on them.
    static func randomConditions(_ rng: inout SeededGenerator) -> [Condition] {
        (0..<Int.random(in: 1...12, using: &rng)).map { _ in
            let metrics = ConditionMetric.allCases.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng))
            return Condition(clauses: metrics.map { metric in
                let threshold = metric == .churnAtMost ? Double(Int.random(in: 0...4, using: &rng)) / 100
                    : Double(Int.random(in: 0...4, using: &rng) * 50)
                return Condition.Clause(metric: metric, threshold: threshold)
            })
        }
    }

    /// Random values of every metric: on a threshold, between them, NaN now and then (no
    /// threshold orders it) or infinite.
    static func randomValues(_ rng: inout SeededGenerator) -> ConditionValues {
        var values = ConditionValues()
        for metric in ConditionMetric.allCases {
            values[metric] = switch Int.random(in: 0..<20, using: &rng) {
            case 0: .nan
            case 1: .infinity
            case 2: -.infinity
            case 3..<10: metric == .churnAtMost ? Double(Int.random(in: 0...4, using: &rng)) / 100
                : Double(Int.random(in: 0...4, using: &rng) * 50)
            default: Double.random(in: -10...250, using: &rng)
            }
        }
        return values
    }

    @Test("The table's verdicts are each condition's own, equal conditions stored once", arguments: 0..<40)
    func verdictsMatch(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let conditions = Self.randomConditions(&rng)
        var table = ConditionTable()
        let indices = conditions.map { table.add($0) }
        #expect(table.count == Set(conditions).count)
        for (a, b) in zip(conditions, indices) {
            for (c, d) in zip(conditions, indices) where (a == c) != (b == d) {
                Issue.record("\(a) at \(b) and \(c) at \(d)")
            }
        }
        for _ in 0..<200 {
            let values = Self.randomValues(&rng)
            for (condition, index) in zip(conditions, indices) where table.holds(index, values) != condition.holds(values) {
                Issue.record("\(condition) on \(values.values) gives \(table.holds(index, values))")
                return
            }
        }
    }

    @Test("Thresholds are inclusive; NaN never holds; an empty condition always does")
    func boundaries() {
        var table = ConditionTable()
        let users = table.add(Condition(clauses: [.init(metric: .usersAtLeast, threshold: 100),
                                                  .init(metric: .churnAtMost, threshold: 0.05)]))
        let always = table.add(.always)
        var values = ConditionValues()
        func holds(users count: Double, churn: Double) -> Bool {
            values[.usersAtLeast] = count
            values[.churnAtMost] = churn
            return table.holds(users, values)
        }
        #expect(!holds(users: 99, churn: 0.01))
        #expect(holds(users: 100, churn: 0.05), "both on their thresholds")
        #expect(!holds(users: 5000, churn: 0.06))
        #expect(!holds(users: .nan, churn: 0))
        #expect(!holds(users: 5000, churn: .nan))
        #expect(table.holds(always, values))
    }
}

@Suite("Condition metrics")
struct ConditionMetricTests {
    @Test("Each metric's slot is its position among all metrics")
    func slots() {
        #expect(ConditionMetric.allCases.map(\.slot) == Array(ConditionMetric.allCases.indices))
    }
}
