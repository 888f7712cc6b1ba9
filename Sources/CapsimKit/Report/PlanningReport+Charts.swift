import Foundation

/// The charts of ``PlanningReport``, each built from the projection at the mean inputs and,
/// for the fans, from Monte Carlo percentiles.
extension PlanningReport {
    var monthAxis: XYChart.Axis { .time(from: scenario.start, months: horizon) }
    var monthValues: [Double] { (0...horizon).map(Double.init) }

    /// A column of the projection at the mean inputs, nil where undefined.
    func values(_ column: Column) -> [Double?] { (0...horizon).map { projection.row($0).value(column) } }

    /// Monte Carlo percentiles of a column in each month; nil without Monte Carlo.
    func fan(_ column: Column) -> [Quantiles?]? {
        guard let monteCarlo, let name = column.csvName, let series = monteCarlo.seriesIndex(name) else { return nil }
        return (0...horizon).map { monteCarlo.quantiles(month: $0, series: series) }
    }

    func date(_ month: Int) -> String { scenario.start.adding(months: month).description }

    /// Month `month` as people read it: `month 14 (2027-03)`.
    func monthText(_ month: Int) -> String { "month \(month) (\(date(month)))" }

    /// Each phase of the projection at the mean inputs as a shaded span.
    var phaseSpans: [XYChart.Mark] {
        let entries = projection.phaseEntryMonths
        return scenario.phases.indices.compactMap { phase in
            guard let from = entries[phase] else { return nil }
            let to = entries[(phase + 1)...].compactMap { $0 }.first ?? horizon + 1
            guard to > from else { return nil }
            return .span(label: "P\(phase)", tooltip: "Phase \(phase): \(scenario.phases[phase].name), from \(date(from))",
                         shade: phase, from: Double(from), to: Double(min(to, horizon)))
        }
    }

    /// Bands, the P50 line and hover points of a column (the projection's line without Monte Carlo).
    func fanMarks(_ column: Column, unit: ChartUnit, colour: String = Palette.blue) -> [XYChart.Mark] {
        let xs = monthValues
        guard let fan = fan(column) else {
            let line = values(column)
            return [.line(label: "projection", colour: colour, x: xs, y: line, dashed: false, step: false),
                    .points(label: "", colour: colour, radius: 0, xs.indices.compactMap { month in
                        line[month].map { XYChart.Point(x: xs[month], y: $0, tooltip: "\(date(month)): \(unit.format($0))") }
                    })]
        }
        return [
            .band(label: "P5–P95", colour: colour, opacity: 0.16, x: xs, low: fan.map { $0?.p5 }, high: fan.map { $0?.p95 }),
            .band(label: "P25–P75", colour: colour, opacity: 0.3, x: xs, low: fan.map { $0?.p25 }, high: fan.map { $0?.p75 }),
            .line(label: "P50", colour: colour, x: xs, y: fan.map { $0?.p50 }, dashed: false, step: false),
            .points(label: "", colour: colour, radius: 0, xs.indices.compactMap { month in
                fan[month].map { q in
                    XYChart.Point(x: xs[month], y: q.p50, tooltip: "\(date(month)): P50 \(unit.format(q.p50)); P25–P75 \(Self.range(unit.format(q.p25), unit.format(q.p75))); P5–P95 \(Self.range(unit.format(q.p5), unit.format(q.p95)))")
                }
            }),
        ]
    }

    /// Observed values of a column, as dots.
    func actualMarks(_ column: Column, unit: ChartUnit) -> [XYChart.Mark] {
        guard let actuals, let name = column.csvName, let index = actuals.columns.firstIndex(of: name) else { return [] }
        let points = actuals.months.indices.compactMap { row in
            actuals.values[row][index].map { XYChart.Point(x: Double(actuals.months[row]), y: $0, tooltip: "observed \(date(actuals.months[row])): \(unit.format($0))") }
        }
        return [.points(label: "observed", colour: Palette.black, radius: 3.5, points)]
    }

    /// A fan on a log axis: growth over orders of magnitude reads as a slope.
    func fanChart(_ column: Column, title: String, unit: ChartUnit) -> XYChart {
        XYChart(title: title, x: monthAxis, y: .init(label: unit == .money ? "USD per month (log)" : "accounts (log)", unit: unit, kind: .log),
                marks: phaseSpans + fanMarks(column, unit: unit) + actualMarks(column, unit: unit))
    }

    func cashChart() -> XYChart {
        var marks = phaseSpans + fanMarks(.cash, unit: .money) + actualMarks(.cash, unit: .money)
        marks.append(.rule(label: "cash floor \(ChartUnit.money.format(scenario[scenario.cash.floor]))", colour: Palette.vermillion,
                           y: scenario[scenario.cash.floor]))
        for event in projection.events {
            guard case let .fundingReceived(index) = event.kind else { continue }
            marks.append(.marker(label: scenario.funding[index].name, colour: Palette.green, x: Double(event.month)))
        }
        return XYChart(title: "Cash at the end of each month", x: monthAxis, y: .init(label: "USD", unit: .money, includeZero: true), marks: marks)
    }

    /// Each month's costs by category, in the order stacked: (name, dollars per month).
    func costCategories() -> [(name: String, values: [Double])] {
        let rows = projection.rows
        let planPrice = rows.map { scenario[scenario.supabase.plans[$0.planIndex].price] }
        let compute = rows.map { $0.value(.computeCost) ?? 0 }
        let overages = rows.indices.map { max(0, rows[$0][.supabaseCost] - compute[$0] - planPrice[$0]) }
        return [("Supabase plan", planPrice), ("Supabase overages", overages), ("Compute", compute),
                ("Services", rows.map { $0[.servicesCost] }), ("Team", rows.map { $0[.teamCost] }),
                ("Compliance", rows.map { $0[.complianceCost] }), ("Marketing", rows.map { $0[.marketing] }),
                ("LLM and other variable", rows.map { $0[.variableCost] }), ("Payment fees", rows.map { $0[.paymentFees] })]
    }

    func costChart() -> XYChart {
        let xs = monthValues
        var marks: [XYChart.Mark] = []
        var below = [Double](repeating: 0, count: xs.count)
        for (index, category) in costCategories().enumerated() where category.values.contains(where: { $0 > 0 }) {
            let above = zip(below, category.values).map { $0 + $1 }
            marks.append(.band(label: category.name, colour: Palette.colour(index), opacity: 0.75, x: xs, low: below, high: above))
            marks.append(.points(label: "", colour: "", radius: 0, xs.indices.map { month in
                XYChart.Point(x: xs[month], y: above[month], tooltip: "\(date(month)) \(category.name): \(NumberFormat.money(category.values[month])) (total so far \(NumberFormat.money(above[month])))")
            }))
            below = above
        }
        marks.append(.line(label: "MRR", colour: Palette.black, x: xs, y: values(.mrr), dashed: true, step: false))
        return XYChart(title: "Monthly cost by category, and MRR", x: monthAxis, y: .init(label: "USD per month", unit: .money), marks: marks)
    }

    func timelineChart() -> TimelineChart {
        let rows = projection.rows
        var lanes: [TimelineChart.Lane] = []
        if !scenario.phases.isEmpty {
            lanes.append(.init(name: "Phase", segments: TimelineChart.segments(rows.map { "\($0.phase) \(scenario.phases[$0.phase].name)" })))
        }
        lanes.append(.init(name: "Supabase plan", segments: TimelineChart.segments(rows.map { scenario.supabase.plans[$0.planIndex].name })))
        if let compute = scenario.supabase.compute {
            lanes.append(.init(name: "Compute", segments: TimelineChart.segments(rows.map { $0.computeIndex.map { compute.sizes[$0].name } })))
            let replicas = rows.map { $0.value(.replicas).map(Int.init) ?? 0 }
            if replicas.contains(where: { $0 > 0 }) {
                lanes.append(.init(name: "Replicas", segments: TimelineChart.segments(replicas.map { $0 > 0 ? "\($0) replica\($0 == 1 ? "" : "s")" : nil })))
            }
        }
        return TimelineChart(title: "Phases, plans, compute and events", months: MonthTicks(start: scenario.start, months: horizon),
                             lanes: lanes, events: timelineEvents())
    }

    /// Events drawn as rows of the timeline: the kinds the lanes do not already show.
    static func isTimelineEvent(_ kind: EventKind) -> Bool {
        switch kind {
        case .milestoneReached, .fundingReceived, .cashBelowFloor, .limitBreached, .planOverLimit, .capacityBreach(bound: nil): true
        default: false
        }
    }

    func timelineEvents() -> [TimelineChart.Event] {
        guard let monteCarlo else {
            return projection.events.filter { Self.isTimelineEvent($0.kind) }.map {
                TimelineChart.Event(month: $0.month, label: $0.key, tooltip: "\(monthText($0.month)): \($0.detail)")
            }
        }
        return monteCarlo.eventStatistics().compactMap { event -> TimelineChart.Event? in
            guard Self.isTimelineEvent(event.kind), let month = event.month else { return nil }
            let p50 = Int(month.p50.rounded())
            return TimelineChart.Event(month: p50, label: "\(event.key) · \(NumberFormat.percent(event.share)) of runs",
                                       tooltip: "\(event.key): in \(NumberFormat.percent(event.share)) of runs; P50 \(monthText(p50)), P5–P95 months \(Int(month.p5.rounded()))–\(Int(month.p95.rounded()))")
        }.sorted { ($0.month, $0.label) < ($1.month, $1.label) }
    }

    /// Busy cores, connections and working set against the chosen size's limits; none without a compute catalog.
    func capacityCharts() -> [XYChart] {
        guard let compute = scenario.supabase.compute else { return [] }
        let rows = projection.rows, xs = monthValues
        func limit(_ value: (MonthRow, ComputeSize) -> Double) -> [Double?] {
            rows.map { row in row.computeIndex.map { value(row, compute.sizes[$0]) } }
        }
        let utilisation = scenario[compute.maxCPUUtilisation], readShare = scenario[compute.readShare]
        let cpu = limit { row, size in
            utilisation * scenario[size.cpu] / ((1 - readShare) + readShare / ((row.value(.replicas) ?? 0) + 1))
        }
        let connections = limit { _, size in scenario[compute.poolShare] * scenario[size.maxConnections] }
        let clients = limit { _, size in scenario[size.poolerClients] }
        let cache = limit { _, size in scenario[compute.ramForCache] * scenario[size.ram] }
        return [
            XYChart(title: "Busy cores at the peak hour", x: monthAxis, y: .init(label: "cores (log)", unit: .plain, kind: .log),
                    marks: fanMarks(.busyCores, unit: .plain) + [.line(label: "what the size and replicas carry", colour: Palette.vermillion, x: xs, y: cpu, dashed: true, step: true)],
                    height: 280),
            XYChart(title: "Connections and pooler clients at the peak", x: monthAxis, y: .init(label: "connections (log)", unit: .count, kind: .log),
                    marks: [.line(label: "db_connections", colour: Palette.blue, x: xs, y: values(.dbConnections), dashed: false, step: false),
                            .line(label: "pool share × max_connections", colour: Palette.blue, x: xs, y: connections, dashed: true, step: true),
                            .line(label: "pool_clients", colour: Palette.orange, x: xs, y: values(.poolClients), dashed: false, step: false),
                            .line(label: "pooler_clients", colour: Palette.orange, x: xs, y: clients, dashed: true, step: true)],
                    height: 280),
            XYChart(title: "Working set against the RAM kept for cache", x: monthAxis, y: .init(label: "bytes (log)", unit: .bytes, kind: .log),
                    marks: [.line(label: "working_set_bytes", colour: Palette.green, x: xs, y: values(.workingSetBytes), dashed: false, step: false),
                            .line(label: "ram_for_cache × ram", colour: Palette.vermillion, x: xs, y: cache, dashed: true, step: true)],
                    height: 280),
        ]
    }

    /// Database size, egress and file storage against the quotas of the plan in force.
    func quotaCharts() -> [XYChart] {
        let rows = projection.rows, xs = monthValues
        let resources: [(PlanResource, Column, String)] = [(.db, .dbBytes, "Database size"), (.egress, .egressBytes, "Egress of the month"),
                                                           (.storage, .storageBytes, "File storage")]
        return resources.map { resource, column, title in
            let quota = rows.map { row in
                scenario.supabase.plans[row.planIndex].included[resource.index].map { scenario[$0] } ?? 0
            }
            return XYChart(title: title, x: monthAxis, y: .init(label: "bytes (log)", unit: .bytes, kind: .log),
                           marks: [.line(label: column.csvName ?? title, colour: Palette.blue, x: xs, y: values(column), dashed: false, step: false),
                                   .points(label: "", colour: "", radius: 0, xs.indices.map { month in
                                       XYChart.Point(x: xs[month], y: rows[month][column], tooltip: "\(date(month)): \(NumberFormat.bytes(rows[month][column])) on \(scenario.supabase.plans[rows[month].planIndex].name) (quota \(NumberFormat.bytes(quota[month])))")
                                   }),
                                   .line(label: "plan quota", colour: Palette.vermillion, x: xs, y: quota, dashed: true, step: true)],
                           height: 260)
        }
    }

    /// The unit of an outcome's values.
    static func unit(of outcome: Outcome) -> ChartUnit {
        let name: String
        switch outcome {
        case let .column(column, _, _): name = column
        case let .summary(figure): name = figure.rawValue
        case .event: return .percent
        }
        if name.hasSuffix("_usd") || name == "required_raise" { return .money }
        if name.hasSuffix("_bytes") { return .bytes }
        if name == "gross_margin" { return .percent }
        return name.hasSuffix("_month") ? .plain : .count
    }

    func tornadoCharts(_ sensitivity: Sensitivity) -> [TornadoChart] {
        sensitivity.outcomes.compactMap { outcome in
            guard let base = outcome.base else { return nil }
            let rows = outcome.rows.prefix(10).map { row in
                TornadoChart.Row(label: "\(row.keyPath) (\(NumberFormat.significant(row.lowInput)) → \(NumberFormat.significant(row.highInput)))",
                                 low: row.low, high: row.high)
            }
            return TornadoChart(title: "\(outcome.outcome)", unit: Self.unit(of: outcome.outcome), base: base, rows: Array(rows),
                                lowLabel: "input at P10", highLabel: "input at P90")
        }
    }

    /// Rows of each query's table at the horizon (from the projection at the mean inputs).
    func horizonRows(_ query: QueryMeasurements.Query) -> Double {
        (try? SyntheticData(projection: projection, options: DataOptions(month: horizon))).map { Double($0.expectedCounts()[query.table]) } ?? 0
    }

    func queryChart(_ queries: QueryMeasurements) -> XYChart {
        var marks: [XYChart.Mark] = []
        for (index, query) in queries.queries.enumerated() {
            let colour = Palette.colour(index)
            marks.append(.points(label: query.name, colour: colour, radius: 3.5, query.points.map {
                XYChart.Point(x: $0.rows, y: $0.ms, tooltip: "\(query.name): \(NumberFormat.grouped($0.ms, decimals: 3)) ms at \(NumberFormat.grouped($0.rows)) rows of \(query.table)")
            }))
            let fit = query.fit
            guard let measured = query.points.map(\.rows).filter({ $0 > 0 }).max(),
                  let smallest = query.points.map(\.rows).filter({ $0 > 0 }).min() else { continue }
            let largest = max(measured, horizonRows(query))
            let xs = (0...24).map { exp(log(smallest) + (log(largest) - log(smallest)) * Double($0) / 24) }
            let band = xs.map { fit.interval(at: log($0), level: 0.9) }
            marks.append(.band(label: "", colour: colour, opacity: 0.15, x: xs, low: band.map { $0.map { exp($0.low) } }, high: band.map { $0.map { exp($0.high) } }))
            marks.append(.line(label: "", colour: colour, x: xs, y: xs.map { $0 <= measured * 1.0001 ? exp(fit.value(at: log($0))) : nil }, dashed: false, step: false))
            marks.append(.line(label: "", colour: colour, x: xs, y: xs.map { $0 >= measured * 0.9999 ? exp(fit.value(at: log($0))) : nil }, dashed: true, step: false))
        }
        for budget in Set(queries.queries.map(\.budgetMs)).sorted() {
            marks.append(.rule(label: "budget \(ChartUnit.milliseconds.format(budget))", colour: Palette.vermillion, y: budget))
        }
        return XYChart(title: "Median query time against the rows of its main table (dashed: extrapolated to the horizon)",
                       x: .init(label: "rows of the main table (log)", unit: .count, kind: .log), y: .init(label: "milliseconds (log)", unit: .milliseconds, kind: .log), marks: marks)
    }

    func queryTable(_ queries: QueryMeasurements) -> String {
        let rows = queries.queries.map { query -> [String] in
            let rows = horizonRows(query)
            let projected = rows > 0 ? query.projectedMs(rows: rows) : nil
            return [query.name, query.table, NumberFormat.grouped(query.fit.slope, decimals: 2),
                    NumberFormat.grouped(query.fit.r2, decimals: 2), NumberFormat.grouped(rows),
                    projected.map { ChartUnit.milliseconds.format($0) } ?? "–", ChartUnit.milliseconds.format(query.budgetMs),
                    query.firstMonthOverBudget.map(monthText) ?? "within the horizon"]
        }
        return Self.table(headers: ["query", "table", "exponent b", "R²", "rows at month \(horizon)", "projected time", "budget", "over budget from"],
                          rows: rows, numeric: [2, 3, 4, 5, 6])
    }

    /// Cost per account and gross margin, with the ranges the phases state for them.
    func unitEconomicsCharts() -> [XYChart] {
        let xs = monthValues, rows = projection.rows
        func statedRanges(_ column: String, floor: Double) -> [XYChart.Mark] {
            let entries = projection.phaseEntryMonths
            var labelled = false
            return scenario.phases.indices.compactMap { phase -> XYChart.Mark? in
                guard let range = scenario.phases[phase].targets.first(where: { $0.column == column })?.range,
                      let from = entries[phase] else { return nil }
                let to = entries[(phase + 1)...].compactMap { $0 }.first ?? horizon
                guard to > from else { return nil }
                let span = Array(from...to).map(Double.init)
                defer { labelled = true }
                return .band(label: labelled ? "" : "stated by the phases", colour: Palette.green, opacity: 0.22, x: span,
                             low: span.map { _ in max(range.min ?? floor, floor) }, high: span.map { _ in range.max ?? range.min.map { $0 * 10 } ?? floor })
            }
        }
        let total = rows.map { $0.users > 0 ? $0.totalCost / $0.users : nil }
        return [
            XYChart(title: "Cost per account per month", x: monthAxis, y: .init(label: "USD per account (log)", unit: .cents, kind: .log),
                    marks: phaseSpans + statedRanges("cost_per_user_usd", floor: 0.001)
                        + [.line(label: "infrastructure (cost_per_user_usd)", colour: Palette.blue, x: xs, y: values(.costPerUser), dashed: false, step: false),
                           .line(label: "every cost", colour: Palette.orange, x: xs, y: total, dashed: false, step: false)],
                    height: 300),
            XYChart(title: "Gross margin", x: monthAxis, y: .init(label: "share of MRR", unit: .percent, includeZero: false),
                    marks: phaseSpans + statedRanges("gross_margin", floor: -1)
                        + [.line(label: "gross_margin", colour: Palette.blue, x: xs, y: values(.grossMargin), dashed: false, step: false)],
                    height: 300),
        ]
    }

    /// The headline figures: users and MRR at the horizon, cash, break-even, the raise, compute and capacity.
    func headlineTable() -> String {
        var rows: [[String]] = []
        func quantiles(_ column: Column, _ format: (Double) -> String) -> String {
            if let monteCarlo, let name = column.csvName, let series = monteCarlo.seriesIndex(name),
               let q = monteCarlo.quantiles(month: horizon, series: series) { return "\(format(q.p50)) (P5–P95 \(Self.range(format(q.p5), format(q.p95))))" }
            return projection.last.value(column).map(format) ?? "–"
        }
        rows.append(["Accounts at \(date(horizon))", quantiles(.usersTotal) { NumberFormat.grouped($0) }])
        rows.append(["MRR at \(date(horizon))", quantiles(.mrr, NumberFormat.money)])
        let funding = projection.funding
        if let monteCarlo, let low = monteCarlo.cashLowPointQuantiles() {
            let stats = monteCarlo.fundingStatistics()
            rows.append(["Cash low point", "\(NumberFormat.money(low.p50)) (P5–P95 \(Self.range(NumberFormat.money(low.p5), NumberFormat.money(low.p95))))"])
            rows.append(["Cash below the floor", eventText(share: stats.cashOutShare, month: stats.cashOutMonth)])
            rows.append(["Break-even", eventText(share: stats.breakEvenShare, month: stats.breakEvenMonth)])
            rows.append(["Raise needed to stay above the floor in 90% of runs", stats.raiseFor90Percent > 0 ? NumberFormat.money(stats.raiseFor90Percent) : "none"])
        } else {
            rows.append(["Cash low point", "\(NumberFormat.money(funding.cashLowPoint)) in \(monthText(funding.cashLowPointMonth))"])
            rows.append(["Cash below the floor", funding.cashOutMonth.map(monthText) ?? "not within the horizon"])
            rows.append(["Break-even", funding.breakEvenMonth.map(monthText) ?? "not within the horizon"])
            rows.append(["Raise needed to stay above the floor", funding.requiredRaise > 0
                ? "\(NumberFormat.money(funding.requiredRaise))\(funding.raiseByMonth.map { " by \(monthText($0))" } ?? "")" : "none"])
        }
        if let compute = scenario.supabase.compute, let first = projection.row(0).computeIndex {
            let upgrade = compute.sizes.indices.filter { $0 > first }.compactMap { size in
                projection.month(ofEvent: "compute:\(compute.sizes[size].name)").map { (size, $0) }
            }.min { $0.1 < $1.1 }
            rows.append(["First compute upgrade", upgrade.map { "\(compute.sizes[$0.0].name) in \(monthText($0.1))\(eventShare("compute:\(compute.sizes[$0.0].name)"))" } ?? "none within the horizon"])
            rows.append(["First capacity breach", (projection.month(ofEvent: "capacity_breach").map(monthText) ?? "none within the horizon") + eventShare("capacity_breach")])
        }
        return Self.table(headers: ["figure", monteCarlo == nil ? "projection at the mean inputs" : "Monte Carlo"], rows: rows, numeric: [])
    }

    /// `low–high`, or `low to high` when either is negative (`-$5M to -$200k`).
    static func range(_ low: String, _ high: String) -> String {
        low.hasPrefix("-") || high.hasPrefix("-") ? "\(low) to \(high)" : "\(low)–\(high)"
    }

    /// "42% of runs; P50 month 14 (2027-03)".
    func eventText(share: Double, month: Quantiles?) -> String {
        guard let month, share > 0 else { return "in no run" }
        let p50 = Int(month.p50.rounded())
        return "\(NumberFormat.percent(share)) of runs; P50 \(monthText(p50)), P5–P95 months \(Int(month.p5.rounded()))–\(Int(month.p95.rounded()))"
    }

    /// With Monte Carlo, the share of runs in which event `key` happens: "; in 63% of runs".
    func eventShare(_ key: String) -> String {
        guard let monteCarlo, let index = monteCarlo.catalog.index(of: key) else { return "" }
        return " (projection at the mean inputs; in \(NumberFormat.percent(monteCarlo.eventStatistics()[index].share)) of Monte Carlo runs)"
    }
}
