import Foundation
import GRDB

/// The PostgreSQL functions capsim's SQLite database provides, registered from Swift
/// (cleaner than rewriting each call): `now()`, `gen_random_uuid()`, `date_trunc()`,
/// `least()`, `greatest()`, `pg_add_interval()`, `auth_uid()` and the ordered-set aggregates
/// `percentile_cont()` / `percentile_disc()`.
enum SQLiteFunctions {
    static func register(in db: Database, clock: DatabaseClock) {
        db.add(function: DatabaseFunction("now", argumentCount: 0, pure: false) { _ in clock.now() })
        db.add(function: DatabaseFunction("gen_random_uuid", argumentCount: 0, pure: false) { _ in
            UUID().uuidString.lowercased()
        })
        db.add(function: DatabaseFunction("auth_uid", argumentCount: 0, pure: true) { _ in nil as String? })
        db.add(function: DatabaseFunction("date_trunc", argumentCount: 2, pure: true) { values in
            guard let unit = String.fromDatabaseValue(values[0]), let text = String.fromDatabaseValue(values[1]),
                  let seconds = Timestamp.parse(text), let truncated = Timestamp.truncate(unit, seconds) else { return nil as String? }
            return try checkedTimestamp(truncated, in: "date_trunc")
        })
        db.add(function: DatabaseFunction("pg_add_interval", argumentCount: 2, pure: true) { values in
            guard let text = String.fromDatabaseValue(values[0]), let interval = String.fromDatabaseValue(values[1]),
                  let seconds = Timestamp.parse(text), let result = Timestamp.add(interval, to: seconds) else { return nil as String? }
            return try checkedTimestamp(result, in: "interval arithmetic")
        })
        for (name, wantsLeast) in [("least", true), ("greatest", false)] {
            db.add(function: DatabaseFunction(name, argumentCount: nil, pure: true) { values in
                // NULL arguments are ignored, as in PostgreSQL.
                var best: DatabaseValue?
                for value in values where !value.isNull {
                    if let current = best {
                        if wantsLeast ? value < current : current < value { best = value }
                    } else {
                        best = value
                    }
                }
                return best
            })
        }
        db.add(function: DatabaseFunction("percentile_cont", argumentCount: 2, pure: true, aggregate: PercentileAggregate<Continuous>.self))
        db.add(function: DatabaseFunction("percentile_disc", argumentCount: 2, pure: true, aggregate: PercentileAggregate<Discrete>.self))
    }

    /// The seconds since 1970 UTC of a timestamp as text, or an SQL error (the query fails,
    /// naming `function`) when it is not finite or outside years 1 to 9999.
    static func checkedTimestamp(_ seconds: Double, in function: String) throws -> String {
        // 0001-01-01 and 9999-12-31 23:59:59.999 UTC.
        guard seconds.isFinite, seconds >= -62_135_596_800, seconds < 253_402_300_800 else {
            throw DatabaseError(resultCode: .SQLITE_RANGE, message: "\(function): timestamp out of range (years 1 to 9999)")
        }
        return Timestamp.format(seconds)
    }
}

/// The time `now()` answers in a database: the wall clock, or a fixed instant (synthetic data
/// for a projected month is queried as of the end of that month).
public final class DatabaseClock: @unchecked Sendable {
    private let lock = NSLock()
    private var fixed: Double?

    public init() {}

    /// Fixes `now()` at `seconds` since 1970 UTC; nil returns to the wall clock.
    public func set(_ seconds: Double?) {
        lock.lock()
        fixed = seconds
        lock.unlock()
    }

    func now() -> String {
        lock.lock()
        defer { lock.unlock() }
        return fixed.map(Timestamp.format) ?? Timestamp.now()
    }
}

protocol PercentileKind { static var isContinuous: Bool { get } }
enum Continuous: PercentileKind { static let isContinuous = true }
enum Discrete: PercentileKind { static let isContinuous = false }

/// `percentile_cont(f, x)`: PostgreSQL's `percentile_cont(f) WITHIN GROUP (ORDER BY x)`,
/// linear interpolation between the values at ranks ⌊f(n−1)⌋ and ⌈f(n−1)⌉; NULLs ignored.
/// `percentile_disc` returns the first value whose cumulative share reaches f.
struct PercentileAggregate<Kind: PercentileKind>: DatabaseAggregate {
    var fraction: Double?
    var values: [Double] = []

    init() {}

    mutating func step(_ dbValues: [DatabaseValue]) throws {
        if fraction == nil {
            fraction = Double.fromDatabaseValue(dbValues[0])
            if let fraction, !(0...1).contains(fraction) {
                // PostgreSQL: "percentile value 1.5 is not between 0 and 1" (NaN is not either).
                throw DatabaseError(resultCode: .SQLITE_RANGE, message: "percentile value \(fraction) is not between 0 and 1")
            }
        }
        if let value = Double.fromDatabaseValue(dbValues[1]) { values.append(value) }
    }

    func finalize() throws -> (any DatabaseValueConvertible)? {
        guard let fraction, !values.isEmpty else { return nil }
        let sorted = values.sorted()
        if !Kind.isContinuous {
            let index = max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)
            return sorted[min(index, sorted.count - 1)]
        }
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}

extension DatabaseValue {
    static func < (lhs: DatabaseValue, rhs: DatabaseValue) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case let (.int64(a), .int64(b)): return a < b
        case let (.double(a), .double(b)): return a < b
        case let (.int64(a), .double(b)): return Double(a) < b
        case let (.double(a), .int64(b)): return a < Double(b)
        case let (.string(a), .string(b)): return a < b
        default: return false
        }
    }
}
