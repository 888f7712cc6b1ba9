import Foundation

extension Scenario {
    /// The top-level keys of a scenario file.
    static let topLevelKeys = [
        "name", "description", "start", "horizon_months", "cash", "tiers", "conversion_rate", "users",
        "acquisition", "usage", "payments", "marketing", "infrastructure", "team", "compliance",
        "phases", "milestones", "monte_carlo", "check", "gates", "queries",
    ]

    /// Loads, merges (`extends`, `overrides`) and validates a scenario file.
    /// - Throws: ``ScenarioError`` with every problem found, each naming file:line:column and key path.
    public static func load(path: String, overrides: [String] = []) throws(ScenarioError) -> Scenario {
        let root = try ScenarioSource.load(path: path, overrides: overrides)
        return try decode(root, sourcePath: path)
    }

    /// Validates a scenario tree (after `extends` and overrides) into a ``Scenario``.
    public static func decode(_ root: ConfigNode, sourcePath: String) throws(ScenarioError) -> Scenario {
        var decoder = ScenarioDecoder()
        let scenario = decoder.scenario(root, sourcePath: sourcePath)
        guard decoder.diagnostics.isEmpty, let scenario else {
            throw ScenarioError(decoder.diagnostics.sortedBySource())
        }
        return scenario
    }
}

extension [Diagnostic] {
    /// Diagnostics ordered by file (first appearance), line and column.
    func sortedBySource() -> [Diagnostic] {
        var fileRank: [String: Int] = [:]
        for diagnostic in self {
            if let file = diagnostic.location?.file, fileRank[file] == nil { fileRank[file] = fileRank.count }
        }
        return enumerated().sorted { a, b in
            let keyA = (a.element.location.map { fileRank[$0.file]! } ?? -1, a.element.location?.line ?? 0,
                        a.element.location?.column ?? 0, a.offset)
            let keyB = (b.element.location.map { fileRank[$0.file]! } ?? -1, b.element.location?.line ?? 0,
                        b.element.location?.column ?? 0, b.offset)
            return keyA < keyB
        }.map(\.element)
    }
}

extension ScenarioDecoder {
    mutating func scenario(_ root: ConfigNode, sourcePath: String) -> Scenario? {
        guard let top = mapping(root, at: "", known: Scenario.topLevelKeys,
                                // (conversion_rate is reported missing where it is read)
                                required: ["start", "tiers", "acquisition", "usage", "infrastructure", "phases"])
        else { return nil }
        let name = top["name"].map { string($0, at: "name") }
            ?? ((sourcePath as NSString).lastPathComponent as NSString).deletingPathExtension
        _ = top["description"].map { string($0, at: "description") }

        var start = YearMonth(year: 2025, month: 1)
        if let node = top["start"] {
            let text = string(node, at: "start")
            if let parsed = YearMonth(text) { start = parsed } else if !text.isEmpty {
                report(node.location, "start", "expected a month as YYYY-MM (e.g. 2025-01), got '\(text)'")
            }
        }
        let horizon = top["horizon_months"].map { integer($0, at: "horizon_months", range: 1...1200) } ?? 60

        // Phases come first: conditions elsewhere may name them.
        let phaseNames = (top["phases"].map { list($0, at: "phases") } ?? []).enumerated().map { index, node in
            if case let .scalar(text, _)? = node["name"]?.value { return text }
            return "phase \(index)"
        }
        let phases = self.phases(top, phaseNames: phaseNames)
        let tiers = self.tiers(top)
        let initialCash = top["cash"].flatMap { mapping($0, at: "cash", known: ["initial"]) }
            .map { parameter($0, "initial", default: 0, range: ValueRange(lower: -.infinity, upper: .infinity), target: { $0.initialCash = $1 }) } ?? 0
        let conversionRate = parameter(top, "conversion_rate", default: nil, range: .rate, target: { $0.conversionRate = $1 })
        let (initialUsers, waitlist) = self.initialUsers(top, tiers: tiers)
        var tiersWithUsers = tiers
        for index in tiersWithUsers.indices { tiersWithUsers[index].initialUsers = initialUsers[index] }

        let acquisition = self.acquisition(top)
        let usage = self.usage(top)
        let payments = top["payments"].flatMap { mapping($0, at: "payments", known: ["percent", "fixed"]) }
            .map { reader in
                Payments(percent: parameter(reader, "percent", default: 0, range: .rate, target: { $0.payments.percent = $1 }),
                         fixed: parameter(reader, "fixed", default: 0, range: .nonNegative, target: { $0.payments.fixed = $1 }))
            } ?? Payments(percent: 0, fixed: 0)
        let marketing = self.marketing(top, phaseNames: phaseNames)
        let (supabase, services) = infrastructure(top, phaseNames: phaseNames)
        let team = self.team(top, phaseNames: phaseNames)
        let compliance = self.compliance(top, phaseNames: phaseNames)
        let milestones = self.milestones(top, phaseNames: phaseNames)
        let monteCarlo = top["monte_carlo"].flatMap { mapping($0, at: "monte_carlo", known: ["runs", "seed"]) }
            .map { reader in
                MonteCarloSettings(runs: reader["runs"].map { integer($0, at: reader.path("runs"), range: 1...10_000_000) } ?? 1000,
                                   seed: UInt64(reader["seed"].map { integer($0, at: reader.path("seed"), range: 0...Int.max) } ?? 1))
            }
        let check = checkSettings(top)

        var scenario = Scenario(
            name: name, sourcePath: sourcePath, start: start, horizonMonths: horizon, initialCash: initialCash,
            tiers: tiersWithUsers, conversionRate: conversionRate, initialWaitlist: waitlist,
            acquisition: acquisition, usage: usage, payments: payments, marketing: marketing,
            supabase: supabase, services: services, team: team, compliance: compliance,
            phases: phases, milestones: milestones, monteCarlo: monteCarlo, uncertainties: uncertainties,
            check: check, gates: [])
        if let queries = top["queries"].flatMap({ mapping($0, at: "queries", known: ["budget_ms"]) }), let budget = queries["budget_ms"] {
            scenario.queryBudgetMs = number(budget, at: queries.path("budget_ms"), range: ValueRange(lower: 0.001, upper: .infinity))
        }
        // Gates name monthly columns and events, which exist once the rest is decoded.
        scenario.gates = gates(top, metrics: MonthlyColumn.numeric(for: scenario).map(\.name),
                               eventKeys: EventCatalog(scenario: scenario).keys, horizon: horizon)
        return scenario
    }

    // MARK: - Sections

    private mutating func phases(_ top: MappingReader, phaseNames: [String]) -> [Phase] {
        guard let node = top["phases"] else { return [Phase(name: "phase 0", when: .always)] }
        let items = list(node, at: "phases")
        if items.isEmpty, case .sequence = node.value {
            report(node.location, "phases", "at least one phase is needed (phase 0)")
        }
        var seen: Set<String> = []
        return items.enumerated().compactMap { index, item in
            let path = "phases[\(index)]"
            guard let reader = mapping(item, at: path, known: ["name", "when"], required: ["name"]) else { return nil }
            let name = reader["name"].map { string($0, at: reader.path("name")) } ?? "phase \(index)"
            if !seen.insert(name).inserted {
                report(reader["name"]?.location, reader.path("name"), "duplicate phase name '\(name)'")
            }
            return Phase(name: name, when: condition(reader["when"], at: reader.path("when"),
                                                      phaseNames: phaseNames, allowsPhase: false))
        }
    }

    private mutating func tiers(_ top: MappingReader) -> [Tier] {
        guard let node = top["tiers"] else { return [] }
        let items = list(node, at: "tiers")
        if items.isEmpty, case .sequence = node.value {
            report(node.location, "tiers", "at least one tier is needed: the free tier first")
        } else if items.count > TierValues.capacity {
            report(node.location, "tiers", "at most \(TierValues.capacity) tiers are supported, got \(items.count)")
            return []
        }
        let paidCount = max(0, items.count - 1)
        var tiers: [Tier] = []
        var shareNodes: [ConfigNode] = []
        for (index, item) in items.enumerated() {
            let path = "tiers[\(index)]"
            guard let reader = mapping(item, at: path, known: ["name", "price", "share", "churn", "messages_per_active_day", "daily_quota"],
                                       required: ["name", "price"]) else { continue }
            let name = reader["name"].map { string($0, at: reader.path("name")) } ?? "tier \(index)"
            if tiers.contains(where: { $0.name == name }) {
                report(reader["name"]?.location, reader.path("name"), "duplicate tier name '\(name)'")
            }
            let errorsBefore = diagnostics.count
            let price = reader["price"].map {
                parameter($0, at: reader.path("price"), range: .nonNegative, target: { $0.tiers[index].price = $1 })
            } ?? 0
            if diagnostics.count > errorsBefore {
                // The price itself is invalid; the free-tier rules below would only repeat it.
            } else if index == 0, price != 0, reader["price"] != nil {
                report(reader["price"]?.location, reader.path("price"),
                       "the first tier is the free tier and must have price 0, got \(NumberFormat.plain(price)); list the free tier first")
            } else if index > 0, price == 0, reader["price"] != nil {
                report(reader["price"]?.location, reader.path("price"),
                       "only the first tier may be free (price 0); '\(name)' is tier \(index)")
            }
            var share = 0.0
            if let shareNode = reader["share"] {
                if index == 0 {
                    report(shareNode.location, reader.path("share"), "the free tier takes no share of conversions; remove 'share'")
                } else {
                    share = number(shareNode, at: reader.path("share"), range: .rate)
                    shareNodes.append(shareNode)
                }
            } else if index > 0 {
                if paidCount == 1 { share = 1 } else {
                    report(item.location, reader.path("share"), "missing required key 'share' (with several paid tiers, each needs its share of conversions)")
                }
            }
            let quota: Double? = reader["daily_quota"].map { number($0, at: reader.path("daily_quota"), range: .nonNegative) }
            tiers.append(Tier(
                name: name, price: price, share: share,
                churn: parameter(reader, "churn", default: nil, range: .rate, target: { $0.tiers[index].churn = $1 }),
                messagesPerActiveDay: parameter(reader, "messages_per_active_day", default: nil, range: .nonNegative,
                                                target: { $0.tiers[index].messagesPerActiveDay = $1 }),
                dailyQuota: quota, initialUsers: 0))
        }
        if paidCount > 0, shareNodes.count == paidCount {
            let total = tiers.dropFirst().reduce(0) { $0 + $1.share }
            if abs(total - 1) > 1e-9 {
                report(node.location, "tiers", "the shares of the paid tiers must sum to 1, got \(NumberFormat.readable(total))")
            }
        }
        return tiers
    }

    private mutating func initialUsers(_ top: MappingReader, tiers: [Tier]) -> ([Double], Double) {
        var counts = Array(repeating: 0.0, count: tiers.count)
        guard let node = top["users"],
              let reader = mapping(node, at: "users", known: tiers.map(\.name) + ["waitlist"]) else { return (counts, 0) }
        for (index, tier) in tiers.enumerated() {
            if let value = reader[tier.name] {
                counts[index] = parameter(value, at: reader.path(tier.name), range: .nonNegative,
                                          target: { $0.tiers[index].initialUsers = $1 })
            }
        }
        let waitlist = parameter(reader, "waitlist", default: 0, range: .nonNegative, target: { $0.initialWaitlist = $1 })
        return (counts, waitlist)
    }

    private mutating func acquisition(_ top: MappingReader) -> Acquisition {
        var result = Acquisition(marketSize: nil, cac: 1, referralRate: 0, waitlistConversion: 0, waitlistJoins: 0, activationRate: 1)
        guard let node = top["acquisition"],
              let reader = mapping(node, at: "acquisition",
                                   known: ["market_size", "cac", "referral_rate", "waitlist_conversion", "waitlist_joins", "activation_rate"],
                                   required: ["cac", "activation_rate"]) else { return result }
        if let market = reader["market_size"] {
            result.marketSize = parameter(market, at: reader.path("market_size"), range: ValueRange(lower: 1, upper: .infinity),
                                          target: { $0.acquisition.marketSize = $1 })
        }
        if let cac = reader["cac"] {
            result.cac = parameter(cac, at: reader.path("cac"), range: ValueRange(lower: 0.01, upper: .infinity), target: { $0.acquisition.cac = $1 })
        }
        result.referralRate = parameter(reader, "referral_rate", default: 0, range: .rate, target: { $0.acquisition.referralRate = $1 })
        result.waitlistConversion = parameter(reader, "waitlist_conversion", default: 0, range: .rate,
                                              target: { $0.acquisition.waitlistConversion = $1 })
        result.waitlistJoins = parameter(reader, "waitlist_joins", default: 0, range: .nonNegative, target: { $0.acquisition.waitlistJoins = $1 })
        if let activation = reader["activation_rate"] {
            result.activationRate = parameter(activation, at: reader.path("activation_rate"), range: .rate,
                                              target: { $0.acquisition.activationRate = $1 })
        }
        return result
    }

    private mutating func usage(_ top: MappingReader) -> Usage {
        let keys = ["stickiness", "events_per_message", "events_per_user", "bytes_per_message", "bytes_per_event",
                    "bytes_per_account", "base_db_bytes", "storage_per_account", "egress_per_message", "egress_per_user",
                    "peak_concurrency", "cost_per_message", "archive_after_months", "archive_to", "message_chars"]
        var usage = Usage(stickiness: 0, eventsPerMessage: 0, eventsPerUser: 0, bytesPerMessage: 0, bytesPerEvent: 0,
                          bytesPerAccount: 0, baseDBBytes: 0, storagePerAccount: 0, egressPerMessage: 0, egressPerUser: 0,
                          peakConcurrency: 0, costPerMessage: 0, archiveAfterMonths: nil, archiveTo: .database, messageChars: 300)
        guard let node = top["usage"], let reader = mapping(node, at: "usage", known: keys, required: ["stickiness"]) else {
            return usage
        }
        func value(_ key: String, _ range: ValueRange = .nonNegative, _ unit: ValueUnit = .number,
                   default defaultValue: Double = 0, _ target: @escaping Uncertainty.Target) -> Double {
            parameter(reader, key, default: defaultValue, range: range, unit: unit, target: target)
        }
        if let stickiness = reader["stickiness"] {
            usage.stickiness = parameter(stickiness, at: reader.path("stickiness"), range: .rate, target: { $0.usage.stickiness = $1 })
        }
        usage.eventsPerMessage = value("events_per_message", .nonNegative, .number) { $0.usage.eventsPerMessage = $1 }
        usage.eventsPerUser = value("events_per_user", .nonNegative, .number) { $0.usage.eventsPerUser = $1 }
        usage.bytesPerMessage = value("bytes_per_message", .nonNegative, .size) { $0.usage.bytesPerMessage = $1 }
        usage.bytesPerEvent = value("bytes_per_event", .nonNegative, .size) { $0.usage.bytesPerEvent = $1 }
        usage.bytesPerAccount = value("bytes_per_account", .nonNegative, .size) { $0.usage.bytesPerAccount = $1 }
        usage.baseDBBytes = value("base_db_bytes", .nonNegative, .size) { $0.usage.baseDBBytes = $1 }
        usage.storagePerAccount = value("storage_per_account", .nonNegative, .size) { $0.usage.storagePerAccount = $1 }
        usage.egressPerMessage = value("egress_per_message", .nonNegative, .size) { $0.usage.egressPerMessage = $1 }
        usage.egressPerUser = value("egress_per_user", .nonNegative, .size) { $0.usage.egressPerUser = $1 }
        usage.peakConcurrency = value("peak_concurrency", .rate, .number) { $0.usage.peakConcurrency = $1 }
        usage.costPerMessage = value("cost_per_message", .nonNegative, .number) { $0.usage.costPerMessage = $1 }
        usage.messageChars = value("message_chars", ValueRange(lower: 1, upper: .infinity), .number, default: 300) {
            $0.usage.messageChars = $1
        }
        usage.archiveAfterMonths = reader["archive_after_months"].map {
            integer($0, at: reader.path("archive_after_months"), range: 1...1200)
        }
        if let target = reader["archive_to"] {
            let text = string(target, at: reader.path("archive_to"))
            if let parsed = ArchiveTarget(rawValue: text) { usage.archiveTo = parsed } else {
                report(target.location, reader.path("archive_to"),
                       "expected one of \(ArchiveTarget.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
        }
        return usage
    }

    private mutating func marketing(_ top: MappingReader, phaseNames: [String]) -> [MarketingSpend] {
        guard let node = top["marketing"] else { return [] }
        var spends: [MarketingSpend] = []
        for (index, item) in list(node, at: "marketing").enumerated() {
            let path = "marketing[\(index)]"
            guard let reader = mapping(item, at: path, known: ["phase", "spend"], required: ["phase", "spend"]),
                  let phaseNode = reader["phase"],
                  let phase = phaseIndex(phaseNode, at: reader.path("phase"), phaseNames: phaseNames) else { continue }
            if spends.contains(where: { $0.phase == phase }) {
                report(phaseNode.location, reader.path("phase"), "phase \(phase) already has a marketing spend")
            }
            let spend = reader["spend"].map {
                parameter($0, at: reader.path("spend"), range: .nonNegative, target: { $0.marketing[index].spend = $1 })
            } ?? 0
            spends.append(MarketingSpend(phase: phase, spend: spend))
        }
        // Kept in file order so that the key paths of uncertainties stay valid; lookups search by phase.
        return spends
    }

    private mutating func team(_ top: MappingReader, phaseNames: [String]) -> [Role] {
        guard let node = top["team"] else { return [] }
        return list(node, at: "team").enumerated().compactMap { index, item in
            let path = "team[\(index)]"
            guard let reader = mapping(item, at: path, known: ["role", "monthly_cost", "headcount"],
                                       required: ["role", "headcount"]) else { return nil }
            let steps = reader["headcount"].map { list($0, at: reader.path("headcount")) } ?? []
            let headcount: [HeadcountStep] = steps.enumerated().compactMap { stepIndex, step in
                let stepPath = "\(path).headcount[\(stepIndex)]"
                guard let stepReader = mapping(step, at: stepPath, known: ["when", "count"], required: ["count"]) else { return nil }
                return HeadcountStep(
                    when: condition(stepReader["when"], at: stepReader.path("when"), phaseNames: phaseNames),
                    count: stepReader["count"].map { number($0, at: stepReader.path("count"), range: .nonNegative) } ?? 0)
            }
            return Role(role: reader["role"].map { string($0, at: reader.path("role")) } ?? "",
                        monthlyCost: parameter(reader, "monthly_cost", default: nil, range: .nonNegative,
                                               target: { $0.team[index].monthlyCost = $1 }),
                        headcount: headcount)
        }
    }

    private mutating func compliance(_ top: MappingReader, phaseNames: [String]) -> [ComplianceCost] {
        guard let node = top["compliance"] else { return [] }
        return list(node, at: "compliance").enumerated().compactMap { index, item in
            guard let reader = mapping(item, at: "compliance[\(index)]", known: ["name", "annual", "when"],
                                       required: ["name"]) else { return nil }
            return ComplianceCost(name: reader["name"].map { string($0, at: reader.path("name")) } ?? "",
                                  annual: parameter(reader, "annual", default: nil, range: .nonNegative,
                                                    target: { $0.compliance[index].annual = $1 }),
                                  when: condition(reader["when"], at: reader.path("when"), phaseNames: phaseNames))
        }
    }

    private mutating func milestones(_ top: MappingReader, phaseNames: [String]) -> [Milestone] {
        guard let node = top["milestones"] else { return [] }
        return list(node, at: "milestones").enumerated().compactMap { index, item in
            guard let reader = mapping(item, at: "milestones[\(index)]", known: ["name", "when", "action"],
                                       required: ["name"]) else { return nil }
            return Milestone(name: reader["name"].map { string($0, at: reader.path("name")) } ?? "",
                             when: condition(reader["when"], at: reader.path("when"), phaseNames: phaseNames),
                             action: reader["action"].map { string($0, at: reader.path("action")) } ?? "")
        }
    }
}
