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
        /// Preformatted text (SQL), after the lines: verbatim in plain text, a fenced code block
        /// in Markdown, in the language named by `codeLanguage`.
        public var code: String?
        public var codeLanguage: String

        public init(title: String, lines: [String] = [], table: Table? = nil, code: String? = nil, codeLanguage: String = "") {
            self.title = title
            self.lines = lines
            self.table = table
            self.code = code
            self.codeLanguage = codeLanguage
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
            if let code = section.code { output += code.hasSuffix("\n") ? code : code + "\n" }
            if let table = section.table { output += Self.aligned(table) }
        }
        return output
    }

    /// GitHub-flavoured Markdown (CommonMark with tables). Every line of text is a paragraph of
    /// its own (a bare line break would merge lines into one paragraph), and text is escaped so
    /// that names and amounts render as written: `$5 and $9` is not math, `users_total` not emphasis.
    public func markdown() -> String {
        var blocks = ["# " + Self.markdownText(title)]
        blocks += subtitle.split(separator: "\n").map { Self.markdownText(String($0)) }
        for section in sections {
            blocks.append("## " + Self.markdownText(section.title))
            blocks += section.lines.map(Self.markdownText)
            if let code = section.code {
                // A fence longer than any run of backticks in the code, so the code cannot close it.
                let longest = code.split(whereSeparator: { $0 != "`" }).map(\.count).max() ?? 0
                let fence = String(repeating: "`", count: max(3, longest + 1))
                blocks.append(fence + section.codeLanguage + "\n" + code.trimmingCharacters(in: .newlines) + "\n" + fence)
            }
            if let table = section.table {
                func row(_ cells: [String]) -> String { "| " + cells.map(Self.markdownInline).joined(separator: " | ") + " |" }
                let rule = "|" + table.headers.indices.map { table.rightAligned.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|"
                blocks.append(([row(table.headers), rule] + table.rows.map(row)).joined(separator: "\n"))
            }
        }
        return blocks.filter { !$0.isEmpty }.joined(separator: "\n\n") + "\n"
    }

    /// One line of text as a CommonMark paragraph: its inline text, leading spaces dropped (four
    /// would make a code block), and a mark that would open a list item or a rule escaped.
    static func markdownText(_ line: String) -> String {
        var output = markdownInline(String(line.drop { $0 == " " }))
        if let first = output.first, "-+=".contains(first) {
            output.insert("\\", at: output.startIndex)
        } else if let marker = output.firstIndex(where: { !$0.isNumber }), marker != output.startIndex, ".)".contains(output[marker]) {
            output.insert("\\", at: marker)
        }
        return output
    }

    /// Text as CommonMark inline text: every character that could start markup (emphasis, code,
    /// links, HTML, tables, GitHub's `$` math) backslash-escaped.
    static func markdownInline(_ text: String) -> String {
        var output = ""
        for character in text {
            if "\\`*_[]<>|~$#!".contains(character) { output.append("\\") }
            output.append(character)
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
