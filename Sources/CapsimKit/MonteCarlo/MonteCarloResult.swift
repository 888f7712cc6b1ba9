import Foundation
import GSLKit

/// The percentiles capsim reports for a distribution of outcomes.
public struct Quantiles: Sendable, Hashable {
    public var p5: Double
    public var p25: Double
    public var p50: Double
    public var p75: Double
    public var p95: Double

    /// Quantiles of `values` (no NaN), as GSL computes them from sorted data
    /// (``Statistics/quantiles(_:fractions:)``); nil for no values.
    public init?(_ values: [Double]) {
        var values = values
        guard let q = Statistics.quantiles(&values, fractions: [0.05, 0.25, 0.5, 0.75, 0.95]) else { return nil }
        self.init(p5: q[0], p25: q[1], p50: q[2], p75: q[3], p95: q[4])
    }

    public init(p5: Double, p25: Double, p50: Double, p75: Double, p95: Double) {
        self.p5 = p5
        self.p25 = p25
        self.p50 = p50
        self.p75 = p75
        self.p95 = p95
    }
}

/// One band of `bands.csv`: a metric's mean and percentiles across runs in one month.
public struct Band: Sendable, Hashable {
    /// Mean over every run in which the metric is defined; nil if it never is.
    public var mean: Double?
    /// Percentiles over the sampled runs; nil if the metric is never defined.
    public var quantiles: Quantiles?
}

/// How often, and when, an event happens across runs.
public struct EventStatistics: Sendable, Hashable {
    public var kind: EventKind
    public var key: String
    /// Runs in which the event happens within the horizon.
    public var runs: Int
    /// runs / all runs.
    public var share: Double
    /// Percentiles of its month among the runs in which it happens (exact, from all runs).
    public var month: Quantiles?
    /// Runs in which it happens in each month 0 … horizon.
    public var histogram: [Int]

    /// Share of all runs in which the event happens in month `month` or earlier.
    public func share(byMonth month: Int, of totalRuns: Int) -> Double {
        guard totalRuns > 0 else { return 0 }
        return Double(histogram.prefix(max(0, month + 1)).reduce(0, +)) / Double(totalRuns)
    }
}

/// The phase timeline across runs: when each phase is entered and where the product stands then.
public struct PhaseStatistics: Sendable, Hashable {
    public var phase: Int
    public var name: String
    /// Share of runs entering the phase within the horizon.
    public var share: Double
    public var month: Quantiles?
    /// Percentiles over the sampled runs that enter the phase.
    public var users: Quantiles?
    public var mrr: Quantiles?
    public var totalCost: Quantiles?
}

/// The funding outcomes of MODEL.md §10 across runs.
public struct FundingStatistics: Sendable, Hashable {
    /// P(cash below floor by year y) for y = 1 … ⌊H/12⌋: the share of runs with cash_out_month ≤ 12y.
    public var cashBelowFloorByYear: [Double]
    /// Share of runs whose cash falls below the floor within the horizon, and percentiles of that month among them.
    public var cashOutShare: Double
    public var cashOutMonth: Quantiles?
    /// Share of runs that break even, and percentiles of the month among them.
    public var breakEvenShare: Double
    public var breakEvenMonth: Quantiles?
    /// The ⌈0.9 n⌉-th smallest required raise: enough to stay at or above the floor in 90% of runs.
    public var raiseFor90Percent: Double
    /// Percentiles of the required raise over every run.
    public var requiredRaise: Quantiles?
}

/// The outcome of ``MonteCarlo/simulate(_:options:onRun:progress:)``.
public struct MonteCarloResult: Sendable {
    public let scenario: Scenario
    public let options: MonteCarloOptions
    public let catalog: EventCatalog
    /// Names of the numeric monthly columns, the series of ``bands()``.
    public let seriesNames: [String]
    public let months: Int
    /// Runs simulated.
    public let runs: Int
    /// Runs kept whole for percentiles (all runs when there are few enough).
    public var sampledRuns: Int { sample.capacity }
    /// Each run's required raise and break-even month (−1: none), in run order.
    public let requiredRaises: [Double]
    private let breakEvenMonths: [Int32]
    private let sums: [Double]
    /// Runs in which each (month, series) is defined.
    private let counts: [Int32]
    private let histogram: [Int32]
    private let probes: [(atMost: Int, atLeast: Int, defined: Int)]
    private let sample: SampleStore

    init(options: MonteCarloOptions, layout: Layout, totals: BlockAccumulator, sample: SampleStore) {
        scenario = layout.model.scenario
        self.options = options
        catalog = layout.catalog
        seriesNames = layout.names
        months = layout.months
        runs = totals.runs
        sums = totals.sums
        counts = (0..<layout.months).flatMap { month in
            layout.slots.indices.map { Int32(totals.definedRuns(month: month, series: $0, layout: layout)) }
        }
        histogram = totals.eventHistogram
        probes = totals.probeCounts
        requiredRaises = totals.requiredRaises
        breakEvenMonths = totals.breakEvenMonths
        self.sample = sample
    }

    private var seriesCount: Int { seriesNames.count }

    /// Index of a series by its column name (`mrr_usd`, …).
    public func seriesIndex(_ name: String) -> Int? { seriesNames.firstIndex(of: name) }

    /// Mean of series `series` in `month` over the runs where it is defined.
    public func mean(month: Int, series: Int) -> Double? {
        let index = month * seriesCount + series
        return counts[index] > 0 ? sums[index] / Double(counts[index]) : nil
    }

    /// Percentiles of series `series` in `month` over the sampled runs.
    public func quantiles(month: Int, series: Int) -> Quantiles? {
        Quantiles(sample.series(month: month, series: series))
    }

    /// Every band: `[month][series]`. The quantiles are spread over the threads.
    public func bands() -> [[Band]] {
        let metricCount = seriesCount
        let result = UnsafeMutableBufferPointer<Band>.allocate(capacity: months * metricCount)
        defer { result.deallocate() }
        let shared = UncheckedSendable(result)
        let this = self
        let workers = options.threads
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: this.months * metricCount, by: workers) {
                let month = index / metricCount, metric = index % metricCount
                (shared.value.baseAddress! + index).initialize(
                    to: Band(mean: this.mean(month: month, series: metric), quantiles: this.quantiles(month: month, series: metric)))
            }
        }
        return (0..<months).map { month in Array(result[(month * metricCount)..<((month + 1) * metricCount)]) }
    }

    /// Every catalog event: how many runs see it and in which months.
    public func eventStatistics() -> [EventStatistics] {
        catalog.kinds.indices.map { event in
            let counts = (0..<months).map { Int(histogram[event * months + $0]) }
            let happened = counts.reduce(0, +)
            return EventStatistics(kind: catalog.kinds[event], key: catalog.keys[event], runs: happened,
                                   share: runs > 0 ? Double(happened) / Double(runs) : 0,
                                   month: Self.quantiles(ofHistogram: counts), histogram: counts)
        }
    }

    /// The phase timeline with percentiles.
    public func phaseStatistics() -> [PhaseStatistics] {
        let events = eventStatistics()
        let users = seriesIndex("users_total")!, mrr = seriesIndex("mrr_usd")!, cost = seriesIndex("total_cost_usd")!
        return scenario.phases.indices.map { phase in
            var usersAtEntry: [Double] = [], mrrAtEntry: [Double] = [], costAtEntry: [Double] = []
            for slot in 0..<sample.capacity {
                let month = sample.eventMonth(slot: slot, event: catalog.phaseBase + phase)
                guard month >= 0 else { continue }
                usersAtEntry.append(sample.value(slot: slot, month: month, series: users))
                mrrAtEntry.append(sample.value(slot: slot, month: month, series: mrr))
                costAtEntry.append(sample.value(slot: slot, month: month, series: cost))
            }
            let entry = events[catalog.phaseBase + phase]
            return PhaseStatistics(phase: phase, name: scenario.phases[phase].name, share: entry.share,
                                   month: entry.month, users: Quantiles(usersAtEntry),
                                   mrr: Quantiles(mrrAtEntry), totalCost: Quantiles(costAtEntry))
        }
    }

    /// Counts of probe `index` (``MonteCarloOptions/probes``) over every run.
    public func probeCounts(_ index: Int) -> (atMost: Int, atLeast: Int, defined: Int) { probes[index] }

    /// Percentiles of each run's lowest cash balance (over the sampled runs).
    public func cashLowPointQuantiles() -> Quantiles? {
        guard let cash = seriesIndex("cash_usd") else { return nil }
        return Quantiles((0..<sample.capacity).map { slot in
            (0..<months).map { sample.value(slot: slot, month: $0, series: cash) }.min()!
        })
    }

    /// The funding outcomes of §10 over every run.
    public func fundingStatistics() -> FundingStatistics {
        let cashOut = eventStatistics()[catalog.cashBelowFloor]
        let horizon = months - 1
        let byYear = (0..<(horizon / 12)).map { cashOut.share(byMonth: 12 * ($0 + 1), of: runs) }
        var breakEven = Array(repeating: 0, count: months)
        for month in breakEvenMonths where month >= 0 { breakEven[Int(month)] += 1 }
        let breakEvenRuns = breakEven.reduce(0, +)
        var raises = requiredRaises
        raises.sort()
        let rank = Int((0.9 * Double(runs)).rounded(.up))
        return FundingStatistics(
            cashBelowFloorByYear: byYear, cashOutShare: cashOut.share, cashOutMonth: cashOut.month,
            breakEvenShare: runs > 0 ? Double(breakEvenRuns) / Double(runs) : 0,
            breakEvenMonth: Self.quantiles(ofHistogram: breakEven),
            raiseFor90Percent: raises.isEmpty ? 0 : raises[max(0, min(raises.count, rank) - 1)],
            requiredRaise: Quantiles(raises))
    }

    /// Percentiles of each uncertain parameter's drawn values (over the sampled runs).
    public func parameterQuantiles() -> [Quantiles?] {
        scenario.uncertainties.indices.map { index in
            Quantiles((0..<sample.capacity).map { sample.parameter(slot: $0, index: index) })
        }
    }

    /// Percentiles of integer months given as a histogram, with the interpolation of
    /// `gsl_stats_quantile_from_sorted_data` applied to the expanded, sorted months.
    public static func quantiles(ofHistogram counts: [Int]) -> Quantiles? {
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        func element(_ rank: Int) -> Double {     // the rank-th smallest month (0-based)
            var seen = 0
            for (month, count) in counts.enumerated() {
                seen += count
                if rank < seen { return Double(month) }
            }
            return Double(counts.count - 1)
        }
        func q(_ f: Double) -> Double {     // gsl/statistics/quantiles_source.c, term for term
            let index = f * Double(total - 1)
            let lhs = Int(index)
            let delta = index - Double(lhs)
            guard lhs < total - 1 else { return element(lhs) }
            return (1 - delta) * element(lhs) + delta * element(lhs + 1)
        }
        return Quantiles(p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95))
    }
}
