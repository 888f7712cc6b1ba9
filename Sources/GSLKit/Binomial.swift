@preconcurrency import CGSL

/// A probability of success with the constants its binomial draws reuse (log(1 − q),
/// q/(1 − q) and its log, for q = min(p, 1 − p)), computed once: Monte Carlo draws with the
/// same few probabilities every month of a run.
public struct BinomialProbability: Sendable {
    let terms: capsim_binomial_probability

    /// - Parameter p: the probability of success, in [0, 1].
    public init(_ p: Double) { terms = capsim_binomial_probability_make(p) }

    /// The probability of success.
    public var value: Double { terms.p }
}

extension RandomGenerator {
    /// Successes in `n` trials (a whole number ≥ 0) of probability `p`: by inversion when
    /// n·min(p, 1 − p) < 10, else by Hörmann's transformed rejection with squeeze (BTRS,
    /// 1993), on this generator's uniforms (`capsim_binomial` in CGSL's samplers.h). The exact
    /// binomial distribution (tested against `gsl_ran_binomial_pdf`), 1.5 to 3 times as fast
    /// as `gsl_ran_binomial` (see Benchmarks/Randomness).
    public func binomialVariate(trials n: Double, probability p: BinomialProbability) -> Double {
        withUnsafePointer(to: p.terms) { capsim_binomial(sampler, n, $0) }
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
