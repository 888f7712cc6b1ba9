/// One value per tier (accounts, churn rates, prices), stored inline so that a month's
/// row is copied without touching the heap: Monte Carlo copies millions of them.
public struct TierValues: Sendable, RandomAccessCollection, MutableCollection, Hashable, CustomStringConvertible {
    /// The most tiers a scenario may have.
    public static let capacity = 8

    private var storage: InlineArray<8, Double>
    public let count: Int

    public init(repeating value: Double, count: Int) {
        precondition(count <= Self.capacity, "at most \(Self.capacity) tiers")
        storage = InlineArray(repeating: value)
        self.count = count
    }

    public init(_ values: [Double]) {
        self.init(repeating: 0, count: values.count)
        for (index, value) in values.enumerated() { storage[index] = value }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// (Read through `span`: `InlineArray`'s own subscript copies the whole array to the
    /// stack for each read in a loop, in Swift 6.3.)
    @inline(__always)
    public subscript(index: Int) -> Double {
        get { storage.span[index] }
        set { storage[index] = newValue }
    }

    /// The sum of all values.
    public var sum: Double {
        var total = 0.0
        for index in 0..<count { total += storage[index] }
        return total
    }

    public static func == (lhs: TierValues, rhs: TierValues) -> Bool {
        lhs.count == rhs.count && lhs.indices.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for value in self { hasher.combine(value) }
    }

    public var description: String { "\(Array(self))" }
}
