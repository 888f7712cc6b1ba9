@preconcurrency import CGSL
import Foundation

extension RandomGenerator {
    /// Successes in `n` trials of probability `p`: Hörmann's transformed rejection with
    /// squeeze (BTRS, 1993) on this generator's uniforms when n·min(p, 1 − p) ≥ 10, else
    /// `gsl_ran_binomial` (inversion, cheap for small means). About twice as fast as
    /// `gsl_ran_binomial` for large means (see Benchmarks/Randomness), with the same
    /// distribution (tested against `gsl_ran_binomial_pdf`).
    ///
    /// W. Hörmann, "The generation of binomial random variates", Journal of Statistical
    /// Computation and Simulation 46 (1993) 101–110; the formulation follows PyTorch's
    /// `sample_binomial_btrs`.
    public func binomialBTRS(_ n: UInt32, _ p: Double) -> UInt32 {
        guard n > 0, p > 0 else { return 0 }
        guard p < 1 else { return n }
        let q = min(p, 1 - p)
        let count = Double(n)
        guard count * q >= 10 else { return binomial(n, p) }
        let k = btrs(count: count, probability: q)
        return p > 0.5 ? n - UInt32(k) : UInt32(k)
    }

    private func btrs(count: Double, probability p: Double) -> Double {
        let spq = (count * p * (1 - p)).squareRoot()
        let b = 1.15 + 2.53 * spq
        let a = -0.0873 + 0.0248 * b + 0.01 * p
        let c = count * p + 0.5
        let vr = 0.92 - 4.2 / b
        let r = p / (1 - p)
        let alpha = (2.83 + 5.1 / b) * spq
        let m = ((count + 1) * p).rounded(.down)
        while true {
            let u = uniform() - 0.5
            var v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + c).rounded(.down)
            if k < 0 || k > count { continue }
            if us >= 0.07, v <= vr { return k }
            v = log(v * alpha / (a / (us * us) + b))
            let bound = (m + 0.5) * log((m + 1) / (r * (count - m + 1)))
                + (count + 1) * log((count - m + 1) / (count - k + 1))
                + (k + 0.5) * log(r * (count - k + 1) / (k + 1))
                + Self.stirlingTail(m) + Self.stirlingTail(count - m)
                - Self.stirlingTail(k) - Self.stirlingTail(count - k)
            if v <= bound { return k }
        }
    }

    /// log(k!) − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π]: the tail of Stirling's series.
    private static func stirlingTail(_ k: Double) -> Double {
        if k <= 9 { return stirlingTable[Int(k)] }
        let kp1 = k + 1, kp1sq = kp1 * kp1
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / kp1
    }

    private static let stirlingTable: [Double] = [
        0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
        0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
        0.00925546218271273, 0.00833056343336287,
    ]

    /// Splits `n` trials over categories with probabilities `p` (summing to 1) by conditional
    /// binomials, as `gsl_ran_multinomial` does, using ``binomialBTRS(_:_:)``.
    public func multinomialBTRS(_ n: UInt32, probabilities p: UnsafeBufferPointer<Double>,
                                counts: UnsafeMutableBufferPointer<UInt32>) {
        var remaining = n
        var remainingProbability = 1.0
        for index in 0..<p.count {
            if index == p.count - 1 || remaining == 0 {
                counts[index] = index == p.count - 1 ? remaining : 0
                continue
            }
            let share = remainingProbability > 0 ? min(1, p[index] / remainingProbability) : 0
            let drawn = binomialBTRS(remaining, share)
            counts[index] = drawn
            remaining -= drawn
            remainingProbability -= p[index]
        }
    }
}

/// Exact probabilities, for tests of the samplers (`gsl_ran_*_pdf`).
public enum ExactProbability {
    /// P(X = k) for X ~ Binomial(n, p).
    public static func binomial(_ k: UInt32, n: UInt32, p: Double) -> Double { gsl_ran_binomial_pdf(k, p, n) }

    /// P(X = k) for X ~ Poisson(mu).
    public static func poisson(_ k: UInt32, mean mu: Double) -> Double { gsl_ran_poisson_pdf(k, mu) }
}
