/// The outcome of `capsim check` for one scenario.
public struct ScenarioCheck: Sendable {
    /// The scenario file.
    public var path: String
    public var scenarioName: String
    /// The baseline file compared with, if any.
    public var baselinePath: String?
    public var comparisons: [FigureComparison]
    public var gates: [GateResult]

    public init(path: String, scenarioName: String, baselinePath: String?, comparisons: [FigureComparison], gates: [GateResult]) {
        self.path = path
        self.scenarioName = scenarioName
        self.baselinePath = baselinePath
        self.comparisons = comparisons
        self.gates = gates
    }

    public var movedFigures: [FigureComparison] { comparisons.filter(\.isFailure) }
    public var failedGates: [GateResult] { gates.filter(\.isFailure) }
    public var isFailure: Bool { !movedFigures.isEmpty || !failedGates.isEmpty }
}

extension ScenarioCheck {
    /// Checks one scenario against its baseline (if any) and its gates, simulating it once: one
    /// projection, and at most one Monte Carlo, shared by the baseline's figures and the gates'
    /// first look (a gate still inconclusive then adds runs).
    /// - Throws: ``SimulationError`` when the projection or a run overflows.
    public static func evaluate(path: String, scenario: Scenario, baseline: FigureSet?, baselinePath: String?,
                                threads: Int) throws(SimulationError) -> ScenarioCheck {
        let projection = try Simulator.project(scenario)
        let figuresNeedRuns = baseline != nil && scenario.monteCarlo != nil
        var monteCarlo: MonteCarloResult?
        if figuresNeedRuns || scenario.gates.contains(where: \.needsMonteCarlo) {
            let settings = scenario.monteCarloOrDefault
            monteCarlo = try MonteCarlo.simulate(scenario, options: MonteCarloOptions(
                runs: settings.runs, seed: settings.seed, threads: threads, probes: GateEvaluation.probes(of: scenario)))
        }
        let comparisons = baseline.map { baseline in
            FigureSet(projection: projection, monteCarlo: figuresNeedRuns ? monteCarlo : nil).compared(with: baseline, settings: scenario.check)
        } ?? []
        let gates = try GateEvaluation.evaluate(scenario, projection: projection, threads: threads, firstLook: monteCarlo)
        return ScenarioCheck(path: path, scenarioName: scenario.name, baselinePath: baselinePath, comparisons: comparisons, gates: gates)
    }
}
