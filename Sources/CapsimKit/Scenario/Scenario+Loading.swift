import Foundation

extension Scenario {
    /// Loads, merges (`extends`, `overrides`) and validates a scenario file.
    /// - Throws: ``ScenarioError`` with every problem found, each naming file:line:column and key path.
    public static func load(path: String, overrides: [String] = []) throws(ScenarioError) -> Scenario {
        let root = try ScenarioSource.load(path: path, overrides: overrides)
        return try decode(root, sourcePath: path)
    }

    /// Validates a scenario tree (after `extends` and overrides) into a ``Scenario``.
    public static func decode(_ root: ConfigNode, sourcePath: String) throws(ScenarioError) -> Scenario {
        guard root.entries != nil else {
            throw ScenarioError(location: root.location, message: "a scenario must be a YAML mapping of keys, got \(root.kindName)")
        }
        var catalogProblems: [Diagnostic] = []
        let resolved = PlanCatalog.resolve(root, diagnostics: &catalogProblems)
        var decoder = TreeDecoder(phaseNames: Self.names(in: resolved["phases"], key: "name", fallback: "phase"),
                                  tierNames: Self.names(in: resolved["tiers"], key: "name", fallback: "tier"))
        decoder.diagnostics = catalogProblems
        let tree = decoder.mapping(resolved, specs: ScenarioKeys.root, path: "", alias: "")
        let scenario = tree.flatMap { decoder.scenario($0, sourcePath: sourcePath) }
        guard decoder.diagnostics.isEmpty, let scenario else {
            throw ScenarioError(decoder.diagnostics.sortedBySource())
        }
        return scenario
    }

    /// The names of a list's entries, read before the rest (conditions name phases, `users` names tiers).
    private static func names(in node: ConfigNode?, key: String, fallback: String) -> [String] {
        guard case let .sequence(items)? = node?.value else { return [] }
        return items.enumerated().map { index, item in
            if case let .scalar(text, _)? = item[key]?.value { return text.trimmingCharacters(in: .whitespaces) }
            return "\(fallback) \(index)"
        }
    }
}

extension [Diagnostic] {
    /// Diagnostics ordered by file (first appearance), line and column, each once.
    func sortedBySource() -> [Diagnostic] {
        var fileRank: [String: Int] = [:]
        for diagnostic in self {
            if let file = diagnostic.location?.file, fileRank[file] == nil { fileRank[file] = fileRank.count }
        }
        var seen: Set<Diagnostic> = []
        return enumerated().sorted { a, b in
            let keyA = (a.element.location.map { fileRank[$0.file]! } ?? -1, a.element.location?.line ?? 0,
                        a.element.location?.column ?? 0, a.offset)
            let keyB = (b.element.location.map { fileRank[$0.file]! } ?? -1, b.element.location?.line ?? 0,
                        b.element.location?.column ?? 0, b.offset)
            return keyA < keyB
        }.map(\.element).filter { seen.insert($0).inserted }
    }
}

extension TreeDecoder {
    /// The typed scenario of a decoded tree, with the checks that span several keys.
    mutating func scenario(_ top: DecodedMapping, sourcePath: String) -> Scenario? {
        let name = top.text("name") ?? ((sourcePath as NSString).lastPathComponent as NSString).deletingPathExtension
        guard case let .month(start)? = top["start"] else { return nil }
        let horizon = top.integer("horizon_months") ?? 60
        if start.adding(months: horizon).year > 9999 {
            report(top.valueLocations["horizon_months"] ?? top.valueLocations["start"], "horizon_months",
                   "the horizon ends in \(start.adding(months: horizon)), past year 9999; shorten it or start earlier")
        }
        let tierEntries = top.list("tiers")
        let tiers = tierEntries.enumerated().compactMap { tier($1, index: $0, users: top.mapping("users")) }
        checkShares(tiers, entries: tierEntries, at: top.valueLocations["tiers"])
        // Sections with defaults always decode; a missing required one was reported.
        let cash = top.mapping("cash")!, payments = top.mapping("payments")!, workload = top.mapping("workload")!
        guard tiers.count == tierEntries.count, let conversion = top.parameter("conversion_rate"),
              let waitlist = top.mapping("users")?.parameter("waitlist"),
              let acquisition = top.mapping("acquisition"), let cac = acquisition.parameter("cac"),
              let activation = acquisition.parameter("activation_rate"),
              let usage = top.mapping("usage"), let stickiness = usage.parameter("stickiness"),
              let infrastructure = top.mapping("infrastructure"), let supabaseNode = infrastructure.mapping("supabase")
        else { return nil }

        let supabase = self.supabase(supabaseNode)
        let phases = top.list("phases").map { entry in
            Phase(name: entry.text("name") ?? "", when: entry.condition("when"),
                  budget: entry.mapping("budget").map(statedRange),
                  targets: (entry.mapping("targets")?.specs ?? []).compactMap { spec in
                      entry.mapping("targets")?.mapping(spec.name).map { (spec.name, statedRange($0)) }
                  })
        }
        var scenario = Scenario(
            name: name, sourcePath: sourcePath, start: start, horizonMonths: horizon, parameters: parameters, tree: top,
            cash: CashSettings(initial: cash.parameter("initial")!, floor: cash.parameter("floor")!,
                               raiseLeadMonths: cash.integer("raise_lead_months")!),
            tiers: tiers, conversionRate: conversion, initialWaitlist: waitlist,
            acquisition: Acquisition(
                marketSize: acquisition.parameter("market_size"), cac: cac,
                referralRate: acquisition.parameter("referral_rate")!, waitlistConversion: acquisition.parameter("waitlist_conversion")!,
                waitlistJoins: acquisition.parameter("waitlist_joins")!, activationRate: activation),
            usage: Usage(
                stickiness: stickiness, eventsPerMessage: usage.parameter("events_per_message")!,
                eventsPerUser: usage.parameter("events_per_user")!, bytesPerMessage: usage.parameter("bytes_per_message")!,
                rowsPerMessage: usage.parameter("rows_per_message")!, bytesPerEvent: usage.parameter("bytes_per_event")!,
                bytesPerAccount: usage.parameter("bytes_per_account")!, baseDBBytes: usage.parameter("base_db_bytes")!,
                storagePerAccount: usage.parameter("storage_per_account")!, egressPerMessage: usage.parameter("egress_per_message")!,
                egressPerUser: usage.parameter("egress_per_user")!, peakConcurrency: usage.parameter("peak_concurrency")!,
                costPerMessage: usage.parameter("cost_per_message")!, archiveAfterMonths: usage.integer("archive_after_months"),
                archiveTo: ArchiveTarget(rawValue: usage.text("archive_to") ?? "") ?? .database,
                messageChars: usage.parameter("message_chars")!),
            payments: Payments(percent: payments.parameter("percent")!, fixed: payments.parameter("fixed")!),
            marketing: top.list("marketing").compactMap { entry in
                guard case let .phase(phase)? = entry["phase"], let spend = entry.parameter("spend") else { return nil }
                return MarketingSpend(phase: phase, spend: spend)
            },
            supabase: supabase,
            services: infrastructure.list("services").map { entry in
                Service(name: entry.text("name") ?? "", monthly: entry.parameter("monthly")!, perUser: entry.parameter("per_user")!,
                        when: entry.condition("when"))
            },
            team: top.list("team").compactMap { entry in
                guard let cost = entry.parameter("monthly_cost") else { return nil }
                return Role(role: entry.text("role") ?? "", monthlyCost: cost, headcount: entry.list("headcount").compactMap { step in
                    step.parameter("count").map { HeadcountStep(when: step.condition("when"), count: $0) }
                })
            },
            compliance: top.list("compliance").compactMap { entry in
                entry.parameter("annual").map { ComplianceCost(name: entry.text("name") ?? "", annual: $0, when: entry.condition("when")) }
            },
            phases: phases,
            milestones: top.list("milestones").map { entry in
                Milestone(name: entry.text("name") ?? "", when: entry.condition("when"), action: entry.text("action") ?? "")
            },
            funding: top.list("funding").compactMap { entry in
                entry.parameter("amount").map { FundingRound(name: entry.text("name") ?? "", amount: $0, when: entry.condition("when")) }
            },
            workload: Workload(
                peakToMean: workload.parameter("peak_to_mean")!, holdFactor: workload.parameter("hold_factor")!,
                clientsPerConcurrentUser: workload.parameter("clients_per_concurrent_user")!,
                hotMonths: workload.parameter("hot_months")!, engineFactor: workload.parameter("engine_factor")!,
                queries: workload.list("queries").compactMap(query)),
            monteCarlo: top.isGiven("monte_carlo") ? top.mapping("monte_carlo").map {
                MonteCarloSettings(runs: $0.integer("runs")!, seed: UInt64($0.integer("seed")!))
            } : nil,
            check: checkSettings(top.mapping("check")!),
            gates: [],
            queryBudgetMs: top.mapping("queries")!.parameter("budget_ms").map { parameters[$0].value } ?? 100)
        guard diagnostics.isEmpty else { return nil }
        scenario.parameters = parameters
        let columns = ExportColumn.numeric(tierNames: tiers.map(\.name)).map(\.name)
        checkColumns(top.mapping("check")!.mapping("metrics"), known: Scenario.checkedMetrics, what: "a baseline amount")
        for entry in top.list("phases") { checkColumns(entry.mapping("targets"), known: columns, what: "a numeric monthly column") }
        scenario.gates = gates(top.list("gates"), scenario: scenario, columns: columns)
        return diagnostics.isEmpty ? scenario : nil
    }

    // MARK: Tiers

    private mutating func tier(_ entry: DecodedMapping, index: Int, users: DecodedMapping?) -> Tier? {
        guard let name = entry.text("name"), let price = entry.parameter("price"), let churn = entry.parameter("churn"),
              let messages = entry.parameter("messages_per_active_day"),
              let initial = users?.parameter(name) else { return nil }
        let priceValue = parameters[price]
        if index == 0, priceValue.distribution != nil || priceValue.value != 0 {
            report(priceValue.location, entry.path("price"),
                   "the first tier is the free tier and must have price 0, got \(priceValue.distribution == nil ? NumberFormat.plain(priceValue.value) : "a distribution"); list the free tier first")
        } else if index > 0, priceValue.value == 0 {
            report(priceValue.location, entry.path("price"), "only the first tier may be free (price 0); '\(name)' is tier \(index)")
        }
        let share = entry.parameter("share")
        if index == 0, let share {
            report(parameters[share].location, entry.path("share"), "the free tier takes no share of conversions; remove 'share'")
        }
        let schemaTier = entry.text("schema_tier")
        if let schemaTier, (schemaTier == SchemaTiers.free) != (index == 0) {
            report(entry.valueLocations["schema_tier"], entry.path("schema_tier"), index == 0
                   ? "the free tier is stored as 'free' in the schema, got '\(schemaTier)'"
                   : "a paid tier is stored as one of \(SchemaTiers.paid.joined(separator: ", ")) (the schema's subscriptions allow no other), got 'free'")
        }
        return Tier(name: name, price: price, share: index == 0 ? nil : share, churn: churn, messagesPerActiveDay: messages,
                    dailyQuota: entry.parameter("daily_quota"), initialUsers: initial, schemaTier: schemaTier)
    }

    /// Paid tiers' shares: each needed when there are several, and they sum to 1; one paid tier
    /// without a share takes them all.
    private mutating func checkShares(_ tiers: [Tier], entries: [DecodedMapping], at location: FileLocation?) {
        guard tiers.count == entries.count, tiers.count > 1 else { return }
        let paid = tiers.indices.dropFirst()
        let missing = paid.filter { tiers[$0].share == nil }
        if tiers.count > 2, !missing.isEmpty {
            for index in missing {
                report(entries[index].location, entries[index].path("share"),
                       "missing required key 'share' (with several paid tiers, each needs its share of conversions)")
            }
            return
        }
        guard missing.isEmpty else { return }
        let total = paid.reduce(0.0) { $0 + parameters[tiers[$1].share!].value }
        if abs(total - 1) > 1e-9 {
            report(location, "tiers", "the shares of the paid tiers must sum to 1, got \(NumberFormat.readable(total))")
        }
    }

    // MARK: Supabase

    private mutating func supabase(_ node: DecodedMapping?) -> Supabase {
        guard let node else { return Supabase(policy: .thresholds, plans: [], compute: nil) }
        let policy = PlanPolicy(rawValue: node.text("policy") ?? "") ?? .thresholds
        let plans = node.list("plans").compactMap { entry -> SupabasePlan? in
            guard let name = entry.text("name"), let price = entry.parameter("price") else { return nil }
            let included = entry.mapping("included"), overage = entry.mapping("overage")
            return SupabasePlan(name: name, price: price,
                                included: PlanResource.allCases.map { included?.parameter($0.rawValue) },
                                overage: PlanResource.allCases.map { overage?.parameter($0.overageKey) },
                                maxUsers: entry.parameter("max_users"), hasHardLimits: entry.bool("hard_limits") ?? false)
        }
        let entries = node.list("plans")
        if policy == .thresholds, plans.count == entries.count {
            // Every plan but the last needs max_users, strictly increasing: otherwise a plan
            // could never be reached, or a product stay on Free forever.
            var previous: Double?
            for (index, plan) in plans.enumerated().dropLast() {
                guard let maxUsers = self[plan.maxUsers] else {
                    report(entries[index].location, entries[index].path("max_users"),
                           "policy 'thresholds' moves to the next plan when N reaches max_users, and '\(plan.name)' has none: every plan but the last needs one (or use policy: cheapest)")
                    continue
                }
                if let previous, maxUsers <= previous {
                    report(parameters[plan.maxUsers!].location, entries[index].path("max_users"),
                           "max_users must grow along the plans under policy 'thresholds': \(NumberFormat.plain(maxUsers)) is not above the previous plan's \(NumberFormat.plain(previous))")
                }
                previous = maxUsers
            }
        }
        let compute = node.mapping("compute").flatMap { computeCatalog($0, plans: plans, planEntries: entries) }
        return Supabase(policy: policy, plans: plans, compute: compute)
    }

    private subscript(id: ParameterID?) -> Double? { id.map { parameters[$0].value } }

    private mutating func computeCatalog(_ node: DecodedMapping, plans: [SupabasePlan],
                                         planEntries: [DecodedMapping]) -> ComputeCatalog? {
        let sizes = node.list("sizes").compactMap { entry -> ComputeSize? in
            guard let name = entry.text("name"), let price = entry.parameter("price"), let cpu = entry.parameter("cpu"),
                  let ram = entry.parameter("ram"), let connections = entry.parameter("max_connections"),
                  let clients = entry.parameter("pooler_clients") else { return nil }
            return ComputeSize(name: name, price: price, cpu: cpu, ram: ram, maxConnections: connections, poolerClients: clients,
                               maxDB: entry.parameter("max_db"), maxReplicas: entry.integer("max_replicas") ?? 0,
                               isFreePlan: entry.bool("free_plan") ?? false)
        }
        guard sizes.count == node.list("sizes").count else { return nil }
        for (plan, entry) in zip(plans, planEntries) {
            if plan.hasHardLimits, !sizes.contains(where: \.isFreePlan) {
                report(entry.location, entry.keyPath,
                       "'\(plan.name)' has hard limits and runs only on a compute size with free_plan: true; the compute catalog has none")
            } else if !plan.hasHardLimits, !sizes.contains(where: { !$0.isFreePlan }) {
                report(entry.location, entry.keyPath,
                       "'\(plan.name)' runs only on compute sizes without free_plan; every size of the catalog has free_plan: true")
            }
        }
        return ComputeCatalog(sizes: sizes, credit: node.parameter("credit")!, maxCPUUtilisation: node.parameter("max_cpu_utilisation")!,
                              ramForCache: node.parameter("ram_for_cache")!, poolShare: node.parameter("pool_share")!,
                              readShare: node.parameter("read_share")!, replicaDiskPerGB: node.parameter("replica_disk_per_gb")!)
    }

    private func query(_ entry: DecodedMapping) -> WorkloadQuery? {
        guard let name = entry.text("name"), let per = entry.text("per").flatMap(QueryRate.init), let count = entry.parameter("count")
        else { return nil }
        let time: QueryTime
        if let constant = entry.parameter("ms") {
            time = .constant(constant)
        } else if let fit = entry.mapping("ms"), let a = fit.parameter("a"), let b = fit.parameter("b"),
                  let table = fit.text("table").flatMap(GrowthTable.init) {
            time = .growing(a: a, b: b, table: table)
        } else {
            return nil
        }
        return WorkloadQuery(name: name, per: per, count: count, time: time)
    }

    private func statedRange(_ node: DecodedMapping) -> StatedRange {
        StatedRange(min: self[node.parameter("min")], max: self[node.parameter("max")])
    }

    /// Reports keys of a column map that are not among `known`.
    private mutating func checkColumns(_ node: DecodedMapping?, known: [String], what: String) {
        guard let node else { return }
        for spec in node.specs where !known.contains(spec.name) {
            var message = "'\(spec.name)' is not \(what)"
            if let suggestion = Suggestion.nearest(to: spec.name, in: known) { message += "; did you mean '\(suggestion)'?" }
            report(node.keyLocations[spec.name], node.path(spec.name), message + " (one of \(Self.list(known)))")
        }
    }
}

extension Scenario {
    /// The monthly figures a baseline records and a tolerance can name.
    public static let checkedMetrics = ["total_cost_usd", "infra_usd", "team_usd", "mrr_usd", "compute_usd", "supabase_usd", "cash_usd"]
}
