import Foundation

/// The unit a numeric scenario value is written in.
enum ValueUnit {
    /// A plain number (dollars, counts, rates).
    case number
    /// A size: a number of bytes, or a number with a unit (`2 KB`, `8 GB`).
    case size
}

/// The keys of one mapping of the scenario, read with their key path for messages.
struct MappingReader {
    let node: ConfigNode
    let path: String

    /// The value of `key`; nil when absent or null.
    subscript(key: String) -> ConfigNode? {
        guard let value = node[key], !value.isNull else { return nil }
        return value
    }

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// Turns a ``ConfigNode`` tree into typed values, collecting every problem as a ``Diagnostic``
/// instead of stopping at the first. Readers return a placeholder after reporting, so that
/// decoding goes on and finds the rest.
struct ScenarioDecoder {
    var diagnostics: [Diagnostic] = []
    private(set) var uncertainties: [Uncertainty] = []

    mutating func report(_ location: FileLocation?, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(location: location, keyPath: path, message: message))
    }

    /// Reads a mapping, reporting keys outside `known` (suggesting the nearest) and missing `required` ones.
    mutating func mapping(_ node: ConfigNode, at path: String, known: [String],
                          required: [String] = []) -> MappingReader? {
        guard let entries = node.entries else {
            report(node.location, path, "expected a mapping with keys \(known.map { "'\($0)'" }.joined(separator: ", ")), got \(node.kindName)")
            return nil
        }
        for entry in entries where !known.contains(entry.key) {
            let keyPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            var message = "unknown key '\(entry.key)'"
            if let suggestion = Suggestion.nearest(to: entry.key, in: known) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; expected one of \(known.map { "'\($0)'" }.joined(separator: ", "))"
            }
            report(entry.keyLocation, keyPath, message)
        }
        for key in required where node[key] == nil || node[key]!.isNull {
            report(node.location, path.isEmpty ? key : "\(path).\(key)", "missing required key '\(key)'")
        }
        return MappingReader(node: node, path: path)
    }

    /// Reads a list.
    mutating func list(_ node: ConfigNode, at path: String) -> [ConfigNode] {
        guard case let .sequence(items) = node.value else {
            report(node.location, path, "expected a list, got \(node.kindName)")
            return []
        }
        return items
    }

    mutating func string(_ node: ConfigNode, at path: String) -> String {
        guard case let .scalar(text, _) = node.value, !node.isNull else {
            report(node.location, path, "expected text, got \(node.kindName)")
            return ""
        }
        return text
    }

    mutating func bool(_ node: ConfigNode, at path: String) -> Bool {
        if case let .scalar(text, isPlain) = node.value, isPlain {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node.location, path, "expected true or false, got \(Self.shown(node))")
        return false
    }

    mutating func integer(_ node: ConfigNode, at path: String, range: ClosedRange<Int>) -> Int {
        guard case let .scalar(text, isPlain) = node.value, isPlain,
              let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            report(node.location, path, "expected a whole number, got \(Self.shown(node))")
            return range.lowerBound
        }
        guard range.contains(value) else {
            let bounds = range.upperBound == .max ? "at least \(range.lowerBound)"
                : "between \(range.lowerBound) and \(range.upperBound)"
            report(node.location, path, "must be \(bounds), got \(value)")
            return range.lowerBound
        }
        return value
    }

    /// Reads a plain number (or a size) and checks its range.
    mutating func number(_ node: ConfigNode, at path: String, range: ValueRange,
                         unit: ValueUnit = .number) -> Double {
        guard let value = scalarNumber(node, at: path, unit: unit) else { return range.lower }
        guard range.contains(value) else {
            report(node.location, path, "must be \(range), got \(NumberFormat.plain(value))")
            return range.lower
        }
        return value
    }

    /// Reads a model parameter: a number, or a distribution (MODEL.md §8) whose mean is returned
    /// and which is recorded as an ``Uncertainty`` writing to `target`.
    mutating func parameter(_ node: ConfigNode, at path: String, range: ValueRange, unit: ValueUnit = .number,
                            target: Uncertainty.Target?) -> Double {
        guard node.entries != nil else { return number(node, at: path, range: range, unit: unit) }
        guard let target else {
            report(node.location, path, "expected a number; this key does not take a distribution")
            return range.lower
        }
        guard let distribution = distribution(node, at: path, range: range, unit: unit) else { return range.lower }
        let mean = distribution.mean
        guard range.contains(mean) else {
            report(node.location, path, "the distribution's mean \(NumberFormat.plain(mean)) must be \(range)")
            return range.lower
        }
        uncertainties.append(Uncertainty(keyPath: path, distribution: distribution, range: range, target: target))
        return mean
    }

    /// Reads `reader[key]` as a parameter, or `defaultValue` when absent (reporting it missing when there is no default).
    mutating func parameter(_ reader: MappingReader, _ key: String, default defaultValue: Double?,
                            range: ValueRange, unit: ValueUnit = .number,
                            target: Uncertainty.Target?) -> Double {
        guard let node = reader[key] else {
            if defaultValue == nil {
                report(reader.node.location, reader.path(key), "missing required key '\(key)'")
            }
            return defaultValue ?? range.lower
        }
        return parameter(node, at: reader.path(key), range: range, unit: unit, target: target)
    }

    // MARK: - Scalars

    /// The number a scalar spells, reporting anything else. Sizes take SI or IEC units.
    mutating func scalarNumber(_ node: ConfigNode, at path: String, unit: ValueUnit) -> Double? {
        guard case let .scalar(raw, isPlain) = node.value, !node.isNull else {
            report(node.location, path, "expected \(unit == .size ? "a size such as '2 KB'" : "a number"), got \(node.kindName)")
            return nil
        }
        let text = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if isPlain || unit == .size, let value = Double(text), value.isFinite {
            return value
        }
        if unit == .size, let bytes = Self.size(text) {
            return bytes
        }
        if unit == .size {
            report(node.location, path, "expected a size such as '2 KB' or '8 GB' (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got \(Self.shown(node))")
        } else if text.hasSuffix("%") {
            report(node.location, path, "write rates as fractions (0.029, not 2.9%), got \(Self.shown(node))")
        } else if text.hasPrefix("$") {
            report(node.location, path, "write money as a plain number of dollars (19, not $19), got \(Self.shown(node))")
        } else if Self.size(text) != nil {
            report(node.location, path, "expected a plain number, not a size, got \(Self.shown(node))")
        } else {
            report(node.location, path, "expected a number, got \(Self.shown(node))")
        }
        return nil
    }

    private static let sizeUnits: [String: Double] = [
        "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
    ]

    /// Parses `2 KB`, `8GB`, `1.5 TiB` into bytes (1 KB = 1000 bytes).
    static func size(_ text: String) -> Double? {
        let digits = text.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }
        let unitText = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let value = Double(digits), value.isFinite, let factor = sizeUnits[unitText] else { return nil }
        return value * factor
    }

    static func shown(_ node: ConfigNode) -> String {
        if case let .scalar(text, _) = node.value { return "'\(text)'" }
        return node.kindName
    }
}

/// Nearest-name suggestions for unknown keys.
enum Suggestion {
    /// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
    static func nearest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = max(2, min(name.count, best.0.count) / 3)
        if best.1 <= limit { return best.0 }
        // A key that contains the candidate or is contained by it (`churn_rate` for `churn`).
        return candidates.first { name.contains($0) || $0.contains(name) }
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where j <= b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
