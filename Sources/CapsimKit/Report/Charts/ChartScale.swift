import Foundation

/// What a chart axis measures, which decides how its tick labels read.
public enum ChartUnit: Sendable, Hashable {
    /// People or things: `0`, `800`, `12k`, `1.5M`.
    case count
    /// Dollars: `$0`, `$800`, `$12k`, `$1.5M`, `-$40k`.
    case money
    /// Bytes, SI: `500 MB`, `1.2 GB`.
    case bytes
    /// A fraction shown as a percentage: `0.25` → `25%`.
    case percent
    /// Dollars with cents, for small amounts per person: `$0.25`.
    case cents
    /// Milliseconds: `0.5 ms`, `120 ms`, `2.5 s`.
    case milliseconds
    /// Plain numbers (cores, connections).
    case plain

    /// A short label for a tick value.
    public func format(_ value: Double) -> String {
        switch self {
        case .count, .plain: return Self.compact(value)
        case .money: return (value < 0 ? "-$" : "$") + Self.compact(abs(value))
        case .cents:
            return (value < 0 ? "-$" : "$") + (abs(value) >= 10 ? Self.compact(abs(value)) : Self.trimmed(abs(value), 3))
        case .bytes:
            let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
            var scaled = abs(value), unit = 0
            while scaled >= 1000, unit < units.count - 1 { scaled /= 1000; unit += 1 }
            return value == 0 ? "0" : (value < 0 ? "-" : "") + Self.trimmed(scaled, 1) + " " + units[unit]
        case .percent: return Self.trimmed(value * 100, 1) + "%"
        case .milliseconds:
            let magnitude = abs(value)
            return magnitude >= 1000 ? Self.trimmed(value / 1000, 2) + " s" : Self.trimmed(value, magnitude >= 100 ? 0 : magnitude >= 1 ? 1 : 3) + " ms"
        }
    }

    /// `1200` → `1.2k`, `3e6` → `3M`; below 1000, up to three decimals without trailing zeros
    /// (six below 1, so that a log axis's `0.0001` is not `0`).
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        for (scale, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where magnitude >= scale {
            return sign + trimmed(magnitude / scale, 2) + suffix
        }
        return sign + trimmed(magnitude, magnitude >= 1 || magnitude == 0 ? 3 : 6)
    }

    /// At most `decimals` decimals (0 to 6), trailing zeros dropped: `2.50` → `2.5`. Written
    /// from the rounded integer rather than through `String(format:)`, which took a tenth of a
    /// report's time (perf): charts write thousands of coordinates.
    static func trimmed(_ value: Double, _ decimals: Int) -> String {
        let power = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
        let scaled = (abs(value) * power).rounded()
        guard value.isFinite, scaled < 9e15 else { return value.isFinite ? String(format: "%.0f", value) : "\(value)" }
        let units = Int64(scaled), whole = units / Int64(power)
        var fraction = units % Int64(power), digits = Int(log10(power).rounded())
        while digits > 0, fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        var text = units == 0 || value > 0 ? "" : "-"
        text += String(whole)
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }
}

/// A map from data values to pixels along one axis, linear or logarithmic, with tick values
/// a person would pick (1, 2 or 5 times a power of ten; powers of ten on a log axis).
public struct ChartScale: Sendable {
    public enum Kind: Sendable, Hashable { case linear, log }

    public var kind: Kind
    /// The data values at the two ends of the axis (low < high; both > 0 on a log axis).
    public var domain: (low: Double, high: Double)
    /// The pixel positions of `domain.low` and `domain.high` (may be decreasing, as on a y axis).
    public var pixels: (from: Double, to: Double)

    /// A scale over `values` (non-finite values, and values ≤ 0 on a log axis, are ignored),
    /// widened to nice ticks; a linear axis includes zero when `includeZero`.
    public init(kind: Kind = .linear, covering values: [Double], includeZero: Bool = true, pixels: (from: Double, to: Double)) {
        self.kind = kind
        self.pixels = pixels
        let usable = values.filter { $0.isFinite && (kind == .linear || $0 > 0) }
        var low = usable.min() ?? (kind == .log ? 1 : 0)
        var high = usable.max() ?? (kind == .log ? 10 : 1)
        switch kind {
        case .linear:
            if includeZero { low = Swift.min(low, 0); high = Swift.max(high, 0) }
            if high - low < 1e-12 * Swift.max(1, abs(high)) { high = low + Swift.max(1, abs(low)) }
            let step = Self.niceStep((high - low) / 5)
            domain = ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step)
        case .log:
            low = pow(10, log10(low).rounded(.down))
            high = pow(10, log10(high).rounded(.up))
            if high <= low { high = low * 10 }
            domain = (low, high)
        }
    }

    /// A linear scale over exactly `low` … `high` (a time axis of months 0 … H), no nicer.
    static func exact(_ low: Double, _ high: Double, pixels: (from: Double, to: Double)) -> ChartScale {
        var scale = ChartScale(kind: .linear, covering: [low, high], includeZero: true, pixels: pixels)
        scale.domain = (low, Swift.max(high, low + 1))
        return scale
    }

    /// The pixel position of `value` (clamped to the axis on a log scale for values ≤ 0).
    public func callAsFunction(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear: fraction = (value - domain.low) / (domain.high - domain.low)
        case .log: fraction = (log10(Swift.max(value, domain.low)) - log10(domain.low)) / (log10(domain.high) - log10(domain.low))
        }
        return pixels.from + fraction * (pixels.to - pixels.from)
    }

    /// Tick values from the low end to the high end.
    public var ticks: [Double] {
        switch kind {
        case .linear:
            let step = Self.niceStep((domain.high - domain.low) / 5)
            let count = Int(((domain.high - domain.low) / step).rounded())
            return (0...count).map { domain.low + Double($0) * step }.map { abs($0) < step * 1e-9 ? 0 : $0 }
        case .log:
            let first = Int(log10(domain.low).rounded()), last = Int(log10(domain.high).rounded())
            let stride = Swift.max(1, (last - first + 5) / 6)
            return Swift.stride(from: first, through: last, by: stride).map { pow(10, Double($0)) }
        }
    }

    /// 1, 2 or 5 × 10^k, the smallest at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= rough * (1 - 1e-9) { return factor * power }
        return 10 * power
    }
}

/// Calendar ticks for an axis of months 0 … H from `start`: each January when the horizon
/// is over three years, each quarter when over a year, else each month.
public struct MonthTicks: Sendable {
    public var start: YearMonth
    public var months: Int

    public var ticks: [(month: Int, label: String)] {
        let every = months > 36 ? 12 : months > 12 ? 3 : 1
        return (0...months).compactMap { month in
            let date = start.adding(months: month)
            guard (date.month - 1) % every == 0 else { return nil }
            return (month, every == 12 ? String(date.year) : date.description)
        }
    }
}
