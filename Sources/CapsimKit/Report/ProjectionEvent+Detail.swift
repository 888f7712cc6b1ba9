extension ProjectionEvent {
    /// What happened and why, for the action calendar.
    static func detail(of kind: EventKind, in projection: Projection, month: Int) -> String {
        let scenario = projection.scenario
        let row = projection.row(month)
        let previous = month > 0 ? projection.row(month - 1) : nil
        let plans = scenario.supabase.plans
        switch kind {
        case let .phaseEntered(phase):
            return "phase \(phase) \(scenario.phases[phase].name): \(NumberFormat.grouped(row.users)) users, MRR \(NumberFormat.money(row.mrr))"
        case let .milestoneReached(index):
            let milestone = scenario.milestones[index]
            return milestone.action.isEmpty ? milestone.name : "\(milestone.name): \(milestone.action)"
        case let .planChanged(to):
            let from = previous?.planIndex ?? 0
            return "Supabase \(plans[from].name) → \(plans[to].name): \(planChangeReason(from: from, row: row, scenario: scenario))"
        case let .limitBreached(plan, resource):
            return "\(plans[plan].name) plan limit breached: \(resource.rawValue) \(amount(row.usage.amount(of: resource), resource)) > \(amount(quota(plans[plan], resource, scenario), resource)) included"
        case .planOverLimit:
            let plan = plans[row.planIndex]
            let over = PlanResource.allCases.filter { row.usage.amount(of: $0) > quota(plan, $0, scenario) }
            return "the projection is still on \(plan.name), a hard-limited plan, over its \(over.map(\.rawValue).joined(separator: ", ")) quota: it would stop serving"
        case let .computeSize(size):
            let compute = scenario.supabase.compute!
            let chosen = row.computeIndex ?? size
            let skipped = chosen == size ? "" : " (first needed with \(compute.sizes[chosen].name))"
            return "compute \(compute.sizes[size].name)\(skipped): \(NumberFormat.significant(row[.busyCores])) busy cores, \(NumberFormat.bytes(row[.workingSetBytes])) working set, \(NumberFormat.grouped(row[.dbConnections])) connections, \(NumberFormat.grouped(row[.poolClients])) clients; \(NumberFormat.money(row[.computeCost])) a month"
        case let .replicas(count):
            return "read replica \(count) on \(row.computeIndex.map { scenario.supabase.compute!.sizes[$0].name } ?? "?"): \(NumberFormat.significant(row[.busyCores])) busy cores"
        case let .capacityBreach(bound):
            let size = row.computeIndex.map { scenario.supabase.compute!.sizes[$0].name } ?? "?"
            let failed = (row.capacityBreach ?? []).map(\.rawValue).joined(separator: ", ")
            return bound.map { "capacity breach on \($0.rawValue) (\(size), \(Int(row[.replicas])) replicas)" }
                ?? "no compute option fits: \(size) with \(Int(row[.replicas])) replicas fails \(failed.isEmpty ? "no bound (every larger option steps back)" : failed)"
        case let .fundingReceived(index):
            return "\(scenario.funding[index].name): \(NumberFormat.money(row[.funding] > 0 ? scenario[scenario.funding[index].amount] : 0)) received, cash \(NumberFormat.money(row.cash))"
        case .cashBelowFloor:
            let floor = scenario[scenario.cash.floor]
            return floor == 0 ? "cash below zero: \(NumberFormat.money(row.cash))"
                : "cash below the floor of \(NumberFormat.money(floor)): \(NumberFormat.money(row.cash))"
        }
    }

    private static func quota(_ plan: SupabasePlan, _ resource: PlanResource, _ scenario: Scenario) -> Double {
        scenario[plan.included[resource.index]] ?? 0
    }

    private static func planChangeReason(from: Int, row: MonthRow, scenario: Scenario) -> String {
        let old = scenario.supabase.plans[from]
        if let maxUsers = scenario[old.maxUsers], row.users >= maxUsers {
            return "\(NumberFormat.grouped(row.users)) users reached \(old.name)'s max_users (\(NumberFormat.grouped(maxUsers)))"
        }
        if old.hasHardLimits, let resource = PlanResource.allCases.first(where: { row.usage.amount(of: $0) > quota(old, $0, scenario) }) {
            return "\(resource.rawValue) \(amount(row.usage.amount(of: resource), resource)) exceeds \(old.name)'s hard limit of \(amount(quota(old, resource, scenario), resource))"
        }
        if let compute = scenario.supabase.compute, old.hasHardLimits, row.computeIndex.map({ !compute.sizes[$0].isFreePlan }) == true {
            return "the database needs more than \(old.name)'s compute"
        }
        return "cheaper at this usage"
    }

    static func amount(_ value: Double, _ resource: PlanResource) -> String {
        resource == .mau ? "\(NumberFormat.grouped(value)) MAU" : NumberFormat.bytes(value)
    }
}
