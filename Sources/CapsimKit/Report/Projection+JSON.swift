extension Projection {
    /// The whole result as JSON: the scenario as resolved, every month, every event and the summary figures.
    public func json() -> JSONValue {
        let columns = MonthlyColumn.all(for: scenario)
        let low = cashLowPoint
        let entries = phaseEntryMonths
        return .object([
            "scenario": scenario.json(),
            "months": .array(rows.map { row in
                .object(Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.json(row)) }))
            }),
            "events": .array(events.map { event in
                .object([
                    "month": .number(Double(event.month)),
                    "date": .string(rows[event.month].date.description),
                    "kind": .string(event.kind.label),
                    "key": .string(event.key),
                    "detail": .string(event.detail),
                ])
            }),
            "summary": .object([
                "cash_low_point": .object(["month": .number(Double(low.month)), "cash_usd": .number(low.cash)]),
                "cash_runs_out_month": .number(cashRunsOut.map(Double.init)),
                "phases": .array(scenario.phases.indices.map { phase in
                    let row = entries[phase].map { rows[$0] }
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
            ]),
        ])
    }
}

extension Scenario {
    /// The scenario as resolved (after `extends` and `--set`), in model units:
    /// sizes in bytes, money in dollars, distributions listed under `uncertain`.
    public func json() -> JSONValue {
        func condition(_ condition: Condition) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: condition.clauses.map { ($0.metric.rawValue, JSONValue.number($0.threshold)) }))
        }
        return .object([
            "name": .string(name),
            "start": .string(start.description),
            "horizon_months": .number(Double(horizonMonths)),
            "cash": .object(["initial": .number(initialCash)]),
            "conversion_rate": .number(conversionRate),
            "tiers": .array(tiers.map { tier in
                .object(["name": .string(tier.name), "price": .number(tier.price), "share": .number(tier.share),
                         "churn": .number(tier.churn), "messages_per_active_day": .number(tier.messagesPerActiveDay),
                         "daily_quota": .number(tier.dailyQuota), "initial_users": .number(tier.initialUsers)])
            }),
            "users": .object(["waitlist": .number(initialWaitlist)]),
            "acquisition": .object([
                "market_size": .number(acquisition.marketSize), "cac": .number(acquisition.cac),
                "referral_rate": .number(acquisition.referralRate), "waitlist_conversion": .number(acquisition.waitlistConversion),
                "waitlist_joins": .number(acquisition.waitlistJoins), "activation_rate": .number(acquisition.activationRate),
            ]),
            "usage": .object([
                "stickiness": .number(usage.stickiness), "events_per_message": .number(usage.eventsPerMessage),
                "events_per_user": .number(usage.eventsPerUser), "bytes_per_message": .number(usage.bytesPerMessage),
                "bytes_per_event": .number(usage.bytesPerEvent), "bytes_per_account": .number(usage.bytesPerAccount),
                "base_db_bytes": .number(usage.baseDBBytes), "storage_per_account": .number(usage.storagePerAccount),
                "egress_per_message": .number(usage.egressPerMessage), "egress_per_user": .number(usage.egressPerUser),
                "peak_concurrency": .number(usage.peakConcurrency), "cost_per_message": .number(usage.costPerMessage),
                "archive_after_months": .number(usage.archiveAfterMonths.map(Double.init)),
                "archive_to": .string(usage.archiveTo.rawValue), "message_chars": .number(usage.messageChars),
            ]),
            "payments": .object(["percent": .number(payments.percent), "fixed": .number(payments.fixed)]),
            "marketing": .array(marketing.map { .object(["phase": .number(Double($0.phase)), "spend": .number($0.spend)]) }),
            "infrastructure": .object([
                "supabase": .object([
                    "policy": .string(supabase.policy.rawValue),
                    "plans": .array(supabase.plans.map { plan in
                        .object([
                            "name": .string(plan.name), "price": .number(plan.price),
                            "included": .object(Dictionary(uniqueKeysWithValues: PlanResource.allCases.compactMap { resource in
                                plan.included[resource].map { (resource.rawValue, JSONValue.number($0)) }
                            })),
                            "overage": .object(Dictionary(uniqueKeysWithValues: ScenarioDecoder.overageKeys.compactMap { key, resource in
                                plan.overage[resource].map { (key, JSONValue.number($0)) }
                            })),
                            "max_users": .number(plan.maxUsers), "hard_limits": .bool(plan.hasHardLimits),
                        ])
                    }),
                ]),
                "services": .array(services.map { service in
                    .object(["name": .string(service.name), "monthly": .number(service.monthly),
                             "per_user": .number(service.perUser), "when": condition(service.when)])
                }),
            ]),
            "team": .array(team.map { role in
                .object(["role": .string(role.role), "monthly_cost": .number(role.monthlyCost),
                         "headcount": .array(role.headcount.map { .object(["when": condition($0.when), "count": .number($0.count)]) })])
            }),
            "compliance": .array(compliance.map { item in
                .object(["name": .string(item.name), "annual": .number(item.annual), "when": condition(item.when)])
            }),
            "phases": .array(phases.map { .object(["name": .string($0.name), "when": condition($0.when)]) }),
            "milestones": .array(milestones.map {
                .object(["name": .string($0.name), "when": condition($0.when), "action": .string($0.action)])
            }),
            "monte_carlo": monteCarlo.map { .object(["runs": .number(Double($0.runs)), "seed": .number(Double($0.seed))]) } ?? .null,
            "uncertain": .object(Dictionary(uncertainties.map { ($0.keyPath, $0.distribution.json()) }, uniquingKeysWith: { $1 })),
        ])
    }
}

extension Distribution {
    public func json() -> JSONValue {
        switch self {
        case let .normal(mean, sd): .object(["dist": .string("normal"), "mean": .number(mean), "sd": .number(sd)])
        case let .lognormal(mu, sigma): .object(["dist": .string("lognormal"), "mu": .number(mu), "sigma": .number(sigma), "mean": .number(self.mean)])
        case let .beta(alpha, beta): .object(["dist": .string("beta"), "alpha": .number(alpha), "beta": .number(beta), "mean": .number(self.mean)])
        case let .uniform(min, max): .object(["dist": .string("uniform"), "min": .number(min), "max": .number(max)])
        case let .triangular(min, mode, max): .object(["dist": .string("triangular"), "min": .number(min), "mode": .number(mode), "max": .number(max)])
        case let .pert(min, mode, max): .object(["dist": .string("pert"), "min": .number(min), "mode": .number(mode), "max": .number(max)])
        }
    }
}
