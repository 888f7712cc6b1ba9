/// Renders check and diff results for people (table, Markdown) and for CI (JUnit XML).
public enum CheckReport {
    public static func document(_ checks: [ScenarioCheck]) -> ReportDocument {
        let failed = checks.filter(\.isFailure).count
        var document = ReportDocument(
            title: "capsim check: \(failed == 0 ? "passed" : "FAILED")",
            subtitle: "\(checks.count) scenario\(checks.count == 1 ? "" : "s"), \(failed) failed")
        for check in checks {
            var lines: [String] = []
            let changed = check.comparisons.filter { $0.status != .unchanged }
            if let baseline = check.baselinePath {
                let moved = check.movedFigures.count
                lines.append(moved == 0
                    ? "Baseline \(baseline): \(check.comparisons.count) figures, \(changed.isEmpty ? "all unchanged" : "\(changed.count) changed within tolerance")."
                    : "Baseline \(baseline): \(moved) of \(check.comparisons.count) figures moved past their tolerance. If the change is intended, update the baseline: capsim baseline \(check.path) --dir <baseline dir>")
            }
            for gate in check.gates {
                lines.append("Gate \(gate.verdict == .pass ? "passed" : gate.verdict == .fail ? "FAILED" : "INCONCLUSIVE"): \(gate.gate.name): \(gate.detail)")
            }
            let table: ReportDocument.Table? = changed.isEmpty ? nil : .init(
                headers: ["figure", "baseline", "now", "change", "%", "allowed", "status", "result"],
                rows: changed.map { c in
                    [c.name, format(c.baseline, c), format(c.current, c), c.change.map { signed($0, c) } ?? "–",
                     c.relativeChange.map { (($0 >= 0 ? "+" : "") + NumberFormat.percent($0)) } ?? "–", c.allowed, c.status.rawValue,
                     c.isFailure ? "FAIL" : "pass"]
                },
                rightAligned: [1, 2, 3, 4])
            document.sections.append(.init(title: "\(check.path) (\(check.scenarioName)): \(check.isFailure ? "FAILED" : "passed")",
                                           lines: lines, table: table))
        }
        return document
    }

    /// Two figure sets side by side: every figure, both values, the change, and the events that moved.
    public static func diff(_ a: FigureSet, _ b: FigureSet, labels: (String, String)) -> ReportDocument {
        let comparisons = b.compared(with: a, settings: CheckSettings())
        var document = ReportDocument(title: "capsim diff", subtitle: "A: \(labels.0) (\(a.scenario))\nB: \(labels.1) (\(b.scenario))")
        let moved = comparisons.filter {
            $0.kind == .month && $0.baseline != $0.current && $0.status != .added && $0.status != .removed
        }
        document.sections.append(.init(
            title: "Events that moved",
            lines: moved.isEmpty ? ["None: every event happens in the same month."] : [],
            table: moved.isEmpty ? nil : .init(
                headers: ["event", "A", "B", "change (months)"],
                rows: moved.map { [$0.name, format($0.baseline, $0), format($0.current, $0), $0.change.map { signed($0, moved[0]) } ?? "–"] },
                rightAligned: [1, 2, 3])))
        document.sections.append(.init(title: "Figures", table: .init(
            headers: ["figure", "A", "B", "change", "%"],
            rows: comparisons.map { c in
                [c.name, format(c.baseline, c), format(c.current, c), c.change.map { signed($0, c) } ?? "–",
                 c.relativeChange.map { (($0 >= 0 ? "+" : "") + NumberFormat.percent($0)) } ?? "–"]
            },
            rightAligned: [1, 2, 3, 4])))
        return document
    }

    static func format(_ value: Double?, _ comparison: FigureComparison) -> String {
        guard let value else { return comparison.kind == .month ? "not within horizon" : "–" }
        switch comparison.kind {
        case .amount: return comparison.name.contains("_usd") ? NumberFormat.money(value) : NumberFormat.grouped(value)
        case .month: return value == value.rounded() ? String(Int(value)) : NumberFormat.grouped(value, decimals: 1)
        case .probability: return NumberFormat.percent(value)
        }
    }

    static func signed(_ change: Double, _ comparison: FigureComparison) -> String {
        let text = format(abs(change), comparison)
        return (change < 0 ? "-" : "+") + text
    }

    /// JUnit XML: a test suite per scenario, a test case for its baseline and one per gate.
    public static func junit(_ checks: [ScenarioCheck]) -> String {
        var cases: [(suite: String, name: String, failure: String?)] = []
        for check in checks {
            if let baseline = check.baselinePath {
                let moved = check.movedFigures
                cases.append((check.path, "baseline \(baseline)", moved.isEmpty ? nil :
                    "\(moved.count) figure\(moved.count == 1 ? "" : "s") moved past tolerance:\n" + moved.map {
                        "\($0.name): \(format($0.baseline, $0)) → \(format($0.current, $0)) (\($0.status.rawValue); allowed \($0.allowed))"
                    }.joined(separator: "\n")))
            }
            for gate in check.gates {
                cases.append((check.path, "gate: \(gate.gate.name)", gate.isFailure ? "\(gate.verdict.rawValue): \(gate.detail)" : nil))
            }
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = cases.filter { $0.failure != nil }.count
        xml += "<testsuites name=\"capsim check\" tests=\"\(cases.count)\" failures=\"\(failures)\">\n"
        for check in checks {
            let suite = cases.filter { $0.suite == check.path }
            xml += "  <testsuite name=\"\(escape(check.path))\" tests=\"\(suite.count)\" failures=\"\(suite.filter { $0.failure != nil }.count)\">\n"
            for test in suite {
                xml += "    <testcase classname=\"capsim.check\" name=\"\(escape(test.name))\""
                if let failure = test.failure {
                    let firstLine = failure.prefix { $0 != "\n" }
                    xml += ">\n      <failure message=\"\(escape(String(firstLine)))\">\(escape(failure))</failure>\n    </testcase>\n"
                } else {
                    xml += "/>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    static func escape(_ text: String) -> String { XMLText.escape(text) }
}
