import Benchmark
import GSLKit

/// Which GSL generator and which draws cost most (issue 3). Each benchmark makes 1,000,000
/// draws; divide the wall time by 10^6 for the cost of one draw. The parameters are those
/// of a typical month of mirai-roadmap.yaml: churn of a few thousand free users
/// (n = 3,000, p = 0.08), conversions (n = 3,000, p = 0.015), paid churn of a small tier
/// (n = 200, p = 0.04: a small mean, drawn by inversion in both), a moderate mean
/// where BTRS's outer-region test runs for about half the draws (n = 500, p = 0.04),
/// arrivals (Poisson, mean 300); and the draws of a probability every run shares, with and
/// without tables.
let benchmarks: @Sendable () -> Void = {
    let draws = 1_000_000
    let configuration = Benchmark.Configuration(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 20)

    for algorithm in RandomGenerator.Algorithm.allCases {
        Benchmark("generator \(algorithm.rawValue): uniform", configuration: configuration) { _ in
            let generator = RandomGenerator(algorithm, seed: 1)
            var sum = 0.0
            for _ in 0..<draws { sum += generator.uniform() }
            blackHole(sum)
        }
        Benchmark("generator \(algorithm.rawValue): gsl_ran_binomial n=3000 p=0.08", configuration: configuration) { _ in
            let generator = RandomGenerator(algorithm, seed: 1)
            var sum: UInt32 = 0
            for _ in 0..<draws { sum &+= generator.binomial(3000, 0.08) }
            blackHole(sum)
        }
    }
    let cases: [(String, UInt32, Double)] = [("n=3000 p=0.08", 3000, 0.08), ("n=3000 p=0.015", 3000, 0.015), ("n=200 p=0.04", 200, 0.04),
                                                ("n=500 p=0.04", 500, 0.04)]
    for (label, n, p) in cases {
        Benchmark("gsl_ran_binomial \(label), taus2", configuration: configuration) { _ in
            let generator = RandomGenerator(.taus2, seed: 1)
            var sum: UInt32 = 0
            for _ in 0..<draws { sum &+= generator.binomial(n, p) }
            blackHole(sum)
        }
        Benchmark("binomialVariate \(label), taus2", configuration: configuration) { _ in
            let generator = RandomGenerator(.taus2, seed: 1)
            let probability = BinomialProbability(p)
            var sum = 0.0
            for _ in 0..<draws { sum += generator.binomialVariate(trials: Double(n), probability: probability) }
            blackHole(sum)
        }
    }
    // A probability that every run shares, drawn from tables (BinomialTables) or not, with the
    // number of trials moving as a month's does: the roadmap's waitlist (about 200 people,
    // 10% a month) and the first conditional of its paid-tier split (0 to 511 conversions,
    // share 0.6). The tables are made on the first draw of each n, inside the timing.
    let shared: [(String, ClosedRange<Int>, Double)] = [("n=180…219 p=0.1", 180...219, 0.1), ("n=0…511 p=0.6", 0...511, 0.6)]
    for (label, trials, p) in shared {
        for tabulated in [false, true] {
            Benchmark("binomialVariate \(label), \(tabulated ? "from tables" : "without tables")", configuration: configuration) { _ in
                let generator = RandomGenerator(.taus2, seed: 1)
                let tables = BinomialTables()
                let probability = tabulated ? tables.prepare(p) : BinomialProbability(p)
                var sum = 0.0, n = trials.lowerBound
                for _ in 0..<draws {
                    sum += generator.binomialVariate(trials: Double(n), probability: probability)
                    n = n == trials.upperBound ? trials.lowerBound : n + 7 <= trials.upperBound ? n + 7 : n + 1
                }
                blackHole(sum)
            }
        }
    }
    for mean in [30.0, 300.0, 5000.0] {
        Benchmark("gsl_ran_poisson mean=\(Int(mean)), taus2", configuration: configuration) { _ in
            let generator = RandomGenerator(.taus2, seed: 1)
            var sum: UInt32 = 0
            for _ in 0..<draws { sum &+= generator.poisson(mean: mean) }
            blackHole(sum)
        }
        Benchmark("poissonVariate mean=\(Int(mean)), taus2", configuration: configuration) { _ in
            let generator = RandomGenerator(.taus2, seed: 1)
            var sum = 0.0
            for _ in 0..<draws { sum += generator.poissonVariate(mean: mean) }
            blackHole(sum)
        }
    }
}
