import Benchmark
import CapsimKit
import Foundation

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
    Benchmark("Bands of 10,000 runs (2,048 sampled) × 61 months × 33 metrics",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
        let scenario = try Scenario.load(path: path)
        let result = MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 10_000, seed: 1, threads: threads))
        benchmark.startMeasurement()
        blackHole(result.bandsCSV())
    }
}
