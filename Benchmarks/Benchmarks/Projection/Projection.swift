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
            blackHole(try Simulator.project(scenario))
        }
    }
    // Target (issue 24): a three-parameter fit to 24 months in under 200 deterministic runs'
    // time, i.e. this benchmark's time ÷ the 60-month projection's above < 200.
    Benchmark("Calibration, 3 parameters, 24 months of mirai-roadmap (no back-test)",
              configuration: .init(metrics: [.wallClock, .cpuTotal], maxDuration: .seconds(10))) { benchmark in
        let (scenario, actuals, requests) = try calibrationInputs(path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try Calibration.fit(scenario, actuals: actuals, fitting: requests, holdout: 0))
        }
    }
    Benchmark("Calibration, as above, with the default back-test (refit on 18 months)",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(10))) { benchmark in
        let (scenario, actuals, requests) = try calibrationInputs(path)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try Calibration.fit(scenario, actuals: actuals, fitting: requests))
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
        let projection = try Simulator.project(try Scenario.load(path: path))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(projection.csv())
        }
    }
}

/// The scenario at `path`, 24 months of its users_total, paid_users, mrr_usd and signups at
/// referral 0.12, conversion 0.03 and free churn 0.15 (each cell times 1 + 1% of a fixed
/// zig-zag), and the requests to fit those three keys.
func calibrationInputs(_ path: String) throws -> (Scenario, Actuals, [FitRequest]) {
    let scenario = try Scenario.load(path: path)
    let truth = ["acquisition.referral_rate": 0.12, "conversion_rate": 0.03, "tiers.free.churn": 0.15]
    var values = scenario.parameters.values
    for (key, value) in truth { values[scenario.parameters.id(of: key)!.index] = value }
    let projection = try Simulator.project(scenario, values: values)
    let columns = ["users_total", "paid_users", "mrr_usd", "signups"]
    var text = "month," + columns.joined(separator: ",") + "\n"
    for t in 1...24 {
        let cells = columns.enumerated().map { index, column in
            projection.value(column: column, month: t)! * (1 + 0.01 * sin(Double(7 * t + 3 * index)))
        }
        text += "\(scenario.start.adding(months: t))," + cells.map { "\($0)" }.joined(separator: ",") + "\n"
    }
    return (scenario, try Actuals.parse(text, path: "actuals.csv", for: scenario),
            truth.keys.sorted().map { FitRequest(keyPath: $0) })
}
