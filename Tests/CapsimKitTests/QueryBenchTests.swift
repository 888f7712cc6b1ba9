import CapsimKit
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
        #expect(abs(fit.b - exponent) < 0.03, "b = \(fit.b)")
        #expect(abs(fit.a / 0.003 - 1) < 0.25)
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
        #expect(bench.timings.count == portable * 4)
        #expect(bench.timings.allSatisfy { !$0.plan.isEmpty && $0.medianMs >= 0 })
        #expect(bench.timingsCSV().hasPrefix("month,query,scale,rows_scanned_table,table_rows,median_ms,rows_returned,plan\r\n"))
        #expect(bench.fitsCSV().hasPrefix("query,a,b,r2,projected_ms_m6\r\n"))
        let messagesToday = try #require(bench.timings.first { $0.query == "messages_today" })
        #expect(messagesToday.table == "chat_messages")
        #expect(messagesToday.fullScans.contains("chat_messages"), "DATE(created_at) = CURRENT_DATE cannot use the index: \(messagesToday.plan)")
    }
}
