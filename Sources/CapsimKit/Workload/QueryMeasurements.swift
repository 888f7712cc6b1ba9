import Foundation
import GSLKit

/// What `capsim queries --output DIR` measured, read back from `DIR/queries.json`: each
/// query's timings (median milliseconds against its main table's rows) and its power-law fit
/// with the covariance of its coefficients, its budget and first month over budget.
public struct QueryMeasurements: Sendable {
    public struct Query: Sendable {
        public var name: String
        /// The table the time is fitted against.
        public var table: String
        /// (rows of the table, median ms) of every timed run.
        public var points: [(rows: Double, ms: Double)]
        /// log ms = intercept + slope · log rows.
        public var fit: LinearFit
        public var budgetMs: Double
        /// The first month of the horizon whose projected time passes the budget.
        public var firstMonthOverBudget: Int?

        /// The fitted time at `rows`.
        public func projectedMs(rows: Double) -> Double { exp(fit.value(at: log(max(rows, 1)))) }
    }

    public var path: String
    public var queries: [Query]

    /// Reads `directory/queries.json`.
    /// - Throws: ``ReportError`` naming the file and what is missing.
    public static func read(directory: String) throws(ReportError) -> QueryMeasurements {
        let path = (directory as NSString).appendingPathComponent("queries.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("cannot read '\(path)': no such file (--queries takes the directory that `capsim queries --output DIR` wrote)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw ReportError("\(path): not a JSON object")
        }
        guard let timings = root["timings"] as? [[String: Any]], let fits = root["fits"] as? [[String: Any]] else {
            throw ReportError("\(path): expected 'timings' and 'fits' arrays, as `capsim queries --output` writes them")
        }
        func number(_ value: Any?) -> Double? { (value as? Double).flatMap { $0.isFinite ? $0 : nil } }
        var queries: [Query] = []
        for (index, fit) in fits.enumerated() {
            guard let name = fit["query"] as? String, let table = fit["table"] as? String,
                  let a = number(fit["a"]), a > 0, let b = number(fit["b"]), let r2 = number(fit["r2"]),
                  let covariance = (fit["covariance"] as? [Any])?.compactMap(number), covariance.count == 3,
                  let budget = number(fit["budget_ms"]), budget > 0 else {
                throw ReportError("\(path): fits[\(index)] needs 'query', 'table', 'a' > 0, 'b', 'r2', 'covariance' (three numbers) and 'budget_ms' > 0; a file from an older capsim: run capsim queries --output again")
            }
            var points: [(rows: Double, ms: Double)] = []
            for (row, timing) in timings.enumerated() where timing["query"] as? String == name {
                guard let rows = number(timing["table_rows"]) else {
                    throw ReportError("\(path): timings[\(row)] needs a numeric 'table_rows'")
                }
                if let ms = number(timing["median_ms"]) { points.append((rows, ms)) }
            }
            let line = LinearFit(intercept: log(a), slope: b, r2: r2, covariance: (covariance[0], covariance[1], covariance[2]),
                                 count: points.filter { $0.rows > 0 && $0.ms > 0 }.count)
            queries.append(Query(name: name, table: table, points: points, fit: line, budgetMs: budget,
                                 firstMonthOverBudget: number(fit["first_month_over_budget"]).map { Int($0) }))
        }
        return QueryMeasurements(path: path, queries: queries)
    }
}

/// A report that cannot be made from what it was given.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
