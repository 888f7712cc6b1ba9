import CapsimKit
import Foundation

/// Helpers shared by the engine tests.
enum Fixtures {
    /// The repository root (this file is Tests/CapsimKitTests/Fixtures.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Decodes a scenario written inline, as if it were the file `name`.
    static func scenario(_ yaml: String, name: String = "inline.yaml") throws -> Scenario {
        try Scenario.decode(ScenarioSource.parse(yaml: yaml, file: name), sourcePath: name)
    }

    /// The problems a scenario written inline has (empty when it is valid).
    static func diagnostics(_ yaml: String, name: String = "inline.yaml") -> [Diagnostic] {
        do {
            _ = try scenario(yaml, name: name)
            return []
        } catch let error as ScenarioError {
            return error.diagnostics
        } catch {
            return [Diagnostic(location: nil, keyPath: "", message: "\(error)")]
        }
    }

    /// A small valid scenario; tests change it with `replacing` or by appending keys.
    static let minimal = """
        start: 2025-01
        horizon_months: 12
        tiers:
          - {name: free, price: 0, churn: 0.1, messages_per_active_day: 5, daily_quota: 10}
          - {name: paid, price: 20, churn: 0.05, messages_per_active_day: 20}
        conversion_rate: 0.05
        users: {free: 100}
        acquisition: {cac: 10, activation_rate: 0.5}
        usage: {stickiness: 0.3}
        marketing: [{phase: 0, spend: 100}]
        infrastructure:
          supabase:
            plans:
              - {name: free, price: 0}
        phases:
          - name: start
        """
}

/// A small deterministic generator for randomised tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Scenario {
    /// The deterministic value of the parameter named `keyPath` (`tiers.paid.churn`); nil when
    /// the scenario has no such parameter.
    func value(_ keyPath: String) -> Double? { parameters.id(of: keyPath).map { self[$0] } }

    /// Key paths of the uncertain parameters, in file order.
    var uncertainKeyPaths: [String] { uncertainties.map { parameters[$0].keyPath } }
}
