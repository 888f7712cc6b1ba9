/// A report for people: a title and sections of text lines and tables, rendered as an
/// aligned plain-text table or as Markdown (for pull-request comments and wikis).
public struct ReportDocument: Sendable {
    public struct Table: Sendable {
        public var headers: [String]
        public var rows: [[String]]
        /// Right-aligned columns (numbers).
        public var rightAligned: Set<Int>

        public init(headers: [String], rows: [[String]], rightAligned: Set<Int> = []) {
            self.headers = headers
            self.rows = rows
            self.rightAligned = rightAligned
        }
    }

    public struct Section: Sendable {
        public var title: String
        public var lines: [String]
        public var table: Table?

        public init(title: String, lines: [String] = [], table: Table? = nil) {
            self.title = title
            self.lines = lines
            self.table = table
        }
    }

    public var title: String
    public var subtitle: String
    public var sections: [Section]

    public init(title: String, subtitle: String = "", sections: [Section] = []) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// Plain text with aligned columns, for a terminal.
    public func plainText() -> String {
        var output = title + "\n"
        if !subtitle.isEmpty { output += subtitle + "\n" }
        for section in sections {
            output += "\n" + section.title + "\n" + String(repeating: "-", count: section.title.count) + "\n"
            for line in section.lines { output += line + "\n" }
            if let table = section.table { output += Self.aligned(table) }
        }
        return output
    }

    /// GitHub-flavoured Markdown.
    public func markdown() -> String {
        var output = "# \(title)\n"
        if !subtitle.isEmpty { output += "\n\(subtitle)\n" }
        for section in sections {
            output += "\n## \(section.title)\n\n"
            for line in section.lines { output += line + "\n" }
            if !section.lines.isEmpty, section.table != nil { output += "\n" }
            if let table = section.table {
                func row(_ cells: [String]) -> String {
                    "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
                }
                output += row(table.headers)
                output += "|" + table.headers.indices.map { table.rightAligned.contains($0) ? " ---: " : " --- " }
                    .joined(separator: "|") + "|\n"
                for cells in table.rows { output += row(cells) }
            }
        }
        return output
    }

    private static func aligned(_ table: Table) -> String {
        let all = [table.headers] + table.rows
        let widths = table.headers.indices.map { column in
            all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        var output = ""
        for cells in all {
            let padded = widths.indices.map { column -> String in
                let cell = column < cells.count ? cells[column] : ""
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return table.rightAligned.contains(column) ? padding + cell : cell + padding
            }
            output += padded.joined(separator: "  ").replacing(/\s+$/, with: "") + "\n"
        }
        return output
    }
}
