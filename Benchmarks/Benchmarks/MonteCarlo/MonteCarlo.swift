import Benchmark
import CapsimKit
import Foundation
import GSLKit

/// The repository root (this file is Benchmarks/Benchmarks/MonteCarlo/MonteCarlo.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let benchmarks: @Sendable () -> Void = {
    let path = repositoryRoot.appendingPathComponent("scenarios/mirai-roadmap.yaml").path
    let threads = ProcessInfo.processInfo.activeProcessorCount
    // Target (issue 3): 10,000 runs × 60 months of mirai-roadmap.yaml with its uncertain
    // parameters in at most 0.2 s wall on 2 cores, peak memory under 200 MB.
    for threadCount in Set([1, threads]).sorted() {
        Benchmark("10,000 runs × 60 months, \(threadCount) thread\(threadCount == 1 ? "" : "s")",
                  configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
                                       maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
            let scenario = try Scenario.load(path: path)
            benchmark.startMeasurement()
            let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 10_000, seed: 1, threads: threadCount))
            blackHole(result.summary())
        }
    }
    // The floor set by the random draws alone: every flow draw of the 10,000 runs (Poisson
    // arrivals, binomials, multinomial splits: about 9 a month), recorded once, then drawn
    // again without the engine (1 thread), from tables where Monte Carlo uses them. Issue 3's
    // 0.2 s on 2 cores is 0.4 s of CPU.
    Benchmark("draws alone: the flow draws of 10,000 runs × 60 months, 1 thread",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
        let draws = recordedDraws(path: path)     // 5.4 M draws, 130 MB: recorded in each iteration, not timed
        benchmark.startMeasurement()
        let generator = RandomGenerator(.taus2, seed: 1)
        var flows = RandomFlows(generator: generator)
        var split = TierValues(repeating: 0, count: draws.shares.values.count)
        var total = 0.0
        withExtendedLifetime(draws.tables) {
            draws.probabilities.withUnsafeBufferPointer { probabilities in
                for call in draws.calls {
                    switch call.kind {
                    case .arrivals: total += flows.arrivals(mean: call.count)
                    case .successes: total += flows.successes(of: call.count, probability: probabilities[Int(call.probability)])
                    case .split:
                        flows.split(call.count, shares: draws.shares, into: &split)
                        total += split[0]
                    }
                }
            }
        }
        blackHole(total)
    }
    Benchmark("Bands of 10,000 runs (2,048 sampled) × 61 months × 33 metrics",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
        let scenario = try Scenario.load(path: path)
        let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 10_000, seed: 1, threads: threads))
        benchmark.startMeasurement()
        blackHole(result.bandsCSV())
    }
}

/// A flow draw of the engine: its kind and parameters.
struct RecordedDraw {
    enum Kind { case arrivals, successes, split }
    var kind: Kind
    var count: Double
    /// For successes: the index of its probability in the recording's table.
    var probability: Int32
}

/// RandomFlows that also records each draw's parameters.
struct RecordingFlows: Flows {
    var flows: RandomFlows
    var calls: [RecordedDraw] = []
    /// Distinct probabilities and their indices, by bit pattern.
    var probabilities: [Double] = []
    var indexOfProbability: [UInt64: Int32] = [:]

    mutating func initialCount(_ value: Double) -> Double { flows.initialCount(value) }

    mutating func arrivals(mean: Double) -> Double {
        calls.append(RecordedDraw(kind: .arrivals, count: mean, probability: -1))
        return flows.arrivals(mean: mean)
    }

    mutating func successes(of count: Double, probability: BinomialProbability) -> Double {
        let index = indexOfProbability[probability.value.bitPattern] ?? {
            probabilities.append(probability.value)
            indexOfProbability[probability.value.bitPattern] = Int32(probabilities.count - 1)
            return Int32(probabilities.count - 1)
        }()
        calls.append(RecordedDraw(kind: .successes, count: count, probability: index))
        return flows.successes(of: count, probability: probability)
    }

    mutating func split(_ count: Double, shares: Shares, into result: inout TierValues) {
        calls.append(RecordedDraw(kind: .split, count: count, probability: -1))
        flows.split(count, shares: shares, into: &result)
    }
}

/// Every flow draw of 10,000 Monte Carlo runs of the scenario at `path` (seed 1), as
/// `capsim run --runs 10000` makes them; the probabilities they draw with, prepared as Monte
/// Carlo prepares them (from tables when every run shares them: the scenario's own value,
/// not drawn), with the tables; and the paid tiers' shares (not uncertain there), whose
/// conditionals draw from tables.
func recordedDraws(path: String) -> (calls: [RecordedDraw], probabilities: [BinomialProbability], shares: Shares,
                                     tables: [BinomialTables]) {
    guard let scenario = try? Scenario.load(path: path) else { return ([], [], Shares(TierValues([])), []) }
    let options = MonteCarloOptions(runs: 10_000, seed: 1, threads: 1)
    let generator = RandomGenerator(options.algorithm)
    var recording = RecordingFlows(flows: RandomFlows(generator: generator))
    for run in 0..<options.runs {
        generator.seed(options.streamSeed(run: run))
        var drawn = scenario
        for uncertainty in scenario.uncertainties {
            uncertainty.target(&drawn, uncertainty.range.clamp(uncertainty.distribution.draw(using: generator)))
        }
        Simulator.simulate(drawn, flows: &recording) { _ in }
    }
    let undrawn = Set([scenario.acquisition.waitlistConversion, scenario.acquisition.activationRate, scenario.conversionRate]
                      + scenario.tiers.map(\.churn))
    var tables: [BinomialTables] = []
    let probabilities = recording.probabilities.map { p in
        guard undrawn.contains(p) else { return BinomialProbability(p) }
        tables.append(BinomialTables())
        return tables[tables.count - 1].prepare(p)
    }
    let values = TierValues(scenario.tiers.dropFirst().map(\.share))
    var shares = Shares(values)
    let conditionalTables = shares.conditionals.map { _ in BinomialTables() }
    shares.update(values) { conditionalTables[$0].prepare($1) }
    return (recording.calls, probabilities, shares, tables + conditionalTables)
}
