import Foundation
import GRDB
import GSLKit

/// One query timed on one synthetic database (a row of `queries.csv`).
public struct QueryTiming: Sendable, Hashable {
    public var month: Int
    public var query: String
    public var scale: Double
    /// The table the query's plan reads most rows from.
    public var table: String
    /// That table's rows at this scale.
    public var tableRows: Int
    public var medianMs: Double
    public var rowsReturned: Int
    /// `EXPLAIN QUERY PLAN`, its lines joined with " | ".
    public var plan: String
    /// Tables the plan scans in full (SQLite's SCAN: every row of the table or of one of its indexes).
    public var fullScans: [String]
}

/// A query's time as a power of its main table's rows, time = a · rows^b (a least-squares
/// fit of log time on log rows), and its extrapolation to each asked month's full size.
public struct QueryFit: Sendable, Hashable {
    public var query: String
    public var table: String
    public var a: Double
    public var b: Double
    public var r2: Double
    /// Extrapolated milliseconds at each asked month's full size.
    public var projectedMs: [Double]
    /// Full-size rows of the main table at each asked month.
    public var fullRows: [Int]

    public func projected(rows: Double) -> Double { a * pow(rows, b) }
}

/// `capsim queries`: the portable queries of `queries/`, timed on synthetic data of each asked
/// month at several scales, with plans, power-law fits and the first month over budget.
public struct QueryBench: Sendable {
    public var months: [Int]
    public var timings: [QueryTiming]
    public var fits: [QueryFit]
    public var budgetMs: Double
    /// Per query: the first asked month whose extrapolated time exceeds the budget.
    public var firstOverBudget: [String: Int]
    /// Per query and month: full scans of tables with more than `largeTable` rows at full size.
    public var largeScans: [(query: String, month: Int, table: String, rows: Int)]

    /// Rows at full size above which a full scan is flagged.
    public static let largeTable = 100_000

    /// Fits time = a·rows^b on log-log points; nil without two distinct sizes.
    public static func fit(rows: [Double], ms: [Double]) -> (a: Double, b: Double, r2: Double)? {
        let points = zip(rows, ms).filter { $0.0 > 0 && $0.1 > 0 }
        guard let line = Fit.linear(x: points.map { log($0.0) }, y: points.map { log($0.1) }) else { return nil }
        return (exp(line.intercept), line.slope, line.r2)
    }

    /// Measures `queries` for `months` of `scenario`: data at each of `scales` of the scale
    /// that keeps every table at or under `maxRows` rows, each query run `repeats` times (median).
    public static func run(_ scenario: Scenario, months: [Int], queries: [QueryFile], migrations: String,
                           maxRows: Int, repeats: Int, scales: [Double] = [0.125, 0.25, 0.5, 1], seed: UInt64 = 1,
                           progress: ((String) -> Void)? = nil) throws -> QueryBench {
        let projection = try Simulator.project(scenario)
        let portable = queries.filter(\.isPortable)
        var timings: [QueryTiming] = []
        var fullRows: [Int: [String: Int]] = [:]
        for month in months {
            let base = try SyntheticData(projection: projection, options: DataOptions(month: month, seed: seed))
            let expected = base.expectedCounts()
            fullRows[month] = Dictionary(uniqueKeysWithValues: expected.counts.map { ($0.table, $0.rows) })
            let top = base.scale(forMaxRows: maxRows)
            for fraction in scales {
                let planned = DataOptions(month: month, scale: max(top * fraction, 1e-9), seed: seed)
                progress?("month \(month), scale \(NumberFormat.significant(planned.scale))")
                let (data, schema, _) = try SyntheticData.generate(projection, options: planned, maxRows: maxRows) {
                    try SQLiteSchema(migrations: migrations)
                }
                let scale = data.options.scale
                try schema.refreshMaterializedViews()
                try schema.queue.write { db in try db.execute(sql: "ANALYZE") }
                for query in portable {
                    timings.append(try time(query, in: schema, month: month, scale: scale, repeats: repeats))
                }
            }
        }
        var fits: [QueryFit] = []
        var firstOver: [String: Int] = [:]
        var scans: [(String, Int, String, Int)] = []
        for query in portable {
            let points = timings.filter { $0.query == query.name }
            let table = points.last?.table ?? ""
            let rows = months.map { month in fullRows[month]?[table] ?? points.filter { $0.month == month }.map(\.tableRows).max() ?? 0 }
            // One fit across every month and scale: the query's cost as its table grows.
            guard let fit = fit(rows: points.map { Double($0.tableRows) }, ms: points.map(\.medianMs)) else { continue }
            let projected = rows.map { fit.a * pow(Double(max(1, $0)), fit.b) }
            fits.append(QueryFit(query: query.name, table: table, a: fit.a, b: fit.b, r2: fit.r2, projectedMs: projected, fullRows: rows))
            if let index = projected.firstIndex(where: { $0 > scenario.queryBudgetMs }) { firstOver[query.name] = months[index] }
            for month in months {
                let scanned = Set(points.filter { $0.month == month }.flatMap(\.fullScans))
                for name in scanned.sorted() {
                    let full = fullRows[month]?[name] ?? 0
                    if full > largeTable { scans.append((query.name, month, name, full)) }
                }
            }
        }
        return QueryBench(months: months, timings: timings, fits: fits, budgetMs: scenario.queryBudgetMs,
                          firstOverBudget: firstOver, largeScans: scans)
    }

    /// Runs `query` `repeats` times (writes in a rolled-back savepoint), and reads its plan.
    static func time(_ query: QueryFile, in schema: SQLiteSchema, month: Int, scale: Double, repeats: Int) throws -> QueryTiming {
        let sql = try schema.translate(query)
        return try schema.queue.write { db in
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String }
            var durations: [Double] = []
            var returned = 0
            for _ in 0..<max(1, repeats) {
                let start = DispatchTime.now().uptimeNanoseconds
                if query.isWrite {
                    try db.inSavepoint {
                        try db.execute(sql: sql)
                        returned = db.changesCount
                        return .rollback
                    }
                } else {
                    returned = try Row.fetchAll(db, sql: sql).count
                }
                durations.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            durations.sort()
            let median = durations.count % 2 == 1 ? durations[durations.count / 2]
                : (durations[durations.count / 2 - 1] + durations[durations.count / 2]) / 2
            // The plan's tables: SCAN t / SEARCH t …; the main one is the largest.
            var tables: [(String, Bool)] = []
            for line in plan {
                let words = line.split(separator: " ").map(String.init)
                guard let verb = words.first, verb == "SCAN" || verb == "SEARCH", words.count > 1 else { continue }
                tables.append((words[1], verb == "SCAN"))
            }
            var main = ("", 0)
            for (table, _) in tables {
                let rows = (try? Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")) ?? nil
                if let rows, rows >= main.1 { main = (table, rows) }
            }
            return QueryTiming(month: month, query: query.name, scale: scale, table: main.0, tableRows: main.1,
                               medianMs: median, rowsReturned: returned, plan: plan.joined(separator: " | "),
                               fullScans: tables.filter(\.1).map(\.0))
        }
    }
}

extension QueryBench {
    /// `queries.csv`: `month,query,scale,rows_scanned_table,table_rows,median_ms,rows_returned,plan`.
    public func timingsCSV() -> String {
        var writer = CSVWriter()
        writer.writeRow(["month", "query", "scale", "rows_scanned_table", "table_rows", "median_ms", "rows_returned", "plan"])
        for t in timings {
            writer.writeRow([String(t.month), t.query, CSVWriter.cell(t.scale), t.table, String(t.tableRows),
                             CSVWriter.cell(t.medianMs), String(t.rowsReturned), t.plan])
        }
        return writer.text
    }

    /// `fits.csv`: `query,a,b,r2` and the projected milliseconds at each asked month.
    public func fitsCSV() -> String {
        var writer = CSVWriter()
        writer.writeRow(["query", "a", "b", "r2"] + months.map { "projected_ms_m\($0)" })
        for fit in fits {
            writer.writeRow([fit.query, CSVWriter.cell(fit.a), CSVWriter.cell(fit.b), CSVWriter.cell(fit.r2)]
                            + fit.projectedMs.map { CSVWriter.cell($0) })
        }
        return writer.text
    }

    public func json() -> JSONValue {
        .object([
            "months": .array(months.map { .number(Double($0)) }),
            "budget_ms": .number(budgetMs),
            "timings": .array(timings.map { t in
                .object(["month": .number(Double(t.month)), "query": .string(t.query), "scale": .number(t.scale),
                         "rows_scanned_table": .string(t.table), "table_rows": .number(Double(t.tableRows)),
                         "median_ms": .number(t.medianMs), "rows_returned": .number(Double(t.rowsReturned)),
                         "plan": .string(t.plan), "full_scans": .array(t.fullScans.map { .string($0) })])
            }),
            "fits": .array(fits.map { fit in
                .object(["query": .string(fit.query), "table": .string(fit.table), "a": .number(fit.a), "b": .number(fit.b),
                         "r2": .number(fit.r2), "projected_ms": .array(fit.projectedMs.map { .number($0) }),
                         "full_rows": .array(fit.fullRows.map { .number(Double($0)) }),
                         "first_month_over_budget": .number(firstOverBudget[fit.query].map(Double.init))])
            }),
        ])
    }

    /// The summary: per query, its fit, its projected time at each month, the first month over budget.
    public func summary(scenario: Scenario) -> ReportDocument {
        var document = ReportDocument(
            title: "capsim queries: \(scenario.name)",
            subtitle: "months \(months.map(String.init).joined(separator: ", ")); time = a·rows^b fitted on log-log points; budget \(NumberFormat.grouped(budgetMs)) ms")
        document.sections.append(.init(title: "Projected query time at full size", table: .init(
            headers: ["query", "table", "b", "R²"] + months.map { "month \($0)" } + ["over budget from"],
            rows: fits.map { fit in
                [fit.query, fit.table, NumberFormat.grouped(fit.b, decimals: 2), NumberFormat.grouped(fit.r2, decimals: 2)]
                    + fit.projectedMs.map { NumberFormat.grouped($0, decimals: $0 < 10 ? 2 : 0) + " ms" }
                    + [firstOverBudget[fit.query].map { "month \($0) (\(scenario.start.adding(months: $0)))" } ?? "within horizon asked"]
            },
            rightAligned: Set(2..<(4 + months.count)))))
        document.sections.append(.init(title: "Full scans of large tables",
                                       lines: largeScans.isEmpty ? ["None above \(NumberFormat.grouped(Double(Self.largeTable))) rows."] :
                                        largeScans.map { "\($0.query) scans \($0.table) in full; \(NumberFormat.grouped(Double($0.rows))) rows at month \($0.month)" }))
        return document
    }
}
