import CapsimKit
import Foundation
import Testing

/// Snapshots of the default scenario's outputs. A change to the engine or the formats that
/// moves any byte fails here. To re-record after an intended change:
///
///     CAPSIM_RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests
///
/// then review the diff of Tests/CapsimKitTests/Snapshots/ before committing it.
@Suite("Snapshots of the default scenario")
struct SnapshotTests {
    static let directory = Fixtures.root.appendingPathComponent("Tests/CapsimKitTests/Snapshots")

    let projection: Projection

    init() throws {
        var scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        scenario.sourcePath = "scenarios/mirai-roadmap.yaml"   // as the README's command names it
        projection = try Simulator.project(scenario)
    }

    static func assertSnapshot(_ text: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CAPSIM_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return
        }
        guard let recorded = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no snapshot \(name); record it with CAPSIM_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        if recorded != text {
            let expected = recorded.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let actual = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let line = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.count, actual.count)
            let was = line < expected.count ? String(expected[line]) : "<end>"
            let now = line < actual.count ? String(actual[line]) : "<end>"
            Issue.record("\(name) differs at line \(line + 1):\n  snapshot: \(was)\n  now:      \(now)",
                         sourceLocation: sourceLocation)
        }
    }

    @Test func csv() throws { try Self.assertSnapshot(projection.csv(), named: "mirai-roadmap.csv") }

    @Test func json() throws { try Self.assertSnapshot(projection.json().serialized(), named: "mirai-roadmap.json") }

    @Test func markdown() throws { try Self.assertSnapshot(projection.summary().markdown(), named: "mirai-roadmap.md") }

    @Test func table() throws { try Self.assertSnapshot(projection.summary().plainText(), named: "mirai-roadmap.txt") }

    @Test("The CSV header is exactly the documented one")
    func csvHeader() {
        let header = projection.csv().prefix { $0 != "\r\n" && $0 != "\n" }
        #expect(header == "month,date,phase,users_total,users_free,users_starter,users_pro,users_team,paid_users,waitlist,signups,activated,churned,conversions,dau,concurrent,messages,messages_per_day,events,db_bytes,storage_bytes,egress_bytes,mrr_usd,payment_fees_usd,supabase_plan,compute_size,replicas,busy_cores,db_connections,pool_clients,working_set_bytes,compute_usd,supabase_usd,services_usd,team_usd,compliance_usd,marketing_usd,variable_usd,infra_usd,total_cost_usd,funding_usd,cash_usd,net_burn_usd,runway_months,burn_multiple,gross_margin,cost_per_user_usd")
        #expect(projection.csv().hasSuffix("\r\n"))
        #expect(projection.csv().components(separatedBy: "\r\n").count == projection.rows.count + 2)
    }
}
