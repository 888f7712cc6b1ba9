// swift-tools-version: 6.1
// Benchmarks for capsim (ordo-one/benchmark). A package of its own so that the main
// package's build and tests do not pay for the benchmark harness.
//
//   cd Benchmarks && swift package benchmark                # run all
//   swift package benchmark --filter Projection             # one suite
//   swift package benchmark baseline check --check-absolute-path Thresholds   # CI-style threshold check
import PackageDescription

let package = Package(
    name: "capsim-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "capsim", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "Projection",
            dependencies: [
                .product(name: "CapsimKit", package: "capsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Projection",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MonteCarlo",
            dependencies: [
                .product(name: "CapsimKit", package: "capsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MonteCarlo",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Insert",
            dependencies: [
                .product(name: "CapsimKit", package: "capsim"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/Insert",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Randomness",
            dependencies: [
                .product(name: "GSLKit", package: "capsim"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Randomness",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
