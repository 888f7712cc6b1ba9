/// A validated scenario: everything the model of `docs/model.md` needs, in model units.
///
/// Money is US dollars, sizes are bytes, rates are fractions per month. A parameter that
/// the file gives as a distribution holds the distribution's mean here (deterministic mode)
/// and is listed in ``uncertainties`` for Monte Carlo.
public struct Scenario: Sendable {
    /// A display name (the file's `name`, else its file name).
    public var name: String
    /// The file the scenario was loaded from.
    public var sourcePath: String
    /// The calendar month of month 0.
    public var start: YearMonth
    /// H: months simulated after month 0 (outputs have H+1 rows).
    public var horizonMonths: Int
    /// cash(0), dollars.
    public var initialCash: Double
    /// Subscription tiers in file order; the first is the free tier.
    public var tiers: [Tier]
    /// Share of retained free users converting to a paid tier each month.
    public var conversionRate: Double
    /// W(0): people on the waitlist at month 0.
    public var initialWaitlist: Double
    public var acquisition: Acquisition
    public var usage: Usage
    public var payments: Payments
    /// Marketing spend per phase, sorted by phase.
    public var marketing: [MarketingSpend]
    public var supabase: Supabase
    public var services: [Service]
    public var team: [Role]
    public var compliance: [ComplianceCost]
    /// Growth phases, phase 0 first.
    public var phases: [Phase]
    public var milestones: [Milestone]
    /// `monte_carlo`: runs and seed; nil when the scenario does not ask for Monte Carlo.
    public var monteCarlo: MonteCarloSettings?
    /// Parameters given as distributions, in file order.
    public var uncertainties: [Uncertainty]
    /// `check:`: tolerances of `capsim check`.
    public var check: CheckSettings
    /// `gates:`: limits `capsim check` enforces.
    public var gates: [Gate]
    /// `queries.budget_ms`: the latency a query may take at a month's full size (default 100 ms).
    public var queryBudgetMs: Double = 100

    /// Monte Carlo settings to use when Monte Carlo is needed: the scenario's, else 1,000 runs with seed 1.
    public var monteCarloOrDefault: MonteCarloSettings { monteCarlo ?? MonteCarloSettings(runs: 1000, seed: 1) }

    /// Indices of the paid tiers (all but the first).
    public var paidTierIndices: Range<Int> { 1..<tiers.count }
}

/// A subscription tier (`tiers[i]`).
public struct Tier: Sendable, Hashable {
    public var name: String
    /// Monthly price, dollars (0 for the free tier).
    public var price: Double
    /// Share of each month's conversions that choose this tier (paid tiers; 0 for the free tier).
    public var share: Double
    /// Share of the tier's accounts lost each month.
    public var churn: Double
    /// Messages an active user of this tier would send per day without a quota.
    public var messagesPerActiveDay: Double
    /// Messages per day the tier allows; nil for unlimited.
    public var dailyQuota: Double?
    /// U_i(0): accounts on this tier at month 0.
    public var initialUsers: Double

    /// Messages an active user actually sends per day: min(messages_per_active_day, daily_quota).
    public var effectiveMessagesPerActiveDay: Double {
        dailyQuota.map { min(messagesPerActiveDay, $0) } ?? messagesPerActiveDay
    }
}

/// How accounts arrive (`acquisition`).
public struct Acquisition: Sendable, Hashable {
    /// Addressable accounts; signups slow as cumulative signups approach it. nil: no saturation.
    public var marketSize: Double?
    /// Dollars of marketing spend per paid signup.
    public var cac: Double
    /// Organic signups per existing account per month.
    public var referralRate: Double
    /// Share of the waitlist that signs up each month.
    public var waitlistConversion: Double
    /// People joining the waitlist each month.
    public var waitlistJoins: Double
    /// Share of signups that become accounts.
    public var activationRate: Double
}

/// Where archived data goes (`usage.archive_to`).
public enum ArchiveTarget: String, Sendable, CaseIterable {
    case database, storage, delete
}

/// Usage and data sizes per account and per message (`usage`).
public struct Usage: Sendable, Hashable {
    /// DAU/MAU: share of accounts active on a given day.
    public var stickiness: Double
    public var eventsPerMessage: Double
    /// Analytics events per account per month.
    public var eventsPerUser: Double
    /// Bytes stored per message, indexes included.
    public var bytesPerMessage: Double
    public var bytesPerEvent: Double
    /// Bytes per account ever created (profile, settings, auth row).
    public var bytesPerAccount: Double
    /// Database bytes before any account exists.
    public var baseDBBytes: Double
    /// File-storage bytes per account ever created.
    public var storagePerAccount: Double
    public var egressPerMessage: Double
    /// Egress bytes per account per month.
    public var egressPerUser: Double
    /// Share of daily active users online at the peak moment.
    public var peakConcurrency: Double
    /// Variable cost per message (model/API calls), dollars.
    public var costPerMessage: Double
    /// A: months after which a month's data leaves the live tables; nil keeps everything live.
    public var archiveAfterMonths: Int?
    public var archiveTo: ArchiveTarget
    /// Mean characters of message content (synthetic data only; never used by the projection).
    public var messageChars: Double
}

/// Card processing fees (`payments`): percent of each charge plus a fixed amount.
public struct Payments: Sendable, Hashable {
    /// Fraction of each charge, e.g. 0.029.
    public var percent: Double
    /// Dollars per charge.
    public var fixed: Double
}

/// `marketing[i]`: spend per month while the previous month's phase is `phase`.
public struct MarketingSpend: Sendable, Hashable {
    public var phase: Int
    /// Dollars per month.
    public var spend: Double
}

/// `monte_carlo`: defaults for `capsim run --runs/--seed`.
public struct MonteCarloSettings: Sendable, Hashable {
    /// Runs to simulate.
    public var runs: Int
    /// Seed of run 0's random stream; run r's stream depends only on (seed, r).
    public var seed: UInt64

    public init(runs: Int, seed: UInt64) {
        self.runs = runs
        self.seed = seed
    }
}
