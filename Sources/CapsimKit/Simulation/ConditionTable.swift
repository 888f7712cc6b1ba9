/// Conditions compiled into flat arrays and referred to by index, so that evaluating them
/// copies nothing: the month loop evaluates dozens per month, millions of times in Monte Carlo.
///
/// Equal conditions are stored once (a roadmap repeats `phase_at_least: 4` for many
/// services and roles). A month's condition values are gathered once (``values(_:)``), then
/// ``evaluate(_:into:)`` decides every condition with one comparison per clause and no
/// data-dependent branch: `at_most` clauses are stored negated, so every clause reads
/// `sign × value ≥ sign × threshold`.
struct ConditionTable: Sendable {
    private static let metrics = ConditionMetric.allCases
    /// Per clause: index of its metric in ``ConditionMetric/allCases``.
    private var metricIndices: [Int] = []
    /// Per clause: +1 for `…_at_least`, −1 for `…_at_most`.
    private var signs: [Double] = []
    /// Per clause: sign × threshold.
    private var signedThresholds: [Double] = []
    /// Clauses of condition i are `starts[i] ..< starts[i + 1]`.
    private var starts: [Int] = [0]
    private var indexOfCondition: [Condition: Int] = [:]

    /// The number of distinct conditions.
    var count: Int { starts.count - 1 }

    /// Adds a condition (unless an equal one is there) and returns its index.
    mutating func add(_ condition: Condition) -> Int {
        if let index = indexOfCondition[condition] { return index }
        for clause in condition.clauses {
            let sign = clause.metric == .churnAtMost ? -1.0 : 1.0
            metricIndices.append(Self.metrics.firstIndex(of: clause.metric)!)
            signs.append(sign)
            signedThresholds.append(sign * clause.threshold)
        }
        starts.append(metricIndices.count)
        indexOfCondition[condition] = count - 1
        return count - 1
    }

    /// The value of every condition metric for `inputs`, in the order of ``ConditionMetric/allCases``.
    @inline(__always)
    static func values(_ inputs: ConditionInputs) -> InlineArray<9, Double> {
        [inputs.users, inputs.dau, inputs.messagesPerDay, inputs.paidUsers, inputs.mrr, inputs.concurrent,
         Double(inputs.phase), inputs.paidChurn, inputs.dbBytes]
    }

    /// Writes whether each condition holds for the month whose ``values(_:)`` are given:
    /// `holds[i]` for condition i (`holds` has at least ``count`` elements).
    @inline(__always)
    func evaluate(_ values: InlineArray<9, Double>, into holds: inout [Bool]) {
        holds.withUnsafeMutableBufferPointer { holds in
            starts.withUnsafeBufferPointer { starts in
                metricIndices.withUnsafeBufferPointer { metricIndices in
                    signs.withUnsafeBufferPointer { signs in
                        signedThresholds.withUnsafeBufferPointer { thresholds in
                            var clause = 0
                            for condition in 0..<(starts.count - 1) {
                                let end = starts[condition + 1]
                                var all: UInt8 = 1
                                while clause < end {
                                    all &= signs[clause] * values[metricIndices[clause]] >= thresholds[clause] ? 1 : 0
                                    clause += 1
                                }
                                holds[condition] = all != 0
                            }
                        }
                    }
                }
            }
        }
    }
}
