// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "capsim",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CapsimKit", targets: ["CapsimKit"]),
        .executable(name: "capsim", targets: ["capsim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine: scenario loading and validation, the projection, report rendering.
        // It never prints; the executable renders what it returns.
        .target(
            name: "CapsimKit",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The command-line tool: parses arguments, calls CapsimKit, writes output.
        .executableTarget(
            name: "capsim",
            dependencies: [
                "CapsimKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CapsimKitTests", dependencies: ["CapsimKit"], exclude: ["Snapshots"]),
        // End-to-end tests run the built `capsim` binary; the dependency makes `swift test` build it.
        .testTarget(name: "CapsimCLITests", dependencies: ["capsim"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
