import Foundation
import GRDB

/// An index proposed for a query whose SQLite plan reads a table that is large in that month
/// in full (or sorts it in a temporary B-tree), created on the month's largest synthetic database, the
/// query timed again, and the index dropped.
public struct IndexAdvice: Sendable, Hashable {
    public var query: String
    public var month: Int
    public var table: String
    /// `CREATE INDEX …` as run on the synthetic database.
    public var sql: String
    /// The query's median milliseconds without the index, and with it (nil when it failed).
    public var beforeMs: Double
    public var afterMs: Double?
    /// The plan with the index (`EXPLAIN QUERY PLAN`), or why it could not be timed.
    public var planAfter: String

    /// beforeMs ÷ afterMs.
    public var speedUp: Double? { afterMs.map { beforeMs / max($0, 1e-6) } }
}

extension QueryBench {
    /// The index worth trying for `sql` on `table` (whose columns are `columns`): the columns
    /// (or `function(column)` expressions) the query compares for equality, then one it
    /// compares by range, then those it groups or orders by, at most three; nil when the query
    /// constrains none of the table's columns.
    static func proposedIndex(for sql: String, table: String, columns: Set<String>) -> [String]? {
        guard let tokens = try? SQLLexer.tokenize(sql, file: "") else { return nil }
        var equal: [String] = [], range: [String] = [], ordered: [String] = []
        func isColumn(_ index: Int) -> Bool {
            tokens.indices.contains(index) && tokens[index].kind == .word && columns.contains(tokens[index].text.lowercased())
                && !(tokens.indices.contains(index + 1) && tokens[index + 1].isSymbol("("))
        }
        var orderingFrom: Int?
        for index in tokens.indices {
            let token = tokens[index]
            if token.isKeyword("BY"), index > 0, tokens[index - 1].isKeyword("ORDER") || tokens[index - 1].isKeyword("GROUP") {
                orderingFrom = index + 1
                continue
            }
            if let start = orderingFrom, index >= start {
                if token.isKeyword("LIMIT") || token.isSymbol(")") || token.isKeyword("HAVING") || token.isSymbol(";") { orderingFrom = nil }
                else if isColumn(index), !ordered.contains(token.text.lowercased()) { ordered.append(token.text.lowercased()) }
                continue
            }
            guard isColumn(index) else { continue }
            // The compared term: the column, or function(column) around it.
            var term = token.text.lowercased(), after = index + 1
            if index >= 2, tokens[index - 1].isSymbol("("), tokens[index - 2].kind == .word, tokens.indices.contains(index + 1), tokens[index + 1].isSymbol(")") {
                term = "\(tokens[index - 2].text.lowercased())(\(term))"
                after = index + 2
            }
            guard tokens.indices.contains(after) else { continue }
            let next = tokens[after]
            if next.isSymbol("=") || next.isKeyword("IN") || next.isKeyword("IS") {
                if !equal.contains(term) { equal.append(term) }
            } else if ["<", ">", "<=", ">="].contains(where: next.isSymbol) || next.isKeyword("BETWEEN") {
                if !range.contains(term) { range.append(term) }
            }
        }
        let chosen = Array((equal + range.prefix(1) + ordered.filter { !equal.contains($0) && !range.contains($0) }).prefix(3))
        return chosen.isEmpty ? nil : chosen
    }

    /// For each query whose plan in `timings` (on `schema`, the month's largest database) reads
    /// a table with more than ``largeTable`` rows at full size (`fullCounts`) in full, or sorts
    /// it in a temporary B-tree: the proposed index, created, the query timed again, the index
    /// dropped. Which queries get advice depends on their plans only, never on their times.
    static func adviseIndexes(for queries: [QueryFile], timings: [QueryTiming], in schema: SQLiteSchema,
                              month: Int, fullCounts: TableCounts, repeats: Int, timeout: Double) throws -> [IndexAdvice] {
        var advice: [IndexAdvice] = []
        for query in queries where !query.isWrite {
            guard let timing = timings.first(where: { $0.query == query.name }), let before = timing.medianMs,
                  timing.status == .ok else { continue }
            guard let sql = try? schema.translate(query) else { continue }
            // Plan steps that read a whole table: `SCAN t`, or `SCAN t USING [COVERING] INDEX i`
            // in a query without LIMIT (with one, an index walked in order stops early).
            let hasLimit = (try? SQLLexer.tokenize(sql, file: ""))?.contains { $0.isKeyword("LIMIT") } ?? false
            let steps = timing.plan.components(separatedBy: " | ")
            let sorts = steps.contains { $0.contains("USE TEMP B-TREE") }
            let large = steps.filter { $0.hasPrefix("SCAN ") && (!$0.contains(" USING ") || !hasLimit) }
                .compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
                .filter { fullCounts[$0] > largeTable }
            guard let table = large.first ?? (sorts && fullCounts[timing.table] > largeTable ? timing.table : nil) else { continue }
            let columns = try schema.queue.read { db in
                Set(try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { ($0["name"] as String).lowercased() })
            }
            guard let terms = proposedIndex(for: sql, table: table, columns: columns) else { continue }
            let name = "capsim_advice_\(table)"
            let create = "CREATE INDEX \(name) ON \(table) (\(terms.joined(separator: ", ")))"
            var item = IndexAdvice(query: query.name, month: month, table: table, sql: create, beforeMs: before, afterMs: nil, planAfter: "")
            do {
                try schema.queue.write { db in try db.execute(sql: create + "; ANALYZE \(table)") }
                let again = try time(query, in: schema, month: month, scale: timing.scale, repeats: repeats, timeout: timeout).timing
                item.afterMs = again.medianMs
                item.planAfter = again.isTimed ? again.plan : again.reason
            } catch {
                item.planAfter = "the index could not be created: \(error)"
            }
            try? schema.queue.write { db in try db.execute(sql: "DROP INDEX IF EXISTS \(name); ANALYZE \(table)") }
            advice.append(item)
        }
        return advice
    }
}
