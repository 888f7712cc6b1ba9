import Foundation

/// Number formatting shared by every output: exact for machines, rounded for people.
public enum NumberFormat {
    /// The shortest text that reads back as exactly `value` (Swift's round-trip form),
    /// with integral values written without a fractional part: `5`, `0.1`, `1234.5678`.
    public static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// A number for messages: 12 significant digits, so that sums like 0.6 + 0.3 read `0.9`.
    public static func readable(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return plain(Double(String(format: "%.12g", value)) ?? value)
    }

    /// A parameter value for people: 4 significant digits (`0.015`, `5.829`, `1,200`).
    public static func significant(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        if abs(value) >= 1000 { return grouped(value) }
        return plain(Double(String(format: "%.4g", value)) ?? value)
    }

    /// A rounded figure with thousands separators: `12,345`, `1.5` (for people, not exports).
    public static func grouped(_ value: Double, decimals: Int = 0) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value > 0 ? "∞" : "-∞") }
        let text = String(format: "%.\(decimals)f", abs(value))
        let parts = text.split(separator: ".", maxSplits: 1)
        var integer = Substring(parts[0])
        var groups: [Substring] = []
        while integer.count > 3 {
            groups.insert(integer.suffix(3), at: 0)
            integer = integer.dropLast(3)
        }
        groups.insert(integer, at: 0)
        let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
        let sign = value < 0 && !isZero ? "-" : ""
        return sign + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// Dollars for people: `$12,345`, `-$300`; cents below $100.
    public static func money(_ value: Double?) -> String {
        guard let value else { return "–" }
        let text = grouped(abs(value), decimals: abs(value) < 100 && value != value.rounded() ? 2 : 0)
        return (value < 0 ? "-$" : "$") + text
    }

    /// Bytes for people with SI units: `512 MB`, `8.2 GB`.
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var scaled = value
        var unit = 0
        while abs(scaled) >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return (unit == 0 ? grouped(scaled) : grouped(scaled, decimals: scaled < 10 ? 2 : 1)) + " " + units[unit]
    }

    /// A fraction as a percentage for people: `0.4231` → `42.3%`.
    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return grouped(value * 100, decimals: 1) + "%"
    }
}
