import Foundation

extension ScenarioDecoder {
    static let planKeys = ["name", "price", "included", "overage", "max_users", "hard_limits"]
    static let overageKeys: [(key: String, resource: PlanResource)] = [
        ("db_per_gb", .db), ("egress_per_gb", .egress), ("storage_per_gb", .storage), ("per_mau", .mau),
    ]

    /// Reads `infrastructure`: the Supabase plans and policy, and the services.
    mutating func infrastructure(_ top: MappingReader, phaseNames: [String]) -> (Supabase, [Service]) {
        var supabase = Supabase(policy: .thresholds, plans: [])
        guard let node = top["infrastructure"],
              let reader = mapping(node, at: "infrastructure", known: ["supabase", "services"], required: ["supabase"]) else {
            return (supabase, [])
        }
        if let supabaseNode = reader["supabase"],
           let supabaseReader = mapping(supabaseNode, at: reader.path("supabase"), known: ["policy", "plans", "catalog"],
                                        required: ["plans"]) {
            if let policyNode = supabaseReader["policy"] {
                let text = string(policyNode, at: supabaseReader.path("policy"))
                if let policy = PlanPolicy(rawValue: text) { supabase.policy = policy } else {
                    report(policyNode.location, supabaseReader.path("policy"),
                           "expected one of \(PlanPolicy.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
                }
            }
            let catalog = supabaseReader["catalog"].flatMap { catalogPlans($0, at: supabaseReader.path("catalog")) }
            if let plansNode = supabaseReader["plans"] {
                supabase.plans = plans(plansNode, at: supabaseReader.path("plans"), catalog: catalog)
            }
        }
        let services: [Service] = reader["services"].map { servicesNode in
            list(servicesNode, at: reader.path("services")).enumerated().compactMap { index, item in
                guard let serviceReader = mapping(item, at: "infrastructure.services[\(index)]",
                                                  known: ["name", "monthly", "per_user", "when"], required: ["name"]) else { return nil }
                return Service(
                    name: serviceReader["name"].map { string($0, at: serviceReader.path("name")) } ?? "",
                    monthly: parameter(serviceReader, "monthly", default: 0, range: .nonNegative, target: { $0.services[index].monthly = $1 }),
                    perUser: parameter(serviceReader, "per_user", default: 0, range: .nonNegative, target: { $0.services[index].perUser = $1 }),
                    when: condition(serviceReader["when"], at: serviceReader.path("when"), phaseNames: phaseNames))
            }
        } ?? []
        return (supabase, services)
    }

    /// Reads a price catalog file (`infrastructure.supabase.catalog`): its plans by name.
    /// The path is relative to the file that names it.
    private mutating func catalogPlans(_ node: ConfigNode, at path: String) -> [(name: String, node: ConfigNode)]? {
        let name = string(node, at: path)
        guard !name.isEmpty else { return nil }
        let directory = (node.location.file as NSString).deletingLastPathComponent
        let file = name.hasPrefix("/") || directory.isEmpty || node.location.file == "--set"
            ? name : (directory as NSString).appendingPathComponent(name)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            report(node.location, path, "cannot read the price catalog '\(file)'")
            return nil
        }
        let root: ConfigNode
        do { root = try ScenarioSource.parse(yaml: text, file: file) } catch {
            diagnostics.append(contentsOf: error.diagnostics)
            return nil
        }
        guard let reader = mapping(root, at: "", known: ["name", "source", "retrieved", "notes", "plans"], required: ["plans"]),
              let plansNode = reader["plans"] else { return nil }
        return list(plansNode, at: "plans").map { item in
            if case let .scalar(planName, _)? = item["name"]?.value { return (planName, item) }
            return ("", item)
        }
    }

    private mutating func plans(_ node: ConfigNode, at path: String,
                                catalog: [(name: String, node: ConfigNode)]?) -> [SupabasePlan] {
        let items = list(node, at: path)
        if items.isEmpty, case .sequence = node.value {
            report(node.location, path, "at least one Supabase plan is needed")
        }
        var plans: [SupabasePlan] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            var resolved = item
            // A plan named by a string, or a mapping whose name is in the catalog, starts from the catalog's entry.
            let planName: String? = switch item.value {
            case let .scalar(text, _): text
            default: item["name"].flatMap { if case let .scalar(text, _) = $0.value { text } else { nil } }
            }
            if let planName, let catalog, let entry = catalog.first(where: { $0.name == planName }) {
                resolved = item.entries == nil ? entry.node : entry.node.merged(with: item)
            } else if case .scalar = item.value {
                let known = catalog?.map(\.name) ?? []
                var message = "unknown plan name '\(planName ?? "")'"
                if catalog == nil {
                    message += "; plans given by name need 'infrastructure.supabase.catalog'"
                } else if let suggestion = Suggestion.nearest(to: planName ?? "", in: known) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; the catalog has \(known.map { "'\($0)'" }.joined(separator: ", "))"
                }
                report(item.location, itemPath, message)
                continue
            }
            guard let plan = plan(resolved, at: itemPath) else { continue }
            if plans.contains(where: { $0.name == plan.name }) {
                report(item.location, itemPath, "duplicate plan name '\(plan.name)'")
            }
            plans.append(plan)
        }
        return plans
    }

    private mutating func plan(_ node: ConfigNode, at path: String) -> SupabasePlan? {
        guard let reader = mapping(node, at: path, known: Self.planKeys, required: ["name", "price"]) else { return nil }
        var plan = SupabasePlan(name: reader["name"].map { string($0, at: reader.path("name")) } ?? "",
                                price: reader["price"].map { number($0, at: reader.path("price"), range: .nonNegative) } ?? 0,
                                included: ResourceValues(), overage: ResourceValues(), maxUsers: nil, hasHardLimits: false)
        if let includedNode = reader["included"],
           let included = mapping(includedNode, at: reader.path("included"), known: PlanResource.allCases.map(\.rawValue)) {
            for resource in PlanResource.allCases {
                guard let value = included[resource.rawValue] else { continue }
                plan.included[resource] = number(value, at: included.path(resource.rawValue), range: .nonNegative,
                                                 unit: resource == .mau ? .number : .size)
            }
        }
        if let overageNode = reader["overage"],
           let overage = mapping(overageNode, at: reader.path("overage"), known: Self.overageKeys.map(\.key)) {
            for (key, resource) in Self.overageKeys {
                guard let value = overage[key] else { continue }
                plan.overage[resource] = number(value, at: overage.path(key), range: .nonNegative)
            }
        }
        plan.maxUsers = reader["max_users"].map { number($0, at: reader.path("max_users"), range: .nonNegative) }
        plan.hasHardLimits = reader["hard_limits"].map { bool($0, at: reader.path("hard_limits")) } ?? false
        return plan
    }
}
