@testable import CapsimKit
import Testing

/// The verdicts a condition table keeps from month to month, against each condition
/// decided afresh (`Condition.holds(for:)`) every month.
@Suite("Condition tables")
struct ConditionTableTests {
    /// Random conditions over every metric, thresholds on a coarse grid so that clauses share
    /// them and values land exactly on them.
    static func randomConditions(_ rng: inout SeededGenerator) -> [Condition] {
        (0..<Int.random(in: 1...12, using: &rng)).map { _ in
            let metrics = ConditionMetric.allCases.shuffled(using: &rng).prefix(Int.random(in: 0...4, using: &rng))
            return Condition(clauses: metrics.map { metric in
                let threshold = metric == .churnAtMost ? Double(Int.random(in: 0...10, using: &rng)) / 100
                    : Double(Int.random(in: 0...20, using: &rng) * 50)
                return Condition.Clause(metric: metric, threshold: threshold)
            })
        }
    }

    /// A month's inputs one random step from `previous`: mostly small moves, sometimes a jump,
    /// now and then a value no threshold orders (NaN) or an infinite one.
    static func step(_ previous: ConditionInputs, _ rng: inout SeededGenerator) -> ConditionInputs {
        func move(_ value: Double) -> Double {
            switch Int.random(in: 0..<100, using: &rng) {
            case 0: return .nan
            case 1: return .infinity
            case 2..<12: return Double(Int.random(in: 0...20, using: &rng) * 50)     // on a threshold
            case 12..<30: return Double.random(in: 0...1000, using: &rng)
            default: return (value.isFinite ? value : 500) + Double.random(in: -30...30, using: &rng)
            }
        }
        var next = previous
        next.users = move(previous.users)
        next.dau = move(previous.dau)
        next.messagesPerDay = move(previous.messagesPerDay)
        next.paidUsers = move(previous.paidUsers)
        next.mrr = move(previous.mrr)
        next.concurrent = move(previous.concurrent)
        next.phase = max(0, min(5, previous.phase + Int.random(in: -1...1, using: &rng)))
        next.paidChurn = Int.random(in: 0..<50, using: &rng) == 0 ? .nan : Double(Int.random(in: 0...12, using: &rng)) / 100
        next.dbBytes = move(previous.dbBytes)
        return next
    }

    @Test("Verdicts kept from month to month equal every condition decided afresh", arguments: 0..<40)
    func verdictsMatchFreshDecisions(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let conditions = Self.randomConditions(&rng)
        var table = ConditionTable()
        let indices = conditions.map { table.add($0) }
        var verdicts = table.initialVerdicts()
        var inputs = ConditionInputs(users: 0, dau: 0, messagesPerDay: 0, paidUsers: 0, mrr: 0, concurrent: 0, phase: 0,
                                     paidChurn: 0, dbBytes: 0)
        for month in 0..<300 {
            // Given a month's inputs
            inputs = Self.step(inputs, &rng)
            if month == 150 { table.reset(&verdicts) }     // a run that starts over
            // When the table brings its verdicts to this month
            _ = table.update(inputs, &verdicts)
            // Then each is the condition's own verdict
            for (condition, index) in zip(conditions, indices) where verdicts[index] != condition.holds(for: inputs) {
                Issue.record("month \(month): \(condition) on \(inputs) gives \(verdicts[index])")
                return
            }
        }
    }

    @Test("A month in which no value crosses a threshold decides nothing again")
    func unchangedMonthsDecideNothing() throws {
        var table = ConditionTable()
        let condition = Condition(clauses: [.init(metric: .usersAtLeast, threshold: 100), .init(metric: .churnAtMost, threshold: 0.05)])
        let index = table.add(condition)
        var verdicts = table.initialVerdicts()
        func update(users: Double, churn: Double) -> Bool {
            table.update(ConditionInputs(users: users, dau: 0, messagesPerDay: 0, paidUsers: 0, mrr: 0,
                                         concurrent: 0, phase: 0, paidChurn: churn, dbBytes: 0), &verdicts)
        }
        #expect(update(users: 50, churn: 0.02))         // the first month decides
        #expect(!verdicts[index])
        #expect(!update(users: 99, churn: 0.01))        // still below 100, churn still within 0.05
        #expect(update(users: 100, churn: 0.01))        // on the threshold: holds
        #expect(verdicts[index])
        #expect(!update(users: 5000, churn: 0.05))      // churn at its bound still holds
        #expect(update(users: 5000, churn: 0.06))
        #expect(!verdicts[index])
    }
}
