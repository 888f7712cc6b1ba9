import Foundation
import GRDB
import GSLKit

/// Row counts of a synthetic database, per table.
public struct TableCounts: Sendable, Hashable {
    public var counts: [(table: String, rows: Int)]

    public static func == (lhs: TableCounts, rhs: TableCounts) -> Bool {
        lhs.counts.map(\.table) == rhs.counts.map(\.table) && lhs.counts.map(\.rows) == rhs.counts.map(\.rows)
    }

    public func hash(into hasher: inout Hasher) {
        for (table, rows) in counts { hasher.combine(table); hasher.combine(rows) }
    }

    public subscript(table: String) -> Int { counts.first { $0.table == table }?.rows ?? 0 }

    public var largest: (table: String, rows: Int)? { counts.max { $0.rows < $1.rows } }
}

/// Options of `capsim data`.
public struct DataOptions: Sendable {
    /// The projected month the data matches.
    public var month: Int
    /// Every count is multiplied by this (0 < scale ≤ 1).
    public var scale: Double
    public var seed: UInt64
    /// The most bytes the database may take in memory; a larger month is refused.
    public var memoryLimit: Double

    public init(month: Int, scale: Double = 1, seed: UInt64 = 1, memoryLimit: Double = 8e9) {
        self.month = month
        self.scale = scale
        self.seed = seed
        self.memoryLimit = memoryLimit
    }
}

/// Fills the migrations' schema with data consistent with a projected month:
/// accounts whose sign-up months follow the projection's activations, tiers, subscriptions
/// and their history following conversions and churn, organizations for the team tier,
/// conversations and messages per user drawn from a lognormal activity whose mean is the
/// tier's messages per active day (capped by its quota), timestamps with a daily and weekly
/// rhythm over the live window (the archive window, else the whole history), analytics
/// events per message and per user, and the waitlist. The data ends at the end of the
/// month, and the database's clock is set there, so `now()` and `CURRENT_DATE` in queries
/// mean that moment. Deterministic for a seed.
public struct SyntheticData {
    public let projection: Projection
    public let options: DataOptions
    /// The schema's tier value for each of the scenario's tiers (``SchemaTiers/mapping(for:)``).
    public let schemaTiers: [String]

    /// Mean characters of a message, spread lognormally (σ 0.8).
    static let contentSigma = 0.8
    /// Spread of per-user activity (lognormal σ; mean 1).
    static let activitySigma = 1.0
    /// Messages per conversation (mean).
    static let messagesPerConversation = 8.0
    /// Relative activity of each hour of the day (UTC) and of each weekday (Monday first).
    static let hourWeights: [Double] = [0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.5, 0.8, 1, 1.1, 1.1,
                                        1.1, 1.2, 1.2, 1.2, 1.1, 1.1, 1.2, 1.3, 1.3, 1.1, 0.8, 0.4]
    static let weekdayWeights: [Double] = [1, 1, 1, 1, 0.95, 0.7, 0.7]

    public init(projection: Projection, options: DataOptions) throws(SchemaError) {
        guard (0...projection.scenario.horizonMonths).contains(options.month) else {
            throw SchemaError(location: "", message: "--month must be between 0 and \(projection.scenario.horizonMonths), got \(options.month)")
        }
        guard options.scale > 0, options.scale <= 1 else {
            throw SchemaError(location: "", message: "--scale must be in (0, 1], got \(options.scale)")
        }
        self.projection = projection
        self.options = options
        schemaTiers = try SchemaTiers.mapping(for: projection.scenario)
    }

    var row: MonthRow { projection.row(options.month) }
    var scenario: Scenario { projection.scenario }

    /// The end of the month (the moment the data is taken at), seconds since 1970 UTC.
    public var endOfMonth: Double {
        let next = scenario.start.adding(months: options.month + 1)
        return Double(Timestamp.daysFromCivil(next.year, next.month, 1)) * 86400 - 0.001
    }

    /// Months whose data is still in the live tables at the month.
    var liveMonths: ClosedRange<Int> {
        let first = scenario.usage.archiveAfterMonths.map { max(1, options.month - $0 + 1) } ?? 1
        return min(first, max(1, options.month))...max(1, options.month)
    }

    /// Days of calendar month k: the data lives on the calendar (the model's months are all
    /// 30.4375 days long).
    func calendarDays(ofMonth k: Int) -> Double {
        let start = scenario.start.adding(months: k), next = scenario.start.adding(months: k + 1)
        return Double(Timestamp.daysFromCivil(next.year, next.month, 1) - Timestamp.daysFromCivil(start.year, start.month, 1))
    }

    /// Messages of month k at scale 1: the model's messages per day over the calendar month.
    func calendarMessages(ofMonth k: Int) -> Double { projection.row(k).messagesPerDay * calendarDays(ofMonth: k) }

    /// Events of month k at scale 1 that are not per message (MODEL.md §3: users × events_per_user).
    func sessionEvents(ofMonth k: Int) -> Double {
        max(0, projection.row(k).events - projection.row(k).messages * scenario[scenario.usage.eventsPerMessage])
    }

    /// Expected rows per table at scale 1.
    public func expectedCounts() -> TableCounts {
        let months = options.month >= 1 ? Array(liveMonths) : []
        let messages = months.reduce(0.0) { $0 + calendarMessages(ofMonth: $1) }
        let events = months.reduce(0.0) { $0 + calendarMessages(ofMonth: $1) * scenario[scenario.usage.eventsPerMessage] + sessionEvents(ofMonth: $1) }
        let paid = row.paidUsers
        let team = scenario.tiers.indices.filter { schemaTiers[$0] == "team" }.map { row.usersByTier[$0] }.reduce(0, +)
        let canceled = (1...max(1, options.month)).reduce(0.0) { $0 + (options.month >= 1 ? projection.row($1).paidChurned : 0) }
        return TableCounts(counts: [
            ("auth_users", Int(row.cumulativeSignups.rounded())), ("profiles", Int(row.cumulativeSignups.rounded())),
            ("subscriptions", Int((paid + canceled).rounded())), ("subscription_history", Int((paid + canceled).rounded())),
            ("organizations", Int(team.rounded())), ("organization_members", Int((team * 4).rounded())),
            ("conversations", Int((messages / Self.messagesPerConversation).rounded())),
            ("chat_messages", Int(messages.rounded())), ("analytics_events", Int(events.rounded())),
            ("waitlist", Int(row.waitlist.rounded())),
        ])
    }

    /// Bytes the database would take at this scale (rows × a size per row, indexes included).
    public func estimatedBytes(scale: Double) -> Double {
        let counts = expectedCounts()
        let perRow: [String: Double] = ["chat_messages": scenario[scenario.usage.messageChars] * 1.1 + 260, "analytics_events": 230,
                                        "auth_users": 420, "conversations": 200]
        return counts.counts.reduce(0) { $0 + Double($1.rows) * scale * (perRow[$1.table] ?? 160) }
    }

    /// The scale at which the largest table is expected to stay at or under `rows` rows with
    /// `spread` standard deviations to spare (capped at 1). A drawn count is a sum of many
    /// small independent draws, so its standard deviation is about the square root of its
    /// expectation E; the scale puts E where E + spread·√E = rows.
    public func scale(forMaxRows rows: Int, spread: Double = 3) -> Double {
        guard let largest = expectedCounts().largest, largest.rows > 0 else { return 1 }
        let root = (Double(rows) + spread * spread / 4).squareRoot() - spread / 2
        return min(1, root * root / Double(largest.rows))
    }

    /// The smallest `maxRows` whose ``scale(forMaxRows:spread:)`` is at least `scale`.
    public func maxRows(forScale scale: Double, spread: Double = 3) -> Int {
        guard let largest = expectedCounts().largest, largest.rows > 0 else { return 1 }
        let root = (Double(largest.rows) * scale).squareRoot() + spread / 2
        return max(1, Int((root * root - spread * spread / 4).rounded(.up)))
    }

    /// A count of the projection (accounts, waitlist) at `scale`, made whole as the generator writes it.
    static func count(_ value: Double, atScale scale: Double) -> Int { Int((value * scale).rounded()) }

    /// Whether the month keeps no account at `scale` (its C(t) accounts × scale round to 0),
    /// so that every table would be empty.
    public func isEmpty(atScale scale: Double) -> Bool {
        row.cumulativeSignups > 0 && Self.count(row.cumulativeSignups, atScale: scale) == 0
    }

    /// The scale at which the month keeps one whole account of its C(t) (1 for a month without accounts).
    /// Why the month cannot be generated at this scale (or at the scale `maxRows` picks): it
    /// would keep no account and every table would be empty. Names the smallest `--max-rows`
    /// or `--scale` that keeps one; nil when there is an account to generate.
    public func emptyMonthProblem(maxRows: Int?) -> String? {
        let planned = maxRows.map { scale(forMaxRows: $0) } ?? options.scale
        guard isEmpty(atScale: planned) else { return nil }
        let fix = maxRows != nil ? "--max-rows \(self.maxRows(forScale: scaleForOneAccount)) or more"
            : "--scale \(NumberFormat.significant(scaleForOneAccount)) or more"
        return "month \(options.month) at scale \(NumberFormat.significant(planned)) keeps no account of its "
            + "\(NumberFormat.grouped(row.cumulativeSignups)) and its tables would be empty; use \(fix)"
    }

    public var scaleForOneAccount: Double { row.cumulativeSignups > 1 ? 1 / row.cumulativeSignups : 1 }

    /// Generates month `options.month` into a schema from `makeSchema` so that no table has
    /// more than `maxRows` rows: at `options.scale` or ``scale(forMaxRows:spread:)``,
    /// whichever is lower, and, if a drawn count still exceeds `maxRows` (rare: the default
    /// spread leaves three standard deviations), again at a scale lowered in proportion.
    public static func generate(_ projection: Projection, options: DataOptions, maxRows: Int, spread: Double = 3,
                                into makeSchema: () throws -> SQLiteSchema) throws
        -> (data: SyntheticData, schema: SQLiteSchema, counts: TableCounts) {
        var options = options
        options.scale = min(options.scale, try SyntheticData(projection: projection, options: options).scale(forMaxRows: maxRows, spread: spread))
        while true {
            let data = try SyntheticData(projection: projection, options: options)
            let schema = try makeSchema()
            let counts = try data.generate(into: schema)
            guard let largest = counts.largest, largest.rows > maxRows else { return (data, schema, counts) }
            // In proportion to the overshoot, and 1% more: each pass lowers the scale.
            options.scale *= 0.99 * Double(maxRows) / Double(largest.rows)
        }
    }
}

extension SQLiteSchema {
    /// Every table of the migrations (materialized views excluded) as CSV: a header row and
    /// the rows, generated columns left out, loadable with PostgreSQL's `\copy … csv header`.
    public func tablesAsCSV() throws -> [(table: String, csv: String, rows: Int)] {
        let tables = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        return try tables.filter { materializedViews[$0] == nil }.map { table in
            let csv = try tableAsCSV(table)
            return (table, csv.text, csv.rows)
        }
    }

    /// One table as CSV (a header row, then its rows; generated columns left out). An empty
    /// text is written `""`, so that PostgreSQL's COPY reads it as text, not as NULL.
    public func tableAsCSV(_ table: String) throws -> (columns: [String], text: String, rows: Int) {
        try queue.read { db in
            let columns = try Row.fetchAll(db, sql: "PRAGMA table_xinfo(\(table))")
                .filter { ($0["hidden"] as Int? ?? 0) == 0 }.map { $0["name"] as String }
            var text = columns.map(CSVWriter.escape).joined(separator: ",") + "\r\n"
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table)")
            while let row = try cursor.next() {
                text += columns.indices.map { index in
                    let value = row[index] as DatabaseValue
                    switch value.storage {
                    case .null: return ""
                    case let .int64(number): return String(number)
                    case let .double(number): return CSVWriter.cell(number)
                    case let .string(text): return text.isEmpty ? "\"\"" : CSVWriter.escape(text)
                    case let .blob(bytes): return "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
                    }
                }.joined(separator: ",") + "\r\n"
                count += 1
            }
            return (columns, text, count)
        }
    }
}
