extension ScenarioDecoder {
    /// Reads a `when` mapping: metric thresholds that must all hold.
    ///
    /// `phase_at_least` takes a phase index or name; it is refused in phase conditions,
    /// where it would refer to the phase being decided.
    mutating func condition(_ node: ConfigNode?, at path: String, phaseNames: [String],
                            allowsPhase: Bool = true) -> Condition {
        guard let node, !node.isNull else { return .always }
        let known = ConditionMetric.allCases.map(\.rawValue)
        guard let reader = mapping(node, at: path, known: known) else { return .always }
        var clauses: [Condition.Clause] = []
        for entry in node.entries ?? [] {
            guard let metric = ConditionMetric(rawValue: entry.key) else { continue }
            let keyPath = reader.path(entry.key)
            switch metric {
            case .phaseAtLeast:
                guard allowsPhase else {
                    report(entry.keyLocation, keyPath, "a phase's condition cannot depend on the phase itself")
                    continue
                }
                guard let phase = phaseIndex(entry.value, at: keyPath, phaseNames: phaseNames) else { continue }
                clauses.append(.init(metric: metric, threshold: Double(phase)))
            case .churnAtMost:
                clauses.append(.init(metric: metric, threshold: number(entry.value, at: keyPath, range: .rate)))
            case .dbAtLeast:
                clauses.append(.init(metric: metric, threshold: number(entry.value, at: keyPath, range: .nonNegative, unit: .size)))
            default:
                clauses.append(.init(metric: metric, threshold: number(entry.value, at: keyPath, range: .nonNegative)))
            }
        }
        return Condition(clauses: clauses)
    }

    /// A phase given by index (0 = first) or by name.
    mutating func phaseIndex(_ node: ConfigNode, at path: String, phaseNames: [String]) -> Int? {
        guard case let .scalar(text, _) = node.value, !node.isNull else {
            report(node.location, path, "expected a phase index or name, got \(node.kindName)")
            return nil
        }
        if let index = Int(text) {
            guard phaseNames.indices.contains(index) else {
                report(node.location, path, "there is no phase \(index); phases are numbered 0 to \(phaseNames.count - 1)")
                return nil
            }
            return index
        }
        if let index = phaseNames.firstIndex(of: text) { return index }
        var message = "unknown phase '\(text)'"
        if let suggestion = Suggestion.nearest(to: text, in: phaseNames) { message += "; did you mean '\(suggestion)'?" }
        report(node.location, path, message)
        return nil
    }
}
