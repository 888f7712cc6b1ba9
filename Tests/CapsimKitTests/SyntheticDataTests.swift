@testable import CapsimKit
import Foundation
import GRDB
import Testing

@Suite("Synthetic data for a projected month")
struct SyntheticDataTests {
    static let scenario = """
        start: 2025-01
        horizon_months: 6
        tiers:
          - {name: free, price: 0, churn: 0.05, messages_per_active_day: 10, daily_quota: 8}
          - {name: starter, price: 19, share: 0.7, churn: 0.03, messages_per_active_day: 20}
          - {name: team, price: 99, share: 0.3, churn: 0.02, messages_per_active_day: 40}
        conversion_rate: 0.03
        users: {free: 600, starter: 40, team: 10, waitlist: 50}
        acquisition: {cac: 5, activation_rate: 0.6, referral_rate: 0.02}
        usage: {stickiness: 0.3, events_per_message: 1.5, events_per_user: 4, archive_after_months: 1, message_chars: 120}
        marketing: [{phase: 0, spend: 500}]
        infrastructure: {supabase: {plans: [{name: p, price: 0}]}}
        phases: [{name: one}]
        """

    static func generate(seed: UInt64) throws -> (Projection, SQLiteSchema) {
        let projection = try Simulator.project(try Fixtures.scenario(scenario))
        let schema = try SQLiteSchema(migrations: Fixtures.path("migrations"))
        try SyntheticData(projection: projection, options: DataOptions(month: 6, seed: seed)).generate(into: schema)
        return (projection, schema)
    }

    @Test("Users per tier, paid users, MRR and messages per day recomputed by SQL agree with the month within 1%")
    func matchesProjection() throws {
        let (projection, schema) = try Self.generate(seed: 3)
        let row = projection.rows[6]
        try schema.queue.read { db in
            for (index, tier) in ["free", "starter", "team"].enumerated() {
                // Active accounts (MAU) signed in during the month.
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM profiles p JOIN auth_users u ON u.id = p.id WHERE p.tier = ? AND u.last_sign_in_at >= '2025-07-01'", arguments: [tier])!
                #expect(abs(Double(count) - row.usersByTier[index]) <= max(1, 0.01 * row.usersByTier[index]), "\(tier): \(count) vs \(row.usersByTier[index])")
            }
            let paid = try Int.fetchOne(db, sql: "SELECT count(DISTINCT user_id) FROM subscriptions WHERE status = 'active'")!
            #expect(abs(Double(paid) - row.paidUsers) <= max(1, 0.01 * row.paidUsers))
            let mrr = try Double.fetchOne(db, sql: "SELECT sum(amount) FROM subscription_history WHERE status = 'active'")!
            #expect(abs(mrr - row.mrr) <= 0.01 * row.mrr, "MRR \(mrr) vs \(row.mrr)")
            // Month 6 is 2025-07: 31 days.
            let messages = try Int.fetchOne(db, sql: "SELECT count(*) FROM chat_messages WHERE created_at >= '2025-07-01' AND created_at < '2025-08-01'")!
            let perDay = Double(messages) / 31
            #expect(abs(perDay - row.messagesPerDay) <= 0.01 * row.messagesPerDay, "messages/day \(perDay) vs \(row.messagesPerDay)")
            let accounts = try Int.fetchOne(db, sql: "SELECT count(*) FROM auth_users")!
            #expect(abs(Double(accounts) - row.cumulativeSignups) <= 1)
            // The clock is the end of the month: DAU today is the last day's.
            let today = try String.fetchOne(db, sql: "SELECT date(now())")
            #expect(today == "2025-07-31")
            // The rows are written as B-tree pages (BulkLoad, which checks no foreign key):
            // the database is sound and every reference resolves.
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }

    @Test("Every live month has the model's messages and events, not only the last")
    func liveWindowMatchesProjection() throws {
        // No archiving: months 1 to 6 are all in the live tables.
        let scenario = try Fixtures.scenario(Self.scenario.replacingOccurrences(of: "archive_after_months: 1, ", with: ""))
        let projection = try Simulator.project(scenario)
        let schema = try SQLiteSchema(migrations: Fixtures.path("migrations"))
        let data = try SyntheticData(projection: projection, options: DataOptions(month: 6, seed: 4))
        try data.generate(into: schema)
        try schema.queue.read { (db: Database) throws -> Void in
            for month in 1...6 {
                let first = scenario.start.adding(months: month), next = scenario.start.adding(months: month + 1)
                let range = ["\(first)-01", "\(next)-01"]
                let row = projection.rows[month]
                // The model's messages per day over the calendar month; its events per message and per user.
                let days = Double(Timestamp.daysFromCivil(next.year, next.month, 1) - Timestamp.daysFromCivil(first.year, first.month, 1))
                let messages = row.messagesPerDay * days
                let events = messages * scenario[scenario.usage.eventsPerMessage] + row.events - row.messages * scenario[scenario.usage.eventsPerMessage]
                let sql = "SELECT count(*) FROM %@ WHERE created_at >= ? AND created_at < ?"
                let generatedMessages = try Int.fetchOne(db, sql: String(format: sql, "chat_messages"), arguments: StatementArguments(range))!
                let generatedEvents = try Int.fetchOne(db, sql: String(format: sql, "analytics_events"), arguments: StatementArguments(range))!
                // Poisson noise only (activity is normalised): 3% is more than 4 standard deviations here.
                #expect(abs(Double(generatedMessages) - messages) <= 0.03 * messages, "month \(month): \(generatedMessages) messages vs \(messages)")
                #expect(abs(Double(generatedEvents) - events) <= 0.03 * events, "month \(month): \(generatedEvents) events vs \(events)")
            }
        }
    }

    @Test("The same seed gives identical rows; another seed does not")
    func deterministic() throws {
        let a = try Self.generate(seed: 5).1.tablesAsCSV().map(\.csv)
        let b = try Self.generate(seed: 5).1.tablesAsCSV().map(\.csv)
        #expect(a == b)
        let c = try Self.generate(seed: 6).1.tablesAsCSV().map(\.csv)
        #expect(a != c)
    }

    @Test("A month that does not fit in memory is refused with the scale that would")
    func refusesTooLarge() throws {
        let projection = try Simulator.project(try Fixtures.scenario(Self.scenario))
        let schema = try SQLiteSchema(migrations: Fixtures.path("migrations"))
        let data = try SyntheticData(projection: projection, options: DataOptions(month: 6, memoryLimit: 1e6))
        #expect { try data.generate(into: schema) } throws: { error in
            "\(error)".contains("over the 0.0 GB limit; what fits is --scale")
        }
        #expect(data.scale(forMaxRows: 1000) < 1)
    }

    @Test("--max-rows is a cap: no table gets more rows, the largest comes close, and a count over it is generated again lower",
          arguments: [0.0, 3])
    func maxRowsIsACap(spread: Double) throws {
        let projection = try Simulator.project(try Fixtures.scenario(Self.scenario))
        let maxRows = 1500
        var lowered = 0
        for seed: UInt64 in 1...6 {
            let options = DataOptions(month: 6, seed: seed)
            let planned = try SyntheticData(projection: projection, options: options).scale(forMaxRows: maxRows, spread: spread)
            let (data, _, counts) = try SyntheticData.generate(projection, options: options, maxRows: maxRows, spread: spread) {
                try SQLiteSchema(migrations: Fixtures.path("migrations"))
            }
            let largest = try #require(counts.largest)
            #expect(largest.rows <= maxRows, "seed \(seed): \(largest)")
            #expect(largest.rows >= maxRows * 85 / 100, "seed \(seed): \(largest)")
            #expect(data.options.scale <= planned)
            if data.options.scale < planned { lowered += 1 }
        }
        // With no room for the spread, about half the first tries draw more than the cap.
        if spread == 0 { #expect(lowered > 0) }
    }

    @Test("Storage is measured from the pages SQLite uses; longer messages weigh more")
    func storage() throws {
        let short = try Fixtures.scenario(Self.scenario)
        let long = try Fixtures.scenario(Self.scenario.replacingOccurrences(of: "message_chars: 120", with: "message_chars: 1200"))
        let migrations = Fixtures.path("migrations")
        let a = try SyntheticData.measure(short, month: 2, maxRows: 5000, migrations: migrations)
        let b = try SyntheticData.measure(long, month: 2, maxRows: 5000, migrations: migrations)
        let perMessageShort = try #require(a.bytesPerMessage), perMessageLong = try #require(b.bytesPerMessage)
        #expect(perMessageShort > 120)
        // About 1,080 more characters of content per message, give or take page slack.
        #expect(perMessageLong - perMessageShort > 800 && perMessageLong - perMessageShort < 1500, "\(perMessageShort) → \(perMessageLong)")
        #expect((a.bytesPerEvent ?? 0) > 50 && (a.bytesPerAccount ?? 0) > 50)
        // Reprojecting with the measured sizes changes the database size, nothing else.
        let measured = short.withMeasuredStorage(a)
        #expect(measured[measured.usage.bytesPerMessage] == perMessageShort)
        let before = try Simulator.project(short).rows[6], after = try Simulator.project(measured).rows[6]
        #expect(before[.dbBytes] != after[.dbBytes])
        #expect(before.users == after.users && before.mrr == after.mrr)
    }
}


@Suite("A product's tiers in the schema's tier columns")
struct SchemaTierTests {
    /// A product with the given paid tiers (name and extra keys), each with an equal share.
    static func product(_ paid: [(name: String, extra: String)], free: String = "") -> String {
        let tiers = paid.map { "  - {name: \($0.name), price: 10, share: \(1.0 / Double(paid.count)), churn: 0.02, messages_per_active_day: 5\($0.extra)}" }
        return """
            start: 2025-01
            horizon_months: 3
            tiers:
              - {name: hobby, price: 0, churn: 0.05, messages_per_active_day: 3\(free)}
            \(tiers.joined(separator: "\n"))
            conversion_rate: 0.1
            users: {hobby: 200}
            acquisition: {cac: 5, activation_rate: 0.6}
            usage: {stickiness: 0.3}
            marketing: [{phase: 0, spend: 500}]
            infrastructure: {supabase: {plans: [{name: p, price: 0}]}}
            phases: [{name: one}]
            """
    }

    @Test("Own names are kept, the rest take the untaken paid tiers in order", arguments: [
        (["starter", "pro", "team"], ["free", "starter", "pro", "team"]),
        (["basic", "pro", "max"], ["free", "starter", "pro", "team"]),
        (["team", "gold"], ["free", "team", "starter"]),
        (["solo"], ["free", "starter"]),
    ])
    func mapping(paid: [String], expected: [String]) throws {
        let scenario = try Fixtures.scenario(Self.product(paid.map { ($0, "") }))
        #expect(try SchemaTiers.mapping(for: scenario) == expected)
    }

    @Test("More paid tiers than the schema has are refused unless each is mapped; explicit tiers may share")
    func tooManyTiers() throws {
        let five = ["a", "b", "c", "d", "e"]
        let unmapped = try Fixtures.scenario(Self.product(five.map { ($0, "") }))
        #expect(throws: SchemaError.self) { try SchemaTiers.mapping(for: unmapped) }
        do { _ = try SchemaTiers.mapping(for: unmapped) } catch {
            #expect(error.description.contains("tiers.d:"), "\(error.description)")
            #expect(error.description.contains("inline.yaml:"), "names the file: \(error.description)")
            #expect(error.description.contains("schema_tier"))
        }
        let mapped = try Fixtures.scenario(Self.product(zip(five, ["starter", "starter", "pro", "pro", "team"]).map { ($0, ", schema_tier: \($1)") }))
        #expect(try SchemaTiers.mapping(for: mapped) == ["free", "starter", "starter", "pro", "pro", "team"])
    }

    @Test("A schema tier of the wrong kind or not in the schema is refused at validation", arguments: [
        (Self.product([("plus", "")], free: ", schema_tier: pro"), "the free tier is stored as 'free'"),
        (Self.product([("plus", ", schema_tier: free")]), "a paid tier is stored as one of starter, pro, team"),
        (Self.product([("plus", ", schema_tier: gold")]), "gold"),
    ])
    func validation(yaml: String, message: String) {
        let diagnostics = Fixtures.diagnostics(yaml)
        #expect(diagnostics.contains { $0.message.contains(message) && $0.keyPath.hasSuffix("schema_tier") }, "\(diagnostics)")
    }

    @Test("Organizations belong to the tiers stored as team, whatever their position")
    func organizations() throws {
        let scenario = try Fixtures.scenario(Self.product([("business", ", schema_tier: team"), ("plus", ", schema_tier: pro")]))
        let projection = try Simulator.project(scenario)
        let schema = try SQLiteSchema(migrations: Fixtures.path("migrations"))
        let data = try SyntheticData(projection: projection, options: DataOptions(month: 3, seed: 1))
        try data.generate(into: schema)
        let business = projection.rows[3].usersByTier[1]
        try schema.queue.read { db in
            let organizations = try Int.fetchOne(db, sql: "SELECT count(*) FROM organizations")!
            #expect(organizations > 0 && Double(organizations) == business.rounded(), "\(organizations) vs \(business)")
            let plus = try Int.fetchOne(db, sql: "SELECT count(*) FROM profiles WHERE tier = 'pro'")!
            #expect(plus > 0)
        }
    }
}
