import Foundation

extension MonteCarloResult {
    /// `bands.csv`: `month,date,metric,mean,p5,p25,p50,p75,p95` for every numeric monthly column.
    public func bandsCSV() -> String {
        var writer = CSVWriter()
        writer.writeRow(["month", "date", "metric", "mean", "p5", "p25", "p50", "p75", "p95"])
        for (month, bands) in bands().enumerated() {
            let date = scenario.start.adding(months: month).description
            for (index, band) in bands.enumerated() {
                let q = band.quantiles
                writer.writeRow([String(month), date, seriesNames[index], CSVWriter.cell(band.mean),
                                 CSVWriter.cell(q?.p5), CSVWriter.cell(q?.p25), CSVWriter.cell(q?.p50),
                                 CSVWriter.cell(q?.p75), CSVWriter.cell(q?.p95)])
            }
        }
        return writer.text
    }

    /// The planner's summary: the phase timeline with P5/P50/P95, each event's probability
    /// and months, the cash risk and the drawn inputs.
    public func summary() -> ReportDocument {
        var document = ReportDocument(
            title: "capsim Monte Carlo: \(scenario.name)",
            subtitle: "\(runs) runs × \(scenario.horizonMonths) months from \(scenario.start), seed \(options.seed); figures are P50 (P5–P95); percentiles of values at phase entry from \(sampledRuns == runs ? "all runs" : "a uniform sample of \(sampledRuns) runs")")

        document.sections.append(.init(title: "Phase timeline", table: .init(
            headers: ["phase", "name", "reached", "month", "users", "MRR", "monthly cost"],
            rows: phaseStatistics().map { phase in
                ["\(phase.phase)", phase.name, NumberFormat.percent(phase.share), Self.span(phase.month, Self.month),
                 Self.span(phase.users, { NumberFormat.grouped($0) }), Self.span(phase.mrr, NumberFormat.money),
                 Self.span(phase.totalCost, NumberFormat.money)]
            },
            rightAligned: [0, 2, 3, 4, 5, 6])))

        let events = eventStatistics()
        document.sections.append(.init(
            title: "Events within \(scenario.horizonMonths) months",
            lines: ["Share of runs in which each event happens, and its month when it does."],
            table: .init(headers: ["event", "kind", "runs", "month P5", "P50", "P95"],
                         rows: events.compactMap { event in
                             if case .phaseEntered = event.kind { return nil }
                             return [event.key, event.kind.label, NumberFormat.percent(event.share),
                                     event.month.map { Self.month($0.p5) } ?? "–", event.month.map { Self.month($0.p50) } ?? "–",
                                     event.month.map { Self.month($0.p95) } ?? "–"]
                         },
                         rightAligned: [2, 3, 4, 5])))

        let cash = events[catalog.cashBelowFloor]
        let funding = fundingStatistics()
        let floor = scenario[scenario.cash.floor]
        var cashLines: [String] = []
        let checkpoints = [12, 24, 36].filter { $0 < scenario.horizonMonths } + [scenario.horizonMonths]
        cashLines.append("Chance that cash falls below \(floor == 0 ? "zero" : "the floor (\(NumberFormat.money(floor)))"): "
            + checkpoints.map { "\(NumberFormat.percent(cash.share(byMonth: $0, of: runs))) by month \($0)" }.joined(separator: ", ") + ".")
        if let cashIndex = seriesIndex("cash_usd"), let q = quantiles(month: months - 1, series: cashIndex) {
            cashLines.append("Cash at month \(scenario.horizonMonths): \(Self.span(q, NumberFormat.money)).")
        }
        if let month = funding.cashOutMonth {
            cashLines.append("Cash falls below the floor in \(NumberFormat.percent(funding.cashOutShare)) of runs, in month "
                + "\(Self.month(month.p50)) (\(Self.month(month.p5))–\(Self.month(month.p95))) among them.")
        }
        cashLines.append(funding.breakEvenMonth.map { month in
            "Break-even in \(NumberFormat.percent(funding.breakEvenShare)) of runs, in month \(Self.month(month.p50)) "
                + "(\(Self.month(month.p5))–\(Self.month(month.p95))) among them."
        } ?? "No run breaks even within the horizon.")
        cashLines.append("Raise needed to stay at or above the floor in 90% of runs\(scenario.funding.isEmpty ? "" : ", beyond the scenario's funding rounds"): \(NumberFormat.money(funding.raiseFor90Percent)).")
        document.sections.append(.init(title: "Cash", lines: cashLines))

        if !scenario.uncertainties.isEmpty {
            let drawn = parameterQuantiles()
            document.sections.append(.init(title: "Uncertain inputs", table: .init(
                headers: ["parameter", "distribution", "mean", "drawn P5", "P50", "P95"],
                rows: scenario.uncertainties.enumerated().map { index, id in
                    let parameter = scenario.parameters[id]
                    return [parameter.keyPath, Self.describe(parameter.distribution!),
                     NumberFormat.significant(parameter.value),
                     drawn[index].map { NumberFormat.significant($0.p5) } ?? "–",
                     drawn[index].map { NumberFormat.significant($0.p50) } ?? "–",
                     drawn[index].map { NumberFormat.significant($0.p95) } ?? "–"]
                },
                rightAligned: [2, 3, 4, 5])))
        }
        return document
    }

    /// The whole result as JSON (keys sorted): settings, phases, events, inputs and bands.
    public func json() -> JSONValue {
        func quantiles(_ q: Quantiles?) -> JSONValue {
            guard let q else { return .null }
            return .object(["p5": .number(q.p5), "p25": .number(q.p25), "p50": .number(q.p50),
                            "p75": .number(q.p75), "p95": .number(q.p95)])
        }
        let drawn = parameterQuantiles()
        return .object([
            "scenario": scenario.json(),
            "monte_carlo": .object([
                "runs": .number(Double(runs)), "seed": .number(Double(options.seed)),
                "generator": .string(options.algorithm.rawValue), "sampled_runs": .number(Double(sampledRuns)),
            ]),
            "phases": .array(phaseStatistics().map { phase in
                .object(["phase": .number(Double(phase.phase)), "name": .string(phase.name), "share": .number(phase.share),
                         "month": quantiles(phase.month), "users": quantiles(phase.users), "mrr_usd": quantiles(phase.mrr),
                         "total_cost_usd": quantiles(phase.totalCost)])
            }),
            "events": .array(eventStatistics().map { event in
                .object(["key": .string(event.key), "kind": .string(event.kind.label), "runs": .number(Double(event.runs)),
                         "share": .number(event.share), "month": quantiles(event.month)])
            }),
            "parameters": .array(scenario.uncertainties.enumerated().map { index, id in
                .object(["key": .string(scenario.parameters[id].keyPath), "distribution": scenario.parameters[id].distribution!.json(),
                         "drawn": quantiles(drawn[index])])
            }),
            "funding": {
                let funding = fundingStatistics()
                return .object([
                    "cash_below_floor_by_year": .array(funding.cashBelowFloorByYear.map { .number($0) }),
                    "cash_out_share": .number(funding.cashOutShare), "cash_out_month": quantiles(funding.cashOutMonth),
                    "break_even_share": .number(funding.breakEvenShare), "break_even_month": quantiles(funding.breakEvenMonth),
                    "raise_for_90_percent_usd": .number(funding.raiseFor90Percent),
                    "required_raise_usd": quantiles(funding.requiredRaise),
                ])
            }(),
            "bands": .array(bands().enumerated().flatMap { month, bands in
                bands.enumerated().map { index, band in
                    .object(["month": .number(Double(month)), "date": .string(scenario.start.adding(months: month).description),
                             "metric": .string(seriesNames[index]), "mean": .number(band.mean),
                             "p5": .number(band.quantiles?.p5), "p25": .number(band.quantiles?.p25),
                             "p50": .number(band.quantiles?.p50), "p75": .number(band.quantiles?.p75),
                             "p95": .number(band.quantiles?.p95)])
                }
            }),
        ])
    }

    static func month(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : NumberFormat.grouped(value, decimals: 1)
    }

    /// `P50 (P5–P95)`, or `–` when nothing to show.
    static func span(_ q: Quantiles?, _ format: (Double) -> String) -> String {
        guard let q else { return "–" }
        return "\(format(q.p50)) (\(format(q.p5))–\(format(q.p95)))"
    }

    static func describe(_ distribution: Distribution) -> String {
        let f = NumberFormat.significant
        return switch distribution {
        case let .normal(mean, sd): "normal(\(f(mean)), sd \(f(sd)))"
        case let .lognormal(mu, sigma): "lognormal(median \(f(exp(mu))), σ \(f(sigma)))"
        case let .beta(alpha, beta): "beta(α \(f(alpha)), β \(f(beta)))"
        case let .uniform(min, max): "uniform(\(f(min))–\(f(max)))"
        case let .triangular(min, mode, max): "triangular(\(f(min)), \(f(mode)), \(f(max)))"
        case let .pert(min, mode, max): "pert(\(f(min)), \(f(mode)), \(f(max)))"
        }
    }
}

/// `runs.csv`: one row per run, its drawn inputs and its outcomes.
public enum RunsCSV {
    /// `run`, each uncertain parameter's key path, the horizon outcomes, then the month of
    /// each event (`month:<event key>`, empty when it does not happen).
    public static func header(for scenario: Scenario, catalog: EventCatalog) -> String {
        var writer = CSVWriter()
        writer.writeRow(["run"] + scenario.uncertainties.map { scenario.parameters[$0].keyPath }
                        + ["users_total", "paid_users", "mrr_usd", "cash_usd", "total_cost_usd", "infra_usd",
                           "required_raise_usd", "break_even_month"]
                        + catalog.keys.map { "month:\($0)" })
        return writer.text
    }

    public static func row(_ record: RunRecord) -> String {
        var writer = CSVWriter()
        let horizon = record.horizon
        writer.writeRow([String(record.run)] + record.parameters.map { CSVWriter.cell($0) }
                        + [horizon.users, horizon.paidUsers, horizon.mrr, horizon.cash, horizon.totalCost, horizon[.infraCost],
                           record.funding.requiredRaise].map { CSVWriter.cell($0) }
                        + [record.funding.breakEvenMonth.map(String.init) ?? ""]
                        + record.eventMonths.map { $0 >= 0 ? String($0) : "" })
        return writer.text
    }
}
