// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "capsim",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CapsimKit", targets: ["CapsimKit"]),
        .library(name: "GSLKit", targets: ["GSLKit"]),
        .executable(name: "capsim", targets: ["capsim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // GSL as a C module: the system's libgsl (apt package libgsl-dev, installed by `make`).
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        // The only module that touches GSL: random numbers, distributions, statistics, fitting.
        .target(name: "GSLKit", dependencies: ["CGSL"]),
        // libpq as a C module (apt package libpq-dev): the PostgreSQL engine's connection and COPY.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // The engine: scenario loading and validation, the projection, report rendering.
        // It never prints; the executable renders what it returns.
        .target(
            name: "CapsimKit",
            dependencies: [
                "GSLKit",
                "CLibPQ",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The command-line tool: parses arguments, calls CapsimKit, writes output.
        .executableTarget(
            name: "capsim",
            dependencies: [
                "CapsimKit",
                "GSLKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CapsimKitTests", dependencies: ["CapsimKit", "GSLKit", "CGSL"], exclude: ["Snapshots", "Fixtures"]),
        // End-to-end tests run the built `capsim` binary; the dependency makes `swift test` build it.
        .testTarget(name: "CapsimCLITests", dependencies: ["capsim"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
