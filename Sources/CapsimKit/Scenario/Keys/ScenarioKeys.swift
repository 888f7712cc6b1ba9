/// Every key of a scenario file, declared once (see ``KeySpec``). The order here is the
/// order of the key reference in docs/model.md and of the resolved scenario's JSON.
public enum ScenarioKeys {
    /// The top-level keys.
    public static let root: [KeySpec] = [
        KeySpec("name", .text, doc: "Display name (default: the file name)."),
        KeySpec("description", .text, doc: "Free text."),
        KeySpec("extends", .text, doc: "Another scenario file this one starts from (path relative to this file); see “Overrides”."),
        KeySpec("start", .month, .required, doc: "The calendar month of month 0 (`YYYY-MM`)."),
        KeySpec("horizon_months", .integer(1...1200), .integer(60), doc: "H: months simulated after month 0."),
        KeySpec("cash", .mapping(cash), doc: "Cash at the start, the floor it must stay above, how early to raise."),
        KeySpec("tiers", .list(ListSpec(identity: .key("name"), entry: tier, minimumCount: 1)), .required,
                doc: "Subscription tiers in order; the first is the free tier (price 0)."),
        KeySpec("conversion_rate", .number(.rate), .required,
                doc: "Share of retained free accounts that convert to a paid tier each month."),
        KeySpec("users", .tierMap(.people, fixed: [
            KeySpec("waitlist", .number(.people), .number(0), doc: "W(0): people on the waitlist at month 0."),
        ]), doc: "`users.<tier>`: U_i(0), accounts on each tier at month 0 (default 0)."),
        KeySpec("acquisition", .mapping(acquisition), .required, doc: "How accounts arrive (§2)."),
        KeySpec("usage", .mapping(usage), .required, doc: "Usage, data sizes and variable cost (§3)."),
        KeySpec("payments", .mapping([
            KeySpec("percent", .number(.rate), .number(0), doc: "Card fee as a fraction of each charge (Stripe: 0.029)."),
            KeySpec("fixed", .number(.unitPrice), .number(0), doc: "Card fee per charge, dollars (Stripe: 0.30)."),
        ]), doc: "Payment fees: one charge per paid account per month (§4)."),
        KeySpec("marketing", .list(ListSpec(identity: .phase, entry: [
            KeySpec("phase", .phase, .required, doc: "The phase (index or name) whose months spend this."),
            KeySpec("spend", .number(.money), .required, doc: "Dollars per month while the previous month's phase is this one."),
        ])), doc: "Marketing spend by phase; a phase without an entry takes the nearest lower phase's."),
        KeySpec("infrastructure", .mapping(infrastructure), .required, doc: "Supabase plans and compute, and other services (§5, §9)."),
        KeySpec("team", .list(ListSpec(identity: .key("role"), entry: role)), doc: "Roles and their headcount plans (§5)."),
        KeySpec("compliance", .list(ListSpec(identity: .key("name"), entry: [
            KeySpec("name", .text, .required, doc: "The programme."),
            KeySpec("annual", .number(.money), .required, doc: "Dollars per year, paid as annual / 12 in each month `when` holds."),
            KeySpec("when", .condition(.cost), doc: "When it is paid (absent: always)."),
        ])), doc: "Compliance programmes (§5)."),
        KeySpec("phases", .list(ListSpec(identity: .key("name"), entry: phase, minimumCount: 1, isRemovable: false)), .required,
                doc: "Growth phases, phase 0 first (§7)."),
        KeySpec("milestones", .list(ListSpec(identity: .key("name"), entry: [
            KeySpec("name", .text, .required, doc: "The milestone."),
            KeySpec("when", .condition(.afterCosts), doc: "Reported at the first month it holds."),
            KeySpec("action", .text, doc: "What to do then."),
        ])), doc: "Dated actions of the roadmap (§7)."),
        KeySpec("funding", .list(ListSpec(identity: .key("name"), entry: [
            KeySpec("name", .text, .required, doc: "The round."),
            KeySpec("amount", .number(.money), .required, doc: "Dollars received."),
            KeySpec("when", .condition(.afterCosts), doc: "Received once, in the first month t ≥ 1 it holds (absent: month 1)."),
        ])), doc: "Funding rounds (§10)."),
        KeySpec("workload", .mapping(workload), doc: "The database's query load (§9)."),
        KeySpec("monte_carlo", .mapping([
            KeySpec("runs", .integer(1...10_000_000), .integer(1000), doc: "Runs of `capsim run --monte-carlo`, `baseline` and `check`."),
            KeySpec("seed", .integer(0...Int(Int32.max)), .integer(1), doc: "Seed of the runs' random streams."),
        ]), doc: "Monte Carlo settings; their presence makes `capsim baseline`/`check` record Monte Carlo figures."),
        KeySpec("check", .mapping(check), doc: "Tolerances of `capsim check`."),
        KeySpec("gates", .list(ListSpec(identity: .position, entry: gate)), doc: "Limits `capsim check` enforces."),
        KeySpec("queries", .mapping([
            KeySpec("budget_ms", .number(Quantity(.milliseconds, ValueRange(lower: 0, upper: 1e7, excludesLower: true), distributable: false)),
                    .number(100), doc: "Milliseconds a query may take at a month's full size (`capsim queries`)."),
        ]), doc: "Settings of `capsim queries`."),
    ]

    static let cash: [KeySpec] = [
        KeySpec("initial", .number(.signedMoney), .number(0), doc: "cash(0), dollars (may be negative)."),
        KeySpec("floor", .number(.signedMoney), .number(0), doc: "The balance cash must stay at or above; below it is `cash_below_floor` (§10)."),
        KeySpec("raise_lead_months", .integer(0...120), .integer(6), doc: "Months before cash falls below the floor by which a raise must close."),
    ]

    static let tier: [KeySpec] = [
        KeySpec("name", .text, .required, doc: "The tier (`users_<name>` in the monthly CSV)."),
        KeySpec("price", .number(.unitPriceMonthly), .required, doc: "Dollars per account per month (0 for the free tier only)."),
        KeySpec("share", .number(.fixedRate), doc: "Paid tiers: share of each month's conversions (paid shares sum to 1; optional with one paid tier)."),
        KeySpec("churn", .number(.rate), .required, doc: "Share of the tier's accounts lost each month."),
        KeySpec("messages_per_active_day", .number(.perUnit), .required, doc: "Messages an active account would send per day without a quota."),
        KeySpec("daily_quota", .number(Quantity(.count, ValueRange(lower: 0, upper: 1e6), distributable: false)),
                doc: "Messages per day the tier allows (absent or null: unlimited)."),
        KeySpec("schema_tier", .choice(SchemaTiers.names),
                doc: "The tier stored in the schema's `tier` columns for this tier's accounts in synthetic data (`capsim data`, `capsim queries`): free for the free tier, starter, pro or team for a paid one (absent: the tier's own name when it is one of those, else paid tiers in order as starter, pro, team)."),
    ]

    static let acquisition: [KeySpec] = [
        KeySpec("market_size", .number(Quantity(.count, ValueRange(lower: 1, upper: 1e11))),
                doc: "Addressable accounts: signups slow as cumulative signups approach it (absent: no saturation)."),
        KeySpec("cac", .number(Quantity(.dollars, ValueRange(lower: 0.01, upper: 1e6))), .required, doc: "Dollars of marketing spend per paid signup."),
        KeySpec("referral_rate", .number(.rate), .number(0), doc: "Organic signups per account per month."),
        KeySpec("waitlist_conversion", .number(.rate), .number(0), doc: "Share of the waitlist that signs up each month."),
        KeySpec("waitlist_joins", .number(.people), .number(0), doc: "People joining the waitlist each month."),
        KeySpec("activation_rate", .number(.rate), .required, doc: "Share of signups that become active accounts."),
    ]

    static let usage: [KeySpec] = [
        KeySpec("stickiness", .number(.rate), .required, doc: "DAU/MAU: share of accounts active on a given day."),
        KeySpec("events_per_message", .number(.perUnit), .number(0), doc: "Analytics events per message."),
        KeySpec("events_per_user", .number(.perUnit), .number(0), doc: "Analytics events per account per month."),
        KeySpec("bytes_per_message", .number(.unitSize), .number(0), doc: "Database bytes per message, every row it writes and their indexes."),
        KeySpec("rows_per_message", .number(Quantity(.count, ValueRange(lower: 0, upper: 1000))), .number(1),
                doc: "chat_messages rows one message writes (MIRAI: 2, the message and its reply)."),
        KeySpec("bytes_per_event", .number(.unitSize), .number(0), doc: "Database bytes per analytics event."),
        KeySpec("bytes_per_account", .number(.unitSize), .number(0), doc: "Database bytes per account ever created (profile, auth row)."),
        KeySpec("base_db_bytes", .number(.size), .number(0), doc: "Database bytes before any account (Supabase's own schemas)."),
        KeySpec("storage_per_account", .number(.unitSize), .number(0), doc: "File-storage bytes per account ever activated."),
        KeySpec("egress_per_message", .number(.unitSize), .number(0), doc: "Egress bytes per message."),
        KeySpec("egress_per_user", .number(.unitSize), .number(0), doc: "Egress bytes per account per month."),
        KeySpec("peak_concurrency", .number(.rate), .number(0), doc: "Share of daily active accounts online at the peak moment."),
        KeySpec("cost_per_message", .number(.unitPrice), .number(0), doc: "Variable cost per message (model/API calls), dollars."),
        KeySpec("archive_after_months", .integer(1...1200), doc: "A: months after which a month's data leaves the live tables (absent: never)."),
        KeySpec("archive_to", .choice(ArchiveTarget.allCases.map(\.rawValue)), .text("database"),
                doc: "Where archived data goes: `database` (an archive table), `storage` or `delete`."),
        KeySpec("message_chars", .number(Quantity(.count, ValueRange(lower: 1, upper: 1e6))), .number(300),
                doc: "Mean characters of message content (synthetic data only; never used by the projection)."),
    ]

    static let infrastructure: [KeySpec] = [
        KeySpec("supabase", .mapping(supabase), .required, doc: "Supabase plans, the policy that picks one, and compute."),
        KeySpec("services", .list(ListSpec(identity: .key("name"), entry: [
            KeySpec("name", .text, .required, doc: "The service."),
            KeySpec("monthly", .number(.money), .number(0), doc: "Dollars per month while `when` holds."),
            KeySpec("per_user", .number(.unitPrice), .number(0), doc: "Dollars per account per month while `when` holds."),
            KeySpec("when", .condition(.cost), doc: "When it is paid (absent: always)."),
        ])), doc: "Third-party services (§5)."),
    ]

    static let supabase: [KeySpec] = [
        KeySpec("policy", .choice(PlanPolicy.allCases.map(\.rawValue)), .text("thresholds"),
                doc: "`thresholds` (the first plan whose `max_users` is above N) or `cheapest` (the lowest monthly cost that fits)."),
        KeySpec("catalog", .text, doc: "A price catalog file whose plans `plans` may name (path relative to the file naming it)."),
        KeySpec("plans", .list(ListSpec(identity: .key("name"), entry: plan, minimumCount: 1)), .required,
                doc: "Plans in upgrade order; the plan never moves back up the list."),
        KeySpec("compute", .mapping(compute), doc: "The compute catalog (§9): sizes, credit, sizing rules. Absent: compute is not modelled."),
    ]

    static let plan: [KeySpec] = [
        KeySpec("name", .text, .required, doc: "The plan."),
        KeySpec("price", .number(.money), .required, doc: "Dollars per month."),
        KeySpec("included", .mapping([
            KeySpec("db", .number(.size), doc: "Database size included (absent: 0)."),
            KeySpec("egress", .number(.size), doc: "Egress per month included."),
            KeySpec("storage", .number(.size), doc: "File storage included."),
            KeySpec("mau", .number(.people), doc: "Monthly active users included."),
        ]), doc: "Quotas."),
        KeySpec("overage", .mapping([
            KeySpec("db_per_gb", .number(.unitPrice), doc: "Dollars per GB-month over the quota (absent: free)."),
            KeySpec("egress_per_gb", .number(.unitPrice), doc: "Dollars per GB over the quota."),
            KeySpec("storage_per_gb", .number(.unitPrice), doc: "Dollars per GB-month over the quota."),
            KeySpec("per_mau", .number(.unitPrice), doc: "Dollars per MAU over the quota."),
        ]), doc: "Overage rates."),
        KeySpec("max_users", .number(Quantity(.count, ValueRange(lower: 0, upper: 1e10), distributable: false)),
                doc: "The plan fits while N is below this (absent: always)."),
        KeySpec("hard_limits", .bool, .bool(false), doc: "A plan that cannot exceed its quotas (the free plan)."),
    ]

    static let compute: [KeySpec] = [
        KeySpec("sizes", .list(ListSpec(identity: .key("name"), entry: computeSize, minimumCount: 1)), .required,
                doc: "Compute sizes, smallest first."),
        KeySpec("credit", .number(.money), .number(0), doc: "Dollars a month taken off the primary's price on plans without hard limits (Supabase: 10)."),
        KeySpec("max_cpu_utilisation", .number(Quantity(.fraction, ValueRange(lower: 0, upper: 1, excludesLower: true))), .number(0.7),
                doc: "Share of a size's cpu its peak load may use."),
        KeySpec("ram_for_cache", .number(Quantity(.fraction, ValueRange(lower: 0, upper: 1, excludesLower: true))), .number(0.5),
                doc: "Share of a size's RAM the working set may take."),
        KeySpec("pool_share", .number(Quantity(.fraction, ValueRange(lower: 0, upper: 1, excludesLower: true))), .number(0.4),
                doc: "Share of a size's direct connections the pooler may hold."),
        KeySpec("read_share", .number(.rate), .number(0.8), doc: "Share of the query load that replicas can serve."),
        KeySpec("replica_disk_per_gb", .number(.unitPrice), .number(0), doc: "Dollars per GB-month of a replica's disk (1.25 × the database)."),
    ]

    static let computeSize: [KeySpec] = [
        KeySpec("name", .text, .required, doc: "The size (`compute_size` in the monthly CSV)."),
        KeySpec("price", .number(.money), .required, doc: "Dollars per month, per instance (primary or replica)."),
        KeySpec("cpu", .number(Quantity(.cores, ValueRange(lower: 0, upper: 1e4, excludesLower: true))), .required,
                doc: "Effective cores at sustained load (a burstable size: cores × its baseline share)."),
        KeySpec("ram", .number(Quantity(.bytes, ValueRange(lower: 0, upper: 1e15, excludesLower: true))), .required, doc: "Memory."),
        KeySpec("max_connections", .number(Quantity(.count, ValueRange(lower: 0, upper: 1e7, excludesLower: true))), .required,
                doc: "Direct database connections."),
        KeySpec("pooler_clients", .number(Quantity(.count, ValueRange(lower: 0, upper: 1e8, excludesLower: true))), .required,
                doc: "Clients the connection pooler accepts."),
        KeySpec("max_db", .number(.size), doc: "The largest database recommended for the size (absent: no limit)."),
        KeySpec("max_replicas", .integer(0...100), .integer(0), doc: "Read replicas the size may have."),
        KeySpec("free_plan", .bool, .bool(false), doc: "A size hard-limited plans run on (and no other plan)."),
    ]

    static let role: [KeySpec] = [
        KeySpec("role", .text, .required, doc: "The role."),
        KeySpec("monthly_cost", .number(.money), .required, doc: "Dollars per person per month, fully loaded."),
        KeySpec("headcount", .list(ListSpec(identity: .position, entry: [
            KeySpec("when", .condition(.cost), doc: "When this step applies (absent: always)."),
            KeySpec("count", .number(Quantity(.count, ValueRange(lower: 0, upper: 1e6))), .required, doc: "People (fractions for part-time)."),
        ])), .required, doc: "Steps; the count is that of the last step whose `when` holds (0 if none)."),
    ]

    static let phase: [KeySpec] = [
        KeySpec("name", .text, .required, doc: "The phase."),
        KeySpec("when", .condition(.phase), doc: "Entered at the first month it holds (never left)."),
        KeySpec("budget", .mapping(range(unit: .money, doc: "monthly total cost")),
                doc: "What the roadmap budgets for the phase: a monthly total cost range, shown beside the projection."),
        KeySpec("targets", .columnMap(.mapping(range(unit: .targetValue, doc: "value"))),
                doc: "What the roadmap promises in the phase: `<monthly column>: {min, max}` (e.g. `mrr_usd`), checked at its entry and its end."),
    ]

    /// `{min, max}` of a stated range.
    private static func range(unit: Quantity, doc: String) -> [KeySpec] {
        [KeySpec("min", .number(unit), doc: "The least \(doc) stated."),
         KeySpec("max", .number(unit), doc: "The most \(doc) stated.")]
    }

    static let workload: [KeySpec] = [
        KeySpec("peak_to_mean", .number(Quantity(.factor, ValueRange(lower: 0, upper: 1e4))), .number(3),
                doc: "The peak hour's query rate over the month's mean rate."),
        KeySpec("hold_factor", .number(Quantity(.factor, ValueRange(lower: 0, upper: 1e4))), .number(1.5),
                doc: "Connections held per busy core (transactions hold a connection longer than they compute)."),
        KeySpec("clients_per_concurrent_user", .number(Quantity(.factor, ValueRange(lower: 0, upper: 1e4))), .number(1),
                doc: "Pooler clients per user online at the peak."),
        KeySpec("hot_months", .number(Quantity(.months, ValueRange(lower: 0, upper: 1200))), .number(1),
                doc: "Months of newly written data that stay in the working set."),
        KeySpec("engine_factor", .number(Quantity(.factor, ValueRange(lower: 0, upper: 1e4))), .number(1),
                doc: "Query cost on the production database over its cost where `ms` was measured."),
        KeySpec("queries", .list(ListSpec(identity: .key("name"), entry: query)), doc: "The product's queries and how often they run."),
    ]

    static let query: [KeySpec] = [
        KeySpec("name", .text, .required, doc: "The query."),
        KeySpec("per", .choice(QueryRate.allCases.map(\.rawValue)), .required,
                doc: "What one run of it goes with: a `message`, an `active_user_day` or an `account_month`."),
        KeySpec("count", .number(Quantity(.count, ValueRange(lower: 0, upper: 1e6))), .number(1), doc: "Runs per unit of `per`."),
        KeySpec("ms", .numberOrMapping(Quantity(.milliseconds, ValueRange(lower: 0, upper: 1e7)), [
            KeySpec("a", .number(Quantity(.milliseconds, ValueRange(lower: 0, upper: 1e7))), .required, doc: "ms at one row."),
            KeySpec("b", .number(Quantity(.factor, ValueRange(lower: -10, upper: 10))), .required, doc: "Growth exponent in the table's rows."),
            KeySpec("table", .choice(GrowthTable.allCases.map(\.rawValue)), .required, doc: "The table whose rows it grows with."),
        ]), .required, doc: "Milliseconds of database time per run: a number, or `{a, b, table}` for a × rows^b."),
    ]

    static let check: [KeySpec] = [
        KeySpec("tolerance", .mapping(tolerance), doc: "Default tolerance of amounts (2% or 1 unit)."),
        KeySpec("metrics", .columnMap(.mapping(tolerance)), doc: "`<monthly column>: {relative, absolute}`: a tolerance per metric."),
        KeySpec("event_months", .integer(0...1200), .integer(0), doc: "Months an event may move."),
        KeySpec("probability", .number(Quantity(.fraction, .rate, distributable: false)), .number(0.02),
                doc: "How far a Monte Carlo probability may move."),
        KeySpec("confidence", .number(Quantity(.fraction, ValueRange(lower: 0.5, upper: 0.999999), distributable: false)), .number(0.99),
                doc: "One-sided confidence a probabilistic gate's verdict needs."),
        KeySpec("max_runs", .integer(1...10_000_000), .integer(64_000), doc: "The most runs a probabilistic gate may use."),
    ]

    static let tolerance: [KeySpec] = [
        KeySpec("relative", .number(Quantity(.fraction, ValueRange(lower: 0, upper: 1e6), distributable: false)),
                doc: "Fraction of the baseline value."),
        KeySpec("absolute", .number(Quantity(.factor, ValueRange(lower: 0, upper: 1e15), distributable: false)),
                doc: "In the figure's own unit."),
    ]

    static let gate: [KeySpec] = [
        KeySpec("name", .text, doc: "A label (default: the gate as written)."),
        KeySpec("metric", .text, doc: "A numeric monthly column (with `month`)."),
        KeySpec("month", .integer(0...1200), doc: "The month of a metric gate (default: the horizon)."),
        KeySpec("event", .text, doc: "An event key (`phase:3` or `phase:<name>`, `cash_below_floor`, `capacity_breach`, `compute:XL`, …)."),
        KeySpec("within_months", .integer(0...1200), doc: "The month by which a probability gate counts the event (default: the horizon)."),
        KeySpec("roadmap", .choice(Gate.RoadmapStatements.allCases.map(\.rawValue)),
                doc: "Instead of a limit: the projection stays within what the phases state (`budget`, `targets` or `all`) at each phase's entry and end."),
        KeySpec("phase", .phase, doc: "With `roadmap`: only this phase (index or name; default: every phase that states something)."),
    ] + Gate.bounds.map { bound in
        KeySpec(bound.key, .number(Quantity(.factor, ValueRange(lower: -1e15, upper: 1e15), distributable: false)), doc: bound.doc)
    }
}

extension Quantity {
    /// A tier's price: [0, 10⁶] dollars a month.
    static let unitPriceMonthly = Quantity(.dollars, ValueRange(lower: 0, upper: 1e6))
    /// A value a roadmap states for a monthly column (any sign, bounded).
    static let targetValue = Quantity(.factor, ValueRange(lower: -1e15, upper: 1e15), distributable: false)
}

/// What a workload query's rate goes with (`workload.queries[].per`, MODEL.md §9).
public enum QueryRate: String, Sendable, CaseIterable {
    /// count × messages(t) / (days_per_month × 86,400) per second.
    case message
    /// count × DAU(t) / 86,400 per second.
    case activeUserDay = "active_user_day"
    /// count × N(t) / (days_per_month × 86,400) per second.
    case accountMonth = "account_month"
}

/// The tables a query's time may grow with (`ms: {a, b, table}`).
public enum GrowthTable: String, Sendable, CaseIterable {
    /// rows_per_message × the live months' messages.
    case chatMessages = "chat_messages"
    /// The live months' events.
    case analyticsEvents = "analytics_events"
    /// C(t): every account ever created.
    case accounts
}
