import GSLKit

/// Monte Carlo flows (MODEL.md §8): whole users, paid and organic signups ~ Poisson,
/// waitlist signups, activation, churn and conversions ~ Binomial, the split of
/// conversions over paid tiers ~ Multinomial. Every uniform comes from one GSL generator;
/// large-mean Poisson and binomial variates use Hörmann's PTRS and BTRS on those uniforms,
/// which cost a fifth and a half of `gsl_ran_poisson` and `gsl_ran_binomial` (see
/// Benchmarks/Randomness and GSLKit).
public struct RandomFlows: Flows {
    public let generator: RandomGenerator
    private var probabilities: [Double] = []
    private var counts: [UInt32] = []

    public init(generator: RandomGenerator) {
        self.generator = generator
    }

    /// A count made whole without bias: ⌊x⌋, plus 1 with probability x − ⌊x⌋.
    @inline(__always)
    mutating func whole(_ value: Double) -> Double {
        let floor = value.rounded(.down)
        let fraction = value - floor
        return fraction > 0 && generator.uniform() < fraction ? floor + 1 : floor
    }

    public mutating func initialCount(_ value: Double) -> Double { whole(value) }

    @inline(__always)
    public mutating func arrivals(mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        return Double(generator.poissonPTRS(mean: min(mean, 4e9)))
    }

    @inline(__always)
    public mutating func successes(of count: Double, probability: Double) -> Double {
        guard count > 0, probability > 0 else { return 0 }
        let trials = whole(count)
        guard probability < 1 else { return trials }
        return Double(generator.binomialBTRS(UInt32(min(trials, 4e9)), probability))
    }

    public mutating func split(_ count: Double, shares: [Double], into result: inout [Double]) {
        guard shares.count > 1, count > 0 else {
            for index in result.indices { result[index] = index == 0 ? count : 0 }
            return
        }
        if probabilities != shares {
            probabilities = shares
            counts = Array(repeating: 0, count: shares.count)
        }
        let trials = UInt32(min(whole(count), 4e9))
        probabilities.withUnsafeBufferPointer { p in
            counts.withUnsafeMutableBufferPointer { n in
                generator.multinomialBTRS(trials, probabilities: p, counts: n)
            }
        }
        for index in result.indices { result[index] = Double(counts[index]) }
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
