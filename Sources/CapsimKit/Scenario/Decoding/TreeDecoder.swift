import Foundation

/// Reads a ``ConfigNode`` tree by the declarations of ``ScenarioKeys``, collecting every
/// problem as a ``Diagnostic`` instead of stopping at the first: unknown keys (with the
/// nearest known one), missing required keys, wrong types, values out of range, invalid
/// distributions. Numbers become ``Parameter``s with their key paths.
struct TreeDecoder {
    var diagnostics: [Diagnostic] = []
    var parameters = ParameterTable()
    /// Phase names in order, for `phase` values and `phase_at_least` (read before the rest).
    let phaseNames: [String]
    /// Tier names in order, the keys of `users`.
    let tierNames: [String]

    init(phaseNames: [String], tierNames: [String]) {
        self.phaseNames = phaseNames
        self.tierNames = tierNames
    }

    mutating func report(_ location: FileLocation?, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(location: location, keyPath: path, message: message))
    }

    // MARK: - Mappings

    /// Reads `node` (nil: not written) as a mapping of `specs`.
    /// - Parameters:
    ///   - path: the key path of the mapping, name form.
    ///   - alias: the same in index form (entries of named lists by position).
    mutating func mapping(_ node: ConfigNode?, specs: [KeySpec], path: String, alias: String) -> DecodedMapping? {
        var mapping = DecodedMapping(specs: specs, values: [:], keyPath: path, location: node?.location,
                                     keyLocations: [:], valueLocations: [:])
        if let node, !node.isNull {
            guard let entries = node.entries else {
                report(node.location, path, "expected a mapping with keys \(Self.list(specs.map(\.name))), got \(node.kindName)")
                return nil
            }
            let known = specs.map(\.name)
            for entry in entries where !known.contains(entry.key) {
                report(entry.keyLocation, join(path, entry.key), unknownKeyMessage(entry.key, known: known))
            }
            for entry in entries where known.contains(entry.key) {
                mapping.keyLocations[entry.key] = entry.keyLocation
                mapping.valueLocations[entry.key] = entry.value.location
            }
        }
        for spec in specs {
            let valueNode = node?[spec.name].flatMap { $0.isNull ? nil : $0 }
            let keyPath = join(path, spec.name), keyAlias = join(alias, spec.name)
            if let valueNode {
                // A bad value was reported; its default (if any) stands in so that the rest decodes.
                if let value = value(valueNode, spec: spec, path: keyPath, alias: keyAlias)
                    ?? defaultValue(spec, path: keyPath, alias: keyAlias) {
                    mapping.values[spec.name] = value
                }
            } else if case .required = spec.requirement {
                // The mapping's first line is not where the key is missing (in a file that
                // extends another it is the `extends` line): name the place, do not quote it.
                var location = node?.location
                location?.lineText = ""
                report(location, keyPath, "missing required key '\(spec.name)'")
            } else if let value = defaultValue(spec, path: keyPath, alias: keyAlias) {
                mapping.values[spec.name] = value
            }
        }
        return mapping
    }

    func unknownKeyMessage(_ key: String, known: [String]) -> String {
        if let suggestion = Suggestion.nearest(to: key, in: known) {
            return "unknown key '\(key)'; did you mean '\(suggestion)'?"
        }
        return "unknown key '\(key)'; expected one of \(Self.list(known))"
    }

    /// The value an absent key takes: its declared default (a parameter for numbers, so that
    /// it can be set, fitted or shown), an empty list, a section of defaults; nil for none.
    private mutating func defaultValue(_ spec: KeySpec, path: String, alias: String) -> DecodedValue? {
        switch (spec.kind, spec.requirement) {
        case let (.number(quantity), .number(value)), let (.numberOrMapping(quantity, _), .number(value)):
            return .parameter(parameters.add(Parameter(keyPath: path, spec: spec, quantity: quantity, value: value,
                                                       distribution: nil, location: nil), alias: alias))
        case let (_, .integer(value)): return .integer(value)
        case let (_, .text(value)): return .text(value)
        case let (_, .bool(value)): return .bool(value)
        case (.list, _): return .list([])
        case let (.mapping(fields), _):
            // A section that needs a key of its own is absent when not written (no compute
            // catalog); any other is its defaults.
            guard !fields.contains(where: { if case .required = $0.requirement { true } else { false } }) else { return nil }
            return mapping(nil, specs: fields, path: path, alias: alias).map(DecodedValue.mapping)
        case let (.tierMap(quantity, fixed), _):
            return tierMap(nil, quantity: quantity, fixed: fixed, path: path, alias: alias).map(DecodedValue.mapping)
        default: return nil
        }
    }

    // MARK: - Values

    private mutating func value(_ node: ConfigNode, spec: KeySpec, path: String, alias: String) -> DecodedValue? {
        switch spec.kind {
        case let .number(quantity):
            return parameter(node, spec: spec, quantity: quantity, path: path, alias: alias).map(DecodedValue.parameter)
        case let .numberOrMapping(quantity, fields):
            if node.entries != nil, node["dist"] == nil {
                return mapping(node, specs: fields, path: path, alias: alias).map(DecodedValue.mapping)
            }
            return parameter(node, spec: spec, quantity: quantity, path: path, alias: alias).map(DecodedValue.parameter)
        case let .integer(range):
            return integer(node, at: path, range: range).map(DecodedValue.integer)
        case .text:
            return text(node, at: path).map(DecodedValue.text)
        case .bool:
            return bool(node, at: path).map(DecodedValue.bool)
        case let .choice(words):
            guard let word = text(node, at: path) else { return nil }
            guard words.contains(word) else {
                var message = "expected one of \(Self.list(words)), got '\(word)'"
                if let suggestion = Suggestion.nearest(to: word, in: words) { message += "; did you mean '\(suggestion)'?" }
                report(node.location, path, message)
                return nil
            }
            return .text(word)
        case .month:
            guard let text = text(node, at: path) else { return nil }
            guard let month = YearMonth(text) else {
                report(node.location, path, "expected a month as YYYY-MM (e.g. 2025-01), got '\(text)'")
                return nil
            }
            return .month(month)
        case .phase:
            return phaseIndex(node, at: path).map(DecodedValue.phase)
        case let .condition(scope):
            return .condition(condition(node, at: path, scope: scope))
        case let .mapping(fields):
            return mapping(node, specs: fields, path: path, alias: alias).map(DecodedValue.mapping)
        case let .tierMap(quantity, fixed):
            return tierMap(node, quantity: quantity, fixed: fixed, path: path, alias: alias).map(DecodedValue.mapping)
        case let .columnMap(entryKind):
            guard let entries = node.entries else {
                report(node.location, path, "expected a mapping of monthly columns, got \(node.kindName)")
                return nil
            }
            let specs = entries.map { KeySpec($0.key, entryKind, doc: "") }
            return mapping(node, specs: specs, path: path, alias: alias).map(DecodedValue.mapping)
        case let .list(list):
            return self.list(node, spec: list, path: path, alias: alias).map(DecodedValue.list)
        }
    }

    /// `users`: one parameter per tier (default 0) and the fixed keys.
    private mutating func tierMap(_ node: ConfigNode?, quantity: Quantity, fixed: [KeySpec], path: String,
                                  alias: String) -> DecodedMapping? {
        let tierSpecs = tierNames.map { KeySpec($0, .number(quantity), .number(0), doc: "U_i(0) of tier '\($0)'.") }
        return mapping(node, specs: tierSpecs + fixed, path: path, alias: alias)
    }

    /// Reads a list of entries; each entry's key path names it as ``ListSpec/identity`` says.
    private mutating func list(_ node: ConfigNode, spec: ListSpec, path: String, alias: String) -> [DecodedMapping]? {
        guard case let .sequence(items) = node.value else {
            report(node.location, path, "expected a list, got \(node.kindName)")
            return nil
        }
        if items.count < spec.minimumCount {
            report(node.location, path, "at least \(spec.minimumCount) \(spec.minimumCount == 1 ? "entry is" : "entries are") needed")
        }
        var seen: [String: Int] = [:]
        var result: [DecodedMapping] = []
        for (index, item) in items.enumerated() {
            let position = "\(path)[\(index)]", positionAlias = "\(alias)[\(index)]"
            var entryPath = position
            if let identity = identity(of: item, in: spec, at: position) {
                if let first = seen[identity] {
                    report(item.location, position, "duplicate \(spec.identityKey ?? "entry") '\(identity)' (also entry \(first))")
                } else {
                    seen[identity] = index
                    entryPath = "\(path).\(identity)"
                }
            }
            if let entry = mapping(item, specs: spec.entry, path: entryPath, alias: positionAlias) { result.append(entry) }
        }
        return result
    }

    /// The name an entry is known by (its `name`/`role`, or its phase's number), checked to be
    /// usable in a key path; nil for a positional list or when it cannot be read (reported).
    private mutating func identity(of item: ConfigNode, in spec: ListSpec, at path: String) -> String? {
        switch spec.identity {
        case .position: return nil
        case .phase:
            guard let node = item["phase"], !node.isNull else { return nil }
            var silent = TreeDecoder(phaseNames: phaseNames, tierNames: tierNames)
            return silent.phaseIndex(node, at: path).map(String.init)
        case let .key(key):
            guard case let .scalar(raw, _)? = item[key]?.value else { return nil }
            let name = raw.trimmingCharacters(in: .whitespaces)
            if let problem = Self.nameProblem(name) {
                report(item[key]?.location, "\(path).\(key)", problem)
                return nil
            }
            return name
        }
    }

    /// Why `name` cannot name a list entry (it is part of key paths), or nil.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a name cannot be empty" }
        if let bad = name.first(where: { ".[]=".contains($0) }) {
            return "'\(name)' cannot name an entry: '\(bad)' is reserved in key paths (tiers.pro.churn, tiers[1].churn)"
        }
        return nil
    }

    // MARK: - Scalars

    mutating func text(_ node: ConfigNode, at path: String) -> String? {
        guard case let .scalar(text, _) = node.value, !node.isNull else {
            report(node.location, path, "expected text, got \(node.kindName)")
            return nil
        }
        return text
    }

    mutating func bool(_ node: ConfigNode, at path: String) -> Bool? {
        if case let .scalar(text, isPlain) = node.value, isPlain {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        report(node.location, path, "expected true or false, got \(Self.shown(node))")
        return nil
    }

    mutating func integer(_ node: ConfigNode, at path: String, range: ClosedRange<Int>) -> Int? {
        guard case let .scalar(text, isPlain) = node.value, isPlain,
              let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            report(node.location, path, "expected a whole number between \(range.lowerBound) and \(range.upperBound), got \(Self.shown(node))")
            return nil
        }
        guard range.contains(value) else {
            report(node.location, path, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    /// Reads a plain number (or a size) and checks it lies in `range`.
    mutating func number(_ node: ConfigNode, at path: String, range: ValueRange, unit: Quantity.Unit) -> Double? {
        guard let value = scalarNumber(node, at: path, unit: unit) else { return nil }
        guard range.contains(value) else {
            report(node.location, path, "must be \(range), got \(NumberFormat.plain(value))")
            return nil
        }
        return value
    }

    /// Reads a parameter: a number, or (when the quantity allows it) a distribution whose mean
    /// is its deterministic value.
    private mutating func parameter(_ node: ConfigNode, spec: KeySpec, quantity: Quantity, path: String,
                                    alias: String) -> ParameterID? {
        let value: Double
        var distribution: Distribution?
        if node.entries != nil {
            guard quantity.isDistributable else {
                report(node.location, path, "expected a number; '\(spec.name)' does not take a distribution")
                return nil
            }
            guard let drawn = self.distribution(node, at: path, quantity: quantity) else { return nil }
            let mean = drawn.mean
            guard quantity.range.contains(mean) else {
                report(node.location, path, "the distribution's mean \(NumberFormat.readable(mean)) must be \(quantity.range)")
                return nil
            }
            (value, distribution) = (mean, drawn)
        } else {
            guard let number = number(node, at: path, range: quantity.range, unit: quantity.unit) else { return nil }
            value = number
        }
        return parameters.add(Parameter(keyPath: path, spec: spec, quantity: quantity, value: value,
                                        distribution: distribution, location: node.location), alias: alias)
    }

    /// The number a scalar spells, reporting anything else. Sizes take SI or IEC units.
    mutating func scalarNumber(_ node: ConfigNode, at path: String, unit: Quantity.Unit) -> Double? {
        guard case let .scalar(raw, isPlain) = node.value, !node.isNull else {
            report(node.location, path, "expected \(unit.isSize ? "a size such as '2 KB'" : "a number"), got \(node.kindName)")
            return nil
        }
        let text = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        let lowered = text.lowercased()
        if ["nan", ".nan", "inf", ".inf", "-inf", "-.inf", "+inf", "+.inf", "infinity", "-infinity"].contains(lowered) {
            report(node.location, path, "expected a finite number, got \(Self.shown(node))")
            return nil
        }
        if isPlain || unit.isSize, let value = Double(text) {
            guard value.isFinite else {
                report(node.location, path, "expected a finite number, got \(Self.shown(node))")
                return nil
            }
            return value
        }
        if unit.isSize, let bytes = Self.size(text) { return bytes }
        if unit.isSize {
            report(node.location, path, "expected a size such as '2 KB' or '8 GB' (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got \(Self.shown(node))")
        } else if text.hasSuffix("%") {
            report(node.location, path, "write rates as fractions (0.029, not 2.9%), got \(Self.shown(node))")
        } else if text.hasPrefix("$") {
            report(node.location, path, "write money as a plain number of dollars (19, not $19), got \(Self.shown(node))")
        } else if Self.size(text) != nil {
            report(node.location, path, "expected a plain number, not a size, got \(Self.shown(node))")
        } else {
            report(node.location, path, "expected a number, got \(Self.shown(node))")
        }
        return nil
    }

    private static let sizeUnits: [String: Double] = [
        "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
    ]

    /// Parses `2 KB`, `8GB`, `1.5 TiB` into bytes (1 KB = 1000 bytes); nil unless finite.
    static func size(_ text: String) -> Double? {
        let digits = text.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }
        let unitText = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let value = Double(digits), value.isFinite, let factor = sizeUnits[unitText] else { return nil }
        let bytes = value * factor
        return bytes.isFinite ? bytes : nil
    }

    static func shown(_ node: ConfigNode) -> String {
        if case let .scalar(text, _) = node.value { return "'\(text.count > 60 ? String(text.prefix(60)) + "…" : text)'" }
        return node.kindName
    }

    static func list(_ words: [String]) -> String { words.map { "'\($0)'" }.joined(separator: ", ") }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: - Phases and conditions

    /// A phase given by index (0 = first) or by name.
    mutating func phaseIndex(_ node: ConfigNode, at path: String) -> Int? {
        guard case let .scalar(text, _) = node.value, !node.isNull else {
            report(node.location, path, "expected a phase index or name, got \(node.kindName)")
            return nil
        }
        if let index = Int(text) {
            guard phaseNames.indices.contains(index) else {
                report(node.location, path, "there is no phase \(index); phases are numbered 0 to \(phaseNames.count - 1)")
                return nil
            }
            return index
        }
        if let index = phaseNames.firstIndex(of: text) { return index }
        var message = "unknown phase '\(text)'"
        if let suggestion = Suggestion.nearest(to: text, in: phaseNames) { message += "; did you mean '\(suggestion)'?" }
        report(node.location, path, message + " (phases: \(Self.list(phaseNames)))")
        return nil
    }

    /// Reads a `when` mapping: metric thresholds that must all hold.
    mutating func condition(_ node: ConfigNode, at path: String, scope: ConditionScope) -> Condition {
        let known = ConditionMetric.allCases.map(\.rawValue)
        guard let entries = node.entries else {
            report(node.location, path, "expected a mapping of conditions such as {users_at_least: 100}, got \(node.kindName)")
            return .always
        }
        var clauses: [Condition.Clause] = []
        for entry in entries {
            let keyPath = join(path, entry.key)
            guard let metric = ConditionMetric(rawValue: entry.key) else {
                report(entry.keyLocation, keyPath, unknownKeyMessage(entry.key, known: known))
                continue
            }
            guard scope.allows(metric) else {
                let reason = metric == .phaseAtLeast ? "a phase's condition cannot depend on the phase itself"
                    : "cash_at_most is decided after the month's costs: only funding rounds and milestones may test it"
                report(entry.keyLocation, keyPath, reason)
                continue
            }
            let threshold: Double?
            switch metric {
            case .phaseAtLeast: threshold = phaseIndex(entry.value, at: keyPath).map(Double.init)
            case .churnAtMost: threshold = number(entry.value, at: keyPath, range: .rate, unit: .fraction)
            case .dbAtLeast: threshold = number(entry.value, at: keyPath, range: Quantity.size.range, unit: .bytes)
            case .monthAtLeast: threshold = integer(entry.value, at: keyPath, range: 0...1200).map(Double.init)
            case .cashAtMost: threshold = number(entry.value, at: keyPath, range: Quantity.signedMoney.range, unit: .dollars)
            default: threshold = number(entry.value, at: keyPath, range: ValueRange(lower: 0, upper: 1e15), unit: .count)
            }
            if let threshold { clauses.append(.init(metric: metric, threshold: threshold)) }
        }
        return Condition(clauses: clauses)
    }
}

/// Nearest-name suggestions for unknown keys and names.
enum Suggestion {
    /// The candidate closest to `name` by edit distance, if close enough to be a likely typo.
    static func nearest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let limit = max(2, min(name.count, best.0.count) / 3)
        if best.1 <= limit { return best.0 }
        // A key that contains the candidate or is contained by it (`churn_rate` for `churn`).
        guard !name.isEmpty else { return nil }
        return candidates.first { name.contains($0) || $0.contains(name) }
    }

    /// Levenshtein distance (on the first 200 characters: a suggestion for a longer key is moot).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(200)), b = Array(b.prefix(200))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
