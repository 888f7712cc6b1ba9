import Foundation
import GRDB

/// A query of `queries/`: PostgreSQL text with a header naming it and what it measures, and,
/// for a query the product runs on every user action, how often it runs and its budget.
///
///     -- name: daily_active_users
///     -- measures: users with at least one analytics event today (DAU).
///     -- portable: yes            (or: no (postgres-only: …), or: yes (writes))
///     -- per: message             (or active_user_day, account_month: MODEL.md §9's rates)
///     -- count: 1                 (runs per unit of `per`; default 1)
///     -- budget_ms: 20            (its own budget; default the scenario's queries.budget_ms)
public struct QueryFile: Sendable {
    public var path: String
    public var name: String
    public var measures: String
    /// Runs on SQLite too (PostgreSQL-only queries read pg_stat_* views).
    public var isPortable: Bool
    /// Writes rows; its result is the number of rows written.
    public var isWrite: Bool
    /// How often the product runs it (`-- per:`), for the workload of §9; nil for a report.
    public var rate: QueryRate?
    /// Runs per unit of ``rate`` (`-- count:`).
    public var count: Double
    /// Its own budget in milliseconds (`-- budget_ms:`); nil: the scenario's.
    public var budgetMs: Double?
    /// The query as written (one statement).
    public var sql: String
    let statement: SQLStatement

    /// The query for PostgreSQL on synthetic data: as written, but reading the data's clock
    /// (functions in schema `clock`) where it reads the server's: `now()`, `CURRENT_DATE`,
    /// `CURRENT_TIMESTAMP`.
    func postgresText(clock: String) -> String {
        var tokens = statement.tokens
        for index in tokens.indices where tokens[index].kind == .word {
            switch tokens[index].keyword {
            case "NOW" where index + 1 < tokens.count && tokens[index + 1].isSymbol("("): tokens[index].text = "\(clock).now"
            case "CURRENT_DATE": tokens[index].text = "\(clock).today()"
            case "CURRENT_TIMESTAMP": tokens[index].text = "\(clock).now()"
            default: break
            }
        }
        return SQLStatement.render(tokens).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads a query file.
    public init(path: String) throws(SchemaError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SchemaError(location: path, message: "cannot read the query file")
        }
        var header: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("-- ") {
            let body = line.dropFirst(3)
            if let colon = body.firstIndex(of: ":") {
                let key = body[..<colon].trimmingCharacters(in: .whitespaces)
                if header[key] == nil { header[key] = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
            }
        }
        guard let name = header["name"], let portable = header["portable"] else {
            throw SchemaError(location: "\(path):1", message: "a query file starts with '-- name:' and '-- portable:' header lines")
        }
        let statements: [SQLStatement]
        do { statements = try SQLLexer.statements(in: text, file: path) } catch {
            throw SchemaError(location: "\(error.file):\(error.line)", message: error.message)
        }
        guard statements.count == 1 else {
            throw SchemaError(location: "\(path):1", message: "a query file holds exactly one statement, found \(statements.count)")
        }
        rate = try header["per"].map { text throws(SchemaError) in
            guard let rate = QueryRate(rawValue: text) else {
                throw SchemaError(location: path, message: "'-- per:' must be one of \(QueryRate.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
            return rate
        }
        func number(_ key: String, upTo limit: Double) throws(SchemaError) -> Double? {
            guard let text = header[key] else { return nil }
            guard let value = Double(text), value.isFinite, value > 0, value <= limit else {
                throw SchemaError(location: path, message: "'-- \(key):' must be a number above 0 and at most \(NumberFormat.grouped(limit)), got '\(text)'")
            }
            return value
        }
        count = try number("count", upTo: 1e6) ?? 1
        budgetMs = try number("budget_ms", upTo: 1e7)
        if rate == nil, header["count"] != nil {
            throw SchemaError(location: path, message: "'-- count:' needs '-- per:' (message, active_user_day or account_month)")
        }
        self.path = path
        self.name = name
        measures = header["measures"] ?? ""
        isPortable = portable.lowercased().hasPrefix("yes")
        isWrite = portable.lowercased().contains("writes")
        statement = statements[0]
        sql = statements[0].text
    }

    /// Every query file of `directory`, by name.
    public static func all(in directory: String) throws(SchemaError) -> [QueryFile] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw SchemaError(location: directory, message: "no queries directory here")
        }
        var result: [QueryFile] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            result.append(try QueryFile(path: (directory as NSString).appendingPathComponent(name)))
        }
        return result
    }
}

/// Rows a query returned (or, for a write, the rows it changed).
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [[DatabaseValue]]
    /// Rows inserted, updated or deleted by a write.
    public var changes: Int
}

extension SQLiteSchema {
    /// The SQLite text of a portable query.
    public func translate(_ query: QueryFile) throws(SchemaError) -> String {
        guard query.isPortable else {
            throw SchemaError(location: query.statement.location, message: "\(query.name) is PostgreSQL-only")
        }
        var translator = SQLTranslator()
        guard case let .execute(sql) = try translator.translate(query.statement) else {
            throw SchemaError(location: query.statement.location, message: "\(query.name) is not a query")
        }
        return sql
    }

    /// Runs a portable query (refreshing no view: call ``refreshMaterializedViews()`` first if it reads one).
    public func run(_ query: QueryFile) throws(SchemaError) -> QueryResult {
        let sql = try translate(query)
        do {
            return try queue.write { db in
                if query.isWrite {
                    try db.execute(sql: sql)
                    return QueryResult(columns: [], rows: [], changes: db.changesCount)
                }
                let statement = try db.makeStatement(sql: sql)
                let rows = try Row.fetchAll(statement)
                return QueryResult(columns: statement.columnNames, rows: rows.map { row in Array(row.databaseValues) }, changes: 0)
            }
        } catch {
            throw SchemaError(location: query.statement.location, message: "SQLite rejected the translated query: \(Self.message(of: error))\n    \(sql)")
        }
    }
}
