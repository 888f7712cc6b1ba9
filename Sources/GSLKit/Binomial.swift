@preconcurrency import CGSL

/// A probability of success with the constants its binomial draws reuse (log(1 − q),
/// q/(1 − q) and its log, for q = min(p, 1 − p)), computed once: Monte Carlo draws with the
/// same few probabilities every month of a run.
public struct BinomialProbability: Sendable {
    @usableFromInline let terms: capsim_binomial_probability

    /// - Parameter p: the probability of success, in [0, 1].
    public init(_ p: Double) { terms = capsim_binomial_probability_make(p) }

    fileprivate init(terms: capsim_binomial_probability) { self.terms = terms }

    /// The probability of success.
    public var value: Double { terms.p }

    /// Whether draws of at most ``BinomialTables/maxTrials`` trials come from tables.
    public var isTabulated: Bool { terms.tables != nil }
}

/// Tables of Binomial(n, p) for one probability p and every n up to ``maxTrials``: the
/// exact CDF, made on the first draw of each n and kept (at most 1.1 MB). A draw is
/// then one uniform and one or two comparisons, several times as fast as BTRS, for a
/// probability that many runs share (Monte Carlo's fixed, not drawn, parameters).
///
/// A draw's value depends only on (n, p) and the uniforms, not on which tables exist.
/// Not thread-safe: a worker's engine owns its own. The tables must outlive the
/// probabilities ``prepare(_:)`` gives.
public final class BinomialTables: @unchecked Sendable {
    /// The most trials drawn from a table; more are drawn as without tables.
    public static let maxTrials = Int(CAPSIM_TABULATED_TRIALS)

    private let tables: UnsafeMutablePointer<capsim_binomial_tables>

    public init() {
        tables = .allocate(capacity: 1)
        tables.initialize(to: capsim_binomial_tables(p: .nan, by_trials: nil))
    }

    deinit {
        capsim_binomial_tables_empty(tables)
        tables.deallocate()
    }

    /// `p` prepared for draws from these tables; they are emptied first when they were for
    /// another probability.
    public func prepare(_ p: Double) -> BinomialProbability {
        if tables.pointee.p.bitPattern != p.bitPattern {
            capsim_binomial_tables_empty(tables)
            tables.pointee.p = p
        }
        var terms = capsim_binomial_probability_make(p)
        terms.tables = tables
        return BinomialProbability(terms: terms)
    }
}

extension RandomGenerator {
    /// Successes in `n` trials (a whole number ≥ 0) of probability `p`: from `p`'s tables
    /// (``BinomialTables``) when it has them and n ≤ ``BinomialTables/maxTrials``; else by
    /// inversion when n·min(p, 1 − p) < 10, and by Hörmann's transformed rejection with
    /// squeeze (BTRS, 1993) above, on this generator's uniforms (`capsim_binomial` in CGSL's
    /// samplers.h). The exact binomial distribution (tested against `gsl_ran_binomial_pdf`),
    /// 1.5 to 3 times as fast as `gsl_ran_binomial` (see Benchmarks/Randomness).
    @inlinable
    public func binomialVariate(trials n: Double, probability p: BinomialProbability) -> Double {
        withUnsafePointer(to: p.terms) { capsim_binomial(sampler, n, $0) }
    }

    /// The same for `count` trials made whole by ``wholeCount(_:largest:)`` (0 when count is
    /// not positive): in one call, as Monte Carlo's flows draw them several times a month.
    @inlinable
    public func binomialVariate(count: Double, largest: Double, probability p: BinomialProbability) -> Double {
        withUnsafePointer(to: p.terms) { capsim_binomial_of_count(sampler, count, largest, $0) }
    }

    /// The same for a probability used once.
    public func binomialVariate(trials n: Double, probability p: Double) -> Double {
        binomialVariate(trials: n, probability: BinomialProbability(p))
    }
}

/// Exact probabilities, for tests of the samplers (`gsl_ran_*_pdf`).
public enum ExactProbability {
    /// P(X = k) for X ~ Binomial(n, p).
    public static func binomial(_ k: UInt32, n: UInt32, p: Double) -> Double { gsl_ran_binomial_pdf(k, p, n) }

    /// P(X = k) for X ~ Poisson(mu).
    public static func poisson(_ k: UInt32, mean mu: Double) -> Double { gsl_ran_poisson_pdf(k, mu) }
}
