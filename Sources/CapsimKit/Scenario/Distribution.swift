import Foundation
import GSLKit

/// A probability distribution given in place of a number (MODEL.md §8).
///
/// Lognormal and beta are stored in their natural parameters; ``mean`` is what
/// deterministic mode uses.
public enum Distribution: Sendable, Hashable {
    case normal(mean: Double, sd: Double)
    /// ln X ~ Normal(mu, sigma).
    case lognormal(mu: Double, sigma: Double)
    /// On [0, 1], with shape parameters alpha, beta.
    case beta(alpha: Double, beta: Double)
    case uniform(min: Double, max: Double)
    case triangular(min: Double, mode: Double, max: Double)
    /// Beta-PERT: a beta on [min, max] with shape 4 around the mode.
    case pert(min: Double, mode: Double, max: Double)

    /// z of the 90th percentile of the standard normal, used by the p10/p90 form of the lognormal.
    public static let z90 = 1.2815515655446004

    /// The lognormal whose 10th and 90th percentiles are `p10` and `p90`.
    public static func lognormal(p10: Double, p90: Double) -> Distribution {
        let mu = (log(p10) + log(p90)) / 2
        return .lognormal(mu: mu, sigma: (log(p90) - log(p10)) / (2 * z90))
    }

    /// The beta with the given mean and standard deviation; nil when none exists
    /// (needs 0 < mean < 1 and sd² < mean·(1 − mean)).
    public static func beta(mean: Double, sd: Double) -> Distribution? {
        guard mean > 0, mean < 1, sd > 0, sd * sd < mean * (1 - mean) else { return nil }
        let k = mean * (1 - mean) / (sd * sd) - 1
        return .beta(alpha: mean * k, beta: (1 - mean) * k)
    }

    public var mean: Double {
        switch self {
        case let .normal(mean, _): mean
        case let .lognormal(mu, sigma): exp(mu + sigma * sigma / 2)
        case let .beta(alpha, beta): alpha / (alpha + beta)
        case let .uniform(min, max): (min + max) / 2
        case let .triangular(min, mode, max): (min + mode + max) / 3
        case let .pert(min, mode, max): (min + 4 * mode + max) / 6
        }
    }

    /// Standard deviation.
    public var standardDeviation: Double {
        switch self {
        case let .normal(_, sd): return sd
        case let .lognormal(mu, sigma): return sqrt((exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma))
        case let .beta(a, b): return sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)))
        case let .uniform(min, max): return (max - min) / sqrt(12)
        case let .triangular(a, c, b):
            return sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)
        case let .pert(min, mode, max):
            let (alpha, beta) = Distribution.pertShape(min: min, mode: mode, max: max)
            return (max - min) * sqrt(alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1)))
        }
    }

    /// Shape parameters of the beta behind a PERT on [min, max].
    public static func pertShape(min: Double, mode: Double, max: Double) -> (alpha: Double, beta: Double) {
        let range = max - min
        return (1 + 4 * (mode - min) / range, 1 + 4 * (max - mode) / range)
    }
}

extension Distribution {
    /// The quantile function Q(p), 0 < p < 1 (MODEL.md §8): normal mean + z_p·sd, lognormal
    /// e^(μ + z_p·σ), beta and PERT by `gsl_cdf_beta_Pinv`, uniform and triangular by their
    /// inverse CDFs. Not clamped.
    public func quantile(_ p: Double) -> Double {
        switch self {
        case let .normal(mean, sd): return mean + InverseCDF.standardNormal(p) * sd
        case let .lognormal(mu, sigma): return exp(mu + InverseCDF.standardNormal(p) * sigma)
        case let .beta(alpha, beta): return InverseCDF.beta(p, alpha, beta)
        case let .uniform(min, max): return min + p * (max - min)
        case let .triangular(a, c, b):
            let split = (c - a) / (b - a)
            return p < split ? a + ((b - a) * (c - a) * p).squareRoot() : b - ((b - a) * (b - c) * (1 - p)).squareRoot()
        case let .pert(min, mode, max):
            let (alpha, beta) = Distribution.pertShape(min: min, mode: mode, max: max)
            return min + (max - min) * InverseCDF.beta(p, alpha, beta)
        }
    }
}
