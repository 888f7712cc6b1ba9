import GSLKit

/// Days in a model month: 365.25 / 12.
public let daysPerMonth = 30.4375

/// The month-by-month engine of MODEL.md §1–7.
public enum Simulator {
    /// The deterministic projection: expected flows, distributions at their means.
    public static func project(_ scenario: Scenario) -> Projection {
        var flows = ExpectedFlows()
        var rows: [MonthRow] = []
        rows.reserveCapacity(scenario.horizonMonths + 1)
        simulate(scenario, flows: &flows) { rows.append($0) }
        return Projection(scenario: scenario, rows: rows)
    }

    /// Runs the model for months 0 … horizon, handing each month's row to `visit` in order.
    /// - Returns: the last month's row.
    @discardableResult
    public static func simulate<F: Flows>(_ scenario: Scenario, flows: inout F, visit: (MonthRow) -> Void) -> MonthRow {
        simulate(scenario, plan: EnginePlan(scenario: scenario), flows: &flows, visit: visit)
    }

    /// The same, with the scenario's compiled conditions given.
    static func simulate<F: Flows>(_ scenario: Scenario, plan: EnginePlan, flows: inout F,
                                   visit: (MonthRow) -> Void) -> MonthRow {
        var engine = Engine(scenario: scenario, plan: plan)
        return simulate(&engine, flows: &flows, visit: visit)
    }

    /// The same, with the engine given: loaded with a scenario, before month 0 (Monte Carlo
    /// keeps one engine per worker and loads each run's drawn scenario into it).
    static func simulate<F: Flows>(_ engine: inout Engine, flows: inout F, visit: (MonthRow) -> Void) -> MonthRow {
        var row = engine.initialMonth(flows: &flows)
        visit(row)
        for _ in 0..<engine.horizonMonths {
            engine.advance(&row, flows: &flows)
            visit(row)
        }
        return row
    }
}

/// A scenario's conditions compiled into two tables: those of phases (decided on the month's
/// stocks) and those of services, headcount steps and compliance (decided once phase and
/// plan are known), with the index of each one's condition. Depends only on the scenario's
/// structure, which every Monte Carlo run shares.
struct EnginePlan: Sendable {
    let phaseConditions: ConditionTable
    let costConditions: ConditionTable
    let phases: [Int]
    let services: [Int]
    /// (role, count, condition) of every headcount step, roles in file order.
    let teamSteps: [(role: Int, count: Double, when: Int)]
    /// The end of each role's steps in ``teamSteps``.
    let roleEnds: [Int]
    let compliance: [Int]
    /// For each phase p, the index of the `marketing` entry whose spend applies: p's own
    /// entry, else the nearest lower phase's (the last such entry in file order); nil when none.
    let marketingEntries: [Int?]
    /// The scenario's own value of each success probability, by ``ProbabilitySlot``. A run
    /// whose probability equals it (one not drawn) draws from tables its worker keeps from
    /// run to run.
    let undrawnProbabilities: [Double]

    init(scenario: Scenario) {
        var phaseConditions = ConditionTable()
        phases = scenario.phases.map { phaseConditions.add($0.when) }
        var costConditions = ConditionTable()
        services = scenario.services.map { costConditions.add($0.when) }
        let teamSteps = scenario.team.enumerated().flatMap { role, entry in
            entry.headcount.map { (role: role, count: $0.count, when: costConditions.add($0.when)) }
        }
        self.teamSteps = teamSteps
        roleEnds = scenario.team.indices.map { role in teamSteps.lastIndex { $0.role <= role }.map { $0 + 1 } ?? 0 }
        compliance = scenario.compliance.map { costConditions.add($0.when) }
        marketingEntries = scenario.phases.indices.map { phase in
            var best: Int?
            for (index, entry) in scenario.marketing.enumerated()
            where entry.phase <= phase && entry.phase >= best.map({ scenario.marketing[$0].phase }) ?? -1 {
                best = index
            }
            return best
        }
        self.phaseConditions = phaseConditions
        self.costConditions = costConditions
        let conditionals = Shares(TierValues(scenario.tiers.dropFirst().map(\.share))).conditionals
        let tierCount = scenario.tiers.count
        var undrawn = [Double](repeating: 0, count: ProbabilitySlot.count(tierCount: tierCount))
        undrawn[ProbabilitySlot.waitlistConversion] = scenario.acquisition.waitlistConversion
        undrawn[ProbabilitySlot.activation] = scenario.acquisition.activationRate
        undrawn[ProbabilitySlot.conversion] = scenario.conversionRate
        for tier in scenario.tiers.indices { undrawn[ProbabilitySlot.churn(tier)] = scenario.tiers[tier].churn }
        for index in conditionals.indices {
            undrawn[ProbabilitySlot.conditional(index, tierCount: tierCount)] = conditionals[index].value
        }
        undrawnProbabilities = undrawn
    }
}

/// Where each success probability of the engine stands in ``EnginePlan/undrawnProbabilities``
/// and among the engine's binomial tables.
enum ProbabilitySlot {
    static let waitlistConversion = 0
    static let activation = 1
    static let conversion = 2
    /// churn_i of tier i.
    static func churn(_ tier: Int) -> Int { 3 + tier }
    /// The conditional share of paid tier `index` in the split (all but the last paid tier).
    static func conditional(_ index: Int, tierCount: Int) -> Int { 3 + tierCount + index }
    /// Slots of a scenario with `tierCount` tiers.
    static func count(tierCount: Int) -> Int { conditional(max(0, tierCount - 2), tierCount: tierCount) }
}

/// The engine's state between months, and the formulas of one month.
///
/// Everything the month loop reads is copied by ``load(_:)`` into flat arrays of plain
/// values (conditions are stored inline), so that a month touches no reference counts.
/// Monte Carlo runs this loop millions of times, and keeps one engine per worker: each run
/// loads its drawn scenario into the same arrays, allocating nothing.
struct Engine {
    /// The scenario's conditions; the arrays below refer to them by index.
    private let plan: EnginePlan
    private let planPolicy: PlanPolicy

    // The scenario's values (``load(_:)``).
    private(set) var start: YearMonth
    private(set) var horizonMonths: Int
    private var usage: Usage
    private var acquisition: Acquisition
    private var initialUsers: TierValues
    private var initialWaitlist: Double
    private var initialCash: Double
    /// The month's success probabilities of MODEL.md §2, prepared for repeated draws.
    private var waitlistConversion: BinomialProbability
    private var activation: BinomialProbability
    private var conversion: BinomialProbability
    /// churn_i per tier.
    private var churn: [BinomialProbability]
    /// share_j of each paid tier.
    private var paidShares: Shares
    private var prices: TierValues
    /// min(messages_per_active_day, daily_quota) per tier.
    private var effectiveMessages: TierValues
    /// Fee per paid account: price × percent + fixed (0 for the free tier).
    private var feePerAccount: TierValues
    /// spend(p) for each phase p: its own entry, else the nearest lower phase's, else 0.
    private var spendByPhase: [Double]
    private var services: [(monthly: Double, perUser: Double, when: Int)]
    /// Headcount steps of all roles in file order (a role's steps are contiguous), each with
    /// its monthly cost (role cost × count); a later holding step of a role replaces an earlier one.
    private var teamSteps: [(cost: Double, when: Int)]
    private var compliance: [(monthly: Double, when: Int)]
    private var plans: [PlanTerms]
    /// Binomial tables per ``ProbabilitySlot``, kept across ``load(_:)``: Monte Carlo keeps
    /// one engine per worker, whose runs share the probabilities that are not drawn. (Not to
    /// be shared by engines on two threads.)
    private let tables: [BinomialTables]

    // The run's state between months.
    /// data(k) for k = 0 … t: bytes written to the live tables in month k.
    private var dataByMonth: [Double]
    /// Σ data(k) for k ≤ t.
    private var totalData = 0.0
    /// Σ data(k) for the months k ≥ 1 already archived (t − k ≥ A).
    private var archivedData = 0.0
    /// Conversions of the month to each paid tier.
    private var conversionsByTier: TierValues
    /// This run's verdicts on the phase and cost conditions of ``plan``.
    private var phaseVerdicts: ConditionTable.Verdicts
    private var costVerdicts: ConditionTable.Verdicts
    /// The highest phase whose condition holds, the team and compliance costs and the
    /// services in force: they change only when a verdict does.
    private var highestPhaseHolding = 0
    private var teamCost = 0.0
    private var complianceCost = 0.0
    /// Indices of the services whose condition holds, in file order.
    private var holdingServices: [Int] = []

    /// An engine for `scenario`, whose conditions `plan` compiles.
    init(scenario: Scenario, plan: EnginePlan) {
        self.plan = plan
        planPolicy = scenario.supabase.policy
        start = scenario.start
        horizonMonths = scenario.horizonMonths
        usage = scenario.usage
        acquisition = scenario.acquisition
        initialUsers = TierValues(scenario.tiers.map(\.initialUsers))
        initialWaitlist = scenario.initialWaitlist
        initialCash = scenario.initialCash
        waitlistConversion = BinomialProbability(0)
        activation = BinomialProbability(0)
        conversion = BinomialProbability(0)
        churn = Array(repeating: BinomialProbability(0), count: scenario.tiers.count)
        paidShares = Shares(TierValues(scenario.tiers.dropFirst().map(\.share)))
        prices = TierValues(repeating: 0, count: scenario.tiers.count)
        effectiveMessages = prices
        feePerAccount = prices
        spendByPhase = Array(repeating: 0, count: scenario.phases.count)
        services = plan.services.map { (0, 0, $0) }
        teamSteps = plan.teamSteps.map { (0, $0.when) }
        compliance = plan.compliance.map { (0, $0) }
        plans = scenario.supabase.plans.map(PlanTerms.init)
        tables = plan.undrawnProbabilities.map { _ in BinomialTables() }
        dataByMonth = []
        dataByMonth.reserveCapacity(scenario.horizonMonths + 1)
        conversionsByTier = TierValues(repeating: 0, count: max(0, scenario.tiers.count - 1))
        phaseVerdicts = plan.phaseConditions.initialVerdicts()
        costVerdicts = plan.costConditions.initialVerdicts()
        load(scenario)
    }

    /// Takes the values of `scenario` (of the same structure as the one the engine was made
    /// for: the same tiers, phases, services, roles, plans) and goes back to before month 0.
    mutating func load(_ scenario: Scenario) {
        precondition(scenario.tiers.count == churn.count && scenario.phases.count == spendByPhase.count
                     && scenario.services.count == services.count && scenario.compliance.count == compliance.count
                     && scenario.supabase.plans.count == plans.count, "a scenario of another structure")
        start = scenario.start
        horizonMonths = scenario.horizonMonths
        usage = scenario.usage
        acquisition = scenario.acquisition
        initialWaitlist = scenario.initialWaitlist
        initialCash = scenario.initialCash
        let (tables, undrawn) = (self.tables, plan.undrawnProbabilities)
        /// `p` prepared for draws, from slot `slot`'s tables when p is not drawn.
        func prepared(_ p: Double, slot: Int) -> BinomialProbability {
            p == undrawn[slot] ? tables[slot].prepare(p) : BinomialProbability(p)
        }
        waitlistConversion = prepared(scenario.acquisition.waitlistConversion, slot: ProbabilitySlot.waitlistConversion)
        activation = prepared(scenario.acquisition.activationRate, slot: ProbabilitySlot.activation)
        conversion = prepared(scenario.conversionRate, slot: ProbabilitySlot.conversion)
        var shares = TierValues(repeating: 0, count: scenario.tiers.count - 1)
        for index in scenario.tiers.indices {
            initialUsers[index] = scenario.tiers[index].initialUsers
            churn[index] = prepared(scenario.tiers[index].churn, slot: ProbabilitySlot.churn(index))
            prices[index] = scenario.tiers[index].price
            effectiveMessages[index] = scenario.tiers[index].effectiveMessagesPerActiveDay
            feePerAccount[index] = index == 0 ? 0 : prices[index] * scenario.payments.percent + scenario.payments.fixed
            if index > 0 { shares[index - 1] = scenario.tiers[index].share }
        }
        let tierCount = scenario.tiers.count
        paidShares.update(shares) { prepared($1, slot: ProbabilitySlot.conditional($0, tierCount: tierCount)) }
        for (phase, entry) in plan.marketingEntries.enumerated() {
            spendByPhase[phase] = entry.map { scenario.marketing[$0].spend } ?? 0
        }
        for index in scenario.services.indices {
            services[index].monthly = scenario.services[index].monthly
            services[index].perUser = scenario.services[index].perUser
        }
        for (index, step) in plan.teamSteps.enumerated() {
            teamSteps[index].cost = scenario.team[step.role].monthlyCost * step.count
        }
        for (index, item) in scenario.compliance.enumerated() { compliance[index].monthly = item.annual / 12 }
        for (index, terms) in scenario.supabase.plans.enumerated() { plans[index] = PlanTerms(terms) }

        dataByMonth.removeAll(keepingCapacity: true)
        dataByMonth.append(0)
        totalData = 0
        archivedData = 0
        plan.phaseConditions.reset(&phaseVerdicts)
        plan.costConditions.reset(&costVerdicts)
        highestPhaseHolding = 0
        teamCost = 0
        complianceCost = 0
        holdingServices.removeAll(keepingCapacity: true)
    }

    /// Month 0: stocks from the initial users; flows, costs and fees 0; cash = cash.initial.
    mutating func initialMonth<F: Flows>(flows: inout F) -> MonthRow {
        var users = initialUsers
        for index in users.indices { users[index] = flows.initialCount(users[index]) }
        let total = users.sum
        var row = MonthRow(
            month: 0, date: start, phase: 0, usersByTier: users, users: total,
            paidUsers: total - users[0], waitlist: flows.initialCount(initialWaitlist), cumulativeSignups: total,
            signups: 0, activated: 0, churned: 0, paidChurned: 0, conversions: 0, paidChurnRate: nil,
            dau: 0, concurrent: 0, messages: 0, messagesPerDay: Self.messagesPerDay(users, stickiness: usage.stickiness, effectiveMessages: effectiveMessages), events: 0, dbBytes: 0, storageBytes: 0, egressBytes: 0,
            mrr: 0, paymentFees: 0, planIndex: 0, supabaseCost: 0, servicesCost: 0, teamCost: 0, complianceCost: 0,
            marketing: 0, variableCost: 0, infraCost: 0, totalCost: 0, cash: initialCash)
        computeStocks(&row, previousPhase: 0, previousPlan: 0)
        return row
    }

    /// Turns month t − 1's row into month t's (MODEL.md §2–6), in place.
    mutating func advance<F: Flows>(_ row: inout MonthRow, flows: inout F) {
        // Month t − 1's values that month t reads (copied one by one: the whole row is large).
        let previousUsers = row.usersByTier
        let previousTotal = row.users, previousPaid = row.paidUsers, previousWaitlist = row.waitlist
        let previousSignups = row.cumulativeSignups
        let previousPhase = row.phase, previousPlan = row.planIndex, previousCash = row.cash
        row.month += 1
        row.date = start.adding(months: row.month)

        // §2 Users: acquisition from end-of-month t − 1 values.
        let spend = spendByPhase[previousPhase]
        let saturation = acquisition.marketSize.map { max(0, 1 - previousSignups / $0) } ?? 1
        // paid signups + organic signups, in the order MODEL.md writes them.
        let expectedArrivals = spend / acquisition.cac * saturation + acquisition.referralRate * previousTotal * saturation
        let arrivals = flows.arrivals(mean: expectedArrivals)
        let fromWaitlist = flows.successes(of: previousWaitlist, probability: waitlistConversion)
        row.signups = arrivals + fromWaitlist
        row.waitlist = previousWaitlist - fromWaitlist + acquisition.waitlistJoins
        row.cumulativeSignups = previousSignups + row.signups
        row.activated = flows.successes(of: row.signups, probability: activation)

        let churnedFree = flows.successes(of: previousUsers[0], probability: churn[0])
        let retainedFree = previousUsers[0] - churnedFree
        row.conversions = flows.successes(of: retainedFree, probability: conversion)
        if !conversionsByTier.isEmpty {
            flows.split(row.conversions, shares: paidShares, into: &conversionsByTier)
        }
        row.usersByTier[0] = retainedFree - row.conversions + row.activated
        var paidChurned = 0.0
        for index in 1..<previousUsers.count {
            let churned = flows.successes(of: previousUsers[index], probability: churn[index])
            row.usersByTier[index] = previousUsers[index] - churned + conversionsByTier[index - 1]
            paidChurned += churned
        }
        row.paidChurned = paidChurned
        row.churned = churnedFree + paidChurned
        row.users = row.usersByTier.sum
        row.paidUsers = row.users - row.usersByTier[0]
        row.paidChurnRate = previousPaid > 0 ? paidChurned / previousPaid : nil

        // §3 Flows of usage (the stocks follow in computeStocks).
        row.messagesPerDay = Self.messagesPerDay(row.usersByTier, stickiness: usage.stickiness, effectiveMessages: effectiveMessages)
        row.messages = row.messagesPerDay * daysPerMonth
        row.events = row.messages * usage.eventsPerMessage + row.users * usage.eventsPerUser
        let data = row.messages * usage.bytesPerMessage + row.events * usage.bytesPerEvent
        dataByMonth.append(data)
        totalData += data
        row.egressBytes = row.messages * usage.egressPerMessage + row.users * usage.egressPerUser

        computeStocks(&row, previousPhase: previousPhase, previousPlan: previousPlan)

        // §5 Costs.
        row.supabaseCost = plans[row.planIndex].monthlyCost(for: PlanUsage(row))
        if plan.costConditions.update(row.conditionInputs, &costVerdicts) {
            var team = 0.0, step = 0
            for end in plan.roleEnds {
                var roleCost = 0.0
                while step < end {
                    roleCost = costVerdicts[teamSteps[step].when] ? teamSteps[step].cost : roleCost
                    step += 1
                }
                team += roleCost
            }
            teamCost = team
            var compliance = 0.0
            for item in self.compliance { compliance += costVerdicts[item.when] ? item.monthly : 0 }
            complianceCost = compliance
            holdingServices.removeAll(keepingCapacity: true)
            for index in self.services.indices where costVerdicts[self.services[index].when] { holdingServices.append(index) }
        }
        var services = 0.0
        for index in holdingServices { services += self.services[index].monthly + self.services[index].perUser * row.users }
        row.servicesCost = services
        row.teamCost = teamCost
        row.complianceCost = complianceCost
        row.marketing = spend
        row.variableCost = row.messages * usage.costPerMessage
        var fees = 0.0
        for index in 1..<row.usersByTier.count { fees += row.usersByTier[index] * feePerAccount[index] }
        row.paymentFees = fees
        row.infraCost = row.supabaseCost + row.servicesCost
        row.totalCost = row.infraCost + row.teamCost + row.complianceCost + row.marketing + row.variableCost + row.paymentFees

        // §6 Cash.
        row.cash = previousCash + row.mrr - row.totalCost
    }

    /// Stocks of month t that depend only on its users and data: usage, sizes, MRR, phase and
    /// plan. Messages per day are set by the caller (``advance(_:flows:)`` needs them first).
    private mutating func computeStocks(_ row: inout MonthRow, previousPhase: Int, previousPlan: Int) {
        row.dau = row.users * usage.stickiness
        row.concurrent = row.dau * usage.peakConcurrency

        let (live, archived) = liveAndArchivedData(month: row.month)
        row.dbBytes = usage.baseDBBytes + row.cumulativeSignups * usage.bytesPerAccount + live
            + (usage.archiveTo == .database ? archived : 0)
        row.storageBytes = row.cumulativeSignups * usage.storagePerAccount + (usage.archiveTo == .storage ? archived : 0)

        var mrr = 0.0
        for index in 1..<row.usersByTier.count { mrr += row.usersByTier[index] * prices[index] }
        row.mrr = mrr

        // phase(t) = max(phase(t − 1), highest p whose `when` holds).
        if plan.phaseConditions.update(row.conditionInputs, &phaseVerdicts) {
            highestPhaseHolding = plan.phases.indices.last { phaseVerdicts[plan.phases[$0]] } ?? 0
        }
        row.phase = max(previousPhase, highestPhaseHolding)
        row.planIndex = max(previousPlan, PlanTerms.choose(plans, policy: planPolicy, for: PlanUsage(row)))
    }

    /// Σ_i U_i × stickiness × min(messages_per_active_day_i, daily_quota_i).
    /// (Static: a method on the large engine value would copy it for each call.)
    private static func messagesPerDay(_ usersByTier: TierValues, stickiness: Double, effectiveMessages: TierValues) -> Double {
        var total = 0.0
        for index in 0..<usersByTier.count { total += usersByTier[index] * stickiness * effectiveMessages[index] }
        return total
    }

    /// Bytes of data still in the live tables, and bytes archived, at the end of `month`.
    /// Called once per month, in order: data of month k is archived once month − k ≥ A.
    private mutating func liveAndArchivedData(month: Int) -> (live: Double, archived: Double) {
        if let months = usage.archiveAfterMonths, month - months >= 1 {
            archivedData += dataByMonth[month - months]
        }
        return (totalData - archivedData, archivedData)
    }
}
