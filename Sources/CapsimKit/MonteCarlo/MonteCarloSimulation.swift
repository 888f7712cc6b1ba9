import Foundation
import GSLKit
import Synchronization

/// Monte Carlo over a scenario's uncertain inputs (MODEL.md §8).
///
/// Runs are simulated in fixed blocks of 64 by `threads` workers, each taking the next
/// block of a wave when it finishes one (no worker waits on a slower one's share). Each
/// block sums its runs' monthly metrics in run order, and blocks are folded in block order,
/// so every figure is identical for any number of threads. Memory is bounded: monthly sums per
/// metric, a histogram of months per event, and the whole rows of a fixed-size uniform
/// sample of runs (``MonteCarloOptions/sampleCapacity``) for quantiles.
public enum MonteCarlo {
    /// Simulates `options.runs` runs.
    /// - Parameters:
    ///   - onRun: called with every run's record, in run order (for streaming `runs.csv`).
    ///   - progress: called after each wave of blocks with (runs done, runs in all), on the calling thread.
    public static func simulate(_ scenario: Scenario, options: MonteCarloOptions,
                                onRun: ((RunRecord) -> Void)? = nil,
                                progress: ((Int, Int) -> Void)? = nil) -> MonteCarloResult {
        let layout = Layout(scenario: scenario, probes: options.probes)
        let sample = SampleStore(scenario: scenario, options: options, layout: layout)
        var totals = BlockAccumulator(layout: layout, keepsRecords: false)
        let blockCount = (options.runs + MonteCarloOptions.blockSize - 1) / MonteCarloOptions.blockSize
        let keepsRecords = onRun != nil
        let fitting = options.waveMemoryBudget / layout.bytesPerBlock(keepsRecords: keepsRecords)
        let blocksPerWave = min(MonteCarloOptions.waveBlocks.upperBound, max(MonteCarloOptions.waveBlocks.lowerBound, fitting))
        var firstBlock = 0
        while firstBlock < blockCount {
            let waveBlocks = min(blocksPerWave, blockCount - firstBlock)
            let blocks = UnsafeMutableBufferPointer<BlockAccumulator>.allocate(capacity: waveBlocks)
            let workers = min(options.threads, waveBlocks)
            let waveStart = firstBlock
            let shared = UncheckedSendable((blocks, sample))
            let nextBlock = Atomic(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                let (blocks, sample) = shared.value
                // Allocated by the worker's own thread, and blocks summed in a local value
                // before being stored: workers write no cache line another worker reads.
                var workspace = Workspace(scenario: scenario, layout: layout, algorithm: options.algorithm)
                while true {
                    let index = nextBlock.add(1, ordering: .relaxed).oldValue
                    guard index < waveBlocks else { break }
                    let block = waveStart + index
                    let runs = (block * MonteCarloOptions.blockSize)..<min(options.runs, (block + 1) * MonteCarloOptions.blockSize)
                    var accumulator = BlockAccumulator(layout: layout, keepsRecords: keepsRecords)
                    for run in runs {
                        simulateRun(run, base: scenario, options: options, layout: layout, workspace: &workspace,
                                    sample: sample, into: &accumulator)
                    }
                    (blocks.baseAddress! + index).initialize(to: accumulator)
                }
            }
            for index in 0..<waveBlocks {
                totals.add(blocks[index])
                if let onRun { blocks[index].records.forEach(onRun) }
            }
            blocks.deinitialize()
            blocks.deallocate()
            firstBlock += waveBlocks
            progress?(min(options.runs, firstBlock * MonteCarloOptions.blockSize), options.runs)
        }
        return MonteCarloResult(scenario: scenario, options: options, layout: layout, totals: totals, sample: sample)
    }

    /// What a worker reuses from run to run: its generator, the scenario that receives each
    /// run's drawn values (written in place), the engine that runs it and the event tracker.
    private struct Workspace {
        let generator: RandomGenerator
        var scenario: Scenario
        var engine: Engine
        var events: EventMonths
        var parameters: [Double]

        init(scenario: Scenario, layout: Layout, algorithm: RandomGenerator.Algorithm) {
            generator = RandomGenerator(algorithm)
            self.scenario = scenario
            engine = Engine(scenario: scenario, plan: layout.plan)
            events = layout.events
            parameters = Array(repeating: 0, count: scenario.uncertainties.count)
        }
    }

    /// One run: draw the uncertain parameters, then simulate with random flows.
    private static func simulateRun(_ run: Int, base: Scenario, options: MonteCarloOptions, layout: Layout,
                                    workspace: inout Workspace, sample: SampleStore, into block: inout BlockAccumulator) {
        let generator = workspace.generator
        generator.seed(options.streamSeed(run: run))
        for index in base.uncertainties.indices {
            let value = base.uncertainties[index].range.clamp(base.uncertainties[index].distribution.draw(using: generator))
            workspace.parameters[index] = value
            base.uncertainties[index].target(&workspace.scenario, value)
        }
        workspace.engine.load(workspace.scenario)
        workspace.events.reset()
        let slot = sample.slot(of: run)
        var flows = RandomFlows(generator: generator)
        let last = block.withTallies(layout: layout) { tallies in
            Simulator.simulate(&workspace.engine, flows: &flows) { row in
                workspace.events.observe(row)
                // A sampled run's values go to its row of the sample as they are summed.
                tallies.add(row, sampled: slot.map { sample.values(slot: $0, month: row.month) })
                if !tallies.probes.isEmpty { tallies.count(row) }
            }
        }
        block.addEvents(workspace.events.months)
        if let slot { sample.store(parameters: workspace.parameters, events: workspace.events.months, slot: slot) }
        if block.keepsRecords {
            block.records.append(RunRecord(run: run, parameters: workspace.parameters, horizon: last,
                                           eventMonths: workspace.events.months))
        }
    }
}

/// Passes values that are safe by construction (disjoint writes) into concurrent workers.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The shape of the statistics: months, metrics and events of a scenario.
struct Layout: Sendable {
    let months: Int
    let metrics: [Metric]
    let names: [String]
    let catalog: EventCatalog
    let plan: EnginePlan
    /// A fresh event tracker, copied for each worker (and reset for each run).
    let events: EventMonths
    let probes: [Probe]
    /// Uncertain parameters drawn by each run.
    let parameterCount: Int

    init(scenario: Scenario, probes: [Probe] = []) {
        self.probes = probes
        plan = EnginePlan(scenario: scenario)
        months = scenario.horizonMonths + 1
        let numeric = MonthlyColumn.numeric(for: scenario)
        metrics = numeric.map(\.metric)
        names = numeric.map(\.name)
        // Runs sum the values of MonthRow.forEachNumericValue, which must be the export's columns.
        precondition(metrics == Metric.exportOrder(tierCount: scenario.tiers.count), "metric order differs from the export")
        catalog = EventCatalog(scenario: scenario)
        events = EventMonths(scenario: scenario, catalog: catalog)
        parameterCount = scenario.uncertainties.count
    }

    /// About the bytes a ``BlockAccumulator`` of a full block holds.
    func bytesPerBlock(keepsRecords: Bool) -> Int {
        let sums = months * metrics.count * (MemoryLayout<Double>.stride + MemoryLayout<Int32>.stride)
        let histogram = months * catalog.count * MemoryLayout<Int32>.stride
        // A record: its row, drawn parameters and event months.
        let record = MemoryLayout<RunRecord>.stride + MemoryLayout<MonthRow>.stride
            + parameterCount * MemoryLayout<Double>.stride + catalog.count * MemoryLayout<Int>.stride
        return sums + histogram + (keepsRecords ? MonteCarloOptions.blockSize * record : 0)
    }
}

/// Sums, counts and event histograms of one block of runs (or, folded, of all runs).
struct BlockAccumulator {
    /// Σ value per (month, metric), over the runs where it is defined.
    var sums: [Double]
    /// Runs where the metric is undefined (NaN), per (month, metric): gross margin without
    /// MRR, cost per user without users.
    var undefinedCounts: [Int32]
    /// Runs per (event, month of first occurrence).
    var eventHistogram: [Int32]
    /// Per probe: runs at or below, at or above the threshold, and runs where the metric is defined.
    var probeCounts: [(atMost: Int, atLeast: Int, defined: Int)]
    var runs = 0
    let keepsRecords: Bool
    var records: [RunRecord] = []

    init(layout: Layout, keepsRecords: Bool) {
        sums = Array(repeating: 0, count: layout.months * layout.metrics.count)
        undefinedCounts = Array(repeating: 0, count: layout.months * layout.metrics.count)
        eventHistogram = Array(repeating: 0, count: layout.catalog.count * layout.months)
        probeCounts = Array(repeating: (0, 0, 0), count: layout.probes.count)
        self.keepsRecords = keepsRecords
        if keepsRecords { records.reserveCapacity(MonteCarloOptions.blockSize) }
    }

    /// Where a run tallies its months: ``sums``, ``undefinedCounts`` and ``probeCounts``
    /// through pointers taken once per run (each write through an array would check that its
    /// storage is not shared, a call into the runtime).
    struct Tallies {
        let sums: UnsafeMutablePointer<Double>
        let undefined: UnsafeMutablePointer<Int32>
        let probeCounts: UnsafeMutableBufferPointer<(atMost: Int, atLeast: Int, defined: Int)>
        let probes: [Probe]
        let metricCount: Int

        /// Adds a month of one run: each metric's value (``Layout/metrics`` order) to its sum,
        /// or to the undefined count where it is NaN; a sampled run's values are also written
        /// to `sampled`.
        @inline(__always)
        func add(_ row: MonthRow, sampled: UnsafeMutablePointer<Double>?) {
            let (sums, undefined) = (self.sums + row.month * metricCount, self.undefined + row.month * metricCount)
            // `value == value` is false only for NaN (`isNaN` tests the bits).
            if let sampled {
                row.forEachNumericValue { index, value in
                    sampled[index] = value
                    if value == value { sums[index] += value } else { undefined[index] += 1 }
                }
            } else {
                row.forEachNumericValue { index, value in
                    if value == value { sums[index] += value } else { undefined[index] += 1 }
                }
            }
        }

        /// Counts the month of one run against the probes of that month.
        func count(_ row: MonthRow) {
            for (index, probe) in probes.enumerated() where probe.month == row.month {
                guard let value = probe.metric.value(in: row) else { continue }
                probeCounts[index].defined += 1
                if value <= probe.threshold { probeCounts[index].atMost += 1 }
                if value >= probe.threshold { probeCounts[index].atLeast += 1 }
            }
        }
    }

    /// Calls `body` with the block's ``Tallies`` (valid only during the call).
    @inline(__always)
    mutating func withTallies<Result>(layout: Layout, _ body: (Tallies) -> Result) -> Result {
        sums.withUnsafeMutableBufferPointer { sums in
            undefinedCounts.withUnsafeMutableBufferPointer { undefined in
                probeCounts.withUnsafeMutableBufferPointer { probeCounts in
                    body(Tallies(sums: sums.baseAddress!, undefined: undefined.baseAddress!, probeCounts: probeCounts,
                                 probes: layout.probes, metricCount: layout.metrics.count))
                }
            }
        }
    }

    mutating func addEvents(_ months: [Int]) {
        runs += 1
        let width = eventHistogram.count / max(1, months.count)
        for (event, month) in months.enumerated() where month >= 0 {
            eventHistogram[event * width + month] += 1
        }
    }

    /// Folds another block in (call in block order).
    mutating func add(_ other: BlockAccumulator) {
        runs += other.runs
        for index in sums.indices { sums[index] += other.sums[index] }
        for index in undefinedCounts.indices { undefinedCounts[index] += other.undefinedCounts[index] }
        for index in eventHistogram.indices { eventHistogram[index] += other.eventHistogram[index] }
        for index in probeCounts.indices {
            probeCounts[index].atMost += other.probeCounts[index].atMost
            probeCounts[index].atLeast += other.probeCounts[index].atLeast
            probeCounts[index].defined += other.probeCounts[index].defined
        }
    }

    /// Runs in which metric `metric` (an index in ``Layout/metrics``) is defined in `month`.
    func definedRuns(month: Int, metric: Int, layout: Layout) -> Int {
        runs - Int(undefinedCounts[month * layout.metrics.count + metric])
    }
}

/// Whole rows, drawn parameters and event months of a uniform sample of runs (all runs when
/// there are no more than the capacity). Workers write disjoint slots.
final class SampleStore: @unchecked Sendable {
    let capacity: Int
    /// Sampled run indices, ascending; slot i holds run `runs[i]`.
    let runs: [Int]
    private let slotOfRun: [Int32]
    private let months: Int
    private let metricCount: Int
    private let eventCount: Int
    private let parameterCount: Int
    /// values[(slot × months + month) × metrics + metric]; NaN where undefined. Left
    /// uninitialised until each sampled run writes all its months: the pages are first
    /// touched by the workers, in parallel.
    let values: UnsafeMutableBufferPointer<Double>
    let eventMonths: UnsafeMutableBufferPointer<Int32>
    let parameters: UnsafeMutableBufferPointer<Double>

    /// Bytes the sampled rows may take; long horizons sample fewer runs (never fewer than 100).
    static let memoryBudget = 80_000_000

    init(scenario: Scenario, options: MonteCarloOptions, layout: Layout) {
        let bytesPerRun = layout.months * layout.metrics.count * MemoryLayout<Double>.stride
        let limit = min(options.sampleCapacity, max(100, Self.memoryBudget / bytesPerRun))
        if options.runs <= limit {
            runs = Array(0..<options.runs)
        } else {
            // The sample is a function of the seed alone: a generator on a stream no run uses.
            let chooser = RandomGenerator(options.algorithm, seed: options.streamSeed(run: -1))
            runs = chooser.choose(limit, from: options.runs)
        }
        capacity = runs.count
        var slots = [Int32](repeating: -1, count: options.runs)
        for (slot, run) in runs.enumerated() { slots[run] = Int32(slot) }
        slotOfRun = slots
        months = layout.months
        metricCount = layout.metrics.count
        eventCount = layout.catalog.count
        parameterCount = scenario.uncertainties.count
        values = Self.allocateLarge(capacity * months * metricCount)
        eventMonths = .allocate(capacity: capacity * eventCount)
        eventMonths.initialize(repeating: -1)
        parameters = .allocate(capacity: max(1, capacity * parameterCount))
        parameters.initialize(repeating: 0)
    }

    /// Room for `count` doubles, on huge pages where Linux offers them (free with
    /// `UnsafeMutableRawPointer.deallocate`): the sample of a 10,000-run Monte Carlo is 33 MB,
    /// whose 8,000 first touches as 4 KiB pages cost about 15 ms of CPU, against about 6 ms as
    /// 2 MiB pages.
    private static func allocateLarge(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
        let hugePage = 2 << 20
        let bytes = count * MemoryLayout<Double>.stride
        let large = bytes >= hugePage
        let rounded = large ? (bytes + hugePage - 1) / hugePage * hugePage : max(1, bytes)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: large ? hugePage : MemoryLayout<Double>.alignment)
        #if os(Linux)
        if large { madvise(raw, rounded, MADV_HUGEPAGE) }  // advice only: without huge pages, 4 KiB ones
        #endif
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: Double.self, capacity: count), count: count)
    }

    deinit {
        UnsafeMutableRawPointer(values.baseAddress!).deallocate()
        eventMonths.deallocate()
        parameters.deallocate()
    }

    @inline(__always)
    func slot(of run: Int) -> Int? {
        let slot = slotOfRun[run]
        return slot >= 0 ? Int(slot) : nil
    }

    /// Where the run in `slot` stores a month's metric values (``Layout/metrics`` order, NaN where undefined).
    @inline(__always)
    func values(slot: Int, month: Int) -> UnsafeMutablePointer<Double> {
        values.baseAddress! + (slot * months + month) * metricCount
    }

    func store(parameters drawn: [Double], events: [Int], slot: Int) {
        for (index, value) in drawn.enumerated() { parameters[slot * parameterCount + index] = value }
        for (index, month) in events.enumerated() { eventMonths[slot * eventCount + index] = Int32(month) }
    }

    /// The sampled values of one (month, metric) series, undefined ones left out.
    func series(month: Int, metric: Int) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(capacity)
        for slot in 0..<capacity {
            let value = values[(slot * months + month) * metricCount + metric]
            if !value.isNaN { result.append(value) }
        }
        return result
    }

    func value(slot: Int, month: Int, metric: Int) -> Double {
        values[(slot * months + month) * metricCount + metric]
    }

    func eventMonth(slot: Int, event: Int) -> Int { Int(eventMonths[slot * eventCount + event]) }

    func parameter(slot: Int, index: Int) -> Double { parameters[slot * parameterCount + index] }
}
