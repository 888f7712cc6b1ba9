/// The position of one parameter in a scenario's ``ParameterTable`` and in every vector of
/// parameter values (the engine reads a run's values by it).
public struct ParameterID: Sendable, Hashable, Comparable {
    public let index: Int

    public static func < (lhs: ParameterID, rhs: ParameterID) -> Bool { lhs.index < rhs.index }
}

/// One numeric value of a scenario: a number the file gives, a declared default, or a
/// distribution (MODEL.md §8).
public struct Parameter: Sendable {
    /// Its name (MODEL.md "Parameter names"): `tiers.pro.churn`, `team.engineer.headcount[1].count`.
    public let keyPath: String
    /// The declaration it was read by.
    public let spec: KeySpec
    public var quantity: Quantity
    /// The deterministic value: the number given, the default, or the distribution's mean.
    public var value: Double
    /// Set when the file gives a distribution: Monte Carlo draws it, sensitivity moves it.
    public var distribution: Distribution?
    /// Where it was written; nil for a default.
    public let location: FileLocation?

    /// Whether Monte Carlo draws it.
    public var isUncertain: Bool { distribution != nil }
}

/// Every parameter of a scenario, in file order (list entries in list order), found by
/// position or by key path.
public struct ParameterTable: Sendable {
    public private(set) var parameters: [Parameter] = []
    private var indexByPath: [String: Int] = [:]
    /// Alternative spellings of key paths (the index form of named entries: `tiers[1].churn`).
    private var aliases: [String: Int] = [:]

    public init() {}

    public var count: Int { parameters.count }

    public subscript(id: ParameterID) -> Parameter {
        get { parameters[id.index] }
        set { parameters[id.index] = newValue }
    }

    /// The deterministic value of every parameter, by ``ParameterID``.
    public var values: [Double] { parameters.map(\.value) }

    /// The parameters given as distributions, in file order.
    public var uncertain: [ParameterID] {
        parameters.indices.filter { parameters[$0].isUncertain }.map(ParameterID.init)
    }

    mutating func add(_ parameter: Parameter, alias: String?) -> ParameterID {
        let id = ParameterID(index: parameters.count)
        parameters.append(parameter)
        indexByPath[parameter.keyPath] = id.index
        if let alias, alias != parameter.keyPath { aliases[alias] = id.index }
        return id
    }

    /// The parameter named `keyPath`: the name form (`tiers.pro.churn`) or the index form
    /// (`tiers[2].churn`, `tiers.2.churn`).
    public func id(of keyPath: String) -> ParameterID? {
        if let index = indexByPath[keyPath] ?? aliases[keyPath] { return ParameterID(index: index) }
        let bracketed = Self.bracketed(keyPath)
        return (indexByPath[bracketed] ?? aliases[bracketed]).map(ParameterID.init)
    }

    /// `a.2.b` written as `a[2].b` (numeric segments are list positions).
    static func bracketed(_ keyPath: String) -> String {
        let segments = keyPath.split(separator: ".", omittingEmptySubsequences: false)
        var result = ""
        for segment in segments {
            if !segment.isEmpty, segment.allSatisfy(\.isNumber), !result.isEmpty {
                result += "[\(segment)]"
            } else {
                result += result.isEmpty ? String(segment) : ".\(segment)"
            }
        }
        return result
    }
}
