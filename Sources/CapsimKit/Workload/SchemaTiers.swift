/// The tiers the migrations know: the values their `tier` columns allow (`profiles.tier`:
/// free, starter, pro, team; `subscriptions.tier`: the paid three) and `usage_quotas` holds.
/// Synthetic data stores a product's own tiers as these.
public enum SchemaTiers {
    public static let free = "free"
    public static let paid = ["starter", "pro", "team"]
    public static let names = [free] + paid

    /// The schema tier of each of the scenario's tiers, in order: its `schema_tier` where given;
    /// else its own name when that is a schema tier of its kind (free for the free tier, a paid
    /// one for a paid tier); else the free tier as free and the other paid tiers, in order, as
    /// the paid schema tiers no tier has taken.
    /// - Throws: when a paid tier is left without a schema tier (more paid tiers than the
    ///   schema's three, none of them mapped explicitly).
    public static func mapping(for scenario: Scenario) throws(SchemaError) -> [String] {
        let tiers = scenario.tiers
        var mapped: [String?] = tiers.indices.map { index in
            let tier = tiers[index]
            if let explicit = tier.schemaTier { return explicit }
            let own = tier.name.lowercased()
            return index == 0 ? free : paid.contains(own) ? own : nil
        }
        var untaken = paid.filter { !mapped.contains($0) }.makeIterator()
        for index in mapped.indices where mapped[index] == nil {
            guard let next = untaken.next() else {
                let location = scenario.parameters[tiers[index].price].location
                throw SchemaError(location: location.map { "\($0.file):\($0.line):\($0.column)" } ?? "",
                                  message: "tiers.\(tiers[index].name): the schema stores paid tiers as \(paid.joined(separator: ", ")), and every one is taken by an earlier tier; give each paid tier `schema_tier:` (two may share one)")
            }
            mapped[index] = next
        }
        return mapped.map { $0! }
    }

    /// The mapping for people: `free → free, basic → starter, max → team`.
    public static func describe(_ mapping: [String], of scenario: Scenario) -> String {
        zip(scenario.tiers, mapping).map { "\($0.name) → \($1)" }.joined(separator: ", ")
    }
}
