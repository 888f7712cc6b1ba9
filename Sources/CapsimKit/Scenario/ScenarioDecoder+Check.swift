extension ScenarioDecoder {
    /// Reads `check:`.
    mutating func checkSettings(_ top: MappingReader) -> CheckSettings {
        var settings = CheckSettings()
        guard let node = top["check"],
              let reader = mapping(node, at: "check", known: ["tolerance", "metrics", "event_months", "probability", "confidence", "max_runs"])
        else { return settings }
        if let tolerance = reader["tolerance"] {
            settings.tolerance = self.tolerance(tolerance, at: reader.path("tolerance"), default: settings.tolerance)
        }
        if let metrics = reader["metrics"], let metricReader = mapping(metrics, at: reader.path("metrics"), known: Self.checkedMetrics) {
            for entry in metrics.entries ?? [] where Self.checkedMetrics.contains(entry.key) {
                settings.metrics[entry.key] = tolerance(entry.value, at: metricReader.path(entry.key), default: settings.tolerance)
            }
        }
        if let months = reader["event_months"] { settings.eventMonths = integer(months, at: reader.path("event_months"), range: 0...1200) }
        if let probability = reader["probability"] { settings.probability = number(probability, at: reader.path("probability"), range: .rate) }
        if let confidence = reader["confidence"] {
            settings.confidence = number(confidence, at: reader.path("confidence"), range: ValueRange(lower: 0.5, upper: 0.999999))
        }
        if let maxRuns = reader["max_runs"] { settings.maxRuns = integer(maxRuns, at: reader.path("max_runs"), range: 1...10_000_000) }
        return settings
    }

    /// The monthly figures a baseline records and a tolerance can name.
    static let checkedMetrics = ["total_cost_usd", "infra_usd", "team_usd", "mrr_usd"]

    private mutating func tolerance(_ node: ConfigNode, at path: String, default base: Tolerance) -> Tolerance {
        guard let reader = mapping(node, at: path, known: ["relative", "absolute"]) else { return base }
        var result = base
        if let relative = reader["relative"] { result.relative = number(relative, at: reader.path("relative"), range: .nonNegative) }
        if let absolute = reader["absolute"] { result.absolute = number(absolute, at: reader.path("absolute"), range: .nonNegative) }
        return result
    }

    /// Reads `gates:`; metrics are monthly CSV columns, events are event keys of `eventKeys`.
    mutating func gates(_ top: MappingReader, metrics: [String], eventKeys: [String], horizon: Int) -> [Gate] {
        guard let node = top["gates"] else { return [] }
        let bounds = ["at_most", "at_least", "p5_at_most", "p5_at_least", "p50_at_most", "p50_at_least",
                      "p95_at_most", "p95_at_least", "probability_at_most", "probability_at_least"]
        return list(node, at: "gates").enumerated().compactMap { index, item in
            let path = "gates[\(index)]"
            guard let reader = mapping(item, at: path, known: ["name", "metric", "month", "event", "within_months"] + bounds) else { return nil }
            let given = bounds.filter { reader[$0] != nil }
            guard given.count == 1, let bound = given.first, let limitNode = reader[bound] else {
                report(item.location, path, "a gate needs exactly one limit: one of \(bounds.joined(separator: ", "))")
                return nil
            }
            let isUpper = bound.hasSuffix("at_most")
            let name = reader["name"].map { string($0, at: reader.path("name")) }
            if let eventNode = reader["event"] {
                let event = string(eventNode, at: reader.path("event"))
                guard bound.hasPrefix("probability") else {
                    report(limitNode.location, reader.path(bound), "an event gate takes probability_at_most or probability_at_least")
                    return nil
                }
                if !eventKeys.contains(event) {
                    var message = "unknown event '\(event)'"
                    if let suggestion = Suggestion.nearest(to: event, in: eventKeys) { message += "; did you mean '\(suggestion)'?" }
                    report(eventNode.location, reader.path("event"), message + " (events are phase:N, milestone:<name>, plan:<name>, breach:<plan>:<resource>, cash_below_zero)")
                }
                let within = reader["within_months"].map { integer($0, at: reader.path("within_months"), range: 0...horizon) } ?? horizon
                let limit = number(limitNode, at: reader.path(bound), range: .rate)
                let gate = Gate(name: name ?? "", kind: .probability(event: event, withinMonths: within, isUpperBound: isUpper, limit: limit))
                return Gate(name: name ?? gate.summary, kind: gate.kind)
            }
            guard let metricNode = reader["metric"] else {
                report(item.location, path, "a gate needs 'metric' (with 'month') or 'event' (with 'within_months')")
                return nil
            }
            let metric = string(metricNode, at: reader.path("metric"))
            if !metrics.contains(metric) {
                var message = "unknown metric '\(metric)'"
                if let suggestion = Suggestion.nearest(to: metric, in: metrics) { message += "; did you mean '\(suggestion)'?" }
                report(metricNode.location, reader.path("metric"), message + " (metrics are the monthly CSV's numeric columns)")
            }
            guard !bound.hasPrefix("probability") else {
                report(limitNode.location, reader.path(bound), "probability limits are for event gates; a metric gate takes at_most, at_least or pN_at_most/pN_at_least")
                return nil
            }
            let month = reader["month"].map { integer($0, at: reader.path("month"), range: 0...horizon) } ?? horizon
            let limit = number(limitNode, at: reader.path(bound), range: ValueRange(lower: -.infinity, upper: .infinity))
            let kind: Gate.Kind = if bound.hasPrefix("p") {
                .percentile(metric: metric, month: month, percentile: Int(bound.dropFirst().prefix { $0.isNumber })!,
                            isUpperBound: isUpper, limit: limit)
            } else {
                .value(metric: metric, month: month, isUpperBound: isUpper, limit: limit)
            }
            let gate = Gate(name: "", kind: kind)
            return Gate(name: name ?? gate.summary, kind: kind)
        }
    }
}
