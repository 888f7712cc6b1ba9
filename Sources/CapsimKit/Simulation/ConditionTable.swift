/// Conditions compiled into flat arrays and referred to by index, so that evaluating them
/// copies nothing: the month loop evaluates dozens per month, millions of times in Monte Carlo.
/// A month's condition values are gathered once (``values(_:)``), then every clause is a
/// comparison with a threshold.
struct ConditionTable: Sendable {
    private static let metrics = ConditionMetric.allCases
    /// Per clause: index of its metric in ``ConditionMetric/allCases``.
    private var metricIndices: [Int] = []
    private var thresholds: [Double] = []
    private var isAtMost: [Bool] = []
    /// Clauses of condition i are `starts[i] ..< starts[i + 1]`.
    private var starts: [Int] = [0]

    /// Adds a condition and returns its index.
    mutating func add(_ condition: Condition) -> Int {
        for clause in condition.clauses {
            metricIndices.append(Self.metrics.firstIndex(of: clause.metric)!)
            thresholds.append(clause.threshold)
            isAtMost.append(clause.metric == .churnAtMost)
        }
        starts.append(metricIndices.count)
        return starts.count - 2
    }

    /// The value of every condition metric for `inputs`, in the order of ``ConditionMetric/allCases``.
    @inline(__always)
    static func values(_ inputs: ConditionInputs) -> InlineArray<9, Double> {
        [inputs.users, inputs.dau, inputs.messagesPerDay, inputs.paidUsers, inputs.mrr, inputs.concurrent,
         Double(inputs.phase), inputs.paidChurn, inputs.dbBytes]
    }

    /// Whether condition `index` holds for the month whose ``values(_:)`` are given.
    @inline(__always)
    func holds(_ index: Int, _ values: borrowing InlineArray<9, Double>) -> Bool {
        var clause = starts[index]
        let end = starts[index + 1]
        while clause < end {
            let value = values[metricIndices[clause]], threshold = thresholds[clause]
            if isAtMost[clause] ? !(value <= threshold) : !(value >= threshold) { return false }
            clause += 1
        }
        return true
    }

    /// Whether condition `index` holds for `inputs`.
    func holds(_ index: Int, for inputs: ConditionInputs) -> Bool {
        holds(index, Self.values(inputs))
    }
}
