import Foundation
import GRDB
import GRDBSQLite
import GSLKit

/// What became of one query on one synthetic database.
public enum QueryStatus: String, Sendable, Hashable {
    /// Timed; it returned (or, for a write, changed) at least one row.
    case ok
    /// Timed, but it returned no row: its time may not say what it would cost on real data.
    case noRows = "no rows"
    /// SQLite refused or failed it; ``QueryTiming/reason`` says why.
    case error
    /// It ran past the time limit and was interrupted.
    case timedOut = "timed out"
}

/// One query timed on one synthetic database (a row of `queries.csv`).
public struct QueryTiming: Sendable, Hashable {
    public var month: Int
    public var query: String
    public var scale: Double
    /// The table the query's plan reads most rows from.
    public var table: String
    /// That table's rows at this scale.
    public var tableRows: Int
    /// Median milliseconds over the runs; nil unless the status is ok or no rows.
    public var medianMs: Double?
    public var rowsReturned: Int
    /// `EXPLAIN QUERY PLAN`, its lines joined with " | ".
    public var plan: String
    /// Tables the plan scans (SQLite's SCAN: the table or one of its indexes, unless a LIMIT stops it early).
    public var scans: [String]
    public var status: QueryStatus
    /// Why the status is not ok ("" when it is).
    public var reason: String
    public var engine: QueryEngine = .sqlite

    /// Whether the time is a measurement a fit may use.
    public var isTimed: Bool { medianMs != nil }

    /// Records the runs' times (their median) and, when nothing came back, the status that says so.
    mutating func record(_ durations: [Double], isWrite: Bool) {
        let sorted = durations.sorted()
        medianMs = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        if rowsReturned == 0 {
            status = .noRows
            reason = isWrite ? "it changed no row" : "it returned no row"
        }
    }
}

/// One synthetic database the queries ran on: its month, scale and rows per table.
public struct QueryDataset: Sendable, Hashable {
    public var month: Int
    public var scale: Double
    public var counts: TableCounts
}

/// A query's time as a power of its main table's rows, time = a · rows^b (least squares of
/// log time on log rows, with the coefficients' covariance), and its extrapolation to the
/// full size of each asked month and of every month of the horizon.
public struct QueryFit: Sendable {
    public var query: String
    public var table: String
    /// log ms = log a + b · log rows.
    public var line: LinearFit
    public var a: Double { exp(line.intercept) }
    public var b: Double { line.slope }
    public var r2: Double { line.r2 }
    /// The most rows of `table` any timing had.
    public var largestMeasured: Double
    /// The budget the query is held to (its header's, else the scenario's).
    public var budgetMs: Double
    /// Full-size rows of `table` at each asked month, and the fitted milliseconds there.
    public var fullRows: [Int]
    public var projectedMs: [Double]
    /// The 90% interval of the fitted time at each asked month (nil with fewer than three points).
    public var interval: [(low: Double, high: Double)?]
    /// The first month 1 … H whose projected time passes the budget; nil if none does.
    public var firstMonthOverBudget: Int?
    /// The engine whose timings were fitted.
    public var engine: QueryEngine = .sqlite

    /// The fitted milliseconds at `rows`.
    public func projected(rows: Double) -> Double { exp(line.value(at: log(max(rows, 1)))) }

    /// The 90% interval of the fitted milliseconds at `rows`.
    public func interval(rows: Double) -> (low: Double, high: Double)? {
        line.interval(at: log(max(rows, 1)), level: 0.9).map { (exp($0.low), exp($0.high)) }
    }

    /// Full rows at the last asked month ÷ the largest measured: how far the fit is stretched.
    public var extrapolationFactor: Double { Double(fullRows.max() ?? 0) / max(largestMeasured, 1) }

    /// A fit stretched past this factor is flagged.
    public static let extrapolationWarning = 10.0
}

/// `capsim queries`: the portable queries of `queries/`, timed on synthetic data of each asked
/// month at scales spanning 16×, with plans, statuses, power-law fits, their intervals and the
/// first month of the horizon each query passes its budget.
public struct QueryBench: Sendable {
    public var scenario: Scenario
    public var months: [Int]
    public var queries: [QueryFile]
    public var datasets: [QueryDataset]
    public var timings: [QueryTiming]
    public var fits: [QueryFit]
    /// Queries that could not be fitted, and why (every query appears in ``fits`` or here).
    public var unfitted: [(query: String, reason: String)]
    /// Per query and month: scans of tables with more than ``largeTable`` rows at full size
    /// whose time grows with the rows (b ≥ ``scanExponent``).
    public var largeScans: [(query: String, month: Int, table: String, rows: Int)]
    /// Storage measured on the largest dataset of the last month.
    public var storage: StorageMeasurement?
    /// The schema's tier value for each of the scenario's tiers in the data.
    public var schemaTiers: [String]
    /// The engines timed, in order; the last is the one the fits of ``workloadQueries`` and
    /// the storage come from (PostgreSQL when it was measured).
    public var engines: [QueryEngine] = [.sqlite]
    /// Each query on both engines, per database, when both were timed.
    public var fidelity: [QueryFidelity] = []
    /// Indexes proposed for the scans of large tables, each timed on the month's largest database (SQLite).
    public var indexAdvice: [IndexAdvice] = []

    /// Rows at full size above which a full scan is flagged.
    public static let largeTable = 100_000
    /// A plan's SCAN counts as a full scan when the time grows at least as rows^0.5; a SCAN
    /// that a LIMIT stops early takes the same time whatever the rows.
    public static let scanExponent = 0.5
    /// The default scales: 1/16 … 1 of the scale that keeps every table under the row cap.
    public static let scales: [Double] = [0.0625, 0.125, 0.25, 0.5, 1]

    /// The months measured by default: each phase's entry month (month 0 counts as 1, which
    /// has data), once each, in order.
    public static func phaseEntryMonths(of projection: Projection) -> [Int] {
        Array(Set(projection.phaseEntryMonths.compactMap { $0 }.map { max(1, $0) })).sorted()
    }

    /// Fits log ms = log a + b · log rows; nil without two distinct sizes.
    public static func fit(rows: [Double], ms: [Double]) -> LinearFit? {
        let points = zip(rows, ms).filter { $0.0 > 0 && $0.1 > 0 }
        return Fit.linear(x: points.map { log($0.0) }, y: points.map { log($0.1) })
    }

    /// Measures `queries` for `months` of `scenario`: data at each of `scales` of the scale
    /// that keeps every table at or under `maxRows` rows, each query run `repeats` times
    /// (median), each run stopped after `timeout` seconds, on each of `engines` (PostgreSQL:
    /// each database loaded into `postgres` as `capsim data --database-url` does).
    public static func run(_ scenario: Scenario, months: [Int], queries: [QueryFile], migrations: String,
                           maxRows: Int, repeats: Int, timeout: Double = 30, scales: [Double] = QueryBench.scales,
                           seed: UInt64 = 1, engines: [QueryEngine] = [.sqlite], postgres: PostgresTarget? = nil,
                           progress: ((String) -> Void)? = nil) throws -> QueryBench {
        let projection = try Simulator.project(scenario)
        let schemaTiers = try SchemaTiers.mapping(for: scenario)
        let portable = queries.filter(\.isPortable)
        let engines = QueryEngine.allCases.filter(engines.contains)
        var connection: PostgresConnection?
        if engines.contains(.postgres) {
            guard let postgres else { throw SchemaError(location: "", message: "--engine postgres needs --database-url") }
            connection = try PostgresConnection(url: postgres.url)
        }
        var timings: [QueryTiming] = [], datasets: [QueryDataset] = [], fidelity: [QueryFidelity] = [], advice: [IndexAdvice] = []
        var storage: StorageMeasurement?
        for month in months {
            let base = try SyntheticData(projection: projection, options: DataOptions(month: month, seed: seed))
            let top = base.scale(forMaxRows: maxRows)
            for fraction in scales {
                let planned = DataOptions(month: month, scale: max(top * fraction, 1e-9), seed: seed)
                progress?("month \(month), scale \(NumberFormat.significant(planned.scale))")
                let (data, schema, counts) = try SyntheticData.generate(projection, options: planned, maxRows: maxRows) {
                    try SQLiteSchema(migrations: migrations)
                }
                let scale = data.options.scale
                datasets.append(QueryDataset(month: month, scale: scale, counts: counts))
                let isLast = month == months.last && fraction == scales.last
                var sqlite: [String: (QueryTiming, [String]?)] = [:]
                if engines.contains(.sqlite) {
                    try schema.refreshMaterializedViews()
                    try schema.queue.write { db in try db.execute(sql: "ANALYZE") }
                    for query in portable {
                        let result = try time(query, in: schema, month: month, scale: scale, repeats: repeats, timeout: timeout,
                                              keepingRows: engines.contains(.postgres))
                        timings.append(result.timing)
                        sqlite[query.name] = result
                    }
                    if isLast { storage = try schema.measureStorage() }
                    if fraction == scales.last {
                        advice += try adviseIndexes(for: portable, timings: portable.compactMap { sqlite[$0.name]?.0 }, in: schema, month: month,
                                                    fullCounts: base.expectedCounts(), repeats: repeats, timeout: timeout)
                    }
                }
                if let connection, let postgres {
                    // The first load honours --reset; the later ones replace what this run loaded.
                    let report = try PostgresLoad.run(schema: schema, counts: counts, connection: connection, migrations: migrations,
                                                      reset: postgres.reset || !datasets.dropLast().isEmpty, clock: data.endOfMonth)
                    for query in portable {
                        let (timing, rows) = timePostgres(query, on: connection, counts: counts, month: month, scale: scale,
                                                          repeats: repeats, timeout: timeout)
                        timings.append(timing)
                        if let (mine, myRows) = sqlite[query.name] {
                            let same: Bool? = query.isWrite
                                ? (mine.isTimed && timing.isTimed ? mine.rowsReturned == timing.rowsReturned : nil)
                                : (myRows != nil && rows != nil ? myRows == rows : nil)
                            fidelity.append(QueryFidelity(month: month, query: query.name, scale: scale, sqliteRows: mine.rowsReturned,
                                                          postgresRows: timing.rowsReturned, sameResult: same,
                                                          sqliteMs: mine.medianMs, postgresMs: timing.medianMs))
                        }
                    }
                    if isLast { storage = report.storage }
                }
            }
        }
        var bench = QueryBench(scenario: scenario, months: months, queries: portable, datasets: datasets, timings: timings,
                               fits: [], unfitted: [], largeScans: [], storage: storage, schemaTiers: schemaTiers,
                               engines: engines, fidelity: fidelity, indexAdvice: advice)
        bench.fitAll(projection: projection)
        return bench
    }

    private mutating func fitAll(projection: Projection) {
        // Full-size rows of every month 1 … H; the asked months are among them.
        let horizonCounts = (1...max(1, scenario.horizonMonths)).map { month in
            (try? SyntheticData(projection: projection, options: DataOptions(month: month)))?.expectedCounts()
        }
        let fullCounts = months.map { (1...horizonCounts.count).contains($0) ? horizonCounts[$0 - 1] : nil }
        for engine in engines {
            fit(engine: engine, horizonCounts: horizonCounts, fullCounts: fullCounts)
        }
    }

    private mutating func fit(engine: QueryEngine, horizonCounts: [TableCounts?], fullCounts: [TableCounts?]) {
        let on = engines.count > 1 ? " on \(engine.rawValue)" : ""
        for query in queries {
            let points = timings.filter { $0.query == query.name && $0.engine == engine }
            let timed = points.filter { $0.isTimed && $0.tableRows > 0 }
            let table = timed.last?.table ?? points.last?.table ?? ""
            guard let line = Self.fit(rows: timed.map { Double($0.tableRows) }, ms: timed.compactMap(\.medianMs)) else {
                let failures = points.filter { !$0.isTimed }.map(\.reason)
                unfitted.append((query.name, (failures.first.map { "not timed\(on): \($0)" }
                    ?? "fewer than two sizes of its main table with a time above 0\(on) (table '\(table)')")))
                continue
            }
            let budget = query.budgetMs ?? scenario.queryBudgetMs
            var fit = QueryFit(query: query.name, table: table, line: line,
                               largestMeasured: Double(timed.map(\.tableRows).max() ?? 0), budgetMs: budget,
                               fullRows: [], projectedMs: [], interval: [], firstMonthOverBudget: nil, engine: engine)
            fit.fullRows = fullCounts.map { $0?[table] ?? 0 }
            fit.projectedMs = fit.fullRows.map { fit.projected(rows: Double($0)) }
            fit.interval = fit.fullRows.map { fit.interval(rows: Double($0)) }
            fit.firstMonthOverBudget = horizonCounts.indices.first { index in
                guard let rows = horizonCounts[index]?[table], rows > 0 else { return false }
                return fit.projected(rows: Double(rows)) > budget
            }.map { $0 + 1 }
            fits.append(fit)
            guard line.slope >= Self.scanExponent else { continue }
            for (index, month) in months.enumerated() {
                for name in Set(points.filter { $0.month == month }.flatMap(\.scans)).sorted() {
                    let full = fullCounts[index]?[name] ?? 0
                    if full > Self.largeTable, !largeScans.contains(where: { $0 == (query.name, month, name, full) }) {
                        largeScans.append((query.name, month, name, full))
                    }
                }
            }
        }
    }

    /// Runs `query` `repeats` times (writes in a rolled-back savepoint), each run interrupted
    /// after `timeout` seconds, and reads its plan. A failure is a status, not an error.
    static func time(_ query: QueryFile, in schema: SQLiteSchema, month: Int, scale: Double, repeats: Int,
                     timeout: Double, keepingRows: Bool = false) throws -> (timing: QueryTiming, rows: [String]?) {
        let sql: String
        do { sql = try schema.translate(query) } catch {
            return (QueryTiming(month: month, query: query.name, scale: scale, table: "", tableRows: 0, medianMs: nil, rowsReturned: 0,
                                plan: "", scans: [], status: .error, reason: error.description), nil)
        }
        var rows: [String]?
        let timing = try schema.queue.write { db -> QueryTiming in
            let plan: [String]
            do { plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String } } catch {
                return QueryTiming(month: month, query: query.name, scale: scale, table: "", tableRows: 0, medianMs: nil,
                                   rowsReturned: 0, plan: "", scans: [], status: .error, reason: "\(error)")
            }
            // The plan's tables: SCAN t / SEARCH t …; the main one is the largest.
            var tables: [(name: String, isScan: Bool)] = []
            for line in plan {
                let words = line.split(separator: " ").map(String.init)
                guard let verb = words.first, verb == "SCAN" || verb == "SEARCH", words.count > 1 else { continue }
                tables.append((words[1], verb == "SCAN"))
            }
            var main = ("", 0)
            for table in tables {
                if let rows = (try? Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)")) ?? nil, rows >= main.1 { main = (table.name, rows) }
            }
            var timing = QueryTiming(month: month, query: query.name, scale: scale, table: main.0, tableRows: main.1, medianMs: nil,
                                     rowsReturned: 0, plan: plan.joined(separator: " | "),
                                     scans: tables.filter(\.isScan).map(\.name), status: .ok, reason: "")
            var durations: [Double] = []
            do {
                for _ in 0..<max(1, repeats) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    try Self.withTimeLimit(timeout, on: db) {
                        if query.isWrite {
                            try db.inSavepoint {
                                try db.execute(sql: sql)
                                timing.rowsReturned = db.changesCount
                                return .rollback
                            }
                        } else {
                            let result = try Row.fetchAll(db, sql: sql)
                            timing.rowsReturned = result.count
                            if keepingRows, rows == nil { rows = Self.normalizedRows(result.map(Self.cells)) }
                        }
                    }
                    durations.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
                timing.status = .timedOut
                timing.reason = "interrupted after \(NumberFormat.significant(timeout)) s (--query-timeout)"
                return timing
            } catch {
                timing.status = .error
                timing.reason = "\((query.path as NSString).lastPathComponent): \(error)"
                return timing
            }
            timing.record(durations, isWrite: query.isWrite)
            return timing
        }
        return (timing, timing.isTimed ? rows : nil)
    }

    /// Runs `body` with SQLite's progress handler interrupting any statement still running
    /// `seconds` after the start (every 10,000 virtual-machine steps it compares the clock).
    static func withTimeLimit<T>(_ seconds: Double, on db: Database, _ body: () throws -> T) throws -> T {
        // The deadline lives in memory this call allocates and frees after removing the
        // handler, so the C callback never reads it after it is gone.
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        defer { deadline.deallocate() }
        deadline.initialize(to: DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9))
        sqlite3_progress_handler(db.sqliteConnection, 10_000, { context in
            guard let context else { return 0 }
            return DispatchTime.now().uptimeNanoseconds > context.load(as: UInt64.self) ? 1 : 0
        }, deadline)
        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
        return try body()
    }
}
