/// The declaration of one scenario key: where it sits, what it holds, its unit, range and
/// default, whether it may be a distribution, and what it means.
///
/// Every key of a scenario file is declared once, in ``ScenarioKeys``. Reading and
/// validation (unknown keys with "did you mean", types, ranges, required keys), `extends`
/// merging by name, `--set`, Monte Carlo draws, sensitivity and calibration (which find a
/// parameter by its key path), the JSON of the resolved scenario and the key reference of
/// docs/model.md all read these declarations.
public struct KeySpec: Sendable {
    /// The YAML key.
    public let name: String
    public let kind: KeyKind
    public let requirement: Requirement
    /// One line for people: what the value means, in the model's words.
    public let doc: String

    public init(_ name: String, _ kind: KeyKind, _ requirement: Requirement = .optional, doc: String) {
        self.name = name
        self.kind = kind
        self.requirement = requirement
        self.doc = doc
    }

    /// Whether a value is needed (and which applies when the key is absent).
    public enum Requirement: Sendable {
        /// The key must be given.
        case required
        /// Absent means "none" (no saturation, no quota, no archive…).
        case optional
        /// Absent means this number (in model units).
        case number(Double)
        /// Absent means this text (a choice's value).
        case text(String)
        /// Absent means this whole number.
        case integer(Int)
        /// Absent means this truth value.
        case bool(Bool)
    }
}

/// What a scenario key holds.
public indirect enum KeyKind: Sendable {
    /// A model parameter: a number in `Quantity`'s unit and range, or a distribution when
    /// `quantity.isDistributable` (MODEL.md §8).
    case number(Quantity)
    /// A number, or the mapping of `fields` (a query's `ms`: a constant or `{a, b, table}`).
    case numberOrMapping(Quantity, [KeySpec])
    /// A whole number in a range (months, counts of replicas, seeds).
    case integer(ClosedRange<Int>)
    case text
    case bool
    /// One of the given words.
    case choice([String])
    /// A calendar month, `YYYY-MM`.
    case month
    /// A phase, by index (0 = first) or by name.
    case phase
    /// A `when:` mapping of condition metrics (MODEL.md §7).
    case condition(ConditionScope)
    /// A mapping of the given keys.
    case mapping([KeySpec])
    /// A mapping whose keys are the names of the scenario's tiers (`users.<tier>`), plus `fixed`.
    case tierMap(Quantity, fixed: [KeySpec])
    /// A mapping whose keys are monthly columns, each holding `entry` (`check.metrics`).
    case columnMap(KeyKind)
    /// A list of mappings of `entry`'s keys, identified as `identity` says.
    case list(ListSpec)
}

extension KeyKind {
    /// The declared kind of `key` inside a value of this kind (nil where undeclared).
    func child(_ key: String) -> KeyKind? {
        switch self {
        case let .mapping(specs), let .numberOrMapping(_, specs): specs.first { $0.name == key }?.kind
        case let .tierMap(quantity, fixed): fixed.first { $0.name == key }?.kind ?? .number(quantity)
        case let .columnMap(entry): entry
        default: nil
        }
    }
}

/// How the entries of a list are told apart: by a key's value (merged by it under
/// `extends`, named by it in key paths) or by their position.
public struct ListSpec: Sendable {
    public enum Identity: Sendable, Equatable {
        /// By the text of this key (`name`, or `role` for team roles).
        case key(String)
        /// By the phase the entry is for (`marketing`): its `phase` key, a name or an index.
        case phase
        /// By position: key paths use `[i]`, and `extends` replaces the list whole.
        case position
    }

    public let identity: Identity
    public let entry: [KeySpec]
    /// At least this many entries.
    public let minimumCount: Int
    /// Whether `remove: true` may drop an entry under `extends` (not for phases, whose
    /// positions are their numbers).
    public let isRemovable: Bool

    public init(identity: Identity, entry: [KeySpec], minimumCount: Int = 0, isRemovable: Bool = true) {
        self.identity = identity
        self.entry = entry
        self.minimumCount = minimumCount
        self.isRemovable = isRemovable && identity != .position
    }

    /// The key whose value names an entry, if the list is named.
    public var identityKey: String? {
        switch identity {
        case let .key(key): key
        case .phase: "phase"
        case .position: nil
        }
    }
}

/// Which condition metrics a `when` may test.
public enum ConditionScope: Sendable {
    /// Phases: decided on the month's stocks, before its phase and costs are known (no
    /// `phase_at_least`, no `cash_at_most`).
    case phase
    /// Services, headcount steps, compliance: decided with the month's phase, before its costs
    /// (no `cash_at_most`).
    case cost
    /// Milestones and funding rounds: decided after the month's costs (every metric).
    case afterCosts

    public func allows(_ metric: ConditionMetric) -> Bool {
        switch self {
        case .phase: metric != .phaseAtLeast && metric != .cashAtMost
        case .cost: metric != .cashAtMost
        case .afterCosts: true
        }
    }
}

/// A number's unit and valid range: what it is read in, how it is shown, and where Monte
/// Carlo draws are clamped.
public struct Quantity: Sendable, Hashable {
    public let unit: Unit
    public let range: ValueRange
    /// Whether the value may be given as a distribution.
    public let isDistributable: Bool

    public init(_ unit: Unit, _ range: ValueRange, distributable: Bool = true) {
        self.unit = unit
        self.range = range
        isDistributable = distributable
    }

    public enum Unit: String, Sendable, Hashable {
        /// US dollars.
        case dollars
        /// A fraction, usually per month (0.05 is 5%).
        case fraction
        /// People, accounts, messages, events, rows.
        case count
        /// Bytes; written as a plain number or with a unit (`2 KB`, `8 GiB`).
        case bytes
        /// Cores of CPU.
        case cores
        /// Milliseconds.
        case milliseconds
        /// A plain multiplier or exponent.
        case factor
        /// Months.
        case months

        /// Whether a value may be written with a size unit.
        public var isSize: Bool { self == .bytes }

        /// For the key reference.
        public var label: String {
            switch self {
            case .dollars: "dollars"
            case .fraction: "fraction"
            case .count: "count"
            case .bytes: "size"
            case .cores: "cores"
            case .milliseconds: "ms"
            case .factor: "number"
            case .months: "months"
            }
        }
    }

    // Ranges: every value has a finite bound, so that no valid input overflows a month's
    // arithmetic (an exponential growth over many months is caught by the engine's own check).
    /// A rate or share: [0, 1].
    public static let rate = Quantity(.fraction, .rate)
    /// A rate or share that is structure, not an input: no distribution.
    public static let fixedRate = Quantity(.fraction, .rate, distributable: false)
    /// A price or cost per month: [0, 10¹²] dollars.
    public static let money = Quantity(.dollars, ValueRange(lower: 0, upper: 1e12))
    /// Cash, which may be negative: [−10¹², 10¹²] dollars.
    public static let signedMoney = Quantity(.dollars, ValueRange(lower: -1e12, upper: 1e12))
    /// A price per unit (per user, per GB, per message): [0, 10⁶] dollars.
    public static let unitPrice = Quantity(.dollars, ValueRange(lower: 0, upper: 1e6))
    /// A count of people or accounts: [0, 10¹⁰].
    public static let people = Quantity(.count, ValueRange(lower: 0, upper: 1e10))
    /// A count per user or per message (messages per day, events per message): [0, 10⁶].
    public static let perUnit = Quantity(.count, ValueRange(lower: 0, upper: 1e6))
    /// A size: [0, 10¹⁸] bytes (an exabyte).
    public static let size = Quantity(.bytes, ValueRange(lower: 0, upper: 1e18))
    /// A size per account or per message: [0, 10¹²] bytes.
    public static let unitSize = Quantity(.bytes, ValueRange(lower: 0, upper: 1e12))
    /// A multiplier: [0, 10⁶].
    public static let factor = Quantity(.factor, ValueRange(lower: 0, upper: 1e6))
}

/// The range a parameter's values must lie in; Monte Carlo draws are clamped to it.
public struct ValueRange: Sendable, Hashable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double
    /// Whether `lower` itself is excluded (a CPU of 0 cores, a utilisation of 0).
    public var excludesLower: Bool

    public init(lower: Double, upper: Double, excludesLower: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.excludesLower = excludesLower
    }

    /// A rate or share: [0, 1].
    public static let rate = ValueRange(lower: 0, upper: 1)

    public func contains(_ value: Double) -> Bool {
        (excludesLower ? value > lower : value >= lower) && value <= upper
    }

    /// `value` moved into the range (NaN to the lower bound; an excluded lower bound to the
    /// next representable value above it).
    public func clamp(_ value: Double) -> Double {
        guard value == value else { return excludesLower ? lower.nextUp : lower }
        let low = excludesLower ? lower.nextUp : lower
        return Swift.min(Swift.max(value, low), upper)
    }

    public var description: String {
        let low = NumberFormat.plain(lower), high = NumberFormat.plain(upper)
        return excludesLower ? "greater than \(low) and at most \(high)" : "between \(low) and \(high)"
    }
}
