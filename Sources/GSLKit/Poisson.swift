@preconcurrency import CGSL

extension RandomGenerator {
    /// Poisson with mean `mu` (≥ 0) by Hörmann's transformed rejection with squeeze (PTRS,
    /// 1993), the method NumPy uses, on this generator's uniforms; for `mu` < 10, Knuth's
    /// multiplication method (`capsim_poisson` in CGSL's samplers.h). About 8 times as fast as
    /// `gsl_ran_poisson` for means in the hundreds (see Benchmarks/Randomness), with the same
    /// distribution (tested).
    @inlinable
    public func poissonVariate(mean mu: Double) -> Double { capsim_poisson(sampler, mu) }
}
