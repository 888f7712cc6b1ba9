import GSLKit

/// How a month's user flows are realised from their rates (MODEL.md §2 and §8).
///
/// The deterministic projection uses expected values (``ExpectedFlows``); Monte Carlo
/// draws them from Poisson, binomial and multinomial distributions with whole users
/// (``RandomFlows``). The engine is generic over this protocol so both modes run the same
/// month-by-month code.
public protocol Flows {
    /// The starting count of a stock (initial users, waitlist): as given, or made whole.
    mutating func initialCount(_ value: Double) -> Double
    /// New signups from paid marketing and referrals, whose expected sum is `mean`.
    mutating func arrivals(mean: Double) -> Double
    /// How many of `count` succeed, each with probability `probability`.
    mutating func successes(of count: Double, probability: BinomialProbability) -> Double
    /// Splits `count` over categories with `shares` (summing to 1), writing `result[i]`;
    /// `conditionals[i]` = share_i / (1 − Σ_{j<i} share_j), for every category but the last.
    mutating func split(_ count: Double, conditionals: [BinomialProbability], shares: [Double], into result: inout [Double])
}

/// Expected values: arrivals = mean, successes = count × probability, split = count × share.
public struct ExpectedFlows: Flows {
    public init() {}

    @inline(__always)
    public mutating func initialCount(_ value: Double) -> Double { value }

    @inline(__always)
    public mutating func arrivals(mean: Double) -> Double { mean }

    @inline(__always)
    public mutating func successes(of count: Double, probability: BinomialProbability) -> Double {
        count * probability.value
    }

    @inline(__always)
    public mutating func split(_ count: Double, conditionals: [BinomialProbability], shares: [Double], into result: inout [Double]) {
        for index in shares.indices { result[index] = count * shares[index] }
    }
}
