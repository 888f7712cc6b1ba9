import CapsimKit
import Foundation
import Testing

@Suite("Scenario loading and validation")
struct ScenarioLoadingTests {
    @Test("The minimal fixture is valid and takes the documented defaults")
    func minimalDefaults() throws {
        let scenario = try Fixtures.scenario(Fixtures.minimal)
        #expect(scenario.horizonMonths == 12)
        #expect(scenario.value("cash.initial") == 0)
        #expect(scenario.tiers.allSatisfy { $0.share == nil }, "a single paid tier takes every conversion without a share")
        #expect(scenario.usage.archiveTo == .database)
        #expect(scenario[scenario.usage.messageChars] == 300)
        #expect(scenario.supabase.policy == .thresholds)
        #expect(scenario[scenario.acquisition.marketSize] == nil)
        #expect(scenario.monteCarlo == nil)
        #expect(scenario.monteCarloOrDefault == MonteCarloSettings(runs: 1000, seed: 1))
    }

    @Test("Sizes take SI and IEC units or plain bytes", arguments: [
        ("2 KB", 2000.0), ("8 GB", 8e9), ("500MB", 5e8), ("1 KiB", 1024), ("1.5 GB", 1.5e9), ("4096", 4096), ("12 B", 12),
    ])
    func sizes(text: String, bytes: Double) throws {
        let scenario = try Fixtures.scenario(Fixtures.minimal.replacingOccurrences(
            of: "usage: {stickiness: 0.3}", with: "usage: {stickiness: 0.3, bytes_per_message: \(text)}"))
        #expect(scenario[scenario.usage.bytesPerMessage] == bytes)
    }

    @Test("Distributions are accepted; deterministic mode uses their mean")
    func distributionMeans() throws {
        let yaml = Fixtures.minimal.replacingOccurrences(of: "conversion_rate: 0.05", with: """
            conversion_rate: {dist: beta, mean: 0.04, sd: 0.01}
            """).replacingOccurrences(of: "acquisition: {cac: 10, activation_rate: 0.5}", with: """
            acquisition:
              cac: {dist: lognormal, p10: 5, p90: 20}
              activation_rate: {dist: pert, min: 0.3, mode: 0.5, max: 0.9}
              referral_rate: {dist: triangular, min: 0, mode: 0.03, max: 0.06}
              waitlist_joins: {dist: uniform, min: 10, max: 30}
              waitlist_conversion: {dist: normal, mean: 0.1, sd: 0.02}
              market_size: {dist: lognormal, median: 1000000, sigma: 0.5}
            """)
        let scenario = try Fixtures.scenario(yaml)
        #expect(abs(scenario[scenario.conversionRate] - 0.04) < 1e-12)
        // lognormal p10/p90: mu = (ln 5 + ln 20)/2 = ln 10, sigma = ln 4 / (2 × 1.28155); mean = e^(mu + sigma²/2)
        let sigma = log(4.0) / (2 * 1.2815515655446004)
        #expect(abs(scenario[scenario.acquisition.cac] - 10 * exp(sigma * sigma / 2)) < 1e-9)
        let pertMean = (0.3 + 4 * 0.5 + 0.9) / 6
        #expect(abs(scenario[scenario.acquisition.activationRate] - pertMean) < 1e-12)
        #expect(abs(scenario[scenario.acquisition.referralRate] - 0.03) < 1e-12)
        #expect(scenario[scenario.acquisition.waitlistJoins] == 20)
        #expect(scenario[scenario.acquisition.waitlistConversion] == 0.1)
        #expect(abs(scenario[scenario.acquisition.marketSize]! - 1e6 * exp(0.125)) < 1e-6)
        #expect(scenario.uncertainKeyPaths == [
            "conversion_rate", "acquisition.market_size", "acquisition.cac", "acquisition.referral_rate",
            "acquisition.waitlist_conversion", "acquisition.waitlist_joins", "acquisition.activation_rate",
        ])
        // New values reach the fields they are declared for.
        let copy = scenario.with(values: scenario.parameters.values.map { _ in 0.5 })
        #expect(copy[copy.acquisition.marketSize] == 0.5 && copy[copy.conversionRate] == 0.5)
    }

    /// (replace this, with that, expect a message containing, on this line)
    static let brokenCases: [(String, String, String, Int)] = [
        ("conversion_rate: 0.05", "conversion_rate: 1.4", "conversion_rate: must be between 0 and 1, got 1.4", 6),
        ("conversion_rate: 0.05", "conversion_rate: lots", "conversion_rate: expected a number, got 'lots'", 6),
        ("conversion_rate: 0.05", "conversion_rate: 5%", "write rates as fractions", 6),
        ("price: 20,", "price: -20,", "tiers.paid.price: must be between 0 and 1000000, got -20", 5),
        ("price: 20,", "price: $20,", "write money as a plain number of dollars", 5),
        ("price: 20,", "price: 0,", "only the first tier may be free (price 0)", 5),
        ("{name: free, price: 0,", "{name: free, price: 5,", "the first tier is the free tier and must have price 0", 4),
        ("churn: 0.05, messages", "churn: 0.05, share: 0.4, messages", "the shares of the paid tiers must sum to 1, got 0.4", 4),
        ("usage: {stickiness: 0.3}", "usage: {stickiness: 0.3, bytes_per_message: 4 XB}", "expected a size such as '2 KB'", 9),
        ("usage: {stickiness: 0.3}", "usage: {stickness: 0.3}", "unknown key 'stickness'; did you mean 'stickiness'?", 9),
        ("usage: {stickiness: 0.3}", "usage: {}", "usage.stickiness: missing required key 'stickiness'", 9),
        ("start: 2025-01", "start: January", "start: expected a month as YYYY-MM", 1),
        ("horizon_months: 12", "horizon_months: 12.5", "horizon_months: expected a whole number between 1 and 1200, got '12.5'", 2),
        ("users: {free: 100}", "users: {fre: 100}", "users.fre: unknown key 'fre'; did you mean 'free'?", 7),
        ("acquisition: {cac: 10,", "acquisition: {cac: {dist: normal, mean: 10, sd: 0},", "sd must be greater than 0", 8),
        ("acquisition: {cac: 10,", "acquisition: {cac: {dist: lognormal, p10: 20, p90: 5},", "p10 (20) must be less than p90 (5)", 8),
        ("acquisition: {cac: 10,", "acquisition: {cac: {dist: uniform, min: 20, max: 5},", "min (20) must be less than max (5)", 8),
        ("acquisition: {cac: 10,", "acquisition: {cac: {dist: gamma, k: 2},", "unknown distribution 'gamma'", 8),
        ("activation_rate: 0.5}", "activation_rate: {dist: beta, mean: 0.5, sd: 0.6}}", "no beta has mean 0.5 and sd 0.6", 8),
        ("marketing: [{phase: 0, spend: 100}]", "marketing: [{phase: growth, spend: 100}]", "unknown phase 'growth'", 10),
        ("marketing: [{phase: 0, spend: 100}]", "marketing: [{phase: 3, spend: 100}]", "there is no phase 3", 10),
    ]

    @Test("Each broken scenario is reported with file:line, key path and what is expected",
          arguments: brokenCases)
    func brokenScenario(original: String, replacement: String, message: String, line: Int) throws {
        #expect(Fixtures.minimal.contains(original), "fixture lacks '\(original)'")
        let diagnostics = Fixtures.diagnostics(Fixtures.minimal.replacingOccurrences(of: original, with: replacement), name: "broken.yaml")
        let match = diagnostics.first { $0.description.contains(message) }
        #expect(match != nil, "no diagnostic contains '\(message)'; got \(diagnostics.map(\.description))")
        #expect(match?.location?.line == line)
        #expect(match?.location?.file == "broken.yaml")
        #expect(match?.description.hasPrefix("broken.yaml:\(line):") == true)
    }

    @Test("Every error of a file is reported, in source order, each with its line shown under a caret")
    func allErrors() {
        let yaml = Fixtures.minimal
            .replacingOccurrences(of: "conversion_rate: 0.05", with: "conversion_rate: 2")
            .replacingOccurrences(of: "usage: {stickiness: 0.3}", with: "usage: {stickiness: -1}")
            .replacingOccurrences(of: "horizon_months: 12", with: "horizon_months: 0")
        let diagnostics = Fixtures.diagnostics(yaml, name: "many.yaml")
        #expect(diagnostics.map { $0.location?.line ?? 0 } == [2, 6, 9])
        let text = diagnostics[1].description
        #expect(text == """
            many.yaml:6:18: error: conversion_rate: must be between 0 and 1, got 2
                conversion_rate: 2
                                 ^
            """)
    }

    @Test("Invalid YAML names the line")
    func invalidYAML() {
        let diagnostics = Fixtures.diagnostics("start: 2025-01\ntiers: [unclosed\n", name: "yaml.yaml")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.description.contains("invalid YAML") == true)
        #expect(diagnostics.first?.location?.file == "yaml.yaml")
    }

    @Test("A phase condition cannot use phase_at_least")
    func phaseSelfReference() {
        let diagnostics = Fixtures.diagnostics(Fixtures.minimal + "\n  - {name: two, when: {phase_at_least: 0}}")
        #expect(diagnostics.first?.message == "a phase's condition cannot depend on the phase itself")
    }
}

@Suite("extends, --set and catalogs")
struct ScenarioCompositionTests {
    /// A temporary directory with the given files, removed afterwards.
    static func withFiles(_ files: [String: String], _ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try body(directory)
    }

    @Test("extends: maps merge key by key, named lists by name")
    func extendsMerges() throws {
        try Self.withFiles([
            "base.yaml": Fixtures.minimal,
            "child.yaml": """
                extends: base.yaml
                usage: {bytes_per_message: 2 KB}
                tiers:
                  - {name: free, churn: 0.2}
                  - {name: team, price: 99, share: 0.25, churn: 0.01, messages_per_active_day: 50}
                  - {name: paid, share: 0.75}
                """,
            "removing.yaml": """
                extends: child.yaml
                tiers:
                  - {name: team, remove: true}
                  - {name: paid, share: 1}
                """,
        ]) { directory in
            let scenario = try Scenario.load(path: directory.appendingPathComponent("child.yaml").path)
            #expect(scenario[scenario.usage.stickiness] == 0.3, "kept from the parent map")
            #expect(scenario[scenario.usage.bytesPerMessage] == 2000, "added by the child")
            #expect(scenario.tiers.map(\.name) == ["free", "paid", "team"], "named entries merge by name; new names are appended")
            #expect(scenario.value("tiers.free.churn") == 0.2 && scenario.value("tiers.free.messages_per_active_day") == 5,
                    "an entry overrides only the keys it gives")
            #expect(scenario.value("tiers.paid.price") == 20 && scenario.value("tiers.paid.share") == 0.75)
            #expect(scenario.name == "child")
            let removed = try Scenario.load(path: directory.appendingPathComponent("removing.yaml").path)
            #expect(removed.tiers.map(\.name) == ["free", "paid"], "remove: true drops an entry")
        }
    }

    @Test("Under extends a distribution replaces the parent's value whole, and errors point at the child")
    func extendsReplacesDistributions() throws {
        try Self.withFiles([
            "base.yaml": Fixtures.minimal.replacingOccurrences(of: "acquisition: {cac: 10,", with: "acquisition: {cac: {dist: lognormal, p10: 4, p90: 9},"),
            "child.yaml": "extends: base.yaml\nacquisition:\n  cac: {dist: uniform, min: 5, max: 7}\n",
            "bad.yaml": "extends: base.yaml\nacquisition:\n  cac: {dist: normal, mean: 5, sd: -1}\n",
        ]) { directory in
            let scenario = try Scenario.load(path: directory.appendingPathComponent("child.yaml").path)
            #expect(scenario.uncertainties.first.map { scenario.parameters[$0].distribution } == .uniform(min: 5, max: 7))
            #expect { try Scenario.load(path: directory.appendingPathComponent("bad.yaml").path) } throws: { error in
                "\(error)".contains("bad.yaml:3:8: error: acquisition.cac: invalid normal distribution: sd must be greater than 0")
            }
        }
    }

    @Test("A cyclic extends is an error naming the cycle")
    func cyclicExtends() throws {
        try Self.withFiles([
            "a.yaml": "extends: b.yaml\n",
            "b.yaml": "extends: a.yaml\n",
        ]) { directory in
            let path = directory.appendingPathComponent("a.yaml").path
            #expect {
                try Scenario.load(path: path)
            } throws: { error in
                let text = "\(error)"
                return text.contains("cyclic 'extends': a.yaml -> b.yaml -> a.yaml") && text.contains("b.yaml:1:10")
            }
        }
    }

    @Test("A missing parent is an error at the extends line")
    func missingParent() throws {
        try Self.withFiles(["a.yaml": "extends: nowhere.yaml\n"]) { directory in
            #expect { try Scenario.load(path: directory.appendingPathComponent("a.yaml").path) } throws: { error in
                "\(error)".contains("a.yaml:1:10: error: extends: cannot read scenario file") && "\(error)".contains("no such file")
            }
        }
    }

    @Test("--set overrides by key path, list index or element name, and is validated like the file")
    func overrides() throws {
        try Self.withFiles(["s.yaml": Fixtures.minimal]) { directory in
            let path = directory.appendingPathComponent("s.yaml").path
            let scenario = try Scenario.load(path: path, overrides: [
                "tiers.paid.churn=0.2", "tiers[0].price=0", "usage.bytes_per_message=3 KB", "cash.initial=500",
                "acquisition.cac={dist: uniform, min: 5, max: 15}",
            ])
            #expect(scenario.value("tiers.paid.churn") == 0.2)
            #expect(scenario[scenario.usage.bytesPerMessage] == 3000)
            #expect(scenario.value("cash.initial") == 500)
            #expect(scenario[scenario.acquisition.cac] == 10)
            #expect(scenario.uncertainKeyPaths == ["acquisition.cac"])
            #expect { try Scenario.load(path: path, overrides: ["tiers.paid.churn=2"]) } throws: { error in
                "\(error)".hasPrefix("--set:1:24: error: tiers.paid.churn: must be between 0 and 1, got 2")
            }
            #expect { try Scenario.load(path: path, overrides: ["tiers.gold.churn=0.1"]) } throws: { error in
                "\(error)".contains("the list has no element 'gold'")
            }
            #expect { try Scenario.load(path: path, overrides: ["nonsense"]) } throws: { error in
                "\(error)".contains("expected --set path.to.key=value")
            }
        }
    }

    @Test("Plans can come from a price catalog by name; unknown names are errors")
    func catalogPlans() throws {
        let catalog = """
            name: test catalog
            plans:
              - {name: free, price: 0, included: {db: 500 MB}, hard_limits: true}
              - {name: pro, price: 25, included: {db: 8 GB}, overage: {db_per_gb: 0.125}}
            """
        // The fixture's only plan sits at 6 spaces under `infrastructure.supabase.plans`.
        let scenario = Fixtures.minimal.replacingOccurrences(
            of: "- {name: free, price: 0}",
            with: "- {name: free, max_users: 50}\n      - pro\n    catalog: catalogs/prices.yaml")
        try Self.withFiles(["catalogs/prices.yaml": catalog, "s.yaml": scenario,
                            "bad.yaml": scenario.replacingOccurrences(of: "- pro", with: "- pr")]) { directory in
            let loaded = try Scenario.load(path: directory.appendingPathComponent("s.yaml").path)
            try #require(loaded.supabase.plans.map(\.name) == ["free", "pro"])
            #expect(loaded.value("infrastructure.supabase.plans.pro.price") == 25
                        && loaded.value("infrastructure.supabase.plans.free.max_users") == 50, "catalog plans, with overrides")
            #expect(loaded.value("infrastructure.supabase.plans.pro.included.db") == 8e9)
            #expect(loaded.supabase.plans[0].hasHardLimits)
            #expect { try Scenario.load(path: directory.appendingPathComponent("bad.yaml").path) } throws: { error in
                "\(error)".contains("unknown plan name 'pr'; did you mean 'pro'?")
            }
        }
    }

    @Test("Every scenario shipped in scenarios/ is valid")
    func shippedScenarios() throws {
        let directory = Fixtures.path("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 4)
        for file in files {
            _ = try Scenario.load(path: "\(directory)/\(file)")
        }
    }
}
