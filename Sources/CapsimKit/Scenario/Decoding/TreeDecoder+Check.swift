extension TreeDecoder {
    /// `check:` as settings.
    func checkSettings(_ node: DecodedMapping) -> CheckSettings {
        var settings = CheckSettings()
        func value(_ id: ParameterID?) -> Double? { id.map { parameters[$0].value } }
        func tolerance(_ node: DecodedMapping?, base: Tolerance) -> Tolerance {
            guard let node else { return base }
            return Tolerance(relative: value(node.parameter("relative")) ?? base.relative,
                             absolute: value(node.parameter("absolute")) ?? base.absolute)
        }
        settings.tolerance = tolerance(node.mapping("tolerance"), base: settings.tolerance)
        if let metrics = node.mapping("metrics") {
            for spec in metrics.specs { settings.metrics[spec.name] = tolerance(metrics.mapping(spec.name), base: settings.tolerance) }
        }
        settings.eventMonths = node.integer("event_months") ?? settings.eventMonths
        settings.probability = value(node.parameter("probability")) ?? settings.probability
        settings.confidence = value(node.parameter("confidence")) ?? settings.confidence
        settings.maxRuns = node.integer("max_runs") ?? settings.maxRuns
        return settings
    }

    /// `gates:`; metrics are numeric monthly columns, events are keys of the scenario's
    /// ``EventCatalog`` (a phase may be named: `phase:Scale-up`).
    mutating func gates(_ entries: [DecodedMapping], scenario: Scenario, columns: [String]) -> [Gate] {
        let catalog = EventCatalog(scenario: scenario)
        let horizon = scenario.horizonMonths
        return entries.compactMap { entry in
            let given = Gate.bounds.map(\.key).filter { entry[$0] != nil }
            let named = entry.text("name")
            if let statements = entry.text("roadmap").flatMap(Gate.RoadmapStatements.init(rawValue:)) {
                let others = given + ["metric", "month", "event", "within_months"].filter { entry[$0] != nil }
                guard others.isEmpty else {
                    report(entry.location, entry.keyPath, "a roadmap gate takes only 'phase' (and 'name'), got \(Self.list(others))")
                    return nil
                }
                var phase: Int?
                if case let .phase(index)? = entry["phase"] { phase = index }
                let kind = Gate.Kind.roadmap(statements: statements, phase: phase)
                return Gate(name: named ?? Gate(name: "", kind: kind).summary, kind: kind)
            }
            if entry["phase"] != nil {
                report(entry.keyLocations["phase"], entry.path("phase"), "'phase' is for roadmap gates (with 'roadmap: budget|targets|all')")
                return nil
            }
            guard given.count == 1, let bound = given.first, let limitID = entry.parameter(bound) else {
                report(entry.location, entry.keyPath,
                       "a gate needs exactly one limit: one of \(Self.list(Gate.bounds.map(\.key)))\(given.count > 1 ? ", got \(Self.list(given))" : "")")
                return nil
            }
            let limit = parameters[limitID].value
            let limitLocation = parameters[limitID].location
            let isUpper = bound.hasSuffix("at_most")
            func within(_ key: String) -> Int? {
                guard let month = entry.integer(key) else { return nil }
                guard month <= horizon else {
                    report(entry.valueLocations[key], entry.path(key), "must be at most the horizon (\(horizon)), got \(month)")
                    return nil
                }
                return month
            }
            let kind: Gate.Kind
            if let eventText = entry.text("event") {
                guard let event = catalog.key(named: eventText) else {
                    var message = "unknown event '\(eventText)'"
                    if let suggestion = Suggestion.nearest(to: eventText, in: catalog.keys) { message += "; did you mean '\(suggestion)'?" }
                    report(entry.valueLocations["event"], entry.path("event"),
                           message + " (events are \(EventCatalog.keyForms); this scenario has \(catalog.keys.count))")
                    return nil
                }
                if entry["metric"] != nil || entry["month"] != nil {
                    report(entry.location, entry.keyPath, "a gate tests either a metric (with month) or an event (with within_months), not both")
                    return nil
                }
                if bound.hasPrefix("probability") {
                    guard (0...1).contains(limit) else {
                        report(limitLocation, entry.path(bound), "a probability must be between 0 and 1, got \(NumberFormat.plain(limit))")
                        return nil
                    }
                    kind = .probability(event: event, withinMonths: within("within_months") ?? horizon, isUpperBound: isUpper, limit: limit)
                } else if bound.hasPrefix("month") {
                    guard limit == limit.rounded(), (0...Double(horizon + 1)).contains(limit) else {
                        report(limitLocation, entry.path(bound), "a month must be a whole number between 0 and \(horizon + 1), got \(NumberFormat.plain(limit))")
                        return nil
                    }
                    kind = .eventMonth(event: event, isUpperBound: isUpper, limit: Int(limit))
                } else {
                    report(limitLocation, entry.path(bound),
                           "an event gate takes probability_at_most/_at_least (Monte Carlo) or month_at_most/_at_least (deterministic)")
                    return nil
                }
            } else if let metric = entry.text("metric") {
                guard columns.contains(metric) else {
                    var message = "unknown metric '\(metric)'"
                    if let suggestion = Suggestion.nearest(to: metric, in: columns) { message += "; did you mean '\(suggestion)'?" }
                    report(entry.valueLocations["metric"], entry.path("metric"), message + " (metrics are the monthly CSV's numeric columns)")
                    return nil
                }
                let month = within("month") ?? horizon
                if bound.hasPrefix("probability") || bound.hasPrefix("month") {
                    report(limitLocation, entry.path(bound),
                           "\(bound) is for event gates; a metric gate takes at_most, at_least or pN_at_most/pN_at_least")
                    return nil
                }
                if bound.hasPrefix("p") {
                    kind = .percentile(metric: metric, month: month, percentile: Int(bound.dropFirst().prefix { $0.isNumber })!,
                                       isUpperBound: isUpper, limit: limit)
                } else {
                    kind = .value(metric: metric, month: month, isUpperBound: isUpper, limit: limit)
                }
            } else {
                report(entry.location, entry.keyPath, "a gate needs 'metric' (with 'month'), 'event' (with 'within_months') or 'roadmap'")
                return nil
            }
            let gate = Gate(name: "", kind: kind)
            return Gate(name: named ?? gate.summary, kind: kind)
        }
    }
}
