// swift-tools-version: 6.1
// Benchmarks for capsim (ordo-one/benchmark). A package of its own so that the main
// package's build and tests do not pay for the benchmark harness.
//
//   cd Benchmarks && swift package benchmark                # run all
//   swift package benchmark --target MonteCarlo             # one suite
//   swift package benchmark baseline check --check-absolute-path Thresholds   # CI-style threshold check
import PackageDescription

/// A benchmark executable in Benchmarks/<name>, with the benchmark plugin.
func benchmark(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: dependencies + [.product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let capsimKit = Target.Dependency.product(name: "CapsimKit", package: "capsim")

let package = Package(
    name: "capsim-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "capsim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        benchmark("Projection", [capsimKit]),
        benchmark("MonteCarlo", [capsimKit, .product(name: "GSLKit", package: "capsim")]),
        benchmark("Insert", [capsimKit, .product(name: "GRDB", package: "GRDB.swift")]),
        benchmark("Randomness", [.product(name: "GSLKit", package: "capsim")]),
    ]
)
