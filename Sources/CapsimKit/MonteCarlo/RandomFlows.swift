import GSLKit

/// Monte Carlo flows (MODEL.md §8): whole users, paid and organic signups ~ Poisson,
/// waitlist signups, activation, churn and conversions ~ Binomial, the split of
/// conversions over paid tiers ~ Multinomial. Every uniform comes from one GSL generator;
/// Poisson and binomial variates are drawn on those uniforms by inversion for small means
/// and Hörmann's PTRS and BTRS above (GSLKit), several times as fast as `gsl_ran_poisson`
/// and `gsl_ran_binomial` (see Benchmarks/Randomness).
public struct RandomFlows: Flows {
    public let generator: RandomGenerator

    /// Means and trial counts are capped here (4 × 10⁹ accounts: half the world) so that
    /// absurd inputs give absurd but finite runs.
    static let largestCount = 4e9

    public init(generator: RandomGenerator) {
        self.generator = generator
    }

    public mutating func initialCount(_ value: Double) -> Double { generator.wholeCount(value) }

    @inline(__always)
    public mutating func arrivals(mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        return generator.poissonVariate(mean: min(mean, Self.largestCount))
    }

    /// Binomial(count made whole without bias, probability): see ``RandomGenerator/wholeCount(_:largest:)``.
    @inline(__always)
    public mutating func successes(of count: Double, probability: BinomialProbability) -> Double {
        generator.binomialVariate(count: count, largest: Self.largestCount, probability: probability)
    }

    /// Multinomial(count, shares) by conditional binomials, as `gsl_ran_multinomial` draws it.
    public mutating func split(_ count: Double, conditionals: [BinomialProbability], shares: [Double], into result: inout [Double]) {
        var remaining = count > 0 ? generator.wholeCount(count, largest: Self.largestCount) : 0
        for index in conditionals.indices {
            let drawn = remaining > 0 ? generator.binomialVariate(trials: remaining, probability: conditionals[index]) : 0
            result[index] = drawn
            remaining -= drawn
        }
        if !shares.isEmpty { result[shares.count - 1] = remaining }
    }
}

extension Distribution {
    /// One draw (`gsl_ran_gaussian_ziggurat`, `gsl_ran_lognormal`, `gsl_ran_beta`, `gsl_ran_flat`;
    /// triangular by inverting its CDF; PERT as a scaled beta). Not clamped.
    public func draw(using generator: RandomGenerator) -> Double {
        switch self {
        case let .normal(mean, sd):
            return mean + generator.gaussian(sigma: sd)
        case let .lognormal(mu, sigma):
            return generator.lognormal(zeta: mu, sigma: sigma)
        case let .beta(alpha, beta):
            return generator.beta(alpha, beta)
        case let .uniform(min, max):
            return generator.flat(min, max)
        case let .triangular(a, c, b):
            let u = generator.uniform()
            let split = (c - a) / (b - a)
            return u < split ? a + ((b - a) * (c - a) * u).squareRoot()
                : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case let .pert(min, mode, max):
            let (alpha, beta) = Distribution.pertShape(min: min, mode: mode, max: max)
            return min + (max - min) * generator.beta(alpha, beta)
        }
    }
}
