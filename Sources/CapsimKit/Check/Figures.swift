import Foundation

/// One figure a baseline records: a monthly amount, an event month or a probability.
public struct Figure: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Dollars or counts; compared with the metric's tolerance.
        case amount
        /// A month index; compared exactly unless `check.event_months` allows more.
        case month
        /// A Monte Carlo probability; compared with `check.probability`.
        case probability
    }

    /// A stable name: `total_cost_usd@m24`, `month:phase:3`, `p95:infra_usd@m12`, `probability:cash_below_floor`.
    public var name: String
    public var kind: Kind
    /// The monthly column an amount comes from (its tolerance's key); empty for other kinds.
    public var metric: String
    /// nil when undefined, or for an event that does not happen within the horizon.
    public var value: Double?

    public init(name: String, kind: Kind, metric: String = "", value: Double?) {
        self.name = name
        self.kind = kind
        self.metric = metric
        self.value = value
    }
}

/// The figures that matter of one scenario (what `capsim baseline` writes and `capsim check` compares).
public struct FigureSet: Sendable {
    public var scenario: String
    public var source: String
    /// Monte Carlo runs and seed behind the `p50:`/`p95:`/`probability:` figures, if any.
    public var monteCarlo: MonteCarloSettings?
    public var figures: [Figure]

    /// Months at which monthly amounts are recorded: 6, 12, 24, 36, 60 within the horizon, and the horizon.
    public static func checkpoints(horizon: Int) -> [Int] {
        Array(Set([6, 12, 24, 36, 60].filter { $0 <= horizon } + [horizon])).sorted()
    }

    /// The monthly amounts recorded at each checkpoint.
    public static let amounts = ["total_cost_usd", "infra_usd", "team_usd", "mrr_usd"]

    public init(scenario: String, source: String, monteCarlo: MonteCarloSettings?, figures: [Figure]) {
        self.scenario = scenario
        self.source = source
        self.monteCarlo = monteCarlo
        self.figures = figures
    }

    /// The figures of a deterministic projection and, if given, of a Monte Carlo result of the same scenario.
    public init(projection: Projection, monteCarlo: MonteCarloResult? = nil) {
        let scenario = projection.scenario
        var figures: [Figure] = []
        let checkpoints = Self.checkpoints(horizon: scenario.horizonMonths)
        for month in checkpoints {
            for name in Self.amounts {
                figures.append(Figure(name: "\(name)@m\(month)", kind: .amount, metric: name,
                                      value: projection.value(column: name, month: month)))
            }
        }
        let funding = projection.funding
        figures.append(Figure(name: "cash_low_point_usd", kind: .amount, metric: "cash_usd", value: funding.cashLowPoint))
        figures.append(Figure(name: "cash_low_point_month", kind: .month, value: Double(funding.cashLowPointMonth)))
        figures.append(Figure(name: "required_raise_usd", kind: .amount, metric: "cash_usd", value: funding.requiredRaise))
        figures.append(Figure(name: "break_even_month", kind: .month, value: funding.breakEvenMonth.map(Double.init)))
        let happened = Dictionary(projection.events.map { ($0.key, $0.month) }, uniquingKeysWith: min)
        for key in projection.catalog.keys {
            figures.append(Figure(name: "month:\(key)", kind: .month, value: happened[key].map(Double.init)))
        }
        if let result = monteCarlo {
            for month in checkpoints {
                for name in Self.amounts {
                    let q = result.seriesIndex(name).flatMap { result.quantiles(month: month, series: $0) }
                    figures.append(Figure(name: "p50:\(name)@m\(month)", kind: .amount, metric: name, value: q?.p50))
                    figures.append(Figure(name: "p95:\(name)@m\(month)", kind: .amount, metric: name, value: q?.p95))
                }
            }
            let low = result.cashLowPointQuantiles()
            figures.append(Figure(name: "p50:cash_low_point_usd", kind: .amount, metric: "cash_usd", value: low?.p50))
            figures.append(Figure(name: "p95:cash_low_point_usd", kind: .amount, metric: "cash_usd", value: low?.p95))
            figures.append(Figure(name: "p90:required_raise_usd", kind: .amount, metric: "cash_usd",
                                  value: result.fundingStatistics().raiseFor90Percent))
            for event in result.eventStatistics() {
                figures.append(Figure(name: "probability:\(event.key)", kind: .probability, value: event.share))
                figures.append(Figure(name: "p50:month:\(event.key)", kind: .month, value: event.month?.p50))
                figures.append(Figure(name: "p95:month:\(event.key)", kind: .month, value: event.month?.p95))
            }
        }
        self.init(scenario: scenario.name, source: scenario.sourcePath,
                  monteCarlo: monteCarlo.map { MonteCarloSettings(runs: $0.runs, seed: $0.options.seed) }, figures: figures)
    }

    public subscript(name: String) -> Figure? { figures.first { $0.name == name } }

    // MARK: JSON

    /// The baseline file: figures in a fixed order, keys sorted.
    public func json() -> JSONValue {
        .object([
            "capsim_baseline": .number(1),
            "scenario": .string(scenario),
            "source": .string(source),
            "monte_carlo": monteCarlo.map { .object(["runs": .number(Double($0.runs)), "seed": .number(Double($0.seed))]) } ?? .null,
            "figures": .array(figures.map { figure in
                .object(["name": .string(figure.name), "kind": .string(figure.kind.rawValue),
                         "metric": .string(figure.metric), "value": .number(figure.value)])
            }),
        ])
    }

    /// Reads a baseline file (`capsim baseline`) or a deterministic result (`capsim run --format json`).
    /// - Throws: ``CheckError`` naming the file and what is wrong with it.
    public static func read(path: String) throws(CheckError) -> FigureSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckError("cannot read '\(path)': no such file")
        }
        // JSONDecoder reads numbers exactly (JSONSerialization on Linux can be off in the last bit).
        guard let document = try? JSONDecoder().decode(ResultDocument.self, from: data) else {
            throw CheckError("'\(path)' is not valid JSON (a corrupt baseline? recreate it with capsim baseline)")
        }
        if let version = document.capsim_baseline {
            guard version == 1 else {
                throw CheckError("'\(path)': unsupported baseline version \(version); recreate it with capsim baseline")
            }
            guard let list = document.figures else {
                throw CheckError("'\(path)': corrupt baseline: 'figures' must be a list of objects")
            }
            var figures: [Figure] = []
            for (index, entry) in list.enumerated() {
                guard let name = entry.name, let kind = entry.kind.flatMap(Figure.Kind.init(rawValue:)) else {
                    throw CheckError("'\(path)': corrupt baseline: figures[\(index)] needs a 'name' and a 'kind' (\(Figure.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                figures.append(Figure(name: name, kind: kind, metric: entry.metric ?? "", value: entry.value))
            }
            return FigureSet(scenario: document.scenario?.name ?? path, source: document.source ?? path,
                             monteCarlo: document.monte_carlo.map { MonteCarloSettings(runs: $0.runs, seed: $0.seed) },
                             figures: figures)
        }
        if let months = document.months, let events = document.events, !months.isEmpty {
            return runResult(months: months, events: events, scenario: document.scenario?.name ?? path, path: path)
        }
        throw CheckError("'\(path)' is neither a capsim baseline nor a capsim run --format json result")
    }

    /// Figures of a `capsim run --format json` result, recomputed from its months and events.
    private static func runResult(months: [[String: JSONScalar]], events: [ResultDocument.Event], scenario: String,
                                  path: String) -> FigureSet {
        let horizon = months.count - 1
        var figures: [Figure] = []
        for month in checkpoints(horizon: horizon) {
            for name in amounts {
                figures.append(Figure(name: "\(name)@m\(month)", kind: .amount, metric: name, value: months[month][name]?.number))
            }
        }
        var low = (month: 0, cash: months[0]["cash_usd"]?.number ?? 0)
        for (month, row) in months.enumerated() {
            if let cash = row["cash_usd"]?.number, cash < low.cash { low = (month, cash) }
        }
        figures.append(Figure(name: "cash_low_point_usd", kind: .amount, metric: "cash_usd", value: low.cash))
        figures.append(Figure(name: "cash_low_point_month", kind: .month, value: Double(low.month)))
        for event in events {
            figures.append(Figure(name: "month:\(event.key)", kind: .month, value: Double(event.month)))
        }
        return FigureSet(scenario: scenario, source: path, monteCarlo: nil, figures: figures)
    }
}

/// The parts of a baseline or run-result JSON file that figures are read from.
private struct ResultDocument: Decodable {
    struct Entry: Decodable {
        var name: String?
        var kind: String?
        var metric: String?
        var value: Double?
    }

    struct Settings: Decodable {
        var runs: Int
        var seed: UInt64
    }

    struct Event: Decodable {
        var key: String
        var month: Int
    }

    /// A baseline stores the scenario's name as text; a run result stores the resolved scenario.
    struct ScenarioName: Decodable {
        var name: String?

        init(from decoder: Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                name = text
            } else {
                name = try? decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
            }
        }

        enum CodingKeys: String, CodingKey { case name }
    }

    var capsim_baseline: Int?
    var scenario: ScenarioName?
    var source: String?
    var monte_carlo: Settings?
    var figures: [Entry]?
    var months: [[String: JSONScalar]]?
    var events: [Event]?
}

/// A JSON number, text or null in a month row.
enum JSONScalar: Decodable {
    case number(Double), text(String), null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else { self = .text(try container.decode(String.self)) }
    }

    var number: Double? {
        if case let .number(value) = self { return value }
        return nil
    }
}

/// A problem with check inputs (a missing or corrupt baseline): exit status 2.
public struct CheckError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension FigureSet {
    /// The figures of `scenario`: its deterministic projection and, when the scenario asks for
    /// Monte Carlo (`monte_carlo:`), the P50/P95 of its runs.
    /// - Throws: ``SimulationError`` when the projection or a run overflows.
    public static func compute(_ scenario: Scenario, threads: Int) throws(SimulationError) -> FigureSet {
        let projection = try Simulator.project(scenario)
        var monteCarlo: MonteCarloResult?
        if let settings = scenario.monteCarlo {
            monteCarlo = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(runs: settings.runs, seed: settings.seed,
                                                                                       threads: threads))
        }
        return FigureSet(projection: projection, monteCarlo: monteCarlo)
    }

    /// The baseline file name of a scenario file: its name with `.json` (`mirai-roadmap.json`).
    public static func baselineFileName(forScenario path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".json"
    }

    /// A message when two different scenario files of `paths` would share one baseline file
    /// (`a/x.yaml` and `b/x.yaml` both `x.json`); nil when every file has its own.
    public static func baselineCollision(among paths: [String]) -> String? {
        var owner: [String: String] = [:]
        for path in paths {
            let file = baselineFileName(forScenario: path)
            let standard = URL(fileURLWithPath: path).standardizedFileURL.path
            if let first = owner[file], URL(fileURLWithPath: first).standardizedFileURL.path != standard {
                return "\(first) and \(path) would share the baseline file \(file); rename one, or give them separate baseline directories"
            }
            owner[file] = path
        }
        return nil
    }
}
