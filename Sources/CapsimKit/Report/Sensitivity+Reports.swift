extension Sensitivity {
    /// `outcome,parameter,low_input,high_input,low,high,swing`, then with Monte Carlo
    /// `spearman,share_low_quarter,share_high_quarter`; rows as ``outcomes`` orders them.
    public func csv() -> String {
        var writer = CSVWriter()
        var header = ["outcome", "parameter", "low_input", "high_input", "low", "high", "swing"]
        if monteCarlo != nil { header += ["spearman", "share_low_quarter", "share_high_quarter"] }
        writer.writeRow(header)
        for outcome in outcomes {
            for row in outcome.rows {
                var cells = [outcome.outcome.description, row.keyPath, CSVWriter.cell(row.lowInput), CSVWriter.cell(row.highInput),
                             CSVWriter.cell(row.low), CSVWriter.cell(row.high), CSVWriter.cell(row.swing)]
                if monteCarlo != nil {
                    cells += [CSVWriter.cell(row.spearman), CSVWriter.cell(row.shareLowQuarter), CSVWriter.cell(row.shareHighQuarter)]
                }
                writer.writeRow(cells)
            }
        }
        return writer.text
    }

    /// Everything, keys sorted: the outcomes, each with its value at the means and its rows.
    public func json() -> JSONValue {
        .object([
            "scenario": .string(scenario.name),
            "source": .string(scenario.sourcePath),
            "quantiles": .array([.number(Self.quantiles.low), .number(Self.quantiles.high)]),
            "monte_carlo": monteCarlo.map { .object(["runs": .number(Double($0.runs)), "seed": .number(Double($0.seed))]) } ?? .null,
            "outcomes": .array(outcomes.map { outcome in
                .object([
                    "outcome": .string(outcome.outcome.description),
                    "base": .number(outcome.base),
                    "rows": .array(outcome.rows.map { row in
                        .object([
                            "parameter": .string(row.keyPath), "low_input": .number(row.lowInput), "high_input": .number(row.highInput),
                            "low": .number(row.low), "high": .number(row.high), "swing": .number(row.swing),
                            "spearman": .number(row.spearman), "share_low_quarter": .number(row.shareLowQuarter),
                            "share_high_quarter": .number(row.shareHighQuarter),
                        ])
                    }),
                ])
            }),
        ])
    }

    /// A text tornado per outcome: each parameter's low and high outcome, its swing as a bar.
    public func summary() -> ReportDocument {
        let parameters = scenario.uncertainties.count
        var document = ReportDocument(
            title: "capsim sensitivity: \(scenario.name)",
            subtitle: "Each uncertain input at its 10th and 90th percentile, the others at their means (\(2 * parameters + 1) projections)"
                + (monteCarlo.map { "; Spearman's ρ over \(NumberFormat.grouped(Double($0.runs))) Monte Carlo runs, seed \($0.seed)" } ?? ""))
        guard parameters > 0 else {
            document.sections.append(.init(title: "No uncertain inputs", lines: [
                "The scenario gives every value as a number. Give the values you are unsure of as distributions (docs/model.md §8) to see which move the outcome.",
            ]))
            return document
        }
        for outcome in outcomes {
            let widest = outcome.rows.compactMap(\.swing).max() ?? 0
            var headers = ["parameter", "low input", "high input", "low", "high", "swing", ""]
            if monteCarlo != nil { headers += outcome.outcome.isEvent ? ["ρ", "low ¼", "high ¼"] : ["ρ"] }
            let rows: [[String]] = outcome.rows.map { row in
                let bar = row.swing.map { widest > 0 ? String(repeating: "█", count: max(0, Int(($0 / widest * 24).rounded()))) : "" } ?? "?"
                var cells = [row.keyPath, Self.format(row.lowInput), Self.format(row.highInput),
                             Self.format(row.low, outcome.outcome), Self.format(row.high, outcome.outcome),
                             Self.format(row.swing, outcome.outcome), bar]
                if monteCarlo != nil {
                    cells.append(row.spearman.map { NumberFormat.grouped($0, decimals: 2) } ?? "–")
                    if outcome.outcome.isEvent {
                        cells += [NumberFormat.percent(row.shareLowQuarter), NumberFormat.percent(row.shareHighQuarter)]
                    }
                }
                return cells
            }
            document.sections.append(.init(
                title: outcome.outcome.description,
                lines: ["At the means: \(Self.format(outcome.base, outcome.outcome))."],
                table: .init(headers: headers, rows: rows, rightAligned: [1, 2, 3, 4, 5, 7, 8, 9])))
        }
        return document
    }

    static func format(_ value: Double?) -> String {
        value.map(NumberFormat.significant) ?? "–"
    }

    /// An outcome's value for people: money as dollars, months and events as they are, none as `none`.
    static func format(_ value: Double?, _ outcome: Outcome) -> String {
        guard let value else {
            if case let .summary(figure) = outcome, figure.isOptionalMonth { return "none" }
            return "–"
        }
        switch outcome {
        case let .column(name, _, _) where name.hasSuffix("_usd"): return NumberFormat.money(value)
        case .summary(.cashLowPoint), .summary(.requiredRaise): return NumberFormat.money(value)
        default: return NumberFormat.significant(value)
        }
    }
}
