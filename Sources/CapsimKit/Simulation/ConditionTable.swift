/// Conditions compiled into flat arrays and referred to by index, so that evaluating one
/// copies nothing: the month loop evaluates dozens per month, millions of times in Monte Carlo.
struct ConditionTable: Sendable {
    private var metrics: [ConditionMetric] = []
    private var thresholds: [Double] = []
    /// Clauses of condition i are `starts[i] ..< starts[i + 1]`.
    private var starts: [Int] = [0]

    /// Adds a condition and returns its index.
    mutating func add(_ condition: Condition) -> Int {
        for clause in condition.clauses {
            metrics.append(clause.metric)
            thresholds.append(clause.threshold)
        }
        starts.append(metrics.count)
        return starts.count - 2
    }

    /// Whether condition `index` holds for `inputs`.
    @inline(__always)
    func holds(_ index: Int, for inputs: ConditionInputs) -> Bool {
        var clause = starts[index]
        let end = starts[index + 1]
        while clause < end {
            let metric = metrics[clause], threshold = thresholds[clause]
            let value = inputs.value(of: metric)
            if metric == .churnAtMost ? !(value <= threshold) : !(value >= threshold) { return false }
            clause += 1
        }
        return true
    }
}
