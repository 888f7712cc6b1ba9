import Foundation

extension Calibration {
    /// The distribution a fitted value is written as (§12 "Output"), as YAML flow text, and
    /// whether its sd was capped; a plain number when the standard error is undefined or 0.
    func distributionText(_ parameter: FittedParameter) -> (text: String, capped: Bool) {
        let x = parameter.value
        guard let se = parameter.standardError, se > 0 else { return (Self.number(x), false) }
        switch parameter.kind {
        case .rate where x > 0 && x < 1:
            let cap = 0.9 * (x * (1 - x)).squareRoot()
            return ("{dist: beta, mean: \(Self.number(x)), sd: \(Self.number(min(se, cap)))}", se > cap)
        case .positive where x > 0:
            let ratio = 1 + (se / x) * (se / x)
            return ("{dist: lognormal, median: \(Self.number(x / ratio.squareRoot())), sigma: \(Self.number(log(ratio).squareRoot()))}", false)
        case .other:
            return ("{dist: normal, mean: \(Self.number(x)), sd: \(Self.number(se))}", false)
        default:
            return (Self.number(x), false)
        }
    }

    /// A scenario that `extends` the calibrated one (`extendsPath`, as the output file should
    /// name it) and sets each fitted parameter to its distribution, under a comment block
    /// saying what was fitted, to which data and when (`date`).
    public func scenarioYAML(extending extendsPath: String, date: String) -> String {
        let months = Array(Set(actuals.months)).sorted()
        var lines = [
            "# Calibrated by capsim calibrate on \(date) (MODEL.md §12).",
            "# Data: \(actuals.path): \(months.count) observed months (\(scenario.start.adding(months: months.first!)) to \(scenario.start.adding(months: months.last!))), columns \(actuals.columns.joined(separator: ", ")); \(observations) observations.",
            "# Fitted (value, standard error, 90% interval):",
        ]
        for parameter in parameters {
            let se = parameter.standardError.map(NumberFormat.significant) ?? "undefined"
            let interval = parameter.interval.map { "\(NumberFormat.significant($0.low)) to \(NumberFormat.significant($0.high))" } ?? "undefined"
            lines.append("#   \(parameter.keyPath) = \(NumberFormat.significant(parameter.value)) (SE \(se); 90% \(interval); was \(NumberFormat.significant(parameter.prior)))")
        }
        lines.append("# Each is a distribution of that mean and standard error: beta for rates, lognormal for positive values.")
        for warning in warnings { lines.append("# Warning: \(warning)") }
        lines.append("extends: \(YAMLOverride.quoted(extendsPath))")
        let root = YAMLOverride()
        for parameter in parameters {
            let (text, capped) = distributionText(parameter)
            root.set(parameter.keyPath, to: text + (capped ? "   # sd capped at 0.9·√(x(1−x))" : ""))
        }
        lines += root.lines(kind: .mapping(ScenarioKeys.root), indent: "")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Shortest text that reads back as the same double.
    static func number(_ value: Double) -> String { "\(value)" }

    // MARK: Reports

    public func summary() -> ReportDocument {
        var document = ReportDocument(
            title: "capsim calibrate: \(scenario.name)",
            subtitle: "\(parameters.count) parameter\(parameters.count == 1 ? "" : "s") fitted to \(observations) observations of \(actuals.path) (\(projections) projections)")
        document.sections.append(.init(
            title: "Fitted parameters",
            lines: ["Σ of squared scaled residuals: \(NumberFormat.significant(sumOfSquares))\(converged ? "" : " (not converged)")."],
            table: .init(headers: ["parameter", "scenario", "fitted", "std. error", "90% low", "90% high"],
                         rows: parameters.map { parameter in
                             [parameter.keyPath, NumberFormat.significant(parameter.prior), NumberFormat.significant(parameter.value),
                              parameter.standardError.map(NumberFormat.significant) ?? "–",
                              parameter.interval.map { NumberFormat.significant($0.low) } ?? "–",
                              parameter.interval.map { NumberFormat.significant($0.high) } ?? "–"]
                         }, rightAligned: [1, 2, 3, 4, 5])))
        if let correlations, parameters.count > 1 {
            document.sections.append(.init(title: "Correlations of the fitted parameters", table: .init(
                headers: [""] + parameters.indices.map { "\($0 + 1)" },
                rows: parameters.indices.map { i in
                    ["\(i + 1) \(parameters[i].keyPath)"] + correlations[i].map { NumberFormat.grouped($0, decimals: 2) }
                }, rightAligned: Set(1...parameters.count))))
        }
        document.sections.append(.init(title: "Fit per column", table: .init(
            headers: ["column", "observations", "scale", "R²"],
            rows: columns.map { [$0.column, "\($0.observations)", NumberFormat.significant($0.scale), $0.rSquared.map { NumberFormat.grouped($0, decimals: 3) } ?? "–"] },
            rightAligned: [1, 2, 3])))
        if let backTest {
            let held = backTest.heldOutMonths
            let title = "Back-test: fit on the months before \(scenario.start.adding(months: held.first!)), judged on the last \(held.count)"
            if let skipped = backTest.skipped {
                document.sections.append(.init(title: title, lines: ["No refit: \(skipped)."]))
            } else {
                var lines: [String] = []
                if let values = backTest.values {
                    lines.append("Refitted: " + zip(parameters, values).map { "\($0.keyPath) = \(NumberFormat.significant($1))" }.joined(separator: ", ") + ".")
                }
                document.sections.append(.init(title: title, lines: lines, table: .init(
                    headers: ["column", "held-out", "RMSE", "mean |error| / actual"],
                    rows: backTest.columns.map { [$0.column, "\($0.observations)", NumberFormat.significant($0.rmse), NumberFormat.percent($0.meanRelativeError)] },
                    rightAligned: [1, 2, 3])))
            }
        }
        if !warnings.isEmpty { document.sections.append(.init(title: "Warnings", lines: warnings)) }
        return document
    }

    public func json() -> JSONValue {
        .object([
            "scenario": .string(scenario.name),
            "source": .string(scenario.sourcePath),
            "actuals": .string(actuals.path),
            "observations": .number(Double(observations)),
            "sum_of_squares": .number(sumOfSquares),
            "converged": .bool(converged),
            "projections": .number(Double(projections)),
            "parameters": .array(parameters.map { parameter in
                .object([
                    "parameter": .string(parameter.keyPath), "scenario_value": .number(parameter.prior),
                    "value": .number(parameter.value), "standard_error": .number(parameter.standardError),
                    "interval_90": parameter.interval.map { .array([.number($0.low), .number($0.high)]) } ?? .null,
                ])
            }),
            "correlations": correlations.map { .array($0.map { .array($0.map { .number($0) }) }) } ?? .null,
            "columns": .array(columns.map {
                .object(["column": .string($0.column), "observations": .number(Double($0.observations)),
                         "scale": .number($0.scale), "r_squared": .number($0.rSquared)])
            }),
            "back_test": backTest.map { test in
                .object([
                    "held_out_months": .array(test.heldOutMonths.map { .string(scenario.start.adding(months: $0).description) }),
                    "values": test.values.map { .array($0.map { .number($0) }) } ?? .null,
                    "skipped": test.skipped.map(JSONValue.string) ?? .null,
                    "columns": .array(test.columns.map {
                        .object(["column": .string($0.column), "observations": .number(Double($0.observations)),
                                 "rmse": .number($0.rmse), "mean_relative_error": .number($0.meanRelativeError)])
                    }),
                ])
            } ?? .null,
            "warnings": .array(warnings.map(JSONValue.string)),
        ])
    }
}
