import Foundation
import GSLKit
import Synchronization

/// Monte Carlo over a scenario's uncertain inputs (MODEL.md §8).
///
/// Runs are simulated in fixed blocks of 64 by `threads` workers, each taking the next
/// block of a wave when it finishes one (no worker waits on a slower one's share). Each
/// block sums its runs' monthly values in run order, and blocks are folded in block order,
/// so every figure is identical for any number of threads. Memory is bounded: monthly sums per
/// metric, a histogram of months per event, and the whole rows of a fixed-size uniform
/// sample of runs (``MonteCarloOptions/sampleCapacity``) for quantiles.
public enum MonteCarlo {
    /// Simulates `options.runs` runs.
    /// - Parameters:
    ///   - onRun: called with every run's record, in run order (for streaming `runs.csv`).
    ///   - progress: called after each wave of blocks with (runs done, runs in all), on the calling thread.
    /// - Throws: ``SimulationError`` of the first run (by index) whose figures overflow.
    public static func simulate(_ scenario: Scenario, options: MonteCarloOptions,
                                onRun: ((RunRecord) -> Void)? = nil,
                                progress: ((Int, Int) -> Void)? = nil) throws(SimulationError) -> MonteCarloResult {
        let layout = Layout(scenario: scenario, probes: options.probes, captures: options.captures)
        let sample = SampleStore(options: options, layout: layout)
        var totals = BlockAccumulator(layout: layout, keepsRecords: false)
        let blockCount = (options.runs + MonteCarloOptions.blockSize - 1) / MonteCarloOptions.blockSize
        let keepsRecords = onRun != nil
        let fitting = options.waveMemoryBudget / layout.bytesPerBlock(keepsRecords: keepsRecords)
        let blocksPerWave = min(MonteCarloOptions.waveBlocks.upperBound, max(MonteCarloOptions.waveBlocks.lowerBound, fitting))
        let failure = Mutex<SimulationError?>(nil)
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
                var workspace = Workspace(layout: layout, algorithm: options.algorithm)
                while true {
                    let index = nextBlock.add(1, ordering: .relaxed).oldValue
                    guard index < waveBlocks else { break }
                    let block = waveStart + index
                    let runs = (block * MonteCarloOptions.blockSize)..<min(options.runs, (block + 1) * MonteCarloOptions.blockSize)
                    var accumulator = BlockAccumulator(layout: layout, keepsRecords: keepsRecords)
                    do throws(SimulationError) {
                        for run in runs {
                            try simulateRun(run, options: options, layout: layout, workspace: &workspace,
                                            sample: sample, into: &accumulator)
                        }
                    } catch {
                        // Keep the error of the lowest run, whatever the order blocks finish in.
                        failure.withLock { first in
                            if first.map({ error.run! < $0.run! }) ?? true { first = error }
                        }
                    }
                    (blocks.baseAddress! + index).initialize(to: accumulator)
                }
            }
            if let error = failure.withLock({ $0 }) {
                blocks.deinitialize()
                blocks.deallocate()
                throw error
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
        return MonteCarloResult(options: options, layout: layout, totals: totals, sample: sample)
    }

    /// What a worker reuses from run to run: its generator, the parameter values that receive
    /// each run's draws (written in place) and the engine that runs it.
    private struct Workspace {
        let generator: RandomGenerator
        var values: [Double]
        var drawn: [Double]
        var engine: Engine
        let tables: FixedProbabilityTables

        init(layout: Layout, algorithm: RandomGenerator.Algorithm) {
            generator = RandomGenerator(algorithm)
            values = layout.model.scenario.parameters.values
            drawn = Array(repeating: 0, count: layout.uncertain.count)
            engine = Engine(model: layout.model)
            tables = FixedProbabilityTables(layout.fixed)
        }
    }

    /// One run: draw the uncertain parameters (each clamped to its key's range), then simulate
    /// with random flows.
    private static func simulateRun(_ run: Int, options: MonteCarloOptions, layout: Layout, workspace: inout Workspace,
                                    sample: SampleStore, into block: inout BlockAccumulator) throws(SimulationError) {
        let generator = workspace.generator
        generator.seed(options.streamSeed(run: run))
        for (index, draw) in layout.uncertain.enumerated() {
            let value = draw.range.clamp(draw.distribution.draw(using: generator))
            workspace.drawn[index] = value
            workspace.values[draw.id.index] = value
        }
        var inputs = layout.model.inputs(workspace.values)
        workspace.tables.prepare(&inputs)
        let slot = sample.slot(of: run)
        var flows = RandomFlows(generator: generator)
        var month = 0
        var captured = [Double](repeating: .nan, count: layout.captures.count)
        do {
            try block.withTallies(layout: layout) { (tallies) throws(SimulationError) in
                try workspace.engine.run(inputs, flows: &flows) { row in
                    // A sampled run's values go to its row of the sample as they are summed.
                    tallies.add(row, month: month, sampled: slot.map { sample.values(slot: $0, month: month) })
                    if !tallies.probes.isEmpty { tallies.count(row, month: month) }
                    for (index, capture) in layout.captures.enumerated() where capture.month == month {
                        captured[index] = row[capture.slot]
                    }
                    month += 1
                }
            }
        } catch {
            var error = error
            error.run = run
            throw error
        }
        let engine = workspace.engine
        let funding = FundingSummary(engine: engine, floor: inputs.cashFloor)
        block.addRun(events: engine.eventMonths, funding: funding)
        if let slot { sample.store(parameters: workspace.drawn, events: engine.eventMonths, slot: slot) }
        if block.keepsRecords {
            block.records.append(RunRecord(run: run, parameters: workspace.drawn,
                                           horizon: MonthRow(values: engine.row[...], layout: layout.model.layout),
                                           eventMonths: engine.eventMonths, funding: funding, captured: captured))
        }
    }
}

/// Passes values that are safe by construction (disjoint writes) into concurrent workers.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Binomial tables (``BinomialTables``) for the probabilities of §2 that no run draws: each
/// is used several times a month in every run, and a draw from its table is one uniform and a
/// comparison or two instead of a rejection sampler (a fifth of a run's time, perf). A worker
/// owns its tables; a draw's value does not depend on whether tables exist.
struct FixedProbabilityTables {
    /// Which probabilities are the same in every run.
    struct Fixed: Sendable {
        var churn: [Bool]
        var conversion: Bool, activation: Bool, waitlistConversion: Bool
        /// The conditionals of the split over paid tiers (every paid tier's share fixed).
        var shares: Bool

        init(_ scenario: Scenario) {
            let parameters = scenario.parameters
            func fixed(_ id: ParameterID?) -> Bool { id.map { !parameters[$0].isUncertain } ?? true }
            churn = scenario.tiers.map { fixed($0.churn) }
            conversion = fixed(scenario.conversionRate)
            activation = fixed(scenario.acquisition.activationRate)
            waitlistConversion = fixed(scenario.acquisition.waitlistConversion)
            shares = scenario.tiers.allSatisfy { fixed($0.share) }
        }
    }

    private let churn: [BinomialTables?]
    private let conversion: BinomialTables?, activation: BinomialTables?, waitlistConversion: BinomialTables?
    private let shares: [BinomialTables]?

    init(_ fixed: Fixed) {
        churn = fixed.churn.map { $0 ? BinomialTables() : nil }
        conversion = fixed.conversion ? BinomialTables() : nil
        activation = fixed.activation ? BinomialTables() : nil
        waitlistConversion = fixed.waitlistConversion ? BinomialTables() : nil
        shares = fixed.shares ? Array((0..<max(0, fixed.churn.count - 2)).map { _ in BinomialTables() }) : nil
    }

    /// Gives each fixed probability of `inputs` its tables.
    func prepare(_ inputs: inout Inputs) {
        for (index, tables) in churn.enumerated() {
            if let tables { inputs.churn[index] = tables.prepare(inputs.churn[index].value) }
        }
        if let conversion { inputs.conversion = conversion.prepare(inputs.conversion.value) }
        if let activation { inputs.activation = activation.prepare(inputs.activation.value) }
        if let waitlistConversion { inputs.waitlistConversion = waitlistConversion.prepare(inputs.waitlistConversion.value) }
        if let shares {
            for (index, tables) in shares.enumerated() {
                inputs.shareConditionals[index] = tables.prepare(inputs.shareConditionals[index].value)
            }
        }
    }
}

/// The shape of the statistics: months, exported values and events of a scenario, and the
/// compiled model every worker runs.
struct Layout: Sendable {
    /// One uncertain parameter: where its draw goes, what it is drawn from, what it is clamped to.
    struct Draw: Sendable {
        let id: ParameterID
        let distribution: Distribution
        let range: ValueRange
    }

    let model: Model
    let months: Int
    /// Row slots of the numeric export columns, in export order: the series summed.
    let slots: [Int]
    let names: [String]
    let catalog: EventCatalog
    let probes: [Probe]
    let captures: [Capture]
    let uncertain: [Draw]
    let fixed: FixedProbabilityTables.Fixed

    init(scenario: Scenario, probes: [Probe] = [], captures: [Capture] = []) {
        self.probes = probes
        self.captures = captures
        model = Model(scenario)
        months = scenario.horizonMonths + 1
        let numeric = ExportColumn.numeric(tierNames: scenario.tiers.map(\.name))
        slots = numeric.map { $0.slot! }
        names = numeric.map(\.name)
        catalog = model.events
        fixed = FixedProbabilityTables.Fixed(scenario)
        uncertain = scenario.uncertainties.map { id in
            let parameter = scenario.parameters[id]
            return Draw(id: id, distribution: parameter.distribution!, range: parameter.quantity.range)
        }
    }

    var seriesCount: Int { slots.count }

    /// About the bytes a ``BlockAccumulator`` of a full block holds.
    func bytesPerBlock(keepsRecords: Bool) -> Int {
        let sums = months * seriesCount * (MemoryLayout<Double>.stride + MemoryLayout<Int32>.stride)
        let histogram = months * catalog.count * MemoryLayout<Int32>.stride
        // A record: its row, drawn parameters and event months.
        let record = MemoryLayout<RunRecord>.stride + model.layout.width * MemoryLayout<Double>.stride
            + uncertain.count * MemoryLayout<Double>.stride + catalog.count * MemoryLayout<Int>.stride
        return sums + histogram + (keepsRecords ? MonteCarloOptions.blockSize * record : 0)
    }
}

/// Sums, counts, event histograms and funding outcomes of one block of runs (or, folded, of
/// all runs).
struct BlockAccumulator {
    /// Σ value per (month, series), over the runs where it is defined.
    var sums: [Double]
    /// Runs where the series is undefined (NaN), per (month, series): gross margin without
    /// MRR, cost per user without users.
    var undefinedCounts: [Int32]
    /// Runs per (event, month of first occurrence).
    var eventHistogram: [Int32]
    /// Per probe: runs at or below, at or above the threshold, and runs where the value is defined.
    var probeCounts: [(atMost: Int, atLeast: Int, defined: Int)]
    /// Each run's required raise and break-even month (−1: none), in run order (§10).
    var requiredRaises: [Double] = []
    var breakEvenMonths: [Int32] = []
    var runs = 0
    let keepsRecords: Bool
    var records: [RunRecord] = []

    init(layout: Layout, keepsRecords: Bool) {
        sums = Array(repeating: 0, count: layout.months * layout.seriesCount)
        undefinedCounts = Array(repeating: 0, count: layout.months * layout.seriesCount)
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
        let slots: [Int]

        /// Adds a month of one run: each series' value (``Layout/slots`` order) to its sum, or
        /// to the undefined count where it is NaN; a sampled run's values are also written to
        /// `sampled`.
        @inline(__always)
        func add(_ row: [Double], month: Int, sampled: UnsafeMutablePointer<Double>?) {
            let count = slots.count
            let (sums, undefined) = (self.sums + month * count, self.undefined + month * count)
            for index in 0..<count {
                let value = row[slots[index]]
                sampled?[index] = value
                // `value == value` is false only for NaN (`isNaN` tests the bits).
                if value == value { sums[index] += value } else { undefined[index] += 1 }
            }
        }

        /// Counts the month of one run against the probes of that month.
        func count(_ row: [Double], month: Int) {
            for (index, probe) in probes.enumerated() where probe.month == month {
                let value = row[probe.slot]
                guard !value.isNaN else { continue }
                probeCounts[index].defined += 1
                if value <= probe.threshold { probeCounts[index].atMost += 1 }
                if value >= probe.threshold { probeCounts[index].atLeast += 1 }
            }
        }
    }

    /// Calls `body` with the block's ``Tallies`` (valid only during the call).
    @inline(__always)
    mutating func withTallies<Failure: Error>(layout: Layout, _ body: (Tallies) throws(Failure) -> Void) throws(Failure) {
        let slots = layout.slots, probes = layout.probes
        var failure: Failure?
        sums.withUnsafeMutableBufferPointer { sums in
            undefinedCounts.withUnsafeMutableBufferPointer { undefined in
                probeCounts.withUnsafeMutableBufferPointer { probeCounts in
                    do throws(Failure) {
                        try body(Tallies(sums: sums.baseAddress!, undefined: undefined.baseAddress!, probeCounts: probeCounts,
                                         probes: probes, slots: slots))
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
    }

    mutating func addRun(events months: [Int], funding: FundingSummary) {
        runs += 1
        let width = eventHistogram.count / max(1, months.count)
        for (event, month) in months.enumerated() where month >= 0 {
            eventHistogram[event * width + month] += 1
        }
        requiredRaises.append(funding.requiredRaise)
        breakEvenMonths.append(Int32(funding.breakEvenMonth ?? -1))
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
        requiredRaises += other.requiredRaises
        breakEvenMonths += other.breakEvenMonths
    }

    /// Runs in which series `series` (an index in ``Layout/slots``) is defined in `month`.
    func definedRuns(month: Int, series: Int, layout: Layout) -> Int {
        runs - Int(undefinedCounts[month * layout.seriesCount + series])
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
    private let seriesCount: Int
    private let eventCount: Int
    private let parameterCount: Int
    /// values[(slot × months + month) × metrics + series]; NaN where undefined. Left
    /// uninitialised until each sampled run writes all its months: the pages are first
    /// touched by the workers, in parallel.
    let values: UnsafeMutableBufferPointer<Double>
    let eventMonths: UnsafeMutableBufferPointer<Int32>
    let parameters: UnsafeMutableBufferPointer<Double>

    /// Bytes the sampled rows may take; long horizons sample fewer runs (never fewer than 100).
    static let memoryBudget = 80_000_000

    init(options: MonteCarloOptions, layout: Layout) {
        let bytesPerRun = layout.months * layout.seriesCount * MemoryLayout<Double>.stride
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
        seriesCount = layout.seriesCount
        eventCount = layout.catalog.count
        parameterCount = layout.uncertain.count
        values = Self.allocateLarge(capacity * months * seriesCount)
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

    /// Where the run in `slot` stores a month's values (``Layout/slots`` order, NaN where undefined).
    @inline(__always)
    func values(slot: Int, month: Int) -> UnsafeMutablePointer<Double> {
        values.baseAddress! + (slot * months + month) * seriesCount
    }

    func store(parameters drawn: [Double], events: [Int], slot: Int) {
        for (index, value) in drawn.enumerated() { parameters[slot * parameterCount + index] = value }
        for (index, month) in events.enumerated() { eventMonths[slot * eventCount + index] = Int32(month) }
    }

    /// The sampled values of one (month, series), undefined ones left out.
    func series(month: Int, series: Int) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(capacity)
        for slot in 0..<capacity {
            let value = values[(slot * months + month) * seriesCount + series]
            if !value.isNaN { result.append(value) }
        }
        return result
    }

    func value(slot: Int, month: Int, series: Int) -> Double {
        values[(slot * months + month) * seriesCount + series]
    }

    func eventMonth(slot: Int, event: Int) -> Int { Int(eventMonths[slot * eventCount + event]) }

    func parameter(slot: Int, index: Int) -> Double { parameters[slot * parameterCount + index] }
}
