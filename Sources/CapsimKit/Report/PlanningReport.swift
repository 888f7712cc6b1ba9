import Foundation

/// `capsim report`: one self-contained HTML page (inline CSS and SVG, no script, nothing
/// fetched) with the charts a planner reads: fans of users, MRR and cash, costs by category,
/// the timeline, database capacity, storage against quotas, sensitivity, measured queries,
/// observed months and unit economics.
public struct PlanningReport: Sendable {
    /// The projection with every input at its mean: the timeline, costs and capacity are drawn from it.
    public var projection: Projection
    /// Monte Carlo, when the scenario has uncertain inputs: fans and probabilities.
    public var monteCarlo: MonteCarloResult?
    /// One-at-a-time sensitivity of the headline outcomes (§11).
    public var sensitivity: Sensitivity?
    public var queries: QueryMeasurements?
    public var actuals: Actuals?
    /// capsim's version, for the header.
    public var version: String
    /// The day the report was made (YYYY-MM-DD).
    public var date: String

    public init(projection: Projection, monteCarlo: MonteCarloResult?, sensitivity: Sensitivity?,
                queries: QueryMeasurements?, actuals: Actuals?, version: String, date: String) {
        self.projection = projection
        self.monteCarlo = monteCarlo
        self.sensitivity = sensitivity
        self.queries = queries
        self.actuals = actuals
        self.version = version
        self.date = date
    }

    var scenario: Scenario { projection.scenario }
    var horizon: Int { scenario.horizonMonths }

    /// The outcomes whose tornado the report draws: users and MRR at the horizon, the cash low point.
    public static func headlineOutcomes(for scenario: Scenario) -> [Outcome] {
        ["users_total@\(scenario.horizonMonths)", "mrr_usd@\(scenario.horizonMonths)", "cash_low_point_usd"]
            .compactMap { try? Outcome.parse($0, for: scenario) }
    }

    /// A digest of the inputs: FNV-1a (64 bits) of the resolved scenario's JSON, the runs and the seed.
    public var inputDigest: String {
        var text = scenario.json().serialized()
        if let monteCarlo { text += "\nruns \(monteCarlo.runs) seed \(monteCarlo.options.seed)" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The whole page.
    public func html() -> String {
        var sections: [(title: String, caption: String, body: String)] = []
        let fanCaption = monteCarlo.map { "Bands: P5–P95 (light) and P25–P75 (dark) of \(NumberFormat.grouped(Double($0.runs))) runs; line: P50. " }
            ?? "The projection with every input at its mean. "
        let phaseNote = scenario.phases.isEmpty ? "" : "Grey spans: the phases of the projection at the mean inputs (hover for names). "
        let actualsNote = actuals == nil ? "" : "Black dots: observed months from \(actuals!.path). "
        sections.append(("Users", fanCaption + phaseNote + actualsNote, fanChart(.usersTotal, title: "Accounts (all tiers)", unit: .count).svg()))
        sections.append(("Monthly recurring revenue", fanCaption + phaseNote + actualsNote, fanChart(.mrr, title: "MRR", unit: .money).svg()))
        sections.append(("Cash", fanCaption + phaseNote + actualsNote + "Dashed: the cash floor and the month each funding round arrives.",
                         cashChart().svg()))
        sections.append(("Monthly cost by category", "The projection at the mean inputs: each category stacked; the line is MRR. The stack's top is total_cost_usd.",
                         costChart().svg()))
        sections.append(("Timeline", timelineCaption, timelineChart().svg()))
        let capacity = capacityCharts()
        if !capacity.isEmpty {
            let idle = scenario.workload.queries.isEmpty
                ? " The scenario's workload declares no queries (workload.queries), so busy cores and database connections are 0 in every month and the size is chosen by RAM, clients and database size alone."
                : ""
            sections.append(("Database capacity", "The projection at the mean inputs against the chosen compute size's limits (MODEL.md §9): what the size and its replicas can carry at max_cpu_utilisation, the pool's share of max_connections, and the RAM kept for cache." + idle,
                             capacity.map { $0.svg() }.joined(separator: "\n")))
        }
        sections.append(("Storage and egress", "The projection at the mean inputs against the quota of the Supabase plan in force (dashed); usage over a quota is billed as overage.",
                         quotaCharts().map { $0.svg() }.joined(separator: "\n")))
        if let sensitivity, !sensitivity.outcomes.isEmpty {
            sections.append(("What moves the outcome", "One input at a time (MODEL.md §11): each uncertain input at its 10th and 90th percentile, every other at its mean; widest swing first.",
                             tornadoCharts(sensitivity).map { $0.svg() }.joined(separator: "\n")))
        }
        if let queries {
            sections.append(("Query time against rows", "Measured by capsim queries (\(queries.path)): median time against the rows of each query's main table, log-log; lines: the fit time = a·rows^b with its 90% interval (shaded); dashed: the budget.",
                             queryChart(queries).svg() + queryTable(queries)))
        }
        sections.append(("Unit economics", "The projection at the mean inputs. Shaded: the ranges the phases state (targets of cost_per_user_usd and gross_margin) over each phase's months.",
                         unitEconomicsCharts().map { $0.svg() }.joined(separator: "\n")))

        var page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SVGCanvas.escape("capsim report: \(scenario.name)"))</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <header>
        <h1>\(SVGCanvas.escape(scenario.name))</h1>
        <p class="meta">\(SVGCanvas.escape(headerLine))</p>
        </header>
        <section><h2>Headline</h2>\(headlineTable())</section>

        """
        for section in sections {
            page += "<section><h2>\(SVGCanvas.escape(section.title))</h2>\n<p class=\"caption\">\(SVGCanvas.escape(section.caption))</p>\n\(section.body)\n</section>\n"
        }
        page += "<footer>Made by capsim \(SVGCanvas.escape(version)) on \(SVGCanvas.escape(date)). Every figure comes from the scenario above; MODEL.md says how each is computed.</footer>\n</body>\n</html>\n"
        return page
    }

    private var headerLine: String {
        var parts = ["\(scenario.sourcePath)", "\(horizon) months from \(scenario.start)"]
        if let monteCarlo {
            parts.append("Monte Carlo: \(NumberFormat.grouped(Double(monteCarlo.runs))) runs, seed \(monteCarlo.options.seed)")
        } else {
            parts.append("deterministic (every input at its mean)")
        }
        parts += ["capsim \(version)", "inputs \(inputDigest)", date]
        return parts.joined(separator: " · ")
    }

    private var timelineCaption: String {
        let base = "The projection at the mean inputs: phases, Supabase plans, compute sizes and replicas by month, then each milestone and event (hover for details)."
        return monteCarlo == nil ? base : base + " Each event shows the share of Monte Carlo runs in which it happens within the horizon and its P50 month among them."
    }

    static let style = """
    body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#222;margin:24px auto;max-width:1200px;padding:0 10px;line-height:1.4}
    h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 4px;border-bottom:1px solid #ddd;padding-bottom:3px}
    .meta,.caption,footer{color:#555;font-size:13px}.caption{margin:2px 0 8px}
    svg.chart{display:block;max-width:100%;height:auto;margin:6px 0 14px}
    table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
    footer{margin-top:30px;border-top:1px solid #ddd;padding-top:6px}
    @media print{body{margin:0;max-width:none}section{break-inside:avoid}}
    """

    /// A table of (label, value) rows.
    static func table(headers: [String], rows: [[String]], numeric: Set<Int>) -> String {
        func cells(_ values: [String], tag: String) -> String {
            values.enumerated().map { "<\(tag)\(numeric.contains($0.offset) ? " class=\"n\"" : "")>\(SVGCanvas.escape($0.element))</\(tag)>" }.joined()
        }
        return "<table><thead><tr>\(cells(headers, tag: "th"))</tr></thead><tbody>"
            + rows.map { "<tr>\(cells($0, tag: "td"))</tr>" }.joined() + "</tbody></table>"
    }
}
