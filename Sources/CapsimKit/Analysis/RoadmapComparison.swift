/// What the roadmap states for a phase (`phases[].budget`, `phases[].targets`) beside what the
/// projection gives in that phase: at the month it is entered and at its last month.
public struct RoadmapComparison: Sendable {
    public var phase: Int
    public var phaseName: String
    /// `total_cost_usd` for a budget, else the target's monthly column.
    public var column: String
    /// `budget` or `target`.
    public var kind: String
    public var range: StatedRange
    /// The phase's first and last month in the projection; nil when it is not reached.
    public var entryMonth: Int?
    public var endMonth: Int?
    public var atEntry: Double?
    public var atEnd: Double?

    /// Where a value stands against the range.
    public enum Standing: String, Sendable {
        case within, below, above
        case notReached = "not reached"
    }

    public func standing(of value: Double?) -> Standing {
        guard let value else { return .notReached }
        if let min = range.min, value < min { return .below }
        if let max = range.max, value > max { return .above }
        return .within
    }

    /// Whether the projection holds to the statement at the phase's entry and end.
    public var holds: Bool { standing(of: atEntry) == .within && standing(of: atEnd) == .within }

    func json() -> JSONValue {
        .object([
            "phase": .number(Double(phase)), "name": .string(phaseName), "kind": .string(kind), "column": .string(column),
            "min": .number(range.min), "max": .number(range.max),
            "entry_month": .number(entryMonth.map(Double.init)), "end_month": .number(endMonth.map(Double.init)),
            "at_entry": .number(atEntry), "at_end": .number(atEnd),
            "at_entry_standing": .string(standing(of: atEntry).rawValue), "at_end_standing": .string(standing(of: atEnd).rawValue),
        ])
    }
}

extension Projection {
    /// Every budget and target the phases state, beside the projection.
    public func roadmapComparisons() -> [RoadmapComparison] {
        let entries = phaseEntryMonths
        var result: [RoadmapComparison] = []
        for (index, phase) in scenario.phases.enumerated() {
            let entry = entries[index]
            // The phase lasts until the next phase that is entered later, else to the horizon.
            let next = entries[(index + 1)...].compactMap { $0 }.first { month in entry.map { month > $0 } ?? false }
            let end = entry.map { _ in (next ?? scenario.horizonMonths + 1) - 1 }
            var statements: [(String, String, StatedRange)] = []
            if let budget = phase.budget { statements.append(("budget", "total_cost_usd", budget)) }
            statements += phase.targets.map { ("target", $0.column, $0.range) }
            for (kind, column, range) in statements {
                result.append(RoadmapComparison(
                    phase: index, phaseName: phase.name, column: column, kind: kind, range: range, entryMonth: entry, endMonth: end,
                    atEntry: entry.flatMap { value(column: column, month: $0) }, atEnd: end.flatMap { value(column: column, month: $0) }))
            }
        }
        return result
    }
}
