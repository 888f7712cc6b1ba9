import Foundation
import GSLKit

/// One `--fit KEY[=LOW:HIGH]`: a scenario parameter to fit, with optional bounds (model units).
public struct FitRequest: Sendable {
    public var keyPath: String
    public var bounds: (low: Double, high: Double)?

    public init(keyPath: String, bounds: (low: Double, high: Double)? = nil) {
        self.keyPath = keyPath
        self.bounds = bounds
    }

    /// Reads `KEY` or `KEY=LOW:HIGH`.
    public static func parse(_ text: String) throws(CalibrationError) -> FitRequest {
        guard let equals = text.firstIndex(of: "=") else { return FitRequest(keyPath: text) }
        let key = String(text[..<equals])
        let range = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
        guard range.count == 2, let low = Double(range[0]), let high = Double(range[1]), low.isFinite, high.isFinite else {
            throw CalibrationError("--fit \(text): expected KEY or KEY=LOW:HIGH with finite numbers, e.g. conversion_rate=0.01:0.2")
        }
        guard low < high else { throw CalibrationError("--fit \(text): LOW must be less than HIGH") }
        return FitRequest(keyPath: key, bounds: (low, high))
    }
}

/// A fit of scenario parameters to observed months (MODEL.md §12): scaled least squares over
/// columns and months on transformed parameters, by GSL's trust-region solver from three
/// deterministic starts, with standard errors, correlations, R² per column and a back-test.
public struct Calibration: Sendable {
    /// How a fitted parameter x is written as an unconstrained θ (§12 "Transform").
    public enum Transform: Sendable, Hashable {
        /// x = L + (H − L)·logistic(θ).
        case bounded(low: Double, high: Double)
        /// A rate without bounds: x = logistic(θ).
        case rate
        /// A positive value without bounds: x = e^θ.
        case positive
        /// x = θ.
        case identity

        func value(_ theta: Double) -> Double {
            switch self {
            case let .bounded(low, high): low + (high - low) * logistic(theta)
            case .rate: logistic(theta)
            case .positive: exp(theta)
            case .identity: theta
            }
        }

        func theta(_ value: Double) -> Double {
            // Clamped a hair inside the open interval, where θ is finite.
            func logit(_ u: Double) -> Double { let u = min(max(u, 1e-9), 1 - 1e-9); return log(u / (1 - u)) }
            return switch self {
            case let .bounded(low, high): logit((value - low) / (high - low))
            case .rate: logit(value)
            case .positive: log(max(value, 1e-300))
            case .identity: value
            }
        }

        /// dx/dθ at θ.
        func slope(_ theta: Double) -> Double {
            let s = logistic(theta)
            return switch self {
            case let .bounded(low, high): (high - low) * s * (1 - s)
            case .rate: s * (1 - s)
            case .positive: exp(theta)
            case .identity: 1
            }
        }

        var isBounded: Bool { if case .bounded = self { true } else { false } }

        /// Whether x is a logistic of θ (flat for large |θ|).
        var saturates: Bool {
            switch self {
            case .bounded, .rate: true
            case .positive, .identity: false
            }
        }

        private func logistic(_ theta: Double) -> Double { 1 / (1 + exp(-theta)) }
    }

    /// What a fitted parameter's uncertainty is written as: a beta for rates, a lognormal for
    /// positive values, else a normal.
    public enum Kind: String, Sendable { case rate, positive, other }

    public struct FittedParameter: Sendable {
        public var id: ParameterID
        public var keyPath: String
        public var kind: Kind
        public var transform: Transform
        /// The scenario's value (its mean), where the first start begins.
        public var prior: Double
        public var value: Double
        /// nil when undefined (no more observations than parameters, or a singular fit).
        public var standardError: Double?
        /// x(θ ± 1.645·SE(θ)), low to high.
        public var interval: (low: Double, high: Double)?
    }

    public struct ColumnFit: Sendable {
        public var column: String
        public var observations: Int
        /// The mean |actual|: residuals are divided by it.
        public var scale: Double
        /// 1 − SS_res/SS_tot; nil when the actuals are constant.
        public var rSquared: Double?
    }

    public struct BackTestColumn: Sendable {
        public var column: String
        public var observations: Int
        public var rmse: Double
        /// Mean |model − actual| / |actual| over held-out cells with a non-zero actual; nil when none.
        public var meanRelativeError: Double?
    }

    /// The fit on all but the last `heldOut` observed months, judged on those.
    public struct BackTest: Sendable {
        public var heldOutMonths: [Int]
        /// The parameters fitted to the earlier months (nil when too few remain to fit).
        public var values: [Double]?
        public var columns: [BackTestColumn]
        /// Why there is no refit, when there is none.
        public var skipped: String?
    }

    public let scenario: Scenario
    public let actuals: Actuals
    public let parameters: [FittedParameter]
    /// Correlations of the fitted θ; nil when the covariance is undefined.
    public let correlations: [[Double]]?
    public let columns: [ColumnFit]
    /// Σ of squared scaled residuals at the optimum, and how many there are.
    public let sumOfSquares: Double
    public let observations: Int
    public let converged: Bool
    public let backTest: BackTest?
    public let warnings: [String]
    /// Deterministic projections the fit and the back-test took.
    public let projections: Int

    /// Fits `requests` to `actuals`. `holdout`: months the back-test holds out (default a
    /// quarter of the observed months, at least 1; 0 for none).
    /// - Throws: ``CalibrationError`` for a key that cannot be fitted, bad bounds, a column
    ///   whose scale is 0, a bad holdout, or a scenario that does not project.
    public static func fit(_ scenario: Scenario, actuals: Actuals, fitting requests: [FitRequest],
                           holdout: Int? = nil) throws(CalibrationError) -> Calibration {
        guard !requests.isEmpty else { throw CalibrationError("nothing to fit: give --fit KEY at least once") }
        var fitted: [FittedParameter] = []
        for request in requests {
            let parameter = try resolve(request, in: scenario)
            guard !fitted.contains(where: { $0.id == parameter.id }) else {
                throw CalibrationError("--fit \(request.keyPath): given twice")
            }
            fitted.append(parameter)
        }
        let allMonths = Array(Set(actuals.months)).sorted()
        let heldOut = holdout ?? (allMonths.count > 1 ? max(1, allMonths.count / 4) : 0)
        guard heldOut >= 0, heldOut < allMonths.count || heldOut == 0 else {
            throw CalibrationError("--holdout must be between 0 and \(allMonths.count - 1) (one less than the \(allMonths.count) observed months), got \(heldOut)")
        }
        var short = scenario
        short.horizonMonths = max(1, allMonths.last!)
        let problem = Problem(scenario: short, fitted: fitted)
        guard problem.project(thetas: fitted.map { $0.transform.theta($0.prior) }) != nil else {
            throw CalibrationError("the scenario does not project at its own values; check it with capsim run")
        }
        let cells = try observations(actuals, months: Set(allMonths), requireScale: true)
        guard let fit = problem.solve(cells) else {
            throw CalibrationError("the fit could not start: the scenario gives no finite residuals at any start")
        }
        let p = fitted.count, n = cells.count
        let defined = n > p && fit.inverseNormal.allSatisfy(\.isFinite)
        let s2 = n > p ? fit.sumOfSquares / Double(n - p) : .nan
        var warnings: [String] = []
        for index in fitted.indices {
            let theta = fit.position[index]
            fitted[index].value = fitted[index].transform.value(theta)
            let variance = s2 * fit.inverseNormal[index * p + index]
            if defined, variance >= 0 {
                let sdTheta = variance.squareRoot()
                fitted[index].standardError = abs(fitted[index].transform.slope(theta)) * sdTheta
                let ends = [theta - 1.645 * sdTheta, theta + 1.645 * sdTheta].map(fitted[index].transform.value)
                fitted[index].interval = (ends.min()!, ends.max()!)
            }
            if fitted[index].transform.saturates, abs(theta) > Problem.flat {
                warnings.append("\(fitted[index].keyPath): the fit ran to the edge of its range (\(NumberFormat.significant(fitted[index].value))): these data may not identify it; bound it with --fit \(fitted[index].keyPath)=LOW:HIGH")
            }
            if let se = fitted[index].standardError, se > abs(fitted[index].value) {
                warnings.append("\(fitted[index].keyPath): its standard error (\(NumberFormat.significant(se))) exceeds its value (\(NumberFormat.significant(fitted[index].value))): these data hardly identify it")
            }
        }
        var correlations: [[Double]]?
        if defined {
            let matrix = (0..<p).map { i in
                (0..<p).map { j in fit.inverseNormal[i * p + j] / (fit.inverseNormal[i * p + i] * fit.inverseNormal[j * p + j]).squareRoot() }
            }
            if matrix.allSatisfy({ $0.allSatisfy(\.isFinite) }) {
                correlations = matrix
                for i in 0..<p {
                    for j in (i + 1)..<p where abs(matrix[i][j]) > 0.95 {
                        warnings.append("\(fitted[i].keyPath) and \(fitted[j].keyPath) are correlated (ρ = \(NumberFormat.significant(matrix[i][j]))): the data cannot tell them apart")
                    }
                }
            }
        } else {
            warnings.append(n <= p ? "\(n) observations for \(p) parameters: standard errors and correlations are undefined"
                                   : "the fit is singular: standard errors and correlations are undefined")
        }
        if !fit.converged { warnings.append("the fit stopped at its iteration limit before converging") }
        let columnFits = problem.columnFits(cells, thetas: fit.position, actuals: actuals)
        var backTest: BackTest?
        if heldOut > 0 {
            backTest = problem.backTest(actuals: actuals, months: allMonths, heldOut: heldOut)
        }
        return Calibration(scenario: scenario, actuals: actuals, parameters: fitted, correlations: correlations, columns: columnFits,
                           sumOfSquares: fit.sumOfSquares, observations: n, converged: fit.converged, backTest: backTest,
                           warnings: warnings, projections: problem.projections)
    }

    /// The parameter a request names, with its transform; refused with what can be fitted.
    private static func resolve(_ request: FitRequest, in scenario: Scenario) throws(CalibrationError) -> FittedParameter {
        let table = scenario.parameters
        let fittable = table.parameters.filter { $0.quantity.isDistributable && !$0.keyPath.contains("[") }.map(\.keyPath)
        guard let id = table.id(of: request.keyPath) else {
            var message = "--fit \(request.keyPath): no such numeric key in this scenario"
            if let suggestion = Suggestion.nearest(to: request.keyPath, in: fittable) { message += "; did you mean '\(suggestion)'?" }
            throw CalibrationError(message + " (fittable keys: \(fittable.prefix(12).joined(separator: ", "))\(fittable.count > 12 ? ", … (\(fittable.count); see `capsim keys`)" : ""))")
        }
        let parameter = table[id]
        guard parameter.quantity.isDistributable else {
            throw CalibrationError("--fit \(request.keyPath): cannot be fitted (it is a setting, not an uncertain input); fittable keys include \(fittable.prefix(8).joined(separator: ", "))")
        }
        guard !parameter.keyPath.contains("[") else {
            throw CalibrationError("--fit \(request.keyPath): cannot be fitted: it sits in a list matched by position, which a calibrated scenario cannot override by name")
        }
        let range = parameter.quantity.range
        let kind: Kind = parameter.quantity.unit == .fraction && range.lower >= 0 && range.upper <= 1 ? .rate
            : range.lower >= 0 ? .positive : .other
        let transform: Transform
        if let bounds = request.bounds {
            guard range.contains(bounds.low), range.contains(bounds.high) else {
                throw CalibrationError("--fit \(request.keyPath)=\(NumberFormat.plain(bounds.low)):\(NumberFormat.plain(bounds.high)): the bounds must lie within the key's range (\(range))")
            }
            transform = .bounded(low: bounds.low, high: bounds.high)
        } else {
            transform = kind == .rate ? .rate : kind == .positive ? .positive : .identity
        }
        return FittedParameter(id: id, keyPath: parameter.keyPath, kind: kind, transform: transform, prior: parameter.value,
                               value: parameter.value)
    }

    /// One observed cell: a column's value in a month, with its column's scale.
    struct Cell {
        var column: Int
        var slot: Int
        var month: Int
        var actual: Double
        var scale: Double
    }

    /// The observed cells of `months`, each column scaled by its mean |actual| there. A column
    /// whose scale is 0 is refused (`requireScale`) or left out.
    static func observations(_ actuals: Actuals, months: Set<Int>, requireScale: Bool) throws(CalibrationError) -> [Cell] {
        let slots = actuals.slots
        var cells: [Cell] = []
        for (column, name) in actuals.columns.enumerated() {
            let observed = actuals.values.indices.compactMap { row in
                months.contains(actuals.months[row]) ? actuals.values[row][column].map { (actuals.months[row], $0) } : nil
            }
            guard !observed.isEmpty else { continue }
            let scale = observed.map { abs($0.1) }.reduce(0, +) / Double(observed.count)
            guard scale > 0 else {
                if requireScale {
                    throw CalibrationError("\(actuals.path): column '\(name)': every observed value is 0, so it has no scale to weigh residuals by (§12); leave the column out")
                }
                continue
            }
            cells += observed.map { Cell(column: column, slot: slots[column], month: $0.0, actual: $0.1, scale: scale) }
        }
        return cells.sorted { ($0.month, $0.column) < ($1.month, $1.column) }
    }
}

/// The fit's model: projections of the scenario (to the last observed month) with the fitted
/// parameters set from θ, and the solver's starts.
private final class Problem {
    let scenario: Scenario
    let fitted: [Calibration.FittedParameter]
    let base: [Double]
    /// Projections made so far.
    var projections = 0

    init(scenario: Scenario, fitted: [Calibration.FittedParameter]) {
        self.scenario = scenario
        self.fitted = fitted
        base = scenario.parameters.values
    }

    /// §12 "Starts": the scenario's values, then every parameter at L + ¼(H − L), then at
    /// L + ¾(H − L) (unbounded: θ₀ − 1, θ₀ + 1).
    var starts: [[Double]] {
        let first = fitted.map { $0.transform.theta($0.prior) }
        func moved(_ quarter: Double, _ step: Double) -> [Double] {
            zip(fitted, first).map { parameter, theta in
                parameter.transform.isBounded ? log(quarter / (1 - quarter)) : theta + step
            }
        }
        return [first, moved(0.25, -1), moved(0.75, 1)]
    }

    /// The projection with θ set, and each month's phase held at `phases` (nil: found by §7);
    /// nil when it fails (an overflow).
    func project(thetas: [Double], phases: [Int]? = nil) -> Projection? {
        var values = base
        for (parameter, theta) in zip(fitted, thetas) { values[parameter.id.index] = parameter.transform.value(theta) }
        projections += 1
        return try? Simulator.project(scenario, values: values, phases: phases)
    }

    /// The best of the starts' optima (lowest Σr², ties to the earlier start), then polished
    /// with the phase timeline held (``polish(_:cells:)``).
    func solve(_ cells: [Calibration.Cell]) -> NonlinearLeastSquares.Fit? {
        var best: NonlinearLeastSquares.Fit?
        for start in starts {
            if let fit = minimize(cells, from: start, phases: nil), fit.sumOfSquares < best?.sumOfSquares ?? .infinity { best = fit }
        }
        guard var best = best.map({ polish($0, cells: cells) }) else { return nil }
        // A rate the solver ran to 0 or 1 sits where logistic(θ) is flat: its gradient is nearly
        // nothing, and the solver cannot bring it back. Once more, from there with those
        // parameters back at the scenario's values.
        let first = starts[0]
        let saturated = fitted.indices.filter { fitted[$0].transform.saturates && abs(best.position[$0]) > Self.flat }
        if !saturated.isEmpty {
            var start = best.position
            for index in saturated { start[index] = first[index] }
            if let fit = minimize(cells, from: start, phases: nil).map({ polish($0, cells: cells) }), fit.sumOfSquares < best.sumOfSquares {
                best = fit
            }
        }
        return best
    }

    /// |θ| beyond which logistic(θ) is within 0.03% of 0 or 1.
    static let flat = 8.0

    /// The solver from `start`, with each month's phase held at `phases` (nil: found by §7).
    /// The fit's Σr² and residuals are §7's, whatever the phases held.
    func minimize(_ cells: [Calibration.Cell], from start: [Double], phases: [Int]?) -> NonlinearLeastSquares.Fit? {
        let count = max(cells.count, fitted.count)
        let held = { (thetas: [Double], residuals: inout [Double]) in
            self.residuals(cells, thetas: thetas, phases: phases, into: &residuals)
        }
        guard var fit = NonlinearLeastSquares.minimize(start: start, count: count, residuals: held) else { return nil }
        guard let phases else { return fit }
        let free = project(thetas: fit.position)
        if free?.phaseTimeline == phases { return fit }
        // The held optimum lies where §7 enters some phase in another month, so its Σr² is
        // not the held one. When the start keeps the held timeline, Σr² falls along the way
        // to that optimum for as long as the timeline holds: the way's last point inside it
        // (found by bisection) is a candidate too.
        residuals(cells, of: free, into: &fit.residuals)
        fit.sumOfSquares = fit.residuals.reduce(0) { $0 + $1 * $1 }
        guard timeline(at: start) == phases else { return fit }
        let point = { (fraction: Double) in zip(start, fit.position).map { $0 + fraction * ($1 - $0) } }
        var inside = 0.0, outside = 1.0
        for _ in 0..<Self.bisections {
            let middle = (inside + outside) / 2
            if timeline(at: point(middle)) == phases { inside = middle } else { outside = middle }
        }
        var edge = NonlinearLeastSquares.evaluate(at: point(inside), count: count, residuals: held)
        edge.converged = fit.converged
        return edge.sumOfSquares < fit.sumOfSquares ? edge : fit
    }

    /// Halvings of the way to a held optimum outside its timeline: its edge to 1/4096.
    static let bisections = 12

    /// §7's phase of each month with θ set; nil when the projection fails.
    func timeline(at thetas: [Double]) -> [Int]? { project(thetas: thetas)?.phaseTimeline }

    /// A phase's entry month moves in whole months as θ moves, and with it that phase's
    /// marketing spend, so Σr² has steps, and a derivative-based solver stalls at one. Here
    /// the fit is refined with the phase timeline held, where Σr² is smooth: first the
    /// timeline of the fit's θ, then each neighbour of it (one phase entered a month earlier
    /// or later); a refit that lowers §7's Σr² is kept, and the neighbours of its timeline
    /// are tried in turn (at most ``rounds`` times, no timeline twice).
    func polish(_ fit: NonlinearLeastSquares.Fit, cells: [Calibration.Cell]) -> NonlinearLeastSquares.Fit {
        var best = fit
        var tried: Set<[Int]> = []
        for _ in 0..<Self.rounds {
            guard let timeline = timeline(at: best.position) else { break }
            let before = best.sumOfSquares
            tried.insert(timeline)
            for phases in [timeline] + Self.neighbours(of: timeline, phaseCount: scenario.phases.count).filter({ tried.insert($0).inserted }) {
                if let refit = minimize(cells, from: best.position, phases: phases), refit.sumOfSquares < best.sumOfSquares {
                    best = refit
                }
            }
            if !(best.sumOfSquares < before) { break }
        }
        return best
    }

    /// How many times ``polish(_:cells:)`` moves on to a better fit's neighbours.
    static let rounds = 4

    /// The timelines with one phase entered a month earlier or later than in `timeline`
    /// (phase of months 0 … H; a phase entered after H is not entered), entries kept in
    /// phase order, month 0 (the initial state's phase) kept.
    static func neighbours(of timeline: [Int], phaseCount: Int) -> [[Int]] {
        let last = timeline.count - 1
        guard last >= 1, phaseCount > 1 else { return [] }
        // entry[p]: the first month in phase p or later; last + 1 when not entered.
        let entry = (0..<phaseCount).map { p in timeline.firstIndex { $0 >= p } ?? last + 1 }
        var result: [[Int]] = []
        for p in 1..<phaseCount where entry[p] >= 1 && entry[p - 1] <= last {
            for moved in [entry[p] - 1, entry[p] + 1] where moved >= max(1, entry[p - 1]) && moved <= last + 1 {
                if p + 1 < phaseCount, moved > entry[p + 1] { continue }
                var shifted = entry
                shifted[p] = moved
                result.append((0...last).map { t in shifted.lastIndex { $0 <= t } ?? 0 })
            }
        }
        return result
    }

    /// (model − actual)/scale per cell, with the phases held at `phases` (nil: §7); a failed
    /// projection gives large residuals, so the solver steps back. Padding (fewer cells than
    /// parameters) stays 0.
    func residuals(_ cells: [Calibration.Cell], thetas: [Double], phases: [Int]?, into residuals: inout [Double]) {
        self.residuals(cells, of: project(thetas: thetas, phases: phases), into: &residuals)
    }

    /// The residuals of `projection` (nil: failed).
    func residuals(_ cells: [Calibration.Cell], of projection: Projection?, into residuals: inout [Double]) {
        guard let projection else {
            for index in residuals.indices { residuals[index] = 1e6 }
            return
        }
        for (index, cell) in cells.enumerated() {
            let model = projection.row(cell.month)[slot: cell.slot]
            residuals[index] = ((model.isNaN ? 0 : model) - cell.actual) / cell.scale
        }
    }

    func columnFits(_ cells: [Calibration.Cell], thetas: [Double], actuals: Actuals) -> [Calibration.ColumnFit] {
        let projection = project(thetas: thetas)
        return actuals.columns.enumerated().compactMap { column, name in
            let mine = cells.filter { $0.column == column }
            guard let first = mine.first else { return nil }
            let mean = mine.map(\.actual).reduce(0, +) / Double(mine.count)
            let total = mine.map { ($0.actual - mean) * ($0.actual - mean) }.reduce(0, +)
            let residual = mine.map { cell -> Double in
                let model = projection.map { $0.row(cell.month)[slot: cell.slot] } ?? .nan
                return (model - cell.actual) * (model - cell.actual)
            }.reduce(0, +)
            let r2 = total > 0 && residual.isFinite ? 1 - residual / total : nil
            return Calibration.ColumnFit(column: name, observations: mine.count, scale: first.scale, rSquared: r2)
        }
    }

    func backTest(actuals: Actuals, months: [Int], heldOut: Int) -> Calibration.BackTest {
        let held = Array(months.suffix(heldOut))
        let training = Set(months.dropLast(heldOut))
        let trainingCells = (try? Calibration.observations(actuals, months: training, requireScale: false)) ?? []
        guard trainingCells.count > fitted.count else {
            return Calibration.BackTest(heldOutMonths: held, values: nil, columns: [], skipped:
                "\(trainingCells.count) observations remain before the held-out months, not more than the \(fitted.count) parameters")
        }
        guard let fit = solve(trainingCells) else {
            return Calibration.BackTest(heldOutMonths: held, values: nil, columns: [], skipped: "the refit could not start")
        }
        let projection = project(thetas: fit.position)
        let heldSet = Set(held)
        var columns: [Calibration.BackTestColumn] = []
        for (column, name) in actuals.columns.enumerated() {
            let pairs = actuals.values.indices.compactMap { row -> (model: Double, actual: Double)? in
                guard heldSet.contains(actuals.months[row]), let actual = actuals.values[row][column] else { return nil }
                let slot = actuals.slots[column]
                return (projection.map { $0.row(actuals.months[row])[slot: slot] } ?? .nan, actual)
            }
            guard !pairs.isEmpty else { continue }
            let rmse = (pairs.map { ($0.model - $0.actual) * ($0.model - $0.actual) }.reduce(0, +) / Double(pairs.count)).squareRoot()
            let relative = pairs.filter { $0.actual != 0 }.map { abs($0.model - $0.actual) / abs($0.actual) }
            columns.append(Calibration.BackTestColumn(column: name, observations: pairs.count, rmse: rmse,
                                                      meanRelativeError: relative.isEmpty ? nil : relative.reduce(0, +) / Double(relative.count)))
        }
        return Calibration.BackTest(heldOutMonths: held, values: zip(fitted, fit.position).map { $0.transform.value($1) },
                                    columns: columns, skipped: nil)
    }
}
