@testable import CapsimKit
import Foundation
import GSLKit
import Testing

/// `capsim report`'s charts and page. The chart snapshots are the SVG of each chart of a
/// small product that is not MIRAI (Fixtures/report-small.yaml). To re-record after an
/// intended change:
///
///     CAPSIM_RECORD_SNAPSHOTS=1 swift test --filter ReportTests
///
/// then open the SVGs in Tests/CapsimKitTests/Snapshots/report/ and review the diff.
@Suite("capsim report: charts and page")
struct ReportTests {
    static func small() throws -> Scenario {
        var scenario = try Scenario.load(path: Fixtures.path("Tests/CapsimKitTests/Fixtures/report-small.yaml"))
        scenario.sourcePath = "report-small.yaml"
        return scenario
    }

    static func report(_ scenario: Scenario, runs: Int? = nil) throws -> PlanningReport {
        let monteCarlo = try runs.map { try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: $0, seed: 7, threads: 2)) }
        let sensitivity = try Sensitivity.analyse(scenario, outcomes: PlanningReport.headlineOutcomes(for: scenario))
        return PlanningReport(projection: try Simulator.project(scenario), monteCarlo: monteCarlo, sensitivity: sensitivity,
                              queries: nil, actuals: nil, version: "test", date: "2026-01-01")
    }

    @Test("Each chart of the small scenario is the SVG recorded")
    func snapshots() throws {
        let deterministic = try Self.report(try Self.small())
        let monteCarlo = try Self.report(try Self.small(), runs: 200)
        var charts: [(String, String)] = [
            ("users-deterministic.svg", deterministic.fanChart(.usersTotal, title: "Accounts", unit: .count).svg()),
            ("users-monte-carlo.svg", monteCarlo.fanChart(.usersTotal, title: "Accounts", unit: .count).svg()),
            ("cash-monte-carlo.svg", monteCarlo.cashChart().svg()),
            ("cost.svg", deterministic.costChart().svg()),
            ("timeline.svg", deterministic.timelineChart().svg()),
            ("timeline-monte-carlo.svg", monteCarlo.timelineChart().svg()),
        ]
        charts += deterministic.capacityCharts().enumerated().map { ("capacity-\($0.offset).svg", $0.element.svg()) }
        charts += deterministic.quotaCharts().enumerated().map { ("quota-\($0.offset).svg", $0.element.svg()) }
        charts += deterministic.tornadoCharts(deterministic.sensitivity!).enumerated().map { ("tornado-\($0.offset).svg", $0.element.svg()) }
        charts += deterministic.unitEconomicsCharts().enumerated().map { ("unit-economics-\($0.offset).svg", $0.element.svg()) }
        #expect(charts.count == 17)
        for (name, svg) in charts {
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), "\(name)")
            #expect(svg.contains("<path") || svg.contains("<rect"), "\(name) has marks")
            try SnapshotTests.assertSnapshot(svg, named: "report/\(name)")
        }
    }

    @Test("The cost stack's top is total_cost_usd in every month", arguments: ["scenarios/mirai-roadmap.yaml", "Tests/CapsimKitTests/Fixtures/report-small.yaml"])
    func costStackAddsUp(path: String) throws {
        let report = try Self.report(try Scenario.load(path: Fixtures.path(path)))
        let categories = report.costCategories()
        for month in 0...report.horizon {
            let stacked = categories.reduce(0) { $0 + $1.values[month] }
            let total = report.projection.row(month)[.totalCost]
            #expect(abs(stacked - total) <= 1e-9 * max(1, abs(total)), "month \(month): \(stacked) vs \(total)")
        }
    }

    @Test("The page is self-contained: no script, no link, nothing outside the file")
    func selfContained() throws {
        let html = try Self.report(try Self.small(), runs: 100).html()
        for forbidden in ["<script", "<link", "<img", "<iframe", "url(", "@import", "https://", "src="] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://") == false)
        #expect(html.components(separatedBy: "<svg").count - 1 >= 12)
        #expect(html.contains("<h1>Notebook app</h1>"))
        #expect(html.contains("Monte Carlo: 100 runs, seed 7"))
    }

    @Test("Same inputs and seed: the same page, whatever the threads")
    func reproducible() throws {
        let scenario = try Self.small()
        func page(threads: Int) throws -> String {
            let monteCarlo = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: 150, seed: 3, threads: threads))
            return PlanningReport(projection: try Simulator.project(scenario), monteCarlo: monteCarlo, sensitivity: nil,
                                  queries: nil, actuals: nil, version: "test", date: "2026-01-01").html()
        }
        #expect(try page(threads: 1) == (try page(threads: 3)))
    }

    @Test("A scenario with one phase and no compute catalog or uncertainty still gets a full page")
    func plainScenario() throws {
        let scenario = try Fixtures.scenario(Fixtures.minimal)
        #expect(scenario.supabase.compute == nil && scenario.parameters.uncertain.isEmpty)
        let report = PlanningReport(projection: try Simulator.project(scenario), monteCarlo: nil, sensitivity: nil,
                                    queries: nil, actuals: nil, version: "test", date: "2026-01-01")
        let html = report.html()
        #expect(!html.contains("Database capacity"))
        #expect(!html.contains("What moves the outcome"))
        #expect(html.contains("deterministic (every input at its mean)"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 8)
    }

    @Test("Observed months are drawn over the fans")
    func actualsOverlay() throws {
        let scenario = try Self.small()
        let actuals = try Actuals.parse("month,users_total,mrr_usd\n2026-04,300,120\n2026-05,,400\n", path: "a.csv", for: scenario)
        let report = PlanningReport(projection: try Simulator.project(scenario), monteCarlo: nil, sensitivity: nil,
                                    queries: nil, actuals: actuals, version: "test", date: "2026-01-01")
        let users = report.fanChart(.usersTotal, title: "Accounts", unit: .count).svg()
        #expect(users.contains("<title>observed 2026-04: 300</title>"))
        #expect(!users.contains("observed 2026-05"), "an empty cell is not a point")
        #expect(report.fanChart(.mrr, title: "MRR", unit: .money).svg().contains("<title>observed 2026-05: $400</title>"))
    }

    @Test("Measured queries are read back with their fit, interval, budget and month over budget")
    func queries() throws {
        // Given what capsim queries wrote for ms = 0.001 · rows, a budget of 50 ms passed in month 14
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let timings = [1000.0, 2000, 4000, 8000].map { rows in
            "{\"query\": \"recent\", \"table_rows\": \(rows), \"median_ms\": \(rows * 0.001)}"
        } + ["{\"query\": \"recent\", \"table_rows\": 0, \"median_ms\": null}"]
        let fit = "{\"query\": \"recent\", \"table\": \"chat_messages\", \"a\": 0.001, \"b\": 1, \"r2\": 1, \"covariance\": [0.01, -0.001, 0.0001], \"budget_ms\": 50, \"first_month_over_budget\": 14}"
        try Data("{\"timings\": [\(timings.joined(separator: ","))], \"fits\": [\(fit)]}".utf8).write(to: directory.appendingPathComponent("queries.json"))
        // When it is read back and drawn
        let measured = try QueryMeasurements.read(directory: directory.path)
        let query = try #require(measured.queries.first)
        #expect(query.points.count == 4, "an untimed run is not a point")
        #expect(abs(query.projectedMs(rows: 50_000) - 50) < 1e-9)
        #expect(query.firstMonthOverBudget == 14 && query.budgetMs == 50)
        let interval = try #require(query.fit.interval(at: log(20_000), level: 0.9))
        #expect(interval.low < log(20) && log(20) < interval.high)
        var report = try Self.report(try Self.small())
        report.queries = measured
        #expect(report.queryTable(measured).contains("month 14 (2027-05)"))
        #expect(report.queryChart(measured).svg().contains("budget 50 ms"))
        // And a file from before fits carried their covariance, or no file, is a clear error
        try Data("{\"timings\": [], \"fits\": [{\"query\": \"recent\", \"table\": \"t\", \"a\": 1, \"b\": 1, \"r2\": 1}]}".utf8)
            .write(to: directory.appendingPathComponent("queries.json"))
        #expect(throws: ReportError.self) { try QueryMeasurements.read(directory: directory.path) }
        #expect(throws: ReportError.self) { try QueryMeasurements.read(directory: directory.appendingPathComponent("none").path) }
    }

    @Test("Nice scales: ticks of 1, 2 or 5 × 10^k that cover the data")
    func scales() {
        let linear = ChartScale(covering: [3, 37], pixels: (0, 100))
        #expect(linear.domain == (0, 40))
        #expect(linear.ticks == [0, 10, 20, 30, 40])
        let log = ChartScale(kind: .log, covering: [0, 3, 4200], pixels: (100, 0))
        #expect(log.domain == (1, 10_000))
        #expect(log.ticks == [1, 10, 100, 1000, 10_000])
        #expect(log(1) == 100 && log(10_000) == 0)
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            let values = (0..<5).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
            let scale = ChartScale(covering: values, includeZero: Bool.random(using: &generator), pixels: (0, 1000))
            #expect(values.allSatisfy { scale(Double($0)) >= -1e-9 && scale(Double($0)) <= 1000 + 1e-9 })
            let ticks = scale.ticks
            #expect(ticks.count >= 2 && ticks.count <= 12)
            let step = ticks[1] - ticks[0]
            let mantissa = step / pow(10, Foundation.log10(step).rounded(.down))
            #expect([1, 2, 5, 10].contains { abs(mantissa - $0) < 1e-6 }, "step \(step)")
        }
    }

    @Test("Tick labels read as people write them")
    func units() {
        #expect(ChartUnit.money.format(12_000) == "$12k")
        #expect(ChartUnit.money.format(-1_500_000) == "-$1.5M")
        #expect(ChartUnit.count.format(0.0001) == "0.0001")
        #expect(ChartUnit.bytes.format(1e11) == "100 GB")
        #expect(ChartUnit.bytes.format(2.5e6) == "2.5 MB")
        #expect(ChartUnit.percent.format(0.25) == "25%")
        #expect(ChartUnit.cents.format(0.025) == "$0.025")
        #expect(ChartUnit.milliseconds.format(2500) == "2.5 s")
        #expect(SVGCanvas.escape("<a href=\"x\">&'\u{1}") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;")
    }

    @Test("Coordinates: the shortest text within half a unit of the last decimal, never -0")
    func trimmedNumbers() {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<2000 {
            let value = Double.random(in: -1e7...1e7, using: &generator) / pow(10, Double(Int.random(in: 0...6, using: &generator)))
            let decimals = Int.random(in: 0...3, using: &generator)
            let text = ChartUnit.trimmed(value, decimals)
            let parsed = Double(text)!
            #expect(abs(parsed - value) <= 0.5 * pow(10, -Double(decimals)) * (1 + 1e-9) + 1e-9, "\(value) → \(text)")
            #expect(!text.hasPrefix("-0") || text.hasPrefix("-0."), "\(value) → \(text)")
            #expect(text == "0" || !text.hasSuffix("0") || !text.contains("."), "\(value) → \(text)")
        }
        #expect(ChartUnit.trimmed(-0.04, 1) == "0")
        #expect(ChartUnit.trimmed(2.05, 2) == "2.05")
        #expect(ChartUnit.trimmed(1.5, 0) == "2")
    }
}
