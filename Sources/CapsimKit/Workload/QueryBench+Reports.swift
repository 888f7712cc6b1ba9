import Foundation
import GSLKit

extension QueryBench {
    /// `queries.csv`: one row per query, month and scale, whatever became of it:
    /// `month,query,scale,engine,status,reason,rows_scanned_table,table_rows,median_ms,rows_returned,plan`
    /// (PostgreSQL's median_ms is the server's execution time, its plan the node types and buffers).
    public func timingsCSV() -> String {
        var writer = CSVWriter()
        writer.writeRow(["month", "query", "scale", "engine", "status", "reason", "rows_scanned_table", "table_rows", "median_ms", "rows_returned", "plan"])
        for t in timings {
            writer.writeRow([String(t.month), t.query, CSVWriter.cell(t.scale), t.engine.rawValue, t.status.rawValue, t.reason, t.table, String(t.tableRows),
                             t.medianMs.map { CSVWriter.cell($0) } ?? "", String(t.rowsReturned), t.plan])
        }
        return writer.text
    }

    /// `fits.csv`: `query,engine,table,a,b,r2,budget_ms,extrapolation_factor,first_month_over_budget`
    /// and, for each asked month M, `full_rows_mM,projected_ms_mM,low_ms_mM,high_ms_mM` (the 90% interval).
    public func fitsCSV() -> String {
        var writer = CSVWriter()
        writer.writeRow(["query", "engine", "table", "a", "b", "r2", "budget_ms", "extrapolation_factor", "first_month_over_budget"]
                        + months.flatMap { ["full_rows_m\($0)", "projected_ms_m\($0)", "low_ms_m\($0)", "high_ms_m\($0)"] })
        for fit in fits {
            writer.writeRow([fit.query, fit.engine.rawValue, fit.table, CSVWriter.cell(fit.a), CSVWriter.cell(fit.b), CSVWriter.cell(fit.r2),
                             CSVWriter.cell(fit.budgetMs), CSVWriter.cell(fit.extrapolationFactor),
                             fit.firstMonthOverBudget.map(String.init) ?? ""]
                            + months.indices.flatMap { index in
                                [String(fit.fullRows[index]), CSVWriter.cell(fit.projectedMs[index]),
                                 fit.interval[index].map { CSVWriter.cell($0.low) } ?? "", fit.interval[index].map { CSVWriter.cell($0.high) } ?? ""]
                            })
        }
        return writer.text
    }

    /// `fidelity.csv` (both engines timed): `month,query,scale,sqlite_rows,postgres_rows,same_result,sqlite_ms,postgres_ms,ratio`,
    /// results compared without regard to order; ratio = postgres_ms ÷ sqlite_ms.
    public func fidelityCSV() -> String {
        var writer = CSVWriter()
        writer.writeRow(["month", "query", "scale", "sqlite_rows", "postgres_rows", "same_result", "sqlite_ms", "postgres_ms", "ratio"])
        for row in fidelity {
            writer.writeRow([String(row.month), row.query, CSVWriter.cell(row.scale), String(row.sqliteRows), String(row.postgresRows),
                             row.sameResult.map { $0 ? "true" : "false" } ?? "", row.sqliteMs.map { CSVWriter.cell($0) } ?? "",
                             row.postgresMs.map { CSVWriter.cell($0) } ?? "", row.ratio.map { CSVWriter.cell($0) } ?? ""])
        }
        return writer.text
    }

    public func json() -> JSONValue {
        .object([
            "months": .array(months.map { .number(Double($0)) }),
            "engines": .array(engines.map { .string($0.rawValue) }),
            "budget_ms": .number(scenario.queryBudgetMs),
            "timings": .array(timings.map { t in
                .object(["month": .number(Double(t.month)), "query": .string(t.query), "scale": .number(t.scale), "engine": .string(t.engine.rawValue),
                         "status": .string(t.status.rawValue), "reason": .string(t.reason),
                         "rows_scanned_table": .string(t.table), "table_rows": .number(Double(t.tableRows)),
                         "median_ms": t.medianMs.map(JSONValue.number) ?? .null, "rows_returned": .number(Double(t.rowsReturned)),
                         "plan": .string(t.plan), "scans": .array(t.scans.map { .string($0) })])
            }),
            "fits": .array(fits.map { fit in
                .object(["query": .string(fit.query), "engine": .string(fit.engine.rawValue), "table": .string(fit.table), "a": .number(fit.a), "b": .number(fit.b),
                         "r2": .number(fit.r2), "covariance": .array([fit.line.covariance.c00, fit.line.covariance.c01, fit.line.covariance.c11].map(JSONValue.number)),
                         "budget_ms": .number(fit.budgetMs), "extrapolation_factor": .number(fit.extrapolationFactor),
                         "projected_ms": .array(fit.projectedMs.map { .number($0) }),
                         "interval_ms": .array(fit.interval.map { $0.map { .array([.number($0.low), .number($0.high)]) } ?? .null }),
                         "full_rows": .array(fit.fullRows.map { .number(Double($0)) }),
                         "first_month_over_budget": fit.firstMonthOverBudget.map { .number(Double($0)) } ?? .null])
            }),
            "unfitted": .array(unfitted.map { .object(["query": .string($0.query), "reason": .string($0.reason)]) }),
            "index_advice": .array(indexAdvice.map { item in
                .object(["query": .string(item.query), "month": .number(Double(item.month)), "table": .string(item.table),
                         "sql": .string(item.sql), "before_ms": .number(item.beforeMs), "after_ms": item.afterMs.map(JSONValue.number) ?? .null,
                         "speed_up": item.speedUp.map(JSONValue.number) ?? .null, "plan_after": .string(item.planAfter)])
            }),
            "fidelity": .array(fidelity.map { row in
                .object(["month": .number(Double(row.month)), "query": .string(row.query), "scale": .number(row.scale),
                         "sqlite_rows": .number(Double(row.sqliteRows)), "postgres_rows": .number(Double(row.postgresRows)),
                         "same_result": row.sameResult.map(JSONValue.bool) ?? .null,
                         "sqlite_ms": row.sqliteMs.map(JSONValue.number) ?? .null, "postgres_ms": row.postgresMs.map(JSONValue.number) ?? .null,
                         "ratio": row.ratio.map(JSONValue.number) ?? .null])
            }),
        ])
    }

    /// The summary: every query's fate in every month, the fits with their intervals, the
    /// first month of the horizon over budget, stretched fits and full scans.
    public func summary() -> ReportDocument {
        var document = ReportDocument(
            title: "capsim queries: \(scenario.name)",
            subtitle: "months \(months.map(String.init).joined(separator: ", ")); \(datasets.count) databases at scales spanning \(NumberFormat.grouped(scaleSpread, decimals: 0))×; time = a·rows^b fitted on log-log points, 90% interval from the fit's covariance; budget \(NumberFormat.grouped(scenario.queryBudgetMs)) ms unless a query sets its own\nengines: \(engines.map(\.rawValue).joined(separator: " and "))\(engines.contains(.postgres) ? " (PostgreSQL: the server's execution time from EXPLAIN ANALYZE; now() and CURRENT_DATE read the data's clock)" : ""); tiers in the schema: \(SchemaTiers.describe(schemaTiers, of: scenario))")
        func ms(_ value: Double) -> String { ChartUnit.milliseconds.format(value) }
        document.sections.append(.init(
            title: "Projected query time at full size",
            lines: ["Each month: the fitted time at the month's full rows, and its 90% interval. Over budget: the first month of the whole horizon."],
            table: .init(
                headers: ["query"] + (engines.count > 1 ? ["engine"] : []) + ["table", "b", "R²", "stretch"] + months.map { "month \($0)" } + ["budget", "over budget from"],
                rows: fits.map { fit -> [String] in
                    var row = [fit.query] + (engines.count > 1 ? [fit.engine.rawValue] : []) + [fit.table, NumberFormat.grouped(fit.b, decimals: 2), NumberFormat.grouped(fit.r2, decimals: 2),
                               fit.fullRows.max() ?? 0 > 0 ? NumberFormat.grouped(fit.extrapolationFactor, decimals: 1) + "×" : "–"]
                    for index in months.indices {
                        let interval = fit.interval[index].map { " (\(ms($0.low))–\(ms($0.high)))" } ?? ""
                        row.append(ms(fit.projectedMs[index]) + interval)
                    }
                    row.append(ms(fit.budgetMs))
                    row.append(fit.firstMonthOverBudget.map { "month \($0) (\(scenario.start.adding(months: $0)))" } ?? "within the horizon")
                    return row
                },
                rightAligned: Set((engines.count > 1 ? 3 : 2)..<((engines.count > 1 ? 6 : 5) + months.count + 1)))))
        var warnings = fits.filter { $0.extrapolationFactor > QueryFit.extrapolationWarning }.map { fit in
            "\(fit.query): extrapolated \(NumberFormat.grouped(fit.extrapolationFactor, decimals: 0))× past the largest measured \(fit.table) (\(NumberFormat.grouped(fit.largestMeasured)) rows); raise --max-rows for a closer estimate."
        }
        warnings += unfitted.map { "\($0.query): no fit, \($0.reason)." }
        if !warnings.isEmpty { document.sections.append(.init(title: "Warnings", lines: warnings)) }

        document.sections.append(.init(
            title: "Every query in every month",
            lines: ["ok: timed with rows returned at every scale; otherwise the months and why (queries.csv has every run)."],
            table: .init(headers: ["query", "months ok", "not ok"], rows: queries.map { query in
                var notOK: [String] = []
                var okMonths = 0
                for month in months {
                    let runs = timings.filter { $0.query == query.name && $0.month == month }
                    let failures = [QueryStatus.error, .timedOut, .noRows].compactMap { status -> String? in
                        let matching = runs.filter { $0.status == status }
                        guard let first = matching.first else { return nil }
                        return "\(status.rawValue) at \(matching.count) of \(runs.count) scales (\(first.reason))"
                    }
                    if !failures.isEmpty {
                        notOK.append("month \(month): " + failures.joined(separator: ", "))
                    } else {
                        okMonths += 1
                    }
                }
                return [query.name, "\(okMonths) of \(months.count)", notOK.isEmpty ? "" : Self.condensed(notOK)]
            }, rightAligned: [1])))
        if !fidelity.isEmpty {
            document.sections.append(.init(
                title: "SQLite against PostgreSQL",
                lines: ["The same query on the same rows: results compared without regard to order; time ratio = PostgreSQL ÷ SQLite (median over the databases)."],
                table: .init(headers: ["query", "same result", "different", "median ratio"], rows: queries.map { query in
                    let rows = fidelity.filter { $0.query == query.name }
                    let ratios = rows.compactMap(\.ratio).sorted()
                    let different = rows.filter { $0.sameResult == false }.map { "month \($0.month) at \(NumberFormat.significant($0.scale)): \($0.sqliteRows) vs \($0.postgresRows) rows" }
                    return [query.name, "\(rows.filter { $0.sameResult == true }.count) of \(rows.count)",
                            different.isEmpty ? "" : different.prefix(2).joined(separator: "; ") + (different.count > 2 ? "; …" : ""),
                            ratios.isEmpty ? "–" : NumberFormat.grouped(ratios[ratios.count / 2], decimals: 2) + "×"]
                }, rightAligned: [1, 3])))
        }
        if !indexAdvice.isEmpty {
            document.sections.append(.init(
                title: "Index advice",
                lines: ["For each scan of a large table (or sort in a temporary B-tree): the index proposed, created on the month's largest database (SQLite), the query timed again; the index is dropped after."],
                table: .init(headers: ["query", "month", "index", "without", "with", "speed-up"], rows: indexAdvice.map { item in
                    [item.query, String(item.month), item.sql, ms(item.beforeMs), item.afterMs.map(ms) ?? "–",
                     item.speedUp.map { NumberFormat.grouped($0, decimals: 1) + "×" } ?? item.planAfter]
                }, rightAligned: [1, 3, 4, 5])))
        }
        document.sections.append(.init(
            title: "Full scans of large tables",
            lines: largeScans.isEmpty ? ["None above \(NumberFormat.grouped(Double(Self.largeTable))) rows whose time grows with the rows."] :
                largeScans.map { "\($0.query) scans \($0.table) in full; \(NumberFormat.grouped(Double($0.rows))) rows at month \($0.month)" }))
        return document
    }

    /// "month 1: no rows … (why); month 2: no rows … (why)" with one reason named once when all share it.
    static func condensed(_ items: [String]) -> String {
        let reasons = Set(items.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? $0 })
        guard reasons.count == 1, items.count > 1, let reason = reasons.first else { return items.joined(separator: "; ") }
        let months = items.map { $0.split(separator: ":", maxSplits: 1)[0].replacingOccurrences(of: "month ", with: "") }
        return "months \(months.joined(separator: ", ")):\(reason)"
    }

    /// Largest ÷ smallest scale of the databases of a month (the least of the months).
    public var scaleSpread: Double {
        Dictionary(grouping: datasets, by: \.month).values.map { group in
            (group.map(\.scale).max() ?? 1) / max(group.map(\.scale).min() ?? 1, 1e-300)
        }.min() ?? 1
    }

    // MARK: The measured scenario

    /// The §9 table a query's time grows with, for a measured main table: conversations grow
    /// with messages; profiles, subscriptions, organizations and auth users with accounts.
    static func growthTable(for table: String) -> GrowthTable? {
        switch table {
        case "chat_messages", "conversations", "chat_messages_archive", "recent_messages_cache": .chatMessages
        case "analytics_events": .analyticsEvents
        case "auth_users", "users", "profiles", "subscriptions", "subscription_history", "organizations", "organization_members",
             "daily_usage", "waitlist", "user_feedback", "user_cohorts": .accounts
        default: nil
        }
    }

    /// Rows of a §9 table in a dataset.
    static func rows(of table: GrowthTable, in counts: TableCounts) -> Int {
        switch table {
        case .chatMessages: counts["chat_messages"]
        case .analyticsEvents: counts["analytics_events"]
        case .accounts: counts["auth_users"]
        }
    }

    /// A workload query measured: `ms` as `{a, b, table}` refitted on the rows of the §9 table
    /// its main table grows with, or a constant (the median at the largest database) when it
    /// grows with none.
    public struct MeasuredQuery: Sendable {
        public var name: String
        public var rate: QueryRate
        public var count: Double
        public var growth: (a: Double, b: Double, table: GrowthTable)?
        public var constantMs: Double?
    }

    /// The engine the measured scenario takes its times and sizes from: PostgreSQL when it was timed.
    public var measuringEngine: QueryEngine { engines.last ?? .sqlite }

    /// Every query with a `-- per:` header that was timed, as a §9 workload query.
    public var workloadQueries: [MeasuredQuery] {
        queries.compactMap { query in
            guard let rate = query.rate else { return nil }
            let timed = timings.filter { $0.query == query.name && $0.engine == measuringEngine && $0.isTimed }
            guard let main = timed.last?.table, !timed.isEmpty else { return nil }
            var measured = MeasuredQuery(name: query.name, rate: rate, count: query.count, growth: nil, constantMs: nil)
            if let table = Self.growthTable(for: main) {
                let rows = timed.map { timing in
                    Double(datasets.first { $0.month == timing.month && $0.scale == timing.scale }.map { Self.rows(of: table, in: $0.counts) } ?? 0)
                }
                if let line = Self.fit(rows: rows, ms: timed.compactMap(\.medianMs)) {
                    measured.growth = (exp(line.intercept), line.slope, table)
                    return measured
                }
            }
            let largest = timed.max { $0.tableRows < $1.tableRows }
            measured.constantMs = largest?.medianMs
            return measured.constantMs == nil ? nil : measured
        }
    }

    /// `DIR/measured.yaml`: a scenario that extends the measured one (`extendsPath`, as the
    /// file should name it) with the storage sizes measured and the workload's queries, so
    /// that `capsim run DIR/measured.yaml` projects storage and compute from the measurement.
    public func measuredScenarioYAML(extending extendsPath: String, command: String, date: String) -> String {
        var lines = [
            "# Measured by capsim queries on \(date):",
            "#   \(command)",
            measuringEngine == .postgres
                ? "# Storage: bytes per row from PostgreSQL (pg_total_relation_size: indexes and TOAST) on the largest database of month \(months.last ?? 0)."
                : "# Storage: bytes per row of SQLite's pages (dbstat, indexes included) on the largest database of month \(months.last ?? 0).",
            "# Workload: each query with a '-- per:' header, ms = a · rows(table)^b refitted on the rows of the table it grows with (MODEL.md §9),",
            "# from \(datasets.count) synthetic databases (months \(months.map(String.init).joined(separator: ", "))). "
                + (measuringEngine == .postgres
                    ? "PostgreSQL's execution time on the server (no network or client time):"
                    : "SQLite in process, not PostgreSQL over a network:"),
            "# workload.engine_factor scales these times (default 1).",
            "extends: \(YAMLOverride.quoted(extendsPath))",
        ]
        let root = YAMLOverride()
        if let storage {
            if let value = storage.bytesPerMessage { root.set("usage.bytes_per_message", to: Self.yamlNumber(value)) }
            if let value = storage.bytesPerEvent { root.set("usage.bytes_per_event", to: Self.yamlNumber(value)) }
            if let value = storage.bytesPerAccount { root.set("usage.bytes_per_account", to: Self.yamlNumber(value)) }
        }
        for query in workloadQueries {
            root.set("workload.queries.\(query.name).per", to: query.rate.rawValue)
            root.set("workload.queries.\(query.name).count", to: Self.yamlNumber(query.count))
            if let growth = query.growth {
                root.set("workload.queries.\(query.name).ms", to: "{a: \(Self.yamlNumber(growth.a)), b: \(Self.yamlNumber(growth.b)), table: \(growth.table.rawValue)}")
            } else if let ms = query.constantMs {
                root.set("workload.queries.\(query.name).ms", to: Self.yamlNumber(ms))
            }
        }
        lines += root.lines(kind: .mapping(ScenarioKeys.root), indent: "")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Six significant digits: measured figures carry no more.
    static func yamlNumber(_ value: Double) -> String { NumberFormat.plain(Double(String(format: "%.6g", value)) ?? value) }
}
