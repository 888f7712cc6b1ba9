/// Conditions compiled into flat arrays and referred to by index, so that evaluating them
/// copies nothing: the month loop evaluates dozens per month, millions of times in Monte Carlo.
///
/// Equal conditions are stored once (a roadmap repeats `phase_at_least: 4` for many
/// services and roles). A month's condition values are gathered once (``Values``), then
/// each condition is decided with one comparison per clause: `at_most` clauses are stored
/// negated, so every clause reads `sign × value ≥ sign × threshold`.
///
/// The verdicts of a table depend only on where each metric's value stands among the
/// table's thresholds for that metric. ``update(_:_:)`` keeps those intervals from month to
/// month and decides again only the conditions that test a metric whose interval moved:
/// growth crosses a threshold a few times in a run, and most months change no verdict.
struct ConditionTable: Sendable {
    private static let metrics = ConditionMetric.allCases

    /// One clause: `sign × value[metric] ≥ signedThreshold`.
    private struct Clause: Sendable {
        /// Index of the metric in ``ConditionMetric/allCases``.
        var metric: Int
        /// +1 for `…_at_least`, −1 for `…_at_most`.
        var sign: Double
        /// sign × threshold.
        var signedThreshold: Double
    }

    /// The thresholds of one metric's clauses: `steps[start..<end]`, distinct and ascending,
    /// compared with sign × value.
    private struct Ladder: Sendable {
        var metric: Int
        var sign: Double
        var start: Int
        var end: Int
    }

    private var clauses: [Clause] = []
    /// Clauses of condition i are `starts[i] ..< starts[i + 1]`.
    private var starts: [Int] = [0]
    private var indexOfCondition: [Condition: Int] = [:]
    /// One ladder per metric that a clause tests, and their steps.
    private var ladders: [Ladder] = []
    private var steps: [Double] = []
    /// Per condition: bit l set when a clause of it tests the metric of ladder l (at most 9
    /// ladders, one per metric); a condition without clauses has bit 31 alone, set only when
    /// a table is decided for the first time.
    private var ladderMasks: [UInt32] = []

    /// The number of distinct conditions.
    var count: Int { starts.count - 1 }

    /// Adds a condition (unless an equal one is there) and returns its index.
    mutating func add(_ condition: Condition) -> Int {
        if let index = indexOfCondition[condition] { return index }
        for clause in condition.clauses {
            let sign = clause.metric == .churnAtMost ? -1.0 : 1.0
            let metric = Self.metrics.firstIndex(of: clause.metric)!
            clauses.append(Clause(metric: metric, sign: sign, signedThreshold: sign * clause.threshold))
        }
        starts.append(clauses.count)
        rebuildLadders()
        indexOfCondition[condition] = count - 1
        return count - 1
    }

    private mutating func rebuildLadders() {
        ladders = []
        steps = []
        for metric in Set(clauses.map(\.metric)).sorted() {
            let tested = clauses.filter { $0.metric == metric }
            let start = steps.count
            steps += Set(tested.map(\.signedThreshold)).sorted()
            ladders.append(Ladder(metric: metric, sign: tested[0].sign, start: start, end: steps.count))
        }
        ladderMasks = (0..<count).map { condition in
            let tested = clauses[starts[condition]..<starts[condition + 1]]
            return tested.isEmpty ? 1 << 31 : tested.reduce(0) { mask, clause in
                mask | 1 << UInt32(ladders.firstIndex { $0.metric == clause.metric }!)
            }
        }
    }

    /// The value of every condition metric of a month, in the order of ``ConditionMetric/allCases``.
    private struct Values {
        private var storage: (Double, Double, Double, Double, Double, Double, Double, Double, Double)

        @inline(__always)
        init(_ inputs: ConditionInputs) {
            storage = (inputs.users, inputs.dau, inputs.messagesPerDay, inputs.paidUsers, inputs.mrr, inputs.concurrent,
                       Double(inputs.phase), inputs.paidChurn, inputs.dbBytes)
        }

        /// Calls `body` with the values laid out in memory (a homogeneous tuple is contiguous).
        @inline(__always)
        mutating func withPointer<Result>(_ body: (UnsafePointer<Double>) -> Result) -> Result {
            withUnsafeMutableBytes(of: &storage) { body(UnsafePointer($0.baseAddress!.assumingMemoryBound(to: Double.self))) }
        }
    }

    /// Whether condition `condition` holds for a month whose ``Values`` are at `values`.
    @inline(__always)
    func holds(_ condition: Int, _ values: UnsafePointer<Double>) -> Bool {
        clauses.withUnsafeBufferPointer { clauses in
            var clause = starts[condition]
            let end = starts[condition + 1]
            while clause < end {
                if !(clauses[clause].sign * values[clauses[clause].metric] >= clauses[clause].signedThreshold) { return false }
                clause += 1
            }
            return true
        }
    }

    /// A run's verdicts on a table's conditions, kept from month to month (``update(_:_:)``).
    struct Verdicts {
        /// Whether condition i held in the last month decided.
        fileprivate(set) var holds: [Bool]
        /// Per ladder: the interval of sign × value, between two of its steps, within which
        /// no clause on that metric changes its verdict; empty after a NaN value, so that the
        /// next month decides again.
        fileprivate var intervals: [(low: Double, high: Double)]
        /// Whether ``holds`` has been decided since the start (or the last reset).
        fileprivate var isDecided = false

        /// Whether condition `condition` holds.
        subscript(condition: Int) -> Bool { holds[condition] }
    }

    private static let undecided = (low: Double.infinity, high: -Double.infinity)

    /// Verdicts for a run that has evaluated no month yet.
    func initialVerdicts() -> Verdicts {
        Verdicts(holds: Array(repeating: false, count: count), intervals: Array(repeating: Self.undecided, count: ladders.count),
                 isDecided: false)
    }

    /// Takes `verdicts` back to before the first month, in place.
    func reset(_ verdicts: inout Verdicts) {
        for index in verdicts.intervals.indices { verdicts.intervals[index] = Self.undecided }
        verdicts.isDecided = false
    }

    /// Brings `verdicts` to the month whose ``Values`` are at `values`.
    /// - Returns: whether the conditions were decided (always in the first month; after that
    ///   false when no metric crossed a threshold of this table, so that every verdict is the
    ///   last month's).
    @inline(__always)
    func update(_ values: UnsafePointer<Double>, _ verdicts: inout Verdicts) -> Bool {
        // Bit l set when ladder l's value left its interval: only the conditions that test
        // such a metric can change.
        var moved: UInt32 = verdicts.isDecided ? 0 : ~0
        // Read first, write only what moved: most months move nothing, and a write to the
        // array checks that its storage is not shared (a call into the runtime).
        verdicts.intervals.withUnsafeBufferPointer { intervals in
            ladders.withUnsafeBufferPointer { ladders in
                for index in ladders.indices {
                    let value = ladders[index].sign * values[ladders[index].metric]
                    if !(value >= intervals[index].low && value < intervals[index].high) { moved |= 1 << UInt32(index) }
                }
            }
        }
        guard moved != 0 else { return false }
        verdicts.intervals.withUnsafeMutableBufferPointer { intervals in
            ladders.withUnsafeBufferPointer { ladders in
                for index in ladders.indices where moved & 1 << UInt32(index) != 0 {
                    intervals[index] = interval(of: ladders[index].sign * values[ladders[index].metric], on: ladders[index])
                }
            }
        }
        verdicts.holds.withUnsafeMutableBufferPointer { holds in
            ladderMasks.withUnsafeBufferPointer { masks in
                for condition in 0..<count where masks[condition] & moved != 0 {
                    holds[condition] = self.holds(condition, values)
                }
            }
        }
        verdicts.isDecided = true
        return true
    }

    /// Brings `verdicts` to the month whose condition values are `inputs` (``update(_:_:)``).
    @inline(__always)
    func update(_ inputs: ConditionInputs, _ verdicts: inout Verdicts) -> Bool {
        var values = Values(inputs)
        return values.withPointer { update($0, &verdicts) }
    }

    /// The steps of `ladder` on either side of `value` (±∞ past the ends; empty for NaN).
    private func interval(of value: Double, on ladder: Ladder) -> (low: Double, high: Double) {
        guard !value.isNaN else { return Self.undecided }
        let above = (ladder.start..<ladder.end).first { steps[$0] > value } ?? ladder.end
        return (above > ladder.start ? steps[above - 1] : -.infinity, above < ladder.end ? steps[above] : .infinity)
    }
}
