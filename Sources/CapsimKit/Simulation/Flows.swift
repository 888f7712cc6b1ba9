import GSLKit

/// How a month's user flows are realised from their rates (MODEL.md §2 and §8).
///
/// The deterministic projection uses expected values (``ExpectedFlows``); Monte Carlo
/// draws them from Poisson, binomial and multinomial distributions with whole users.
/// The engine is generic over this protocol so both modes run the same month-by-month code.
public protocol Flows {
    /// The starting count of a stock (initial users, waitlist): as given, or made whole.
    mutating func initialCount(_ value: Double) -> Double
    /// New signups from paid marketing and referrals, whose expected sum is `mean`.
    mutating func arrivals(mean: Double) -> Double
    /// How many of `count` succeed, each with probability `probability`.
    mutating func successes(of count: Double, probability: BinomialProbability) -> Double
    /// Splits `count` over categories with the given shares (which sum to 1), writing `result[i]`
    /// (`result` has as many values as there are shares).
    mutating func split(_ count: Double, shares: Shares, into result: inout TierValues)
}

/// Shares of a count (paid tiers' shares of conversions, summing to 1), with the conditional
/// probabilities of a multinomial split by successive binomials: category i receives
/// Binomial(remaining, share_i / (1 − Σ_{j<i} share_j)).
public struct Shares: Sendable {
    /// share_i.
    public private(set) var values: TierValues
    /// share_i / (1 − Σ_{j<i} share_j), at most 1 (0 once nothing remains), for every category but the last.
    public private(set) var conditionals: [BinomialProbability]

    public init(_ values: TierValues) {
        self.values = values
        conditionals = Array(repeating: BinomialProbability(0), count: max(0, values.count - 1))
        update(values)
    }

    /// Takes new shares (as many as before) and their conditionals, in place; `prepare` makes
    /// conditional i (given i and its value) ready for draws (from ``BinomialTables``, say).
    public mutating func update(_ values: TierValues,
                                prepare: (Int, Double) -> BinomialProbability = { BinomialProbability($1) }) {
        self.values = values
        var remaining = 1.0
        for index in conditionals.indices {
            conditionals[index] = prepare(index, remaining > 0 ? min(1, values[index] / remaining) : 0)
            remaining -= values[index]
        }
    }
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
    public mutating func split(_ count: Double, shares: Shares, into result: inout TierValues) {
        for index in shares.values.indices { result[index] = count * shares.values[index] }
    }
}
