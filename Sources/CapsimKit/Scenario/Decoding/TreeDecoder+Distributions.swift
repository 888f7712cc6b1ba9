import Foundation

extension TreeDecoder {
    /// The keys each distribution form takes (MODEL.md §8).
    static let distributionKeys: [String: [String]] = [
        "normal": ["mean", "sd"],
        "lognormal": ["p10", "p90", "median", "sigma"],
        "beta": ["mean", "sd"],
        "uniform": ["min", "max"],
        "triangular": ["min", "mode", "max"],
        "pert": ["min", "mode", "max"],
    ]

    /// Reads `{dist: ..., ...}` and checks that its parameters define a distribution
    /// whose values can lie in `range`.
    mutating func distribution(_ node: ConfigNode, at path: String, quantity: Quantity) -> Distribution? {
        let range = quantity.range, unit = quantity.unit
        let kinds = Self.distributionKeys.keys.sorted()
        guard let kindNode = node["dist"] else {
            report(node.location, path, "expected a number or a distribution {dist: \(kinds.joined(separator: "|")), ...}; the mapping has no 'dist'")
            return nil
        }
        guard let kind = text(kindNode, at: "\(path).dist") else { return nil }
        guard let keys = Self.distributionKeys[kind] else {
            var message = "unknown distribution '\(kind)'"
            if let suggestion = Suggestion.nearest(to: kind, in: kinds) { message += "; did you mean '\(suggestion)'?" }
            report(kindNode.location, "\(path).dist", message + " (one of \(kinds.joined(separator: ", ")))")
            return nil
        }
        let known = ["dist"] + keys
        for entry in node.entries ?? [] where !known.contains(entry.key) {
            report(entry.keyLocation, join(path, entry.key), unknownKeyMessage(entry.key, known: known) + " (a \(kind) distribution)")
        }
        let errorsBefore = diagnostics.count
        func given(_ key: String) -> ConfigNode? { node[key].flatMap { $0.isNull ? nil : $0 } }
        func value(_ key: String) -> Double? {
            guard let valueNode = given(key) else { return nil }
            return scalarNumber(valueNode, at: join(path, key), unit: unit)
        }
        func require(_ keys: [String]) -> [Double]? {
            var values: [Double] = []
            for key in keys {
                if let v = value(key) { values.append(v) } else if given(key) == nil {
                    report(node.location, join(path, key), "a \(kind) distribution needs '\(key)'")
                }
            }
            return values.count == keys.count ? values : nil
        }
        func invalid(_ message: String) -> Distribution? {
            report(node.location, path, "invalid \(kind) distribution: \(message)")
            return nil
        }

        let result: Distribution?
        switch kind {
        case "normal":
            guard let v = require(["mean", "sd"]) else { return nil }
            result = v[1] > 0 ? .normal(mean: v[0], sd: v[1]) : invalid("sd must be greater than 0, got \(NumberFormat.plain(v[1]))")
        case "lognormal":
            if given("p10") != nil || given("p90") != nil {
                if given("median") != nil || given("sigma") != nil {
                    return invalid("give either p10 and p90, or median and sigma, not both")
                }
                guard let v = require(["p10", "p90"]) else { return nil }
                if v[0] <= 0 { result = invalid("p10 must be greater than 0, got \(NumberFormat.plain(v[0]))") }
                else if v[0] >= v[1] { result = invalid("p10 (\(NumberFormat.plain(v[0]))) must be less than p90 (\(NumberFormat.plain(v[1])))") }
                else { result = .lognormal(p10: v[0], p90: v[1]) }
            } else {
                guard let v = require(["median", "sigma"]) else { return nil }
                if v[0] <= 0 { result = invalid("median must be greater than 0, got \(NumberFormat.plain(v[0]))") }
                else if v[1] <= 0 { result = invalid("sigma must be greater than 0, got \(NumberFormat.plain(v[1]))") }
                else { result = .lognormal(mu: log(v[0]), sigma: v[1]) }
            }
        case "beta":
            guard let v = require(["mean", "sd"]) else { return nil }
            if range.lower < 0 || range.upper > 1 {
                result = invalid("a beta distribution lies in [0, 1]; use it for rates only")
            } else if v[1] <= 0 {
                result = invalid("sd must be greater than 0, got \(NumberFormat.plain(v[1]))")
            } else if let beta = Distribution.beta(mean: v[0], sd: v[1]) {
                result = beta
            } else {
                result = invalid("no beta has mean \(NumberFormat.plain(v[0])) and sd \(NumberFormat.plain(v[1])) (needs 0 < mean < 1 and sd² < mean·(1 − mean))")
            }
        case "uniform":
            guard let v = require(["min", "max"]) else { return nil }
            result = v[0] < v[1] ? .uniform(min: v[0], max: v[1])
                : invalid("min (\(NumberFormat.plain(v[0]))) must be less than max (\(NumberFormat.plain(v[1])))")
        default: // triangular, pert
            guard let v = require(["min", "mode", "max"]) else { return nil }
            if !(v[0] < v[2]) {
                result = invalid("min (\(NumberFormat.plain(v[0]))) must be less than max (\(NumberFormat.plain(v[2])))")
            } else if !(v[0] <= v[1] && v[1] <= v[2]) {
                result = invalid("mode (\(NumberFormat.plain(v[1]))) must lie between min and max")
            } else {
                result = kind == "pert" ? .pert(min: v[0], mode: v[1], max: v[2])
                    : .triangular(min: v[0], mode: v[1], max: v[2])
            }
        }
        return diagnostics.count == errorsBefore ? result : nil
    }
}
