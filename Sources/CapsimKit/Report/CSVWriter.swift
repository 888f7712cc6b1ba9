/// RFC 4180 CSV: comma-separated, CRLF line ends, fields quoted when they hold a comma,
/// quote or line break. Numbers use `.` and full precision; an undefined value is an empty cell.
public struct CSVWriter {
    public private(set) var text = ""

    public init() {}

    public mutating func writeRow(_ fields: [String]) {
        text += fields.map(Self.escape).joined(separator: ",")
        text += "\r\n"
    }

    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A numeric cell: round-trip precision, empty when undefined.
    public static func cell(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return NumberFormat.plain(value)
    }
}
