import Foundation

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

/// The range a parameter's values must lie in; Monte Carlo draws are clamped to it.
public struct ValueRange: Sendable, Hashable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double

    /// A rate or share: [0, 1].
    public static let rate = ValueRange(lower: 0, upper: 1)
    /// A count, size or price: [0, ∞).
    public static let nonNegative = ValueRange(lower: 0, upper: .infinity)

    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    public func clamp(_ value: Double) -> Double { Swift.min(Swift.max(value, lower), upper) }

    public var description: String {
        if upper == .infinity { return "at least \(NumberFormat.plain(lower))" }
        return "between \(NumberFormat.plain(lower)) and \(NumberFormat.plain(upper))"
    }
}

/// A scenario parameter given as a distribution.
public struct Uncertainty: Sendable {
    /// The parameter's key path in the scenario, e.g. `tiers[1].churn`.
    public var keyPath: String
    public var distribution: Distribution
    /// Draws are clamped to this range.
    public var range: ValueRange
    /// Writes a drawn value where the parameter goes in the scenario (a closure rather than a
    /// key path: Monte Carlo writes every uncertain parameter of every run, and applying a key
    /// path through an array subscript costs microseconds).
    public var target: Target

    /// Writes a value into a scenario.
    public typealias Target = @Sendable (inout Scenario, Double) -> Void
}
