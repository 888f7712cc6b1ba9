import Foundation

extension RandomGenerator {
    /// Poisson with mean `mu` by Hörmann's transformed rejection with squeeze (PTRS, 1993),
    /// the method NumPy uses, on this generator's uniforms; for `mu` < 10, Knuth's
    /// multiplication method. About 5 times faster than `gsl_ran_poisson` for means in the
    /// hundreds (see Benchmarks/Randomness), with the same distribution (tested).
    ///
    /// W. Hörmann, "The transformed rejection method for generating Poisson random
    /// variables", Insurance: Mathematics and Economics 12 (1993) 39–45.
    public func poissonPTRS(mean mu: Double) -> UInt32 {
        guard mu >= 10 else {
            let limit = exp(-mu)
            var count: UInt32 = 0
            var product = uniform()
            while product > limit {
                count += 1
                product *= uniform()
            }
            return count
        }
        let slam = mu.squareRoot()
        let loglam = log(mu)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mu + 0.43).rounded(.down)
            if us >= 0.07, v <= vr { return UInt32(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -mu + k * loglam - lgamma(k + 1) {
                return UInt32(k)
            }
        }
    }
}
