import GSLKit

/// The verdict on one gate.
public struct GateResult: Sendable, Hashable {
    public enum Verdict: String, Sendable {
        case pass, fail
        /// Monte Carlo could not tell at the required confidence within `check.max_runs` runs.
        case inconclusive
    }

    public var gate: Gate
    public var verdict: Verdict
    /// The value, or the estimate with its confidence bounds and run count, for people.
    public var detail: String

    public var isFailure: Bool { verdict != .pass }
}

/// Evaluates a scenario's gates: value gates on the deterministic projection, percentile and
/// probability gates on Monte Carlo with Clopper–Pearson bounds, adding runs (×4, up to
/// `check.max_runs`) until every verdict holds at `check.confidence`. The same seed always
/// gives the same runs, so a verdict is reproducible; the bounds say how sure it is.
public enum GateEvaluation {
    /// - Parameter firstLook: the first look's runs when the caller has them already: a result
    ///   of `scenario.monteCarloOrDefault`'s runs and seed with ``probes(of:)``.
    /// - Throws: ``SimulationError`` when a Monte Carlo run overflows.
    public static func evaluate(_ scenario: Scenario, projection: Projection, threads: Int,
                                firstLook: MonteCarloResult? = nil) throws(SimulationError) -> [GateResult] {
        var results: [GateResult?] = scenario.gates.map { gate -> GateResult? in
            switch gate.kind {
            case let .value(metric, month, isUpper, limit):
                guard let value = projection.value(column: metric, month: month) else {
                    return GateResult(gate: gate, verdict: .fail, detail: "\(metric) is undefined in month \(month)")
                }
                let passes = isUpper ? value <= limit : value >= limit
                return GateResult(gate: gate, verdict: passes ? .pass : .fail,
                                  detail: "\(metric) in month \(month) is \(NumberFormat.significant(value))")
            case let .eventMonth(event, isUpper, limit):
                let month = projection.month(ofEvent: event)
                let passes = month.map { isUpper ? $0 <= limit : $0 >= limit } ?? !isUpper
                return GateResult(gate: gate, verdict: passes ? .pass : .fail,
                                  detail: month.map { "\(event) in month \($0)" } ?? "\(event) does not happen within the horizon")
            case let .roadmap(statements, phase):
                let judged = projection.roadmapComparisons().filter { comparison in
                    statements.includes(kind: comparison.kind) && (phase.map { $0 == comparison.phase } ?? true)
                }
                let broken = judged.filter { $0.entryMonth != nil && !$0.holds }
                let reached = judged.filter { $0.entryMonth != nil }.count
                guard !broken.isEmpty else {
                    return GateResult(gate: gate, verdict: .pass, detail: judged.isEmpty ? "no phase states one"
                        : "\(reached) of \(judged.count) statements judged (the rest are in phases not reached); all hold")
                }
                let first = broken.prefix(3).map { comparison in
                    let value = comparison.standing(of: comparison.atEntry) == .within ? comparison.atEnd : comparison.atEntry
                    let month = comparison.standing(of: comparison.atEntry) == .within ? comparison.endMonth! : comparison.entryMonth!
                    return "phase \(comparison.phase) \(comparison.kind) \(comparison.column) \(comparison.range.description): \(value.map(NumberFormat.significant) ?? "–") in month \(month)"
                }
                return GateResult(gate: gate, verdict: .fail, detail:
                    "\(broken.count) of \(reached) judged statements do not hold: " + first.joined(separator: "; ") + (broken.count > 3 ? "; …" : ""))
            case .percentile, .probability:
                return nil
            }
        }
        let probabilistic = scenario.gates.indices.filter { scenario.gates[$0].needsMonteCarlo }
        guard !probabilistic.isEmpty else { return results.map { $0! } }

        let settings = scenario.check
        let probes = Self.probes(of: scenario)
        let firstRuns = scenario.monteCarloOrDefault.runs
        var runs = firstRuns
        // Each look at more runs is another chance to be wrong: the error rate is split
        // evenly over the looks the schedule plans (Bonferroni).
        let looks = Self.plannedLooks(initial: runs, maxRuns: settings.maxRuns).count
        let confidence = Self.lookConfidence(settings.confidence, looks: looks)
        func confidenceText(_ bounds: (Double, Double)) -> String {
            "\(NumberFormat.percent(settings.confidence)) one-sided bounds over \(looks) planned look\(looks == 1 ? "" : "s") (\(NumberFormat.significant(confidence * 100))% each) \(NumberFormat.significant(bounds.0))–\(NumberFormat.significant(bounds.1))"
        }
        while true {
            let options = MonteCarloOptions(runs: runs, seed: scenario.monteCarloOrDefault.seed, threads: threads, probes: probes)
            let result: MonteCarloResult
            if runs == firstRuns, let firstLook { result = firstLook } else { result = try MonteCarlo.simulate(scenario, options: options) }
            var probeIndex = 0
            for index in probabilistic {
                let gate = scenario.gates[index]
                switch gate.kind {
                case let .percentile(metric, month, percentile, isUpper, limit):
                    let counts = result.probeCounts(probeIndex)
                    probeIndex += 1
                    // pQ ≤ L ⟺ P(X ≤ L) ≥ Q/100;  pQ ≥ L ⟺ P(X ≥ L) ≥ 1 − Q/100.
                    let successes = isUpper ? counts.atMost : counts.atLeast
                    let required = isUpper ? Double(percentile) / 100 : 1 - Double(percentile) / 100
                    let sampleValue = result.seriesIndex(metric).flatMap { result.quantiles(month: month, series: $0) }
                    let estimate = sampleValue.map { q in percentile == 5 ? q.p5 : percentile == 50 ? q.p50 : q.p95 }
                    let (verdict, bounds) = decide(successes: successes, trials: counts.defined, required: required,
                                                   atLeast: true, confidence: confidence)
                    let share = counts.defined > 0 ? Double(successes) / Double(counts.defined) : 0
                    results[index] = GateResult(gate: gate, verdict: verdict, detail:
                        "P\(percentile) ≈ \(estimate.map(NumberFormat.significant) ?? "–"); \(NumberFormat.percent(share)) of \(NumberFormat.grouped(Double(counts.defined))) runs \(isUpper ? "at or below" : "at or above") \(NumberFormat.plain(limit)), needed \(NumberFormat.percent(required)) (\(confidenceText(bounds)))")
                case let .probability(event, within, isUpper, limit):
                    let statistics = result.eventStatistics().first { $0.key == event }!
                    let successes = statistics.histogram.prefix(within + 1).reduce(0, +)
                    let (verdict, bounds) = decide(successes: successes, trials: result.runs, required: limit,
                                                   atLeast: !isUpper, confidence: confidence)
                    results[index] = GateResult(gate: gate, verdict: verdict, detail:
                        "P ≈ \(NumberFormat.significant(Double(successes) / Double(result.runs))) (\(successes) of \(NumberFormat.grouped(Double(result.runs))) runs; \(confidenceText(bounds)))")
                case .value, .eventMonth, .roadmap: break
                }
            }
            let undecided = probabilistic.contains { results[$0]?.verdict == .inconclusive }
            if !undecided || runs >= settings.maxRuns { break }
            runs = min(settings.maxRuns, runs * 4)
        }
        return results.map { $0! }
    }

    /// What the percentile gates count in each run: the value of the gate's metric in its
    /// month against its limit, one probe per percentile gate in gate order.
    public static func probes(of scenario: Scenario) -> [Probe] {
        let columns = scenario.numericColumns
        return scenario.gates.compactMap { gate in
            guard case let .percentile(metric, month, _, _, limit) = gate.kind else { return nil }
            return Probe(slot: columns.first { $0.name == metric }!.slot!, month: month, threshold: limit)
        }
    }

    /// The run counts at which a probabilistic gate is looked at: `initial`, then ×4 while
    /// inconclusive, up to `maxRuns`.
    public static func plannedLooks(initial: Int, maxRuns: Int) -> [Int] {
        var looks = [initial]
        while looks.last! < maxRuns { looks.append(min(maxRuns, looks.last! * 4)) }
        return looks
    }

    /// The confidence of each of `looks` looks so that all of them together err with at most
    /// 1 − `confidence` (Bonferroni: the error rate split evenly).
    public static func lookConfidence(_ confidence: Double, looks: Int) -> Double { 1 - (1 - confidence) / Double(max(1, looks)) }

    /// Pass when the one-sided bound on the far side meets the requirement, fail when the bound
    /// on the near side already violates it, else inconclusive.
    public static func decide(successes: Int, trials: Int, required: Double, atLeast: Bool,
                       confidence: Double) -> (GateResult.Verdict, (Double, Double)) {
        guard trials > 0 else { return (.inconclusive, (0, 1)) }
        let bounds = Statistics.binomialConfidenceBounds(successes: successes, trials: trials, confidence: confidence)
        if atLeast {
            if bounds.lower >= required { return (.pass, bounds) }
            if bounds.upper < required { return (.fail, bounds) }
        } else {
            if bounds.upper <= required { return (.pass, bounds) }
            if bounds.lower > required { return (.fail, bounds) }
        }
        return (.inconclusive, bounds)
    }
}
