import Foundation

/// The key reference of docs/model.md and `capsim keys`, written from the declarations
/// (``ScenarioKeys``) and the monthly columns (``Column``): a test fails when the docs differ.
public enum KeyReference {
    /// Every scenario key as a Markdown table: key path, type and range, default, whether it
    /// may be a distribution, meaning.
    public static func scenarioKeys() -> String {
        var lines = ["| key | type | default | distribution | meaning |", "|---|---|---|---|---|"]
        rows(ScenarioKeys.root, prefix: "", into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The monthly CSV's columns, in order, as a Markdown table (`users_<tier>` once per tier).
    public static func monthlyColumns() -> String {
        var lines = ["| column | meaning |", "|---|---|"]
        for column in ExportColumn.all(tierNames: ["<tier>"]) {
            let meaning: String = switch column.value {
            case let .numeric(slot): slot < Column.allCases.count ? Column.allCases[slot].doc : "U_i(t): accounts on the tier, one column per tier"
            case .date: "the calendar month, YYYY-MM"
            case .plan: "the Supabase plan in force"
            case .computeSize: "the compute size in force (§9; empty without a compute catalog)"
            }
            lines.append("| `\(column.name)` | \(meaning) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func rows(_ specs: [KeySpec], prefix: String, into lines: inout [String]) {
        for spec in specs {
            let path = prefix.isEmpty ? spec.name : "\(prefix).\(spec.name)"
            lines.append("| `\(path)` | \(type(spec.kind)) | \(defaultText(spec)) | \(distributable(spec.kind)) | \(spec.doc.replacingOccurrences(of: "|", with: "\\|")) |")
            switch spec.kind {
            case let .mapping(children): rows(children, prefix: path, into: &lines)
            case let .numberOrMapping(_, children): rows(children, prefix: path, into: &lines)
            case let .tierMap(_, fixed): rows(fixed, prefix: path, into: &lines)
            case let .columnMap(.mapping(children)): rows(children, prefix: "\(path).<column>", into: &lines)
            case let .list(list): rows(list.entry, prefix: "\(path)[]", into: &lines)
            default: break
            }
        }
    }

    private static func type(_ kind: KeyKind) -> String {
        switch kind {
        case let .number(quantity): "\(quantity.unit.label), \(range(quantity.range))"
        case let .numberOrMapping(quantity, _): "\(quantity.unit.label), \(range(quantity.range)), or a mapping"
        case let .integer(range): "whole number, \(range.lowerBound)–\(range.upperBound)"
        case .text: "text"
        case .bool: "true or false"
        case let .choice(words): "one of " + words.map { "`\($0)`" }.joined(separator: ", ")
        case .month: "`YYYY-MM`"
        case .phase: "phase: index or name"
        case let .condition(scope): "condition (§7)" + (scope.allows(.cashAtMost) ? "" : scope.allows(.phaseAtLeast) ? ", no `cash_at_most`" : ", no `phase_at_least` or `cash_at_most`")
        case .mapping: "mapping"
        case let .tierMap(quantity, _): "`<tier name>`: \(quantity.unit.label), \(range(quantity.range)); and the keys below"
        case .columnMap: "mapping of monthly columns"
        case let .list(list):
            switch list.identity {
            case let .key(key): "list, entries named by `\(key)`"
            case .phase: "list, entries by `phase`"
            case .position: "list"
            }
        }
    }

    private static func range(_ range: ValueRange) -> String {
        let low = bound(range.lower), high = bound(range.upper)
        return range.excludesLower ? "> \(low) and ≤ \(high)" : "\(low) to \(high)"
    }

    /// A bound for people: powers of ten from 10⁶ as `10^k`, others as written.
    private static func bound(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 {
            let exponent = log10(magnitude)
            if exponent == exponent.rounded() { return "\(value < 0 ? "−" : "")10^\(Int(exponent))" }
        }
        return NumberFormat.plain(value)
    }

    private static func defaultText(_ spec: KeySpec) -> String {
        switch spec.requirement {
        case .required: "required"
        case .optional: "–"
        case let .number(value): NumberFormat.plain(value)
        case let .text(text): "`\(text)`"
        case let .integer(value): String(value)
        case let .bool(value): String(value)
        }
    }

    private static func distributable(_ kind: KeyKind) -> String {
        switch kind {
        case let .number(quantity), let .numberOrMapping(quantity, _), let .tierMap(quantity, _): quantity.isDistributable ? "yes" : ""
        default: ""
        }
    }
}
