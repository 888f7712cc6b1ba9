import Foundation
import GRDB

/// The database engine a query was timed on.
public enum QueryEngine: String, Sendable, Hashable, CaseIterable {
    /// SQLite in process: the migrations translated, capsim's own clock.
    case sqlite
    /// A PostgreSQL server: the migrations as written, server-side execution time from
    /// `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`.
    case postgres
}

/// One query's result on both engines for one database (a row of `fidelity.csv`).
public struct QueryFidelity: Sendable, Hashable {
    public var month: Int
    public var query: String
    public var scale: Double
    public var sqliteRows: Int
    public var postgresRows: Int
    /// The same rows, in any order (numbers to 9 significant digits, times to the millisecond,
    /// booleans as 0/1); nil when either engine did not run it to the end.
    public var sameResult: Bool?
    public var sqliteMs: Double?
    public var postgresMs: Double?
    /// postgres_ms ÷ sqlite_ms.
    public var ratio: Double? {
        guard let sqliteMs, let postgresMs, sqliteMs > 0 else { return nil }
        return postgresMs / sqliteMs
    }
}

/// The PostgreSQL server `capsim queries --engine postgres|both` loads each database into.
public struct PostgresTarget: Sendable {
    public var url: String
    /// Whether a non-empty target may be emptied first (`--reset`).
    public var reset: Bool

    public init(url: String, reset: Bool) {
        self.url = url
        self.reset = reset
    }
}

extension QueryBench {
    /// Times `query` on PostgreSQL `repeats` times with `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`
    /// (a write inside a transaction rolled back), the median of the server's execution times,
    /// its plan's node types and buffers; and, for a read, its result rows (normalised) for the
    /// comparison with SQLite. A failure is a status, not an error.
    static func timePostgres(_ query: QueryFile, on connection: PostgresConnection, counts: TableCounts, month: Int, scale: Double,
                             repeats: Int, timeout: Double) -> (timing: QueryTiming, rows: [String]?) {
        var timing = QueryTiming(month: month, query: query.name, scale: scale, table: "", tableRows: 0, medianMs: nil, rowsReturned: 0,
                                 plan: "", scans: [], status: .ok, reason: "", engine: .postgres)
        let sql = query.postgresText(clock: PostgresLoad.clockSchema)
        var rows: [String]?
        var durations: [Double] = []
        do throws(PostgresError) {
            try connection.execute("SET statement_timeout = \(max(1, Int((timeout * 1000).rounded())))")
            if !query.isWrite {
                let result = try connection.execute(sql)
                rows = normalizedRows(result)
                timing.rowsReturned = result.count
            }
            for _ in 0..<max(1, repeats) {
                if query.isWrite { try connection.execute("BEGIN") }
                let explained = try connection.value("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) \(sql)")
                if query.isWrite { try connection.execute("ROLLBACK") }
                guard let plan = explained.flatMap(ExplainedPlan.init(json:)) else {
                    throw PostgresError("EXPLAIN returned no plan")
                }
                durations.append(plan.executionMs)
                if durations.count == 1 {
                    timing.plan = plan.summary { tableName($0, known: counts) }
                    timing.scans = Array(Set(plan.relations(scanned: true).map { tableName($0, known: counts) })).sorted()
                    let main = plan.relations(scanned: false).map { tableName($0, known: counts) }.max { counts[$0] < counts[$1] }
                    timing.table = main ?? ""
                    timing.tableRows = main.map { counts[$0] } ?? 0
                    if query.isWrite { timing.rowsReturned = plan.rowsWritten }
                }
            }
        } catch {
            _ = try? connection.execute("ROLLBACK")
            let timedOut = error.description.contains("statement timeout")
            timing.status = timedOut ? .timedOut : .error
            timing.reason = timedOut ? "cancelled after \(NumberFormat.significant(timeout)) s (--query-timeout)"
                : "\((query.path as NSString).lastPathComponent) on PostgreSQL: \(error.description)"
            return (timing, nil)
        }
        timing.record(durations, isWrite: query.isWrite)
        return (timing, rows)
    }

    /// capsim's name of a PostgreSQL relation: `auth.users` → `auth_users`, a partition
    /// (`chat_messages_2030_01`, `chat_messages_default`) → its table.
    static func tableName(_ relation: String, known counts: TableCounts) -> String {
        let name = relation == "users" || relation == "auth.users" ? "auth_users" : relation.replacingOccurrences(of: "public.", with: "")
        // migration 010's partitions: parent_YYYY_MM and parent_default.
        guard let suffix = name.firstMatch(of: /_(\d{4}_\d{2}|default)$/) else { return name }
        return String(name[..<suffix.range.lowerBound])
    }

    /// Result rows, each cell normalised so that both engines write a value alike, sorted: a
    /// result set compared without regard to order.
    static func normalizedRows(_ rows: [[String?]]) -> [String] {
        rows.map { $0.map(normalizedCell).joined(separator: "\u{1F}") }.sorted()
    }

    static func normalizedCell(_ text: String?) -> String {
        guard let text else { return "NULL" }
        switch text {
        case "t", "true": return "1"
        case "f", "false": return "0"
        default: break
        }
        if let number = Double(text), number.isFinite { return String(format: "%.9g", number) }
        if let seconds = Timestamp.parse(text) { return String(format: "%.3f", seconds) }
        return text
    }

    /// A SQLite row's cells as text (nil for NULL), as PostgreSQL's text results give them.
    static func cells(of row: Row) -> [String?] {
        row.databaseValues.map { value in
            switch value.storage {
            case .null: nil
            case let .int64(integer): String(integer)
            case let .double(double): String(double)
            case let .string(string): string
            case let .blob(data): data.map { String(format: "%02x", $0) }.joined()
            }
        }
    }
}

/// What `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` says of one run.
struct ExplainedPlan {
    /// The server's execution time, milliseconds (planning excluded).
    var executionMs: Double
    /// Every node, depth first: its type, the relation it reads (if any), its actual rows.
    var nodes: [(type: String, relation: String?, rows: Int)]
    var sharedHit: Int
    var sharedRead: Int

    init?(json: String) {
        guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]],
              let top = array.first, let plan = top["Plan"] as? [String: Any],
              let execution = top["Execution Time"] as? Double else { return nil }
        executionMs = execution
        sharedHit = plan["Shared Hit Blocks"] as? Int ?? 0
        sharedRead = plan["Shared Read Blocks"] as? Int ?? 0
        nodes = []
        func visit(_ node: [String: Any]) {
            let relation = (node["Relation Name"] as? String).map { name in
                (node["Schema"] as? String).map { $0 == "public" ? name : "\($0).\(name)" } ?? name
            }
            nodes.append((node["Node Type"] as? String ?? "?", relation, node["Actual Rows"] as? Int ?? 0))
            for child in node["Plans"] as? [[String: Any]] ?? [] { visit(child) }
        }
        visit(plan)
    }

    /// `Limit | Index Scan on chat_messages | … (buffers: 12 hit, 0 read)`, relations named by
    /// `table` (a partition by its table) and a run of the same step over partitions written once.
    func summary(table: (String) -> String) -> String {
        var steps: [(text: String, times: Int)] = []
        for node in nodes {
            let text = node.relation.map { "\(node.type) on \(table($0))" } ?? node.type
            if node.relation != nil, steps.last?.text == text { steps[steps.count - 1].times += 1 } else { steps.append((text, 1)) }
        }
        return steps.map { $0.times > 1 ? "\($0.text) (\($0.times) partitions)" : $0.text }.joined(separator: " | ")
            + " (buffers: \(sharedHit) hit, \(sharedRead) read)"
    }

    /// The relations the plan reads; with `scanned`, only those read by a sequential scan.
    func relations(scanned: Bool) -> [String] {
        Array(Set(nodes.filter { !scanned || $0.type == "Seq Scan" }.compactMap(\.relation))).sorted()
    }

    /// Rows a write passed to its ModifyTable node (the rows it inserted or changed).
    var rowsWritten: Int {
        guard let index = nodes.firstIndex(where: { $0.type == "ModifyTable" }), index + 1 < nodes.count else { return 0 }
        return nodes[index + 1].rows
    }
}
