extension Projection {
    /// The planner's first read: phase timeline, action calendar, cash, unit economics at each phase entry.
    public func summary() -> ReportDocument {
        let horizonDate = scenario.start.adding(months: scenario.horizonMonths)
        var document = ReportDocument(
            title: "capsim projection: \(scenario.name)",
            subtitle: "\(scenario.horizonMonths) months, \(scenario.start) to \(horizonDate); deterministic (distributions at their means); source \(scenario.sourcePath)")

        let entries = phaseEntryMonths
        document.sections.append(.init(title: "Phase timeline", table: .init(
            headers: ["phase", "name", "month", "date", "users", "paid", "MRR", "monthly cost"],
            rows: scenario.phases.indices.map { phase in
                guard let month = entries[phase] else {
                    return ["\(phase)", scenario.phases[phase].name, "not within horizon", "", "", "", "", ""]
                }
                let row = rows[month]
                return ["\(phase)", scenario.phases[phase].name, "\(month)", row.date.description,
                        NumberFormat.grouped(row.users), NumberFormat.grouped(row.paidUsers),
                        NumberFormat.money(row.mrr), NumberFormat.money(row.totalCost)]
            },
            rightAligned: [0, 2, 4, 5, 6, 7])))

        var calendar: [[String]] = events.compactMap { event in
            if case .phaseEntered = event.kind { return nil }
            return ["\(event.month)", rows[event.month].date.description, event.kind.label, event.detail]
        }
        let reached = Set(events.compactMap { if case let .milestoneReached(index) = $0.kind { index } else { nil } })
        for (index, milestone) in scenario.milestones.enumerated() where !reached.contains(index) {
            calendar.append(["–", "", "milestone", "\(milestone.name): not within horizon (\(milestone.when))"])
        }
        document.sections.append(.init(title: "Action calendar",
                                       table: .init(headers: ["month", "date", "kind", "action"], rows: calendar, rightAligned: [0])))

        let low = cashLowPoint
        var cashLines = ["Cash low point: \(NumberFormat.money(low.cash)) in month \(low.month) (\(rows[low.month].date))."]
        if let out = cashRunsOut {
            cashLines.append("Cash runs out in month \(out) (\(rows[out].date)): \(NumberFormat.money(rows[out].cash)).")
        } else {
            cashLines.append("Cash stays at or above zero through month \(scenario.horizonMonths).")
        }
        let last = rows[rows.count - 1]
        cashLines.append("At the horizon: \(NumberFormat.grouped(last.users)) users, MRR \(NumberFormat.money(last.mrr)), monthly cost \(NumberFormat.money(last.totalCost)), cash \(NumberFormat.money(last.cash)).")
        document.sections.append(.init(title: "Cash", lines: cashLines))

        document.sections.append(.init(title: "Unit economics at phase entry", table: .init(
            headers: ["phase", "month", "ARPU", "gross margin", "LTV", "CAC", "payback (months)", "infra per user"],
            rows: scenario.phases.indices.compactMap { phase in
                guard let month = entries[phase] else { return nil }
                let row = rows[month]
                return ["\(phase)", "\(month)", NumberFormat.money(row.arpu), NumberFormat.percent(row.grossMargin),
                        NumberFormat.money(row.ltv), NumberFormat.money(row.cac),
                        row.paybackMonths.map { NumberFormat.grouped($0, decimals: 1) } ?? "–",
                        NumberFormat.money(row.costPerUser)]
            },
            rightAligned: [0, 1, 2, 3, 4, 5, 6, 7])))
        return document
    }
}
