import Foundation

/// The workload's numbers (MODEL.md §9): how a month's activity becomes busy cores,
/// connections, pooler clients and a working set.
struct WorkloadTerms: Sendable {
    var peakToMean: Double, holdFactor: Double, clientsPerConcurrentUser: Double, hotMonths: Double, engineFactor: Double
    /// Per query: runs per second per unit of its rate (count / seconds of the unit) and the
    /// unit (0 message, 1 active-user day, 2 account-month); ms = a × max(rows(table), 1)^b,
    /// b = 0 and table 0 for a constant.
    var perSecond: [Double]
    var rateUnit: [Int]
    var a: [Double], b: [Double]
    var table: [Int]

    init(_ workload: Workload, values: [Double]) {
        func v(_ id: ParameterID) -> Double { values[id.index] }
        peakToMean = v(workload.peakToMean)
        holdFactor = v(workload.holdFactor)
        clientsPerConcurrentUser = v(workload.clientsPerConcurrentUser)
        hotMonths = v(workload.hotMonths)
        engineFactor = v(workload.engineFactor)
        let monthSeconds = daysPerMonth * 86_400
        perSecond = workload.queries.map { v($0.count) / ($0.per == .activeUserDay ? 86_400 : monthSeconds) }
        rateUnit = workload.queries.map { QueryRate.allCases.firstIndex(of: $0.per)! }
        a = workload.queries.map { if case let .growing(a, _, _) = $0.time { v(a) } else if case let .constant(ms) = $0.time { v(ms) } else { 0 } }
        b = workload.queries.map { if case let .growing(_, b, _) = $0.time { v(b) } else { 0 } }
        table = workload.queries.map { if case let .growing(_, _, table) = $0.time { GrowthTable.allCases.firstIndex(of: table)! } else { 0 } }
    }

    /// busy(t) = peak_to_mean × engine_factor × Σ_q rate_q × ms_q / 1000, cores.
    /// - Parameters:
    ///   - units: messages(t), DAU(t), N(t) (the quantities of ``QueryRate``).
    ///   - rows: rows of chat_messages, analytics_events and accounts (``GrowthTable`` order).
    @inline(__always)
    func busyCores(units: (Double, Double, Double), rows: (Double, Double, Double)) -> Double {
        guard !a.isEmpty else { return 0 }
        var milliseconds = 0.0
        for query in a.indices {
            let unit = rateUnit[query] == 0 ? units.0 : rateUnit[query] == 1 ? units.1 : units.2
            var ms = a[query]
            if b[query] != 0 {
                let count = table[query] == 0 ? rows.0 : table[query] == 1 ? rows.1 : rows.2
                ms *= pow(max(count, 1), b[query])
            }
            milliseconds += perSecond[query] * unit * ms
        }
        return peakToMean * engineFactor * milliseconds / 1000
    }
}

/// A month's demand on the database (MODEL.md §9).
struct CapacityDemand {
    var busy: Double
    var connections: Double
    var clients: Double
    var workingSet: Double
    var dbBytes: Double
}

/// An option of §9: a compute size and its replicas, what it costs, and the bounds it fails.
struct ComputeOption: Equatable {
    var size: Int
    var replicas: Int
    var cost: Double
    /// Bits of the failed ``CapacityBound``s; 0 for a feasible option.
    var failed: Int
    /// Whether no option was feasible (this is the fallback, billed with a breach).
    var isBreach: Bool
}

/// The compute catalog's numbers (MODEL.md §9).
struct ComputeTerms: Sendable {
    var price: [Double], cpu: [Double], ram: [Double], maxConnections: [Double], poolerClients: [Double]
    /// +∞ where a size has no limit.
    var maxDB: [Double]
    var maxReplicas: [Int]
    var isFreePlan: [Bool]
    var credit: Double, utilisation: Double, ramForCache: Double, poolShare: Double, readShare: Double, replicaDiskPerGB: Double
    /// For each size, the least `price − credit` of it and the later sizes of its kind (free
    /// or not), with and without the credit: no option from that size on can cost less.
    var cheapestFrom: [(credited: Double, plain: Double)]

    init(_ catalog: ComputeCatalog, values: [Double]) {
        func v(_ id: ParameterID) -> Double { values[id.index] }
        price = catalog.sizes.map { v($0.price) }
        cpu = catalog.sizes.map { v($0.cpu) }
        ram = catalog.sizes.map { v($0.ram) }
        maxConnections = catalog.sizes.map { v($0.maxConnections) }
        poolerClients = catalog.sizes.map { v($0.poolerClients) }
        maxDB = catalog.sizes.map { $0.maxDB.map(v) ?? .infinity }
        maxReplicas = catalog.sizes.map(\.maxReplicas)
        isFreePlan = catalog.sizes.map(\.isFreePlan)
        credit = v(catalog.credit)
        utilisation = v(catalog.maxCPUUtilisation)
        ramForCache = v(catalog.ramForCache)
        poolShare = v(catalog.poolShare)
        readShare = v(catalog.readShare)
        replicaDiskPerGB = v(catalog.replicaDiskPerGB)
        var from = [(credited: Double, plain: Double)](repeating: (.infinity, .infinity), count: price.count)
        var least: [Bool: (Double, Double)] = [true: (.infinity, .infinity), false: (.infinity, .infinity)]
        for size in price.indices.reversed() {
            let kind = isFreePlan[size]
            let (credited, plain) = least[kind]!
            least[kind] = (min(credited, price[size] - min(credit, price[size])), min(plain, price[size]))
            from[size] = least[kind]!
        }
        cheapestFrom = from
    }

    /// The bounds option (size, R) fails for `demand` (0: feasible), R ≤ max_replicas assumed.
    @inline(__always)
    func failedBounds(size: Int, replicas: Int, demand: CapacityDemand) -> Int {
        var failed = 0
        if !cpuFits(size: size, replicas: replicas, busy: demand.busy) { failed |= CapacityBound.cpu.bit }
        return failed | fixedBounds(size: size, demand: demand)
    }

    /// The bounds that do not depend on replicas: ram, connections, clients, db.
    @inline(__always)
    func fixedBounds(size: Int, demand: CapacityDemand) -> Int {
        var failed = 0
        if !(demand.workingSet <= ramForCache * ram[size]) { failed |= CapacityBound.ram.bit }
        if !(demand.connections <= poolShare * maxConnections[size]) { failed |= CapacityBound.connections.bit }
        if !(demand.clients <= poolerClients[size]) { failed |= CapacityBound.clients.bit }
        if !(demand.dbBytes <= maxDB[size]) { failed |= CapacityBound.db.bit }
        return failed
    }

    /// P = busy(1 − read_share) + busy·read_share/(R + 1) ≤ max_cpu_utilisation × cpu (each
    /// replica's load, busy·read_share/(R + 1), is never above P).
    @inline(__always)
    func cpuFits(size: Int, replicas: Int, busy: Double) -> Bool {
        busy * (1 - readShare) + busy * readShare / Double(replicas + 1) <= utilisation * cpu[size]
    }

    /// The fewest replicas, at least `least`, with which `size` carries `busy`; nil if even
    /// max_replicas cannot.
    @inline(__always)
    func fewestReplicas(size: Int, busy: Double, least: Int) -> Int? {
        let limit = maxReplicas[size]
        guard least <= limit else { return nil }
        if cpuFits(size: size, replicas: least, busy: busy) { return least }
        // R + 1 ≥ busy·read_share / (u·cpu − busy(1 − read_share)), then the exact test decides.
        let room = utilisation * cpu[size] - busy * (1 - readShare)
        guard room > 0, busy * readShare > 0 else { return nil }
        let estimate = (busy * readShare / room).rounded(.up) - 1
        guard estimate.isFinite, estimate <= Double(limit) + 1 else { return nil }
        var replicas = max(least, Int(estimate) - 1)
        while replicas <= limit, !cpuFits(size: size, replicas: replicas, busy: busy) { replicas += 1 }
        return replicas <= limit ? replicas : nil
    }

    /// price × (1 + R) − c + R × 1.25 × db/10⁹ × replica_disk_per_gb, c = min(credit, price)
    /// on a plan without hard limits.
    @inline(__always)
    func cost(size: Int, replicas: Int, dbBytes: Double, credited: Bool) -> Double {
        let r = Double(replicas)
        return price[size] * (1 + r) - (credited ? min(credit, price[size]) : 0) + r * 1.25 * dbBytes / bytesPerGB * replicaDiskPerGB
    }

    /// The option of month t on a plan (hard-limited or not): among feasible options that do
    /// not step back from last month's `previous` (the size not earlier, and at the same size
    /// not fewer replicas), the cheapest; ties (to 10⁻⁹) to fewer replicas, then the earlier
    /// size. When none is feasible: the plan's last size with its max_replicas, a breach.
    func choose(hardLimited: Bool, demand: CapacityDemand, previous: (size: Int, replicas: Int)?) -> ComputeOption {
        var best: ComputeOption?
        let credited = !hardLimited
        for size in (previous?.size ?? 0)..<price.count where isFreePlan[size] == hardLimited {
            if let best, (credited ? cheapestFrom[size].credited : cheapestFrom[size].plain) > best.cost + 1e-9 { break }
            guard fixedBounds(size: size, demand: demand) == 0,
                  let replicas = fewestReplicas(size: size, busy: demand.busy,
                                                least: size == previous?.size ? previous!.replicas : 0) else { continue }
            let cost = self.cost(size: size, replicas: replicas, dbBytes: demand.dbBytes, credited: credited)
            if let current = best {
                let tie = abs(cost - current.cost) <= 1e-9
                guard tie ? replicas < current.replicas : cost < current.cost else { continue }
            }
            best = ComputeOption(size: size, replicas: replicas, cost: cost, failed: 0, isBreach: false)
        }
        if let best { return best }
        let last = price.indices.last { isFreePlan[$0] == hardLimited } ?? price.count - 1
        let replicas = maxReplicas[last]
        return ComputeOption(size: last, replicas: replicas,
                             cost: cost(size: last, replicas: replicas, dbBytes: demand.dbBytes, credited: credited),
                             failed: failedBounds(size: last, replicas: replicas, demand: demand), isBreach: true)
    }
}
