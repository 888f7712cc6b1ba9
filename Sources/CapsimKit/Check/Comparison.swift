/// A figure of a baseline next to its current value.
public struct FigureComparison: Sendable, Hashable {
    public enum Status: String, Sendable {
        case unchanged, withinTolerance = "within tolerance", moved
        /// In the current figures only (a new phase, milestone or plan).
        case added = "not in baseline"
        /// In the baseline only.
        case removed = "no longer computed"
    }

    public var name: String
    public var kind: Figure.Kind
    public var baseline: Double?
    public var current: Double?
    public var status: Status
    /// What was allowed, for people: `±2% or ±1`, `exact`, `±0.02`.
    public var allowed: String

    public var isFailure: Bool { status == .moved || status == .added || status == .removed }

    /// current − baseline, when both exist.
    public var change: Double? {
        guard let baseline, let current else { return nil }
        return current - baseline
    }

    /// The change as a fraction of the baseline, when it is non-zero.
    public var relativeChange: Double? {
        guard let change, let baseline, baseline != 0 else { return nil }
        return change / abs(baseline)
    }
}

extension FigureSet {
    /// Compares `self` (current) with `baseline` under `settings`, figure by figure, in the
    /// baseline's order then any new figures. An event month absent on one side and
    /// "not within horizon" on the other counts as the same.
    public func compared(with baseline: FigureSet, settings: CheckSettings) -> [FigureComparison] {
        var result: [FigureComparison] = []
        var seen: Set<String> = []
        for old in baseline.figures {
            seen.insert(old.name)
            let new = self[old.name]
            if new == nil, !(old.kind == .month && old.value == nil) {
                result.append(FigureComparison(name: old.name, kind: old.kind, baseline: old.value, current: nil,
                                               status: .removed, allowed: ""))
                continue
            }
            result.append(Self.compare(old, new ?? Figure(name: old.name, kind: old.kind, value: nil), settings: settings))
        }
        for new in figures where !seen.contains(new.name) {
            if new.kind == .month, new.value == nil { continue }
            result.append(FigureComparison(name: new.name, kind: new.kind, baseline: nil, current: new.value,
                                           status: .added, allowed: ""))
        }
        return result
    }

    private static func compare(_ old: Figure, _ new: Figure, settings: CheckSettings) -> FigureComparison {
        let allowed: String
        let isWithin: Bool
        switch (old.value, new.value) {
        case (nil, nil): isWithin = true
        case (nil, _), (_, nil): isWithin = false
        case let (a?, b?):
            switch old.kind {
            case .amount:
                let tolerance = settings.tolerance(for: old.metric)
                isWithin = tolerance.allows(baseline: a, current: b)
            case .month: isWithin = abs(a - b) <= Double(settings.eventMonths)
            case .probability: isWithin = abs(a - b) <= settings.probability
            }
        }
        switch old.kind {
        case .amount:
            let tolerance = settings.tolerance(for: old.metric)
            allowed = "±\(NumberFormat.plain(tolerance.relative * 100))% or ±\(NumberFormat.plain(tolerance.absolute))"
        case .month: allowed = settings.eventMonths == 0 ? "exact" : "±\(settings.eventMonths) months"
        case .probability: allowed = "±\(NumberFormat.plain(settings.probability))"
        }
        let status: FigureComparison.Status = old.value == new.value ? .unchanged : (isWithin ? .withinTolerance : .moved)
        return FigureComparison(name: old.name, kind: old.kind, baseline: old.value, current: new.value,
                                status: status, allowed: allowed)
    }
}
