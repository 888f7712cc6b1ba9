@preconcurrency import CGSL

/// A GSL random number generator with the draws capsim uses (`gsl_rng_*`, `gsl_ran_*`).
///
/// Not thread-safe: give each worker its own generator. Re-seeding (``seed(_:)``) is cheap,
/// so one generator can serve many runs, each from its own seed.
public final class RandomGenerator {
    /// GSL generator algorithms.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// L'Ecuyer's maximally equidistributed Tausworthe generator: the fastest of GSL's good generators.
        case taus2
        case mt19937
        case gfsr4
        /// RANLUX at luxury level 2: slow, for cross-checks.
        case ranlxd2

        fileprivate var type: UnsafePointer<gsl_rng_type> {
            switch self {
            case .taus2: capsim_rng_taus2()
            case .mt19937: capsim_rng_mt19937()
            case .gfsr4: capsim_rng_gfsr4()
            case .ranlxd2: capsim_rng_ranlxd2()
            }
        }
    }

    fileprivate let rng: UnsafeMutablePointer<gsl_rng>
    public let algorithm: Algorithm
    /// What CGSL's samplers draw from: the generator, its taus2 state (stepped inline by
    /// `capsim_taus_uniform`, GSL's own step; nil for the other algorithms) and the table of log k!.
    @usableFromInline let sampler: UnsafeMutablePointer<capsim_sampler>

    public init(_ algorithm: Algorithm = .taus2, seed: UInt = 1) {
        _ = GSL.errorHandlerDisabled
        guard let rng = gsl_rng_alloc(algorithm.type) else { fatalError("gsl_rng_alloc failed: out of memory") }
        self.rng = rng
        self.algorithm = algorithm
        sampler = .allocate(capacity: 1)
        sampler.initialize(to: capsim_sampler(rng: rng, taus: algorithm == .taus2 ? rng.pointee.state : nil,
                                              log_factorials: Self.logFactorials))
        gsl_rng_set(rng, seed)
    }

    deinit {
        gsl_rng_free(rng)
        sampler.deallocate()
    }

    /// log k! = lgamma(k + 1) for k < `CAPSIM_LOG_FACTORIAL_TABLE_SIZE` (32 KB), shared by every
    /// generator, never written after it is made, never freed.
    nonisolated(unsafe) private static let logFactorials: UnsafePointer<Double> = {
        let size = Int(CAPSIM_LOG_FACTORIAL_TABLE_SIZE)
        let table = UnsafeMutablePointer<Double>.allocate(capacity: size)
        for k in 0..<size { table[k] = lgamma(Double(k) + 1) }
        return UnsafePointer(table)
    }()

    /// Restarts the stream from `seed` (`gsl_rng_set`). GSL's generators use the low 32 bits.
    public func seed(_ seed: UInt) { gsl_rng_set(rng, seed) }

    // MARK: Uniform

    /// Uniform on [0, 1) (`gsl_rng_uniform`; for taus2 the same numbers from GSL's step inlined).
    @inline(__always)
    public func uniform() -> Double { capsim_uniform(sampler) }

    /// `x` made a whole number without bias: ⌊x⌋, plus 1 with probability x − ⌊x⌋ (a uniform
    /// is drawn only when x has a fraction); then at most `largest`.
    public func wholeCount(_ x: Double, largest: Double = .infinity) -> Double { capsim_whole(sampler, x, largest) }

    /// Uniform on (0, 1) (`gsl_rng_uniform_pos`).
    @inline(__always)
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// Uniform on [a, b) (`gsl_ran_flat`).
    public func flat(_ a: Double, _ b: Double) -> Double { gsl_ran_flat(rng, a, b) }

    // MARK: Continuous

    /// Normal with mean 0 and standard deviation `sigma` (`gsl_ran_gaussian_ziggurat`).
    public func gaussian(sigma: Double) -> Double { gsl_ran_gaussian_ziggurat(rng, sigma) }

    /// Lognormal: exp of a normal with mean `zeta` and standard deviation `sigma` (`gsl_ran_lognormal`).
    public func lognormal(zeta: Double, sigma: Double) -> Double { gsl_ran_lognormal(rng, zeta, sigma) }

    /// Beta with shape parameters a, b on [0, 1] (`gsl_ran_beta`).
    public func beta(_ a: Double, _ b: Double) -> Double { gsl_ran_beta(rng, a, b) }

    // MARK: Discrete

    /// Poisson with mean `mu` (`gsl_ran_poisson`).
    @inline(__always)
    public func poisson(mean mu: Double) -> UInt32 { UInt32(gsl_ran_poisson(rng, mu)) }

    /// Successes in `n` trials of probability `p` (`gsl_ran_binomial`).
    @inline(__always)
    public func binomial(_ n: UInt32, _ p: Double) -> UInt32 { UInt32(gsl_ran_binomial(rng, p, n)) }

    /// Splits `n` trials over categories with probabilities `p` (`gsl_ran_multinomial`),
    /// writing the counts to `counts` (same length as `p`).
    public func multinomial(_ n: UInt32, probabilities p: UnsafeBufferPointer<Double>,
                            counts: UnsafeMutableBufferPointer<UInt32>) {
        precondition(p.count == counts.count)
        gsl_ran_multinomial(rng, p.count, n, p.baseAddress, counts.baseAddress)
    }
}

extension RandomGenerator {
    /// `k` distinct integers from 0..<n, in increasing order, each subset equally likely (`gsl_ran_choose`).
    public func choose(_ k: Int, from n: Int) -> [Int] {
        precondition(k <= n)
        guard k > 0 else { return [] }
        let source = Array(0..<n)
        var chosen = [Int](repeating: 0, count: k)
        source.withUnsafeBufferPointer { src in
            chosen.withUnsafeMutableBufferPointer { dest in
                _ = gsl_ran_choose(rng, dest.baseAddress, k, UnsafeMutableRawPointer(mutating: src.baseAddress), n,
                                   MemoryLayout<Int>.stride)
            }
        }
        return chosen
    }
}
