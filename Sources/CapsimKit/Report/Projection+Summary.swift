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
        cashLines.append(funding.defaultAlive ? "Default alive: break-even comes before cash falls below the floor."
            : "Default dead: without new money, cash falls below the floor before break-even (or there is none).")
        let last = self.last
        cashLines.append("At the horizon: \(NumberFormat.grouped(last.users)) users, MRR \(NumberFormat.money(last.mrr)), monthly cost \(NumberFormat.money(last.totalCost)), cash \(NumberFormat.money(last.cash)).")
        document.sections.append(.init(title: "Cash", lines: cashLines))

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
