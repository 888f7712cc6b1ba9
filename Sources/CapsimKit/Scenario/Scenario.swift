/// A validated scenario: the structure of the model of docs/model.md (tiers, phases, plans,
/// conditions…) and its parameters.
///
/// Every number is a ``Parameter`` of ``parameters``, referred to by ``ParameterID``: the
/// deterministic projection reads their values (a distribution's mean), Monte Carlo draws
/// the uncertain ones, sensitivity and calibration move some. Money is US dollars, sizes are
/// bytes, rates are fractions per month.
public struct Scenario: Sendable {
    /// A display name (the file's `name`, else its file name).
    public var name: String
    /// The file the scenario was loaded from.
    public var sourcePath: String
    /// The calendar month of month 0.
    public var start: YearMonth
    /// H: months simulated after month 0 (outputs have H+1 rows).
    public var horizonMonths: Int
    /// Every number of the scenario.
    public var parameters: ParameterTable
    /// The file as its declarations read it (for the resolved scenario's JSON).
    public let tree: DecodedMapping

    public var cash: CashSettings
    /// Subscription tiers in file order; the first is the free tier.
    public var tiers: [Tier]
    /// Share of retained free accounts converting to a paid tier each month.
    public var conversionRate: ParameterID
    /// W(0): people on the waitlist at month 0.
    public var initialWaitlist: ParameterID
    public var acquisition: Acquisition
    public var usage: Usage
    public var payments: Payments
    /// Marketing spend per phase, in file order.
    public var marketing: [MarketingSpend]
    public var supabase: Supabase
    public var services: [Service]
    public var team: [Role]
    public var compliance: [ComplianceCost]
    /// Growth phases, phase 0 first.
    public var phases: [Phase]
    public var milestones: [Milestone]
    public var funding: [FundingRound]
    public var workload: Workload
    /// `monte_carlo`: runs and seed; nil when the scenario does not ask for Monte Carlo.
    public var monteCarlo: MonteCarloSettings?
    /// `check:`: tolerances of `capsim check`.
    public var check: CheckSettings
    /// `gates:`: limits `capsim check` enforces.
    public var gates: [Gate]
    /// `queries.budget_ms`: the latency a query may take at a month's full size.
    public var queryBudgetMs: Double

    /// The deterministic value of a parameter.
    public subscript(id: ParameterID) -> Double { parameters[id].value }

    /// The deterministic value of an optional parameter.
    public subscript(id: ParameterID?) -> Double? { id.map { parameters[$0].value } }

    /// Monte Carlo settings to use when Monte Carlo is needed: the scenario's, else 1,000 runs with seed 1.
    public var monteCarloOrDefault: MonteCarloSettings { monteCarlo ?? MonteCarloSettings(runs: 1000, seed: 1) }

    /// The parameters given as distributions, in file order.
    public var uncertainties: [ParameterID] { parameters.uncertain }

    /// Messages an active account of tier `tier` sends per day: messages_per_active_day, capped
    /// by the daily quota.
    public func effectiveMessagesPerActiveDay(tier: Int) -> Double {
        let messages = self[tiers[tier].messagesPerActiveDay]
        return self[tiers[tier].dailyQuota].map { min(messages, $0) } ?? messages
    }

    /// Fixes a parameter to a known value (a measurement): no longer a distribution.
    public mutating func set(_ id: ParameterID, to value: Double) {
        parameters[id].value = value
        parameters[id].distribution = nil
    }

    /// The scenario with other parameter values (the same structure): each parameter's
    /// deterministic value becomes `values[id]`.
    public func with(values: [Double]) -> Scenario {
        precondition(values.count == parameters.count, "values of another scenario")
        var copy = self
        for index in values.indices { copy.parameters[ParameterID(index: index)].value = values[index] }
        return copy
    }
}

/// `cash`: the starting balance, the floor, and how early to raise (§10).
public struct CashSettings: Sendable {
    public var initial: ParameterID
    public var floor: ParameterID
    public var raiseLeadMonths: Int
}

/// A subscription tier (`tiers[i]`).
public struct Tier: Sendable {
    public var name: String
    /// Dollars per account per month (0 for the free tier).
    public var price: ParameterID
    /// Share of each month's conversions that choose this tier (paid tiers; nil for the free tier).
    public var share: ParameterID?
    /// Share of the tier's accounts lost each month.
    public var churn: ParameterID
    /// Messages an active account of this tier would send per day without a quota.
    public var messagesPerActiveDay: ParameterID
    /// Messages per day the tier allows; nil for unlimited.
    public var dailyQuota: ParameterID?
    /// U_i(0): accounts on this tier at month 0 (`users.<name>`).
    public var initialUsers: ParameterID
    /// `schema_tier`: the schema's tier value for this tier's accounts, when the scenario gives it.
    public var schemaTier: String?
}

/// How accounts arrive (`acquisition`).
public struct Acquisition: Sendable {
    /// Addressable accounts; nil: no saturation.
    public var marketSize: ParameterID?
    public var cac: ParameterID
    public var referralRate: ParameterID
    public var waitlistConversion: ParameterID
    public var waitlistJoins: ParameterID
    public var activationRate: ParameterID
}

/// Where archived data goes (`usage.archive_to`).
public enum ArchiveTarget: String, Sendable, CaseIterable {
    case database, storage, delete
}

/// Usage and data sizes (`usage`).
public struct Usage: Sendable {
    public var stickiness: ParameterID
    public var eventsPerMessage: ParameterID
    public var eventsPerUser: ParameterID
    public var bytesPerMessage: ParameterID
    public var rowsPerMessage: ParameterID
    public var bytesPerEvent: ParameterID
    public var bytesPerAccount: ParameterID
    public var baseDBBytes: ParameterID
    public var storagePerAccount: ParameterID
    public var egressPerMessage: ParameterID
    public var egressPerUser: ParameterID
    public var peakConcurrency: ParameterID
    public var costPerMessage: ParameterID
    /// A: months after which a month's data leaves the live tables; nil keeps everything live.
    public var archiveAfterMonths: Int?
    public var archiveTo: ArchiveTarget
    /// Mean characters of message content (synthetic data only).
    public var messageChars: ParameterID
}

/// Card processing fees (`payments`).
public struct Payments: Sendable {
    public var percent: ParameterID
    public var fixed: ParameterID
}

/// `marketing[i]`: spend per month while the previous month's phase is `phase`.
public struct MarketingSpend: Sendable {
    public var phase: Int
    public var spend: ParameterID
}

/// `monte_carlo`: defaults for `capsim run --runs/--seed`.
public struct MonteCarloSettings: Sendable, Hashable {
    public var runs: Int
    /// Run r's random stream depends only on (seed, r).
    public var seed: UInt64

    public init(runs: Int, seed: UInt64) {
        self.runs = runs
        self.seed = seed
    }
}

/// A growth phase (`phases[p]`) and what the roadmap states for it.
public struct Phase: Sendable {
    public var name: String
    public var when: Condition
    /// The monthly total cost the roadmap budgets for the phase.
    public var budget: StatedRange?
    /// What the roadmap promises: a range per monthly column (`mrr_usd`, `users_total`, …).
    public var targets: [(column: String, range: StatedRange)]
}

/// A range a plan states (`{min, max}`; either may be absent).
public struct StatedRange: Sendable, Hashable {
    public var min: Double?
    public var max: Double?

    public func contains(_ value: Double) -> Bool {
        (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true)
    }

    public var description: String {
        switch (min, max) {
        case let (low?, high?): "\(NumberFormat.significant(low))–\(NumberFormat.significant(high))"
        case let (low?, nil): "≥ \(NumberFormat.significant(low))"
        case let (nil, high?): "≤ \(NumberFormat.significant(high))"
        case (nil, nil): "any"
        }
    }
}

/// A dated action of the roadmap (`milestones[i]`): reported at the first month `when` holds.
public struct Milestone: Sendable {
    public var name: String
    public var when: Condition
    public var action: String
}

/// A funding round (`funding[i]`): received once, in the first month t ≥ 1 its `when` holds.
public struct FundingRound: Sendable {
    public var name: String
    public var amount: ParameterID
    public var when: Condition
}
