import Benchmark
import CapsimKit
import Foundation

/// The repository root (this file is Benchmarks/Benchmarks/Projection/Projection.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let benchmarks: @Sendable () -> Void = {
    let path = repositoryRoot.appendingPathComponent("scenarios/mirai-roadmap.yaml").path
    // Target (issue 2): under 1 ms per 60-month projection in-process.
    Benchmark("Deterministic projection, 60 months, mirai-roadmap",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
                                   maxDuration: .seconds(3))) { benchmark in
        let scenario = try Scenario.load(path: path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(Simulator.project(scenario))
        }
    }
    Benchmark("Load and validate mirai-roadmap.yaml",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Scenario.load(path: path))
        }
    }
    Benchmark("Projection rendered as CSV",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(3))) { benchmark in
        let projection = Simulator.project(try Scenario.load(path: path))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(projection.csv())
        }
    }
}
