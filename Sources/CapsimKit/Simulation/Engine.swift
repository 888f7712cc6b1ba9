import GSLKit

/// A month whose figures are not finite: the inputs grow without bound (an exponential
/// growth over a long horizon, say). Reported, never written as output.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public var month: Int
    /// The monthly column that overflowed.
    public var column: String
    /// The Monte Carlo run, if any.
    public var run: Int?

    public var description: String {
        "\(run.map { "Monte Carlo run \($0), " } ?? "")month \(month): \(column) is not a finite number: the projection overflows. "
            + "Growth compounds without bound here; bound it (acquisition.market_size), lower the growth rates, or shorten horizon_months"
    }
}

/// The month-by-month formulas of MODEL.md §1–§10, for one run at a time.
///
/// A run's numbers come as ``Inputs``; each month's values are written into one row of
/// doubles (``RowLayout``) handed to a visitor, and the engine keeps the run's event months
/// and cash summary. An engine allocates when it is made, not per run: Monte Carlo keeps one
/// per worker.
struct Engine {
    let model: Model
    /// The month just computed.
    private(set) var row: [Double]
    /// Month of each ``EventCatalog`` event; −1 while it has not happened.
    private(set) var eventMonths: [Int]
    /// The lowest cash and its first month; the last month t ≥ 1 with MRR below total cost (0: none).
    private(set) var cashLow = 0.0, cashLowMonth = 0, lastLossMonth = 0

    // The run's state between months.
    private var users: [Double]
    private var split: [Double]
    /// Flows of each month k = 0 … t, for the archive window and the rows of §9.
    private var messagesByMonth: [Double], eventsByMonth: [Double], dataByMonth: [Double]
    private var liveMessages = 0.0, liveEvents = 0.0, totalData = 0.0, archivedData = 0.0
    private var conditionValues: ConditionValues
    private var milestoneReached: [Bool], fundingReceived: [Bool]
    private var netBurns: [Double]
    private var mrrHistory: [Double]
    private var computeSize = -1, replicas = 0
    /// Phase of each month 0 … H to use instead of §7's rule; nil: §7. Calibration holds the
    /// timeline fixed while it fits, so that Σr² is smooth in the fitted parameters.
    var forcedPhases: [Int]?

    init(model: Model) {
        self.model = model
        row = Array(repeating: .nan, count: model.layout.width)
        eventMonths = Array(repeating: -1, count: model.events.count)
        users = Array(repeating: 0, count: model.tierCount)
        split = Array(repeating: 0, count: max(0, model.tierCount - 1))
        messagesByMonth = []
        messagesByMonth.reserveCapacity(model.horizon + 1)
        eventsByMonth = []
        eventsByMonth.reserveCapacity(model.horizon + 1)
        dataByMonth = []
        dataByMonth.reserveCapacity(model.horizon + 1)
        conditionValues = ConditionValues()
        milestoneReached = Array(repeating: false, count: model.scenario.milestones.count)
        fundingReceived = Array(repeating: false, count: model.scenario.funding.count)
        netBurns = []
        netBurns.reserveCapacity(model.horizon + 1)
        mrrHistory = []
        mrrHistory.reserveCapacity(model.horizon + 1)
    }

    /// Simulates months 0 … H with `inputs`, handing each month's row to `visit` in order.
    /// - Throws: ``SimulationError`` at the first month whose figures are not finite.
    mutating func run<F: Flows>(_ inputs: Inputs, flows: inout F, visit: ([Double]) -> Void) throws(SimulationError) {
        reset()
        for month in 0...model.horizon {
            advance(to: month, inputs, flows: &flows)
            if let column = firstNonFinite() { throw SimulationError(month: month, column: column) }
            visit(row)
        }
    }

    private mutating func reset() {
        for index in eventMonths.indices { eventMonths[index] = -1 }
        messagesByMonth.removeAll(keepingCapacity: true)
        eventsByMonth.removeAll(keepingCapacity: true)
        dataByMonth.removeAll(keepingCapacity: true)
        netBurns.removeAll(keepingCapacity: true)
        mrrHistory.removeAll(keepingCapacity: true)
        (liveMessages, liveEvents, totalData, archivedData) = (0, 0, 0, 0)
        for index in milestoneReached.indices { milestoneReached[index] = false }
        for index in fundingReceived.indices { fundingReceived[index] = false }
        (computeSize, replicas) = (-1, 0)
        (cashLow, cashLowMonth, lastLossMonth) = (0, 0, 0)
    }

    /// The columns of §9, NaN without a compute catalog.
    private static let computeColumns: [Column] = [.replicas, .busyCores, .dbConnections, .poolClients, .workingSetBytes,
                                                   .computeCost, .computeIndex, .capacityBreachMask]

    /// The columns that must always be finite; a NaN or infinity there means overflow.
    private static let checked: [Column] = [.usersTotal, .waitlist, .signups, .messages, .events, .dbBytes, .storageBytes,
                                            .egressBytes, .mrr, .totalCost, .cash]

    private func firstNonFinite() -> String? {
        for column in Self.checked where !row[column.slot].isFinite { return column.csvName }
        if model.hasCompute {
            for column in [Column.busyCores, .workingSetBytes, .computeCost] where !row[column.slot].isFinite { return column.csvName }
        }
        return nil
    }

    /// Month t's values from month t − 1's (month 0: from the initial state), in `row`.
    private mutating func advance<F: Flows>(to t: Int, _ inputs: Inputs, flows: inout F) {
        let layout = model.layout
        let tiers = model.tierCount
        var signups = 0.0, activated = 0.0, churned = 0.0, paidChurned = 0.0, conversions = 0.0
        var spend = 0.0
        var waitlist: Double, cumulativeSignups: Double, everActivated: Double
        let previousPhase = t == 0 ? 0 : Int(row[Column.phase.slot])
        let previousPlan = t == 0 ? 0 : Int(row[Column.planIndex.slot])
        let previousCash = t == 0 ? inputs.initialCash : row[Column.cash.slot]
        let previousPaid = t == 0 ? 0 : row[Column.paidUsers.slot]

        if t == 0 {
            // §1: stocks from the initial users; flows 0.
            for tier in 0..<tiers { users[tier] = flows.initialCount(inputs.initialUsers[tier]) }
            waitlist = flows.initialCount(inputs.initialWaitlist)
            var total = 0.0
            for tier in 0..<tiers { total += users[tier] }
            cumulativeSignups = total
            everActivated = total
        } else {
            // §2, from end-of-month t − 1 values.
            let previousTotal = row[Column.usersTotal.slot]
            let previousWaitlist = row[Column.waitlist.slot]
            let previousSignups = row[Column.cumulativeSignups.slot]
            spend = inputs.spendByPhase.isEmpty ? 0 : inputs.spendByPhase[previousPhase]
            let saturation = inputs.marketSize.isFinite ? max(0, 1 - previousSignups / inputs.marketSize) : 1
            let expected = spend / inputs.cac * saturation + inputs.referralRate * previousTotal * saturation
            let arrivals = flows.arrivals(mean: expected)
            let fromWaitlist = flows.successes(of: previousWaitlist, probability: inputs.waitlistConversion)
            signups = arrivals + fromWaitlist
            waitlist = previousWaitlist - fromWaitlist + inputs.waitlistJoins
            cumulativeSignups = previousSignups + signups
            activated = flows.successes(of: signups, probability: inputs.activation)
            everActivated = row[Column.everActivated.slot] + activated

            let churnedFree = flows.successes(of: users[0], probability: inputs.churn[0])
            let retainedFree = users[0] - churnedFree
            conversions = flows.successes(of: retainedFree, probability: inputs.conversion)
            if tiers > 1 { flows.split(conversions, conditionals: inputs.shareConditionals, shares: inputs.shares, into: &split) }
            users[0] = retainedFree - conversions + activated
            for tier in 1..<max(1, tiers) {
                let lost = flows.successes(of: users[tier], probability: inputs.churn[tier])
                users[tier] = users[tier] - lost + split[tier - 1]
                paidChurned += lost
            }
            churned = churnedFree + paidChurned
        }
        var total = 0.0, mrr = 0.0, fees = 0.0, messagesPerDay = 0.0
        for tier in 0..<tiers {
            let count = users[tier]
            total += count
            mrr += count * inputs.price[tier]
            fees += count * inputs.feePerAccount[tier]
            messagesPerDay += count * inputs.stickiness * inputs.effectiveMessages[tier]
        }
        let paid = total - users[0]
        let paidChurnRate = t > 0 && previousPaid > 0 ? paidChurned / previousPaid : Double.nan

        // §3 usage and data.
        let dau = total * inputs.stickiness
        let concurrent = dau * inputs.peakConcurrency
        let messages = t == 0 ? 0 : messagesPerDay * daysPerMonth
        let events = t == 0 ? 0 : messages * inputs.eventsPerMessage + total * inputs.eventsPerUser
        let data = messages * inputs.bytesPerMessage + events * inputs.bytesPerEvent
        messagesByMonth.append(messages)
        eventsByMonth.append(events)
        dataByMonth.append(data)
        liveMessages += messages
        liveEvents += events
        totalData += data
        if let months = model.archiveAfter, t - months >= 1 {
            // Month k = t − A leaves the live tables.
            let k = t - months
            archivedData += dataByMonth[k]
            liveMessages -= messagesByMonth[k]
            liveEvents -= eventsByMonth[k]
        }
        let live = totalData - archivedData
        let dbBytes = inputs.baseDBBytes + cumulativeSignups * inputs.bytesPerAccount + live
            + (model.archiveTo == .database ? archivedData : 0)
        let storageBytes = everActivated * inputs.storagePerAccount + (model.archiveTo == .storage ? archivedData : 0)
        let egressBytes = t == 0 ? 0 : messages * inputs.egressPerMessage + total * inputs.egressPerUser

        // §7 phase, on the month's stocks.
        conditionValues[.usersAtLeast] = total
        conditionValues[.dauAtLeast] = dau
        conditionValues[.messagesPerDayAtLeast] = messagesPerDay
        conditionValues[.paidUsersAtLeast] = paid
        conditionValues[.mrrAtLeast] = mrr
        conditionValues[.concurrentAtLeast] = concurrent
        conditionValues[.churnAtMost] = paidChurnRate.isNaN ? 0 : paidChurnRate
        conditionValues[.dbAtLeast] = dbBytes
        conditionValues[.monthAtLeast] = Double(t)
        var phase = previousPhase
        if let forced = forcedPhases {
            phase = forced[t]
        } else {
            for p in stride(from: model.phaseWhen.count - 1, to: previousPhase, by: -1)
            where model.conditions.holds(model.phaseWhen[p], conditionValues) {
                phase = p
                break
            }
        }
        conditionValues[.phaseAtLeast] = Double(phase)

        // §5 and §9: plan and compute.
        let usage = PlanUsage(dbBytes: dbBytes, egressBytes: egressBytes, storageBytes: storageBytes, mau: total)
        var demand: CapacityDemand?
        if model.hasCompute {
            let rows = (inputs.rowsPerMessage * liveMessages, liveEvents, cumulativeSignups)
            let busy = inputs.workload.busyCores(units: (messages, dau, total), rows: rows)
            demand = CapacityDemand(busy: busy, connections: busy * inputs.workload.holdFactor,
                                    clients: concurrent * inputs.workload.clientsPerConcurrentUser,
                                    workingSet: inputs.baseDBBytes + cumulativeSignups * inputs.bytesPerAccount
                                        + inputs.workload.hotMonths * data,
                                    dbBytes: dbBytes)
        }
        let (planIndex, option) = choosePlan(usage: usage, demand: demand, previousPlan: previousPlan, inputs: inputs)
        let plan = inputs.plans[planIndex]

        // Services, team, compliance, with the month's phase.
        var servicesCost = 0.0, teamCost = 0.0, complianceCost = 0.0
        var variableCost = 0.0, supabaseCost = 0.0, computeCost = 0.0
        if t > 0 {
            for index in model.serviceWhen.indices where model.conditions.holds(model.serviceWhen[index], conditionValues) {
                servicesCost += inputs.serviceMonthly[index] + inputs.servicePerUser[index] * total
            }
            var step = 0
            for end in model.roleEnds {
                // The last holding step of the role counts.
                var last = end - 1
                while last >= step, !model.conditions.holds(model.teamSteps[last].when, conditionValues) { last -= 1 }
                if last >= step { teamCost += inputs.teamStepCost[last] }
                step = end
            }
            for index in model.complianceWhen.indices where model.conditions.holds(model.complianceWhen[index], conditionValues) {
                complianceCost += inputs.complianceMonthly[index]
            }
            variableCost = messages * inputs.costPerMessage
            computeCost = option?.cost ?? 0
            supabaseCost = plan.monthlyCost(for: usage) + computeCost
        } else {
            fees = 0
        }
        let infraCost = supabaseCost + servicesCost
        let totalCost = infraCost + teamCost + complianceCost + spend + variableCost + fees

        // §10 cash, funding, burn.
        let cashBefore = t == 0 ? inputs.initialCash : previousCash + mrr - totalCost
        conditionValues[.cashAtMost] = cashBefore
        var funding = 0.0
        if t > 0 {
            for index in model.fundingWhen.indices where !fundingReceived[index]
                && model.conditions.holds(model.fundingWhen[index], conditionValues) {
                fundingReceived[index] = true
                funding += inputs.fundingAmount[index]
                eventMonths[model.events.fundingBase + index] = t
            }
        }
        let cash = cashBefore + funding
        let netBurn = t == 0 ? 0 : totalCost - mrr
        netBurns.append(netBurn)
        mrrHistory.append(mrr)
        var runway = Double.nan
        if t > 0 {
            let first = max(1, t - 2)
            var sum = 0.0
            for k in first...t { sum += netBurns[k] }
            let mean = sum / Double(t - first + 1)
            if mean > 0 { runway = max(cash, 0) / mean }
        }
        var burnMultiple = Double.nan
        if t >= 3 {
            let burn = netBurns[t] + netBurns[t - 1] + netBurns[t - 2]
            let growth = mrr - mrrHistory[t - 3]
            if burn > 0, growth > 0 { burnMultiple = burn / (12 * growth) }
        }

        // The row, written through a pointer: each write through the array would check that its
        // storage is not shared (a runtime call): 0.70 s → 0.56 s for 10,000 runs on 1 thread
        // (perf). Sound: the buffer lives only inside the closure, `row` has layout.width
        // elements, and every index is a Column slot or a tier slot below that width.
        let users = self.users
        row.withUnsafeMutableBufferPointer { row in
            for tier in 0..<tiers { row[layout.tierSlot(tier)] = users[tier] }
            row[Column.month.slot] = Double(t)
            row[Column.phase.slot] = Double(phase)
            row[Column.usersTotal.slot] = total
            row[Column.paidUsers.slot] = paid
            row[Column.waitlist.slot] = waitlist
            row[Column.signups.slot] = signups
            row[Column.activated.slot] = activated
            row[Column.churned.slot] = churned
            row[Column.conversions.slot] = conversions
            row[Column.dau.slot] = dau
            row[Column.concurrent.slot] = concurrent
            row[Column.messages.slot] = messages
            row[Column.messagesPerDay.slot] = messagesPerDay
            row[Column.events.slot] = events
            row[Column.dbBytes.slot] = dbBytes
            row[Column.storageBytes.slot] = storageBytes
            row[Column.egressBytes.slot] = egressBytes
            row[Column.mrr.slot] = mrr
            row[Column.paymentFees.slot] = fees
            if let demand, let option {
                row[Column.replicas.slot] = Double(option.replicas)
                row[Column.busyCores.slot] = demand.busy
                row[Column.dbConnections.slot] = demand.connections
                row[Column.poolClients.slot] = demand.clients
                row[Column.workingSetBytes.slot] = demand.workingSet
                row[Column.computeCost.slot] = computeCost
                row[Column.computeIndex.slot] = Double(option.size)
                row[Column.capacityBreachMask.slot] = option.isBreach ? Double(option.failed | 1 << 8) : 0
            } else {
                for column in Self.computeColumns { row[column.slot] = .nan }
            }
            row[Column.supabaseCost.slot] = supabaseCost
            row[Column.servicesCost.slot] = servicesCost
            row[Column.teamCost.slot] = teamCost
            row[Column.complianceCost.slot] = complianceCost
            row[Column.marketing.slot] = spend
            row[Column.variableCost.slot] = variableCost
            row[Column.infraCost.slot] = infraCost
            row[Column.totalCost.slot] = totalCost
            row[Column.funding.slot] = funding
            row[Column.cash.slot] = cash
            row[Column.netBurn.slot] = netBurn
            row[Column.runwayMonths.slot] = runway
            row[Column.burnMultiple.slot] = burnMultiple
            row[Column.grossMargin.slot] = mrr > 0 ? (mrr - infraCost - variableCost - fees) / mrr : .nan
            row[Column.costPerUser.slot] = total > 0 ? infraCost / total : .nan
            row[Column.planIndex.slot] = Double(planIndex)
            row[Column.paidChurnRate.slot] = paidChurnRate
            row[Column.paidChurned.slot] = paidChurned
            row[Column.cumulativeSignups.slot] = cumulativeSignups
            row[Column.everActivated.slot] = everActivated
            row[Column.cashBeforeFunding.slot] = cashBefore
        }

        observeEvents(t, phase: phase, previousPhase: t == 0 ? -1 : previousPhase, planIndex: planIndex,
                      previousPlan: previousPlan, usage: usage, option: option, cash: cash, mrr: mrr, totalCost: totalCost,
                      inputs: inputs)
    }

    /// The plan of §5 and, with a compute catalog, the option of §9 on it.
    private mutating func choosePlan(usage: PlanUsage, demand: CapacityDemand?, previousPlan: Int,
                                     inputs: Inputs) -> (Int, ComputeOption?) {
        let plans = inputs.plans
        let previousOption = computeSize >= 0 ? (size: computeSize, replicas: replicas) : nil
        var chosen: Int
        var option: ComputeOption?
        switch model.policy {
        case .thresholds:
            chosen = plans.indices.first { plans[$0].maxUsers > usage.mau } ?? plans.count - 1
        case .cheapest:
            chosen = -1
            var bestCost = 0.0
            for index in plans.indices where plans[index].fits(usage) {
                var cost = plans[index].monthlyCost(for: usage)
                var candidate: ComputeOption?
                if let demand, let compute = inputs.compute {
                    let picked = compute.choose(hardLimited: plans[index].hasHardLimits, demand: demand, previous: previousOption)
                    guard !picked.isBreach else { continue }
                    cost += picked.cost
                    candidate = picked
                }
                if chosen < 0 || cost < bestCost { (chosen, bestCost, option) = (index, cost, candidate) }
            }
            if chosen < 0 { chosen = plans.count - 1 }
        }
        let planIndex = max(previousPlan, chosen)
        if let demand, let compute = inputs.compute {
            if option == nil || planIndex != chosen {
                option = compute.choose(hardLimited: plans[planIndex].hasHardLimits, demand: demand, previous: previousOption)
            }
            computeSize = option!.size
            replicas = option!.replicas
        }
        return (planIndex, option)
    }

    private mutating func observeEvents(_ t: Int, phase: Int, previousPhase: Int, planIndex: Int, previousPlan: Int,
                                        usage: PlanUsage, option: ComputeOption?, cash: Double, mrr: Double, totalCost: Double,
                                        inputs: Inputs) {
        let events = model.events
        if phase > previousPhase {
            for p in (previousPhase + 1)...phase { eventMonths[events.phaseBase + p] = t }
        }
        for index in milestoneReached.indices where !milestoneReached[index]
            && model.conditions.holds(model.milestoneWhen[index], conditionValues) {
            milestoneReached[index] = true
            eventMonths[events.milestoneBase + index] = t
        }
        if planIndex != previousPlan, planIndex > 0, eventMonths[events.planBase + planIndex] < 0 {
            // A skipped plan is not entered; the plan changed to is.
            eventMonths[events.planBase + planIndex] = t
        }
        var slot = events.breachBase
        for plan in model.hardPlans {
            for resource in 0..<4 {
                if eventMonths[slot] < 0, inputs.plans[plan].isExceeded(resource, by: usage) { eventMonths[slot] = t }
                slot += 1
            }
        }
        if eventMonths[events.overLimit] < 0, inputs.plans[planIndex].isOverLimit(usage) { eventMonths[events.overLimit] = t }
        if let option {
            for size in 0...option.size where eventMonths[events.computeBase + size] < 0 { eventMonths[events.computeBase + size] = t }
            if option.replicas > 0 {
                for count in 1...option.replicas where eventMonths[events.replicaBase + count] < 0 {
                    eventMonths[events.replicaBase + count] = t
                }
            }
            if option.isBreach {
                if eventMonths[events.capacityBase] < 0 { eventMonths[events.capacityBase] = t }
                for (index, bound) in CapacityBound.allCases.enumerated()
                where option.failed & bound.bit != 0 && eventMonths[events.capacityBase + 1 + index] < 0 {
                    eventMonths[events.capacityBase + 1 + index] = t
                }
            }
        }
        if eventMonths[events.cashBelowFloor] < 0, cash < inputs.cashFloor { eventMonths[events.cashBelowFloor] = t }
        if t == 0 || cash < cashLow { (cashLow, cashLowMonth) = (cash, t) }
        if t >= 1, mrr < totalCost { lastLossMonth = t }
    }
}
