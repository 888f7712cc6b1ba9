extension Projection {
    /// The whole result as JSON: the scenario as resolved, every month, every event and the summary figures.
    public func json() -> JSONValue {
        let columns = scenario.exportColumns
        let entries = phaseEntryMonths
        return .object([
            "scenario": scenario.json(),
            "months": .array((0...scenario.horizonMonths).map { month in
                let row = self.row(month)
                return .object(Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.json(row, scenario: scenario)) }))
            }),
            "events": .array(events.map { event in
                .object([
                    "month": .number(Double(event.month)),
                    "date": .string(scenario.start.adding(months: event.month).description),
                    "kind": .string(event.kind.label),
                    "key": .string(event.key),
                    "detail": .string(event.detail),
                ])
            }),
            "capacity_breaches": .array(capacityBreaches.map { breach in
                .object(["month": .number(Double(breach.month)), "compute_size": .string(breach.size),
                         "replicas": .number(Double(breach.replicas)), "bounds": .array(breach.bounds.map { .string($0.rawValue) })])
            }),
            "summary": .object(funding.json().merging([
                "phases": .array(scenario.phases.indices.map { phase in
                    let row = entries[phase].map { self.row($0) }
                    return .object([
                        "phase": .number(Double(phase)),
                        "name": .string(scenario.phases[phase].name),
                        "month": .number(entries[phase].map(Double.init)),
                        "users": .number(row?.users),
                        "mrr_usd": .number(row?.mrr),
                        "total_cost_usd": .number(row?.totalCost),
                        "arpu_usd": .number(row?.arpu),
                        "gross_margin": .number(row?.grossMargin),
                        "ltv_usd": .number(row?.ltv),
                        "cac_usd": .number(row?.cac),
                        "payback_months": .number(row?.paybackMonths),
                        "infra_per_user_usd": .number(row?.costPerUser),
                    ])
                }),
                "roadmap": .array(roadmapComparisons().map { $0.json() }),
            ]) { $1 }),
        ])
    }

    /// The months with a capacity breach (§9): the option billed and the bounds it fails.
    public var capacityBreaches: [(month: Int, size: String, replicas: Int, bounds: [CapacityBound])] {
        guard let compute = scenario.supabase.compute else { return [] }
        return (0...scenario.horizonMonths).compactMap { month in
            let row = self.row(month)
            guard let bounds = row.capacityBreach, let size = row.computeIndex else { return nil }
            return (month, compute.sizes[size].name, Int(row[.replicas]), bounds)
        }
    }
}

extension FundingSummary {
    /// The §10 summary with its documented keys; null where there is none.
    public func json() -> [String: JSONValue] {
        [
            "cash_out_month": .number(cashOutMonth.map(Double.init)),
            "raise_by_month": .number(raiseByMonth.map(Double.init)),
            "required_raise": .number(requiredRaise),
            "cash_low_point_usd": .number(cashLowPoint),
            "cash_low_point_month": .number(Double(cashLowPointMonth)),
            "break_even_month": .number(breakEvenMonth.map(Double.init)),
            "default_alive": .bool(defaultAlive),
        ]
    }
}

extension Scenario {
    /// The scenario as resolved (after `extends` and `--set`), in model units: sizes in bytes,
    /// money in dollars, every declared key with its value or default, a distribution as
    /// `{dist, …, mean}`; the same keys as the file.
    public func json() -> JSONValue {
        var root = json(tree)
        if case var .object(members) = root {
            members["name"] = .string(name)
            members["extends"] = nil
            root = .object(members)
        }
        return root
    }

    private func json(_ mapping: DecodedMapping) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for spec in mapping.specs {
            guard let value = mapping[spec.name] else { continue }
            members[spec.name] = json(value)
        }
        return .object(members)
    }

    private func json(_ value: DecodedValue) -> JSONValue {
        switch value {
        case let .parameter(id):
            let parameter = parameters[id]
            return parameter.distribution.map { $0.json() } ?? .number(parameter.value)
        case let .integer(value): return .number(Double(value))
        case let .text(text): return .string(text)
        case let .bool(value): return .bool(value)
        case let .month(month): return .string(month.description)
        case let .phase(phase): return .number(Double(phase))
        case let .condition(condition):
            return .object(Dictionary(uniqueKeysWithValues: condition.clauses.map { ($0.metric.rawValue, JSONValue.number($0.threshold)) }))
        case let .mapping(mapping): return json(mapping)
        case let .list(items): return .array(items.map(json))
        }
    }
}

extension Distribution {
    public func json() -> JSONValue {
        var members: [String: JSONValue] = ["mean": .number(mean)]
        switch self {
        case let .normal(mean, sd): members.merge(["dist": .string("normal"), "mean": .number(mean), "sd": .number(sd)]) { $1 }
        case let .lognormal(mu, sigma): members.merge(["dist": .string("lognormal"), "mu": .number(mu), "sigma": .number(sigma)]) { $1 }
        case let .beta(alpha, beta): members.merge(["dist": .string("beta"), "alpha": .number(alpha), "beta": .number(beta)]) { $1 }
        case let .uniform(min, max): members.merge(["dist": .string("uniform"), "min": .number(min), "max": .number(max)]) { $1 }
        case let .triangular(min, mode, max):
            members.merge(["dist": .string("triangular"), "min": .number(min), "mode": .number(mode), "max": .number(max)]) { $1 }
        case let .pert(min, mode, max):
            members.merge(["dist": .string("pert"), "min": .number(min), "mode": .number(mode), "max": .number(max)]) { $1 }
        }
        return .object(members)
    }
}
