@testable import CapsimKit
import Foundation
import Testing

@Suite("Query timings and fits")
struct QueryBenchTests {
    @Test("Fitting recovers a known exponent from synthetic timings", arguments: [0.5, 1.0, 1.3, 2.0])
    func recoversExponent(exponent: Double) throws {
        var rng = SeededGenerator(seed: 11)
        let rows = [1000.0, 2000, 4000, 8000, 16000, 32000, 64000]
        // Timings of 0.003·rows^b with ±5% multiplicative noise.
        let ms = rows.map { 0.003 * pow($0, exponent) * Double.random(in: 0.95...1.05, using: &rng) }
        let fit = try #require(QueryBench.fit(rows: rows, ms: ms))
        #expect(abs(fit.slope - exponent) < 0.03, "b = \(fit.slope)")
        #expect(abs(exp(fit.intercept) / 0.003 - 1) < 0.25)
        #expect(fit.r2 > 0.99)
        #expect(QueryBench.fit(rows: [100, 100], ms: [1, 2]) == nil, "one size cannot be fitted")
    }

    @Test("Every portable query is timed at each scale with its plan; outputs have the documented columns")
    func smallRun() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let queries = try QueryFile.all(in: Fixtures.path("queries"))
        let bench = try QueryBench.run(scenario, months: [6], queries: queries, migrations: Fixtures.path("migrations"),
                                       maxRows: 2000, repeats: 1)
        let portable = queries.filter(\.isPortable).count
        #expect(bench.timings.count == portable * 5, "five scales")
        #expect(bench.scaleSpread >= 16 * 0.99, "the scales span 16×")
        #expect(bench.timings.allSatisfy { !$0.plan.isEmpty && ($0.medianMs ?? -1) >= 0 })
        #expect(bench.timingsCSV().hasPrefix("month,query,scale,engine,status,reason,rows_scanned_table,table_rows,median_ms,rows_returned,plan\r\n"))
        #expect(bench.timings.allSatisfy { $0.engine == .sqlite })
        #expect(bench.fitsCSV().hasPrefix("query,engine,table,a,b,r2,budget_ms,extrapolation_factor,first_month_over_budget,full_rows_m6,projected_ms_m6,low_ms_m6,high_ms_m6\r\n"))
        #expect(Set(bench.fits.map(\.query)).union(bench.unfitted.map(\.query)) == Set(queries.filter(\.isPortable).map(\.name)),
                "every query is fitted or says why not")
        let messagesToday = try #require(bench.timings.first { $0.query == "messages_today" })
        #expect(messagesToday.table == "chat_messages")
        #expect(messagesToday.scans.contains("chat_messages"), "DATE(created_at) = CURRENT_DATE cannot use the index: \(messagesToday.plan)")
    }

    @Test("A write timed in a rolled-back savepoint leaves no row behind, however often it runs")
    func writesRollBack() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let generated = try SyntheticData.generate(try Simulator.project(scenario), options: DataOptions(month: 6), maxRows: 2000) {
            try SQLiteSchema(migrations: Fixtures.path("migrations"))
        }
        let count = { try generated.schema.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM chat_messages") ?? -1 } }
        let before = try count()
        let send = try #require(try QueryFile.all(in: Fixtures.path("queries")).first { $0.name == "send_message" })
        let result = try QueryBench.time(send, in: generated.schema, month: 6, scale: 1, repeats: 4, timeout: 30)
        #expect(result.timing.status == .ok && result.timing.rowsReturned == 1)
        #expect(try count() == before, "the load's journal is back on, so the savepoint's rollback undoes the insert")
    }

    @Test("The proposed index: equality terms, then one range, then ordering; function(column) as an expression", arguments: [
        ("SELECT count(*) FROM chat_messages WHERE date(created_at) = date(now())", ["date(created_at)"]),
        ("SELECT * FROM chat_messages m WHERE m.user_id = ? AND m.created_at >= ? ORDER BY m.created_at DESC LIMIT 5", ["user_id", "created_at"]),
        ("SELECT * FROM chat_messages WHERE role = 'user' AND conversation_id IN (1, 2) ORDER BY id", ["role", "conversation_id", "id"]),
        ("SELECT user_id, count(*) FROM chat_messages GROUP BY user_id", ["user_id"]),
        ("SELECT count(*) FROM chat_messages", nil),
    ])
    func proposedIndex(sql: String, expected: [String]?) {
        let columns: Set<String> = ["id", "user_id", "conversation_id", "role", "created_at", "content"]
        #expect(QueryBench.proposedIndex(for: sql, table: "chat_messages", columns: columns) == expected)
    }

    @Test("Index advice: a full scan of a large table gets an index, created on the database and the query timed with it")
    func indexAdvice() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let queries = try QueryFile.all(in: Fixtures.path("queries")).filter { ["messages_today", "load_conversation"].contains($0.name) }
        let bench = try QueryBench.run(scenario, months: [24], queries: queries, migrations: Fixtures.path("migrations"), maxRows: 3000, repeats: 1)
        let advice = try #require(bench.indexAdvice.first { $0.query == "messages_today" }, "\(bench.indexAdvice)")
        #expect(advice.sql == "CREATE INDEX capsim_advice_chat_messages ON chat_messages (date(created_at))")
        #expect(advice.afterMs != nil && advice.planAfter.contains("capsim_advice_chat_messages"), "\(advice.planAfter)")
        #expect(!bench.indexAdvice.contains { $0.query == "load_conversation" }, "an index lookup stopped by LIMIT needs no advice")
        #expect(bench.summary().plainText().contains("Index advice"))
    }

    /// A queries directory holding `files` (name → text), removed by the caller.
    static func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-queries-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }

    @Test("Headers say how often a query runs and its budget; bad headers name the file")
    func headers() throws {
        let good = try Self.directory(["a.sql": "-- name: a\n-- portable: yes\n-- per: active_user_day\n-- count: 2.5\n-- budget_ms: 20\nSELECT 1;\n"])
        defer { try? FileManager.default.removeItem(at: good) }
        let query = try #require(try QueryFile.all(in: good.path).first)
        #expect(query.rate == .activeUserDay && query.count == 2.5 && query.budgetMs == 20)
        for (header, message) in [("-- per: hour", "'-- per:' must be one of message, active_user_day, account_month, got 'hour'"),
                                  ("-- per: message\n-- count: -1", "'-- count:' must be a number above 0"),
                                  ("-- budget_ms: nan", "'-- budget_ms:' must be a number above 0"),
                                  ("-- count: 3", "'-- count:' needs '-- per:'")] {
            let bad = try Self.directory(["b.sql": "-- name: b\n-- portable: yes\n\(header)\nSELECT 1;\n"])
            defer { try? FileManager.default.removeItem(at: bad) }
            #expect(throws: SchemaError.self) { try QueryFile.all(in: bad.path) }
            do { _ = try QueryFile.all(in: bad.path) } catch {
                #expect(error.description.contains(message), "\(error.description)")
                #expect(error.description.contains("b.sql"))
            }
        }
    }

    @Test("A failing or endless query is reported with its status and the run goes on; the budget month spans the horizon")
    func statusesAndBudget() throws {
        // Given a query that fails, one that runs far past its time limit, one that finds
        // nothing, and one whose own budget is passed as messages grow
        let directory = try Self.directory([
            "broken.sql": "-- name: broken\n-- portable: yes\nSELECT nothing FROM no_such_table;\n",
            "endless.sql": "-- name: endless\n-- portable: yes\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;\n",
            "empty.sql": "-- name: empty\n-- portable: yes\nSELECT id FROM chat_messages WHERE role = 'nobody';\n",
            "scan.sql": "-- name: scan\n-- portable: yes\n-- budget_ms: 5\nSELECT count(*) FROM chat_messages WHERE content LIKE '%zz%';\n",
            "overflow.sql": "-- name: overflow\n-- portable: yes\nSELECT now() - INTERVAL '1e15 days' FROM chat_messages LIMIT 1;\n",
            "percentile.sql": "-- name: percentile\n-- portable: yes\nSELECT PERCENTILE_CONT(1.5) WITHIN GROUP (ORDER BY prompt_tokens) FROM chat_messages;\n",
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        // When they are measured with a 50 ms limit
        let bench = try QueryBench.run(scenario, months: [6, 12], queries: try QueryFile.all(in: directory.path),
                                       migrations: Fixtures.path("migrations"), maxRows: 4000, repeats: 1, timeout: 0.05)
        // Then each appears in every month and scale with what became of it
        #expect(bench.timings.count == 6 * 2 * 5)
        func statuses(_ name: String) -> Set<QueryStatus> { Set(bench.timings.filter { $0.query == name }.map(\.status)) }
        #expect(statuses("broken") == [.error])
        #expect(bench.timings.first { $0.query == "broken" }!.reason.contains("no_such_table"))
        #expect(statuses("endless") == [.timedOut])
        #expect(statuses("empty") == [.noRows])
        #expect(statuses("scan") == [.ok])
        // SQL functions capsim registers raise SQL errors on overflow and out-of-range arguments
        #expect(statuses("overflow") == [.error])
        #expect(bench.timings.first { $0.query == "overflow" }!.reason.contains("overflow.sql: SQLite error 25: interval arithmetic: timestamp out of range"))
        #expect(statuses("percentile") == [.error])
        #expect(bench.timings.first { $0.query == "percentile" }!.reason.contains("percentile value 1.5 is not between 0 and 1"))
        #expect(Set(bench.unfitted.map(\.query)) == ["broken", "endless", "overflow", "percentile"])
        let summary = bench.summary().plainText()
        #expect(summary.contains("timed out at 5 of 5 scales (interrupted after 0.05 s (--query-timeout))"))
        // And the month over budget is the first month of the whole horizon whose projected
        // time passes 5 ms, not of the months asked, whatever the times measured (on a loaded
        // machine, or under the address sanitizer, the fit may not pass the budget at all)
        let fit = try #require(bench.fits.first { $0.query == "scan" })
        #expect(fit.budgetMs == 5)
        let projection = try Simulator.project(scenario)
        let over = try (1...scenario.horizonMonths).first { month in
            let rows = try SyntheticData(projection: projection, options: DataOptions(month: month)).expectedCounts()["chat_messages"]
            return rows > 0 && fit.projected(rows: Double(rows)) > 5
        }
        #expect(fit.firstMonthOverBudget == over)
    }

    @Test("measured.yaml extends the scenario with measured storage and the workload, and the projection uses them")
    func measuredScenario() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let queries = try QueryFile.all(in: Fixtures.path("queries")).filter { $0.rate != nil }
        #expect(Set(queries.map(\.name)) == ["send_message", "load_conversation", "quota_check", "list_conversations", "sign_in"])
        let bench = try QueryBench.run(scenario, months: [6, 12], queries: queries, migrations: Fixtures.path("migrations"),
                                       maxRows: 3000, repeats: 1)
        #expect(bench.workloadQueries.count == 5)
        #expect(bench.workloadQueries.allSatisfy { $0.growth?.table == .chatMessages })
        let directory = try Self.directory([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("measured.yaml")
        try Data(bench.measuredScenarioYAML(extending: Fixtures.path("scenarios/mirai-roadmap.yaml"), command: "capsim queries …", date: "2026-01-01").utf8)
            .write(to: file)
        let measured = try Scenario.load(path: file.path)
        #expect(measured.workload.queries.map(\.name).sorted() == queries.map(\.name).sorted())
        let bytes = try #require(bench.storage?.bytesPerMessage)
        #expect(abs(measured[measured.usage.bytesPerMessage] / bytes - 1) < 1e-5)
        let send = try #require(measured.workload.queries.first { $0.name == "send_message" })
        let fitted = try #require(bench.workloadQueries.first { $0.name == "send_message" }?.growth)
        guard case let .growing(a, b, table) = send.time else { Issue.record("send_message: not {a, b, table}"); return }
        #expect(abs(measured[a] / fitted.a - 1) < 1e-5 && abs(measured[b] - fitted.b) < 1e-5 && table == .chatMessages)
        let before = try Simulator.project(scenario).row(24), after = try Simulator.project(measured).row(24)
        #expect(after[.busyCores] > 0, "the measured workload keeps cores busy")
        #expect(after[.dbBytes] != before[.dbBytes], "storage follows the measured bytes per row")
    }
}
