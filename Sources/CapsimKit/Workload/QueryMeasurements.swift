import Foundation
import GSLKit

/// What `capsim queries --output DIR` measured, read back from `DIR/queries.json`: each
/// query's timings (median milliseconds against its main table's rows) and its power-law fit,
/// refitted here with the covariance of the coefficients for an interval.
public struct QueryMeasurements: Sendable {
    public struct Query: Sendable {
        public var name: String
        /// The table the time is fitted against.
        public var table: String
        /// (rows of the table, median ms) of every timing.
        public var points: [(rows: Double, ms: Double)]
        /// log ms = intercept + slope · log rows; nil with fewer than two distinct sizes.
        public var fit: LinearFit?

        /// The fitted time at `rows`.
        public func projectedMs(rows: Double) -> Double? { fit.map { exp($0.value(at: log(rows))) } }
    }

    public var path: String
    public var budgetMs: Double
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
        guard let budget = root["budget_ms"] as? Double, budget.isFinite, budget > 0 else {
            throw ReportError("\(path): 'budget_ms' must be a positive number")
        }
        guard let timings = root["timings"] as? [[String: Any]], let fits = root["fits"] as? [[String: Any]] else {
            throw ReportError("\(path): expected 'timings' and 'fits' arrays, as `capsim queries --output` writes them")
        }
        var queries: [Query] = []
        for (index, fit) in fits.enumerated() {
            guard let name = fit["query"] as? String, let table = fit["table"] as? String else {
                throw ReportError("\(path): fits[\(index)] needs 'query' and 'table' strings")
            }
            var points: [(rows: Double, ms: Double)] = []
            for (row, timing) in timings.enumerated() where timing["query"] as? String == name {
                guard let rows = timing["table_rows"] as? Double, let ms = timing["median_ms"] as? Double,
                      rows.isFinite, ms.isFinite else {
                    throw ReportError("\(path): timings[\(row)] needs numeric 'table_rows' and 'median_ms'")
                }
                points.append((rows, ms))
            }
            let usable = points.filter { $0.rows > 0 && $0.ms > 0 }
            queries.append(Query(name: name, table: table, points: points,
                                 fit: Fit.linear(x: usable.map { log($0.rows) }, y: usable.map { log($0.ms) })))
        }
        return QueryMeasurements(path: path, budgetMs: budget, queries: queries)
    }

    /// The first month 1 … H of `projection` whose projected time for `query` passes the
    /// budget, from the rows its table has at the end of that month; nil if none does.
    public func firstMonthOverBudget(_ query: Query, in projection: Projection) -> Int? {
        let horizon = projection.scenario.horizonMonths
        guard horizon >= 1 else { return nil }
        for month in 1...horizon {
            guard let data = try? SyntheticData(projection: projection, options: DataOptions(month: month)) else { continue }
            let rows = Double(data.expectedCounts()[query.table])
            if rows > 0, let ms = query.projectedMs(rows: rows), ms > budgetMs { return month }
        }
        return nil
    }
}

/// A report that cannot be made from what it was given.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
