extension Projection {
    /// The planner's first read: phase timeline, action calendar, cash, unit economics at each phase entry.
    public func summary() -> ReportDocument {
        let horizonDate = scenario.start.adding(months: scenario.horizonMonths)
        var document = ReportDocument(
            title: "capsim projection: \(scenario.name)",
            subtitle: "\(scenario.horizonMonths) months, \(scenario.start) to \(horizonDate); deterministic (distributions at their means); source \(scenario.sourcePath)")

        func date(_ month: Int) -> String { scenario.start.adding(months: month).description }
        let entries = phaseEntryMonths
        document.sections.append(.init(title: "Phase timeline", table: .init(
            headers: ["phase", "name", "month", "date", "users", "paid", "MRR", "monthly cost"],
            rows: scenario.phases.indices.map { phase in
                guard let month = entries[phase] else {
                    return ["\(phase)", scenario.phases[phase].name, "not within horizon", "", "", "", "", ""]
                }
                let row = self.row(month)
                return ["\(phase)", scenario.phases[phase].name, "\(month)", date(month),
                        NumberFormat.grouped(row.users), NumberFormat.grouped(row.paidUsers),
                        NumberFormat.money(row.mrr), NumberFormat.money(row.totalCost)]
            },
            rightAligned: [0, 2, 4, 5, 6, 7])))

        var calendar: [[String]] = events.compactMap { event in
            if case .phaseEntered = event.kind { return nil }
            return ["\(event.month)", date(event.month), event.kind.label, event.detail]
        }
        let reached = Set(events.compactMap { if case let .milestoneReached(index) = $0.kind { index } else { nil } })
        for (index, milestone) in scenario.milestones.enumerated() where !reached.contains(index) {
            calendar.append(["–", "", "milestone", "\(milestone.name): not within horizon (\(milestone.when))"])
        }
        document.sections.append(.init(title: "Action calendar",
                                       table: .init(headers: ["month", "date", "kind", "action"], rows: calendar, rightAligned: [0])))

        let funding = self.funding
        let floor = scenario[scenario.cash.floor]
        let floorText = floor == 0 ? "zero" : "the floor (\(NumberFormat.money(floor)))"
        var cashLines = ["Cash low point: \(NumberFormat.money(funding.cashLowPoint)) in month \(funding.cashLowPointMonth) (\(date(funding.cashLowPointMonth)))."]
        if let out = funding.cashOutMonth {
            cashLines.append("Cash falls below \(floorText) in month \(out) (\(date(out))): \(NumberFormat.money(row(out).cash)).")
            cashLines.append("Raise by month \(funding.raiseByMonth!) (\(date(funding.raiseByMonth!))), \(scenario.cash.raiseLeadMonths) months ahead; at least \(NumberFormat.money(funding.requiredRaise)) to stay at or above the floor.")
        } else {
            cashLines.append("Cash stays at or above \(floorText) through month \(scenario.horizonMonths).")
        }
        cashLines.append(funding.breakEvenMonth.map { "Break-even from month \($0) (\(date($0))): MRR covers the monthly cost to the horizon." }
            ?? "No break-even within the horizon: the last month still loses money.")
        if funding.defaultAlive {
            cashLines.append("Default alive: break-even comes before cash falls below the floor.")
        } else if let breakEven = funding.breakEvenMonth, let out = funding.cashOutMonth {
            cashLines.append("Default dead: cash falls below the floor in month \(out), before break-even in month \(breakEven).")
        } else {
            cashLines.append("Default dead: no break-even within the horizon\(scenario.funding.isEmpty ? "" : "; the business lives on its funding rounds").")
        }
        let last = self.last
        cashLines.append("At the horizon: \(NumberFormat.grouped(last.users)) users, MRR \(NumberFormat.money(last.mrr)), monthly cost \(NumberFormat.money(last.totalCost)), cash \(NumberFormat.money(last.cash)).")
        document.sections.append(.init(title: "Cash", lines: cashLines))

        let comparisons = roadmapComparisons()
        if !comparisons.isEmpty {
            func shown(_ value: Double?, _ column: String) -> String {
                guard let value else { return "–" }
                if column == "gross_margin" { return NumberFormat.percent(value) }
                return column.hasSuffix("_usd") ? NumberFormat.money(value) : NumberFormat.grouped(value)
            }
            func range(_ range: StatedRange, _ column: String) -> String {
                switch (range.min, range.max) {
                case let (low?, high?): low == high ? shown(low, column) : "\(shown(low, column))–\(shown(high, column))"
                case let (low?, nil): "≥ \(shown(low, column))"
                case let (nil, high?): "≤ \(shown(high, column))"
                case (nil, nil): "any"
                }
            }
            let held = comparisons.filter(\.holds).count
            document.sections.append(.init(
                title: "The roadmap against the projection",
                lines: ["What the scenario's phases state (budget: monthly total cost; targets), beside the projection at the phase's first and last month. \(held) of \(comparisons.count) hold at both."],
                table: .init(headers: ["phase", "states", "column", "range", "at entry", "vs range", "at end", "vs range"],
                             rows: comparisons.map { item in
                                 ["\(item.phase)", item.kind, item.column, range(item.range, item.column),
                                  shown(item.atEntry, item.column), item.standing(of: item.atEntry).rawValue,
                                  shown(item.atEnd, item.column), item.standing(of: item.atEnd).rawValue]
                             },
                             rightAligned: [0, 4, 6])))
        }

        document.sections.append(.init(title: "Unit economics at phase entry", table: .init(
            headers: ["phase", "month", "ARPU", "gross margin", "LTV", "CAC", "payback (months)", "infra per user"],
            rows: scenario.phases.indices.compactMap { phase in
                guard let month = entries[phase] else { return nil }
                let row = self.row(month)
                return ["\(phase)", "\(month)", NumberFormat.money(row.arpu), NumberFormat.percent(row.grossMargin),
                        NumberFormat.money(row.ltv), NumberFormat.money(row.cac),
                        row.paybackMonths.map { NumberFormat.grouped($0, decimals: 1) } ?? "–",
                        NumberFormat.money(row.costPerUser)]
            },
            rightAligned: [0, 1, 2, 3, 4, 5, 6, 7])))
        return document
    }
}
