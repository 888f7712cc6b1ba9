import GSLKit

/// How to run a Monte Carlo simulation.
public struct MonteCarloOptions: Sendable {
    /// Runs to simulate.
    public var runs: Int
    /// Run r's random stream depends only on (seed, r).
    public var seed: UInt64
    /// Worker threads; results are identical for any count.
    public var threads: Int
    /// The GSL generator algorithm.
    public var algorithm: RandomGenerator.Algorithm
    /// Runs kept whole for quantiles: all of them up to this many, a uniform sample beyond
    /// (fewer when the horizon is long: the sampled rows stay within 80 MB).
    public var sampleCapacity: Int
    /// Thresholds whose crossings are counted over every run (for percentile gates).
    public var probes: [Probe]
    /// Monthly values each run's record keeps (``RunRecord/captured``), for sensitivity.
    public var captures: [Capture] = []
    /// Bytes the blocks of one wave (simulated between two folds and progress reports) may
    /// hold, within ``waveBlocks``. A wave ends when its last block does, with the other
    /// workers idle: fewer, larger waves waste less (10,000 runs of a 60-month scenario are
    /// one wave). Tests lower it to fold many waves.
    var waveMemoryBudget = 8_000_000

    public init(runs: Int, seed: UInt64, threads: Int, algorithm: RandomGenerator.Algorithm = .taus2,
                sampleCapacity: Int = 2048, probes: [Probe] = []) {
        self.runs = runs
        self.seed = seed
        self.threads = max(1, threads)
        self.algorithm = algorithm
        self.sampleCapacity = max(1, sampleCapacity)
        self.probes = probes
    }

    /// Runs are simulated in fixed blocks of this many; a block is the unit of work of a thread
    /// and of summation order, so that sums do not depend on the number of threads.
    static let blockSize = 64
    /// The fewest and the most blocks in a wave.
    static let waveBlocks = 2...1024

    /// The 32-bit seed of run `run`'s generator: a bijection of the run index mixed with the
    /// scenario seed, so that distinct runs of one seed never share a stream.
    public func streamSeed(run: Int) -> UInt {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        // murmur3's 32-bit finalizer: a bijection on UInt32.
        var h = UInt32(truncatingIfNeeded: run) &+ UInt32(truncatingIfNeeded: z)
        h ^= h >> 16
        h = h &* 0x85EB_CA6B
        h ^= h >> 13
        h = h &* 0xC2B2_AE35
        h ^= h >> 16
        return UInt(h) | (UInt(UInt32(truncatingIfNeeded: z >> 32)) << 32)
    }
}

/// One run's drawn inputs and outcomes: a row of `runs.csv`.
public struct RunRecord: Sendable {
    public var run: Int
    /// Drawn value of each uncertain parameter (``Scenario/uncertainties`` order).
    public var parameters: [Double]
    /// The last month's row.
    public var horizon: MonthRow
    /// Month of each catalog event; -1 when it does not happen within the horizon.
    public var eventMonths: [Int]
    /// The run's funding summary (§10).
    public var funding: FundingSummary
    /// The value of each of ``MonteCarloOptions/captures`` (NaN where undefined).
    public var captured: [Double]
}

/// A monthly value to keep from every run: the value at row slot `slot` in month `month`.
public struct Capture: Sendable, Hashable {
    public var slot: Int
    public var month: Int

    public init(slot: Int, month: Int) {
        self.slot = slot
        self.month = month
    }
}

/// A threshold on one monthly value in one month: Monte Carlo counts the runs at or below it
/// and at or above it, over every run (exact, unlike percentiles from the sample).
public struct Probe: Sendable, Hashable {
    /// The value's slot in a row (a numeric ``ExportColumn``'s).
    public var slot: Int
    public var month: Int
    public var threshold: Double

    public init(slot: Int, month: Int, threshold: Double) {
        self.slot = slot
        self.month = month
        self.threshold = threshold
    }
}
