/// A scenario file as its declarations read it: every declared key with its value (given,
/// or the default), numbers as parameters. The typed ``Scenario`` is built from it, and the
/// resolved scenario's JSON is written from it.
public indirect enum DecodedValue: Sendable {
    case parameter(ParameterID)
    case integer(Int)
    case text(String)
    case bool(Bool)
    case month(YearMonth)
    /// A phase index.
    case phase(Int)
    case condition(Condition)
    case mapping(DecodedMapping)
    case list([DecodedMapping])
}

/// One mapping of the scenario with its declaration.
public struct DecodedMapping: Sendable {
    /// The declared keys, in declaration order (for a tier map, the tiers' names then the fixed keys).
    public let specs: [KeySpec]
    /// Values by key: those given and the declared defaults; absent optional keys are missing.
    public var values: [String: DecodedValue]
    /// Its key path (name form): `tiers.pro`, `infrastructure.supabase`.
    public let keyPath: String
    /// Where the mapping starts (nil when it was not written: a section of defaults).
    public let location: FileLocation?
    /// Where each given key was written.
    public var keyLocations: [String: FileLocation]
    /// Where each given value was written.
    public var valueLocations: [String: FileLocation]

    public subscript(key: String) -> DecodedValue? { values[key] }

    func path(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

    /// Whether `key` was written in the file (not a default).
    func isGiven(_ key: String) -> Bool { keyLocations[key] != nil }

    // Typed reads. The builder reads only declared keys of the declared kind; anything else is
    // a programming error, caught by the tests of every scenario shape.

    func parameter(_ key: String) -> ParameterID? {
        if case let .parameter(id)? = values[key] { return id }
        return nil
    }

    func text(_ key: String) -> String? {
        if case let .text(text)? = values[key] { return text }
        return nil
    }

    func integer(_ key: String) -> Int? {
        if case let .integer(value)? = values[key] { return value }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        if case let .bool(value)? = values[key] { return value }
        return nil
    }

    func condition(_ key: String) -> Condition {
        if case let .condition(value)? = values[key] { return value }
        return .always
    }

    func mapping(_ key: String) -> DecodedMapping? {
        if case let .mapping(value)? = values[key] { return value }
        return nil
    }

    func list(_ key: String) -> [DecodedMapping] {
        if case let .list(items)? = values[key] { return items }
        return []
    }
}
