import Foundation
import GRDB
import GSLKit

extension SyntheticData {
    /// Generates the data into `schema` (whose migrations are loaded) and sets its clock to
    /// the end of the month. Returns the rows written per table.
    /// - Throws: ``SchemaError`` when the month would not fit in `options.memoryLimit`.
    @discardableResult
    public func generate(into schema: SQLiteSchema) throws -> TableCounts {
        let bytes = estimatedBytes(scale: options.scale)
        if bytes > options.memoryLimit {
            let fits = options.memoryLimit / estimatedBytes(scale: 1)
            let largest = expectedCounts().largest.map { Int(Double($0.rows) * fits) } ?? 0
            throw SchemaError(location: "--month \(options.month)", message: String(
                format: "month %d needs about %.1f GB at scale %g, over the %.1f GB limit; what fits is --scale %.4f (or --max-rows %d)",
                options.month, bytes / 1e9, options.scale, options.memoryLimit / 1e9, fits, largest))
        }
        schema.clock.set(endOfMonth)
        let seed = UInt(truncatingIfNeeded: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 7)
        return try schema.queue.inDatabase { db in
            // SQLite's own insert path (prepared inserts in one transaction, indexes built
            // after) on this thread, while the next rows are generated on another.
            let load = try TableInserter(db)
            defer { load.abandon() }
            let pipe = RowPipe()
            let finished = DispatchSemaphore(value: 0)
            // Sound: the writer and its generator are handed to the producer thread and used
            // by it alone from then on.
            let writer = UncheckedSendable(RowWriter(generator: RandomGenerator(.taus2, seed: seed), data: self, pipe: pipe))
            Thread {
                var producer = writer.value
                do {
                    try producer.write()
                    pipe.close()
                } catch {
                    pipe.close(failure: error)
                }
                finished.signal()
            }.start()
            do {
                while let batch = try pipe.next() {
                    try load.insert(batch)
                }
            } catch {
                pipe.cancel()
                finished.wait()
                throw error
            }
            finished.wait()
            try load.finish()
            return TableCounts(counts: load.rowCounts)
        }
    }
}

/// Writes the rows of one synthetic database, drawing from one generator in a fixed order.
struct RowWriter {
    let generator: RandomGenerator
    let data: SyntheticData
    private var text: [UInt8] = []
    private let pipe: RowPipe

    init(generator: RandomGenerator, data: SyntheticData, pipe: RowPipe) {
        self.generator = generator
        self.data = data
        self.pipe = pipe
        // A buffer of word-like text; message contents are slices of it.
        let words = ["the", "plan", "week", "code", "idea", "team", "data", "model", "ask", "reply", "draft", "list", "why",
                     "how", "chat", "note", "summary", "please", "thanks", "could", "you", "write", "explain", "with", "a"]
        var buffer: [UInt8] = []
        while buffer.count < 1 << 16 {
            buffer += Array(words[Int(generator.uniform() * Double(words.count))].utf8) + [32]
        }
        text = buffer
    }

    private mutating func insert(_ table: String, _ columns: [String], _ values: [(any DatabaseValueConvertible)?]) throws {
        try pipe.send(table, columns, values)
    }

    private var sequence: UInt64 = 0

    /// A version-7-style UUID: a rising sequence in front (as a timestamp would be), random bits
    /// after. Ids that rise make SQLite append to its primary-key B-trees instead of
    /// inserting at random places.
    private mutating func uuid() -> String {
        sequence += 1
        let random = UInt64(generator.uniform() * 0x1p53) << 11 ^ UInt64(generator.uniform() * 0x1p53)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 45, count: 36)   // "-"
        var high = sequence, low = random
        for position in [35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 22, 21, 20, 19] {
            bytes[position] = digits[Int(low & 15)]; low >>= 4
        }
        bytes[17] = digits[Int(low & 3) | 8]; low >>= 2
        for position in [16, 15] { bytes[position] = digits[Int(low & 15)]; low >>= 4 }
        bytes[14] = 55                                   // version "7"
        for position in [12, 11, 10, 9, 7, 6, 5, 4, 3, 2, 1, 0] { bytes[position] = digits[Int(high & 15)]; high >>= 4 }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func scaled(_ value: Double) -> Int { SyntheticData.count(value, atScale: data.options.scale) }

    /// Start (seconds) of month `k` of the projection, and its length in days.
    private func monthSpan(_ k: Int) -> (start: Double, days: Double) {
        let start = data.scenario.start.adding(months: k)
        return (Double(Timestamp.daysFromCivil(start.year, start.month, 1)) * 86400, data.calendarDays(ofMonth: k))
    }

    /// A time in [from, to) following the daily and weekly rhythm.
    private func rhythmicTime(from: Double, to: Double) -> Double {
        for _ in 0..<32 {
            let t = from + generator.uniform() * (to - from)
            let days = Int((t / 86400).rounded(.down))
            let weekday = ((days + 3) % 7 + 7) % 7
            let hour = Int((t - Double(days) * 86400) / 3600)
            if generator.uniform() * 1.3 < SyntheticData.hourWeights[hour] * SyntheticData.weekdayWeights[weekday] { return t }
        }
        return from + generator.uniform() * (to - from)
    }

    private func pick(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = generator.uniform() * total
        for (index, weight) in weights.enumerated() {
            u -= weight
            if u < 0 { return index }
        }
        return weights.count - 1
    }

    mutating func write() throws {
        let scenario = data.scenario, projection = data.projection, month = data.options.month
        let rows = projection.rows  // months 0 … H
        let end = data.endOfMonth
        // Accounts: active ones per tier (the month's U_i), churned ones (C − N).
        let active = scenario.tiers.indices.map { scaled(rows[month].usersByTier[$0]) }
        let total = max(active.reduce(0, +), scaled(rows[month].cumulativeSignups))
        let churn = scenario.tiers.first.map { scenario[$0.churn] } ?? 0
        let survive = (0...month).map { t in (t == 0 ? rows[0].users : rows[t].activated) * pow(1 - churn, Double(month - t)) }
        let leave = (0...month).map { t in (t == 0 ? rows[0].users : rows[t].activated) * (1 - pow(1 - churn, Double(month - t))) }
        struct Account { var id: String; var tier: Int; var signup: Double; var signupMonth: Int; var lastSignIn: Double }
        var accounts: [Account] = []
        accounts.reserveCapacity(total)
        for index in 0..<total {
            let tier = index < active.reduce(0, +) ? active.indices.first { index < active[0...$0].reduce(0, +) }! : -1
            let signupMonth = tier >= 0 ? pick(survive) : pick(leave.reduce(0, +) > 0 ? leave : survive)
            let span = monthSpan(signupMonth)
            let signup = min(end - 1, span.start + generator.uniform() * span.days * 86400)
            // Active accounts signed in during the month; churned ones last did before it.
            let monthStart = monthSpan(month).start
            let lastSignIn = tier >= 0
                ? max(signup, monthStart + generator.uniform() * (end - monthStart))
                : signup + generator.uniform() * max(0, min(end, monthStart) - 1 - signup)
            let account = Account(id: uuid(), tier: tier, signup: signup, signupMonth: signupMonth, lastSignIn: lastSignIn)
            accounts.append(account)
            try insert("auth_users", ["id", "email", "created_at", "last_sign_in_at", "aud", "role"],
                       [account.id, "user\(index)@example.com", Timestamp.format(signup), Timestamp.format(lastSignIn),
                        "authenticated", "authenticated"])
            try insert("profiles", ["id", "display_name", "tier", "created_at", "updated_at"],
                       [account.id, "User \(index)", schemaTier(max(0, tier)), Timestamp.format(signup), Timestamp.format(signup)])
        }
        // Subscriptions: every paid account has an active one, billed this month; canceled ones for paid churn.
        let monthStart = monthSpan(month).start
        for account in accounts where account.tier >= 1 {
            let tier = scenario.tiers[account.tier]
            let subscription = uuid()
            try insert("subscriptions", ["id", "user_id", "tier", "status", "created_at"],
                       [subscription, account.id, schemaTier(account.tier), "active", Timestamp.format(account.signup)])
            try insert("subscription_history", ["id", "subscription_id", "user_id", "tier", "status", "amount", "event", "created_at"],
                       [uuid(), subscription, account.id, schemaTier(account.tier), "active", scenario[tier.price] as Double, "invoice.paid",
                        Timestamp.format(max(account.signup, monthStart + generator.uniform() * (end - monthStart)))])
        }
        let churned = accounts.filter { $0.tier < 0 }
        let canceled = min(churned.count, scaled(rows.prefix(month + 1).dropFirst().reduce(0) { $0 + $1.paidChurned }))
        if scenario.tiers.count > 1 {
            for account in churned.prefix(canceled) {
                let tierIndex = 1 + pick(scenario.tiers.dropFirst().map { scenario[$0.share] ?? 0 })
                let subscription = uuid()
                let at = Timestamp.format(account.signup + generator.uniform() * (end - account.signup))
                try insert("subscriptions", ["id", "user_id", "tier", "status", "created_at", "canceled_at"],
                           [subscription, account.id, schemaTier(tierIndex), "canceled", Timestamp.format(account.signup), at])
                try insert("subscription_history", ["id", "subscription_id", "user_id", "tier", "status", "amount", "event", "created_at"],
                           [uuid(), subscription, account.id, schemaTier(tierIndex), "canceled", scenario[scenario.tiers[tierIndex].price] as Double,
                            "customer.subscription.deleted", at])
            }
        }
        // Organizations: one per account of a tier stored as team, with three other active members.
        let activeAccounts = accounts.filter { $0.tier >= 0 }
        var organizationOf: [String: String] = [:]
        for owner in activeAccounts where owner.tier > 0 && schemaTier(owner.tier) == "team" {
            let organization = uuid()
            organizationOf[owner.id] = organization
            try insert("organizations", ["id", "name", "owner_id", "plan_type", "created_at"],
                       [organization, "Org of \(owner.id.prefix(8))", owner.id, "team", Timestamp.format(owner.signup)])
            var members: Set<String> = [owner.id]
            try insert("organization_members", ["org_id", "user_id", "role", "joined_at"],
                       [organization, owner.id, "owner", Timestamp.format(owner.signup)])
            for _ in 0..<3 where activeAccounts.count > members.count {
                let member = activeAccounts[Int(generator.uniform() * Double(activeAccounts.count))]
                guard members.insert(member.id).inserted else { continue }
                try insert("organization_members", ["org_id", "user_id", "role", "joined_at"],
                           [organization, member.id, "member", Timestamp.format(max(owner.signup, member.signup))])
            }
        }
        // Activity: lognormal per account, normalised to mean 1 within each group. Churned accounts
        // were free accounts until they left: they send free-tier messages up to their last sign-in.
        let sigma = SyntheticData.activitySigma
        var activity = accounts.map { _ in generator.lognormal(zeta: -sigma * sigma / 2, sigma: sigma) }
        // Groups: each tier's active accounts, and the churned ones (tier -1).
        for tier in -1..<scenario.tiers.count {
            let members = accounts.indices.filter { accounts[$0].tier == tier }
            let mean = members.reduce(0.0) { $0 + activity[$1] } / Double(max(1, members.count))
            for index in members where mean > 0 { activity[index] /= mean }
        }
        let usage = scenario.usage
        let contentMu = log(max(1, scenario[usage.messageChars])) - SyntheticData.contentSigma * SyntheticData.contentSigma / 2
        // The part of live month k an account was active in (nil: none), and the days it sends for:
        // an account active at the end of a month sends the model's whole month of messages (after
        // its sign-up); a churned one only for the days before it left.
        func activeWindow(_ account: Account, month k: Int) -> (from: Double, to: Double, days: Double)? {
            let span = monthSpan(k)
            let lastActive = account.tier >= 0 ? end : account.lastSignIn
            let from = max(span.start, account.signup), to = min(span.start + span.days * 86400, end, lastActive)
            guard k >= account.signupMonth, to > from else { return nil }
            return (from, to, account.tier < 0 && lastActive < span.start + span.days * 86400 ? (to - from) / 86400 : span.days)
        }
        func messagesPerDay(_ index: Int) -> Double {
            scenario[usage.stickiness] * scenario.effectiveMessagesPerActiveDay(tier: max(0, accounts[index].tier)) * activity[index]
        }
        // Accounts send at their tier of this month, which overstates the months before a paid one
        // converted, and the accounts of a past month are not exactly its users: each month's
        // message rates and sessions are scaled so that their expected numbers are the model's
        // (its messages per day over the calendar month, and its events per user).
        var expectedMessages = [Double](repeating: 0, count: month + 1), expectedSessions = expectedMessages
        for index in accounts.indices where month >= 1 {
            for k in data.liveMonths {
                guard let window = activeWindow(accounts[index], month: k) else { continue }
                expectedMessages[k] += messagesPerDay(index) * window.days
                expectedSessions[k] += scenario[usage.eventsPerUser] * (window.to - window.from) / (monthSpan(k).days * 86400)
            }
        }
        func calibration(_ target: Double, _ expected: Double) -> Double { expected > 0 ? target * data.options.scale / expected : 1 }
        let messageCalibration = expectedMessages.indices.map { calibration(data.calendarMessages(ofMonth: $0), expectedMessages[$0]) }
        let sessionCalibration = expectedSessions.indices.map { calibration(data.sessionEvents(ofMonth: $0), expectedSessions[$0]) }
        for (index, account) in accounts.enumerated() where month >= 1 {
            let perDay = messagesPerDay(index)
            var conversation = ""
            var left = 0
            var turn = 0
            for k in data.liveMonths {
                guard let (from, to, days) = activeWindow(account, month: k) else { continue }
                let span = monthSpan(k)
                let messages = Int(generator.poissonVariate(mean: perDay * days * messageCalibration[k]))
                var times = (0..<messages).map { _ in rhythmicTime(from: from, to: to) }
                times.sort()
                for time in times {
                    if left == 0 {
                        conversation = uuid()
                        left = max(1, Int(generator.poissonVariate(mean: SyntheticData.messagesPerConversation)))
                        turn = 0
                        try insert("conversations", ["id", "user_id", "title", "created_at", "updated_at", "organization_id"],
                                   [conversation, account.id, "Conversation", Timestamp.format(time), Timestamp.format(time),
                                    organizationOf[account.id]])
                    }
                    left -= 1
                    let role = turn % 2 == 0 ? "user" : "assistant"
                    turn += 1
                    let length = max(1, min(text.count - 1, Int(generator.lognormal(zeta: contentMu, sigma: SyntheticData.contentSigma))))
                    let offset = Int(generator.uniform() * Double(text.count - length))
                    let content = String(decoding: text[offset..<(offset + length)], as: UTF8.self)
                    try insert("chat_messages", ["id", "conversation_id", "user_id", "role", "content", "prompt_tokens", "completion_tokens", "created_at"],
                               [uuid(), conversation, account.id, role, content, role == "user" ? length / 4 : 0,
                                role == "user" ? 0 : length / 4, Timestamp.format(time)])
                    let events = Int(scenario[usage.eventsPerMessage]) + (generator.uniform() < scenario[usage.eventsPerMessage].truncatingRemainder(dividingBy: 1) ? 1 : 0)
                    for event in 0..<events {
                        let isResponse = role == "assistant" && event == 0
                        try insert("analytics_events", ["id", "user_id", "event_type", "response_time_ms", "created_at"],
                                   [uuid(), account.id, isResponse ? "response_received" : "message_sent",
                                    isResponse ? Int(generator.lognormal(zeta: log(900), sigma: 0.5)) : nil,
                                    Timestamp.format(time + Double(event))])
                    }
                }
                let sessions = Int(generator.poissonVariate(mean: scenario[usage.eventsPerUser] * (to - from) / (span.days * 86400) * sessionCalibration[k]))
                for _ in 0..<sessions {
                    try insert("analytics_events", ["id", "user_id", "event_type", "response_time_ms", "created_at"],
                               [uuid(), account.id, "session_start", nil, Timestamp.format(rhythmicTime(from: from, to: to))])
                }
            }
        }
        for index in 0..<scaled(rows[month].waitlist) {
            try insert("waitlist", ["id", "email", "created_at"],
                       [uuid(), "waiting\(index)@example.com", Timestamp.format(rhythmicTime(from: max(0, end - 90 * 86400), to: end))])
        }
    }

    /// The schema's tier value for a scenario's tier.
    func schemaTier(_ index: Int) -> String { data.schemaTiers[index] }
}
