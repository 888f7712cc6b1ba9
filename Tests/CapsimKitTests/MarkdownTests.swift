@testable import CapsimKit
import Testing

@Suite("Markdown renders as written in CommonMark")
struct MarkdownTests {
    /// The blocks of a Markdown document: runs of lines between blank lines, a fenced code
    /// block (blank lines and all) as one.
    static func blocks(_ markdown: String) -> [[Substring]] {
        var blocks: [[Substring]] = [[]]
        var fence: Substring?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = fence {
                blocks[blocks.count - 1].append(line)
                if line == open { fence = nil }
            } else if line.hasPrefix("```") {
                blocks.append([line])
                fence = line.prefix { $0 == "`" }
            } else if line.isEmpty {
                blocks.append([])
            } else {
                blocks[blocks.count - 1].append(line)
            }
        }
        return blocks.filter { !$0.isEmpty }
    }

    @Test("Every line of text is a paragraph of its own; only table rows share a block")
    func noLinesMerge() throws {
        let scenario = try Scenario.load(path: Fixtures.path("scenarios/mirai-roadmap.yaml"))
        let summary = try Simulator.project(scenario).summary()
        let baseline = try FigureSet.compute(scenario, threads: 1)
        let check = CheckReport.document([Self.check])
        let diff = CheckReport.diff(baseline, baseline, labels: ("a.yaml", "b.yaml"))
        let code = ReportDocument(title: "t", sections: [.init(title: "s", lines: ["one", "two"], code: "SELECT 1;\n\nSELECT `x`;", codeLanguage: "sql")])
        for document in [summary, check, diff, code] {
            for block in Self.blocks(document.markdown()) where block.count > 1 && !block[0].hasPrefix("```") {
                #expect(block.allSatisfy { $0.hasPrefix("|") }, "lines that would merge: \(block.prefix(3))")
            }
        }
        #expect(code.markdown() == "# t\n\n## s\n\none\n\ntwo\n\n```sql\nSELECT 1;\n\nSELECT `x`;\n```\n")
        // The diff's subtitle (two lines: A and B) is two paragraphs
        #expect(diff.markdown().contains("A: a.yaml (MIRAI roadmap)\n\nB: b.yaml (MIRAI roadmap)"))
    }

    @Test("Names and amounts are escaped: no emphasis, math, HTML, list or code block", arguments: [
        ("users_total at $5 and $9", "users\\_total at \\$5 and \\$9"),
        ("- 5 users", "\\- 5 users"),
        ("+$0.63", "\\+\\$0.63"),
        ("2. month", "2\\. month"),
        ("2025-01", "2025-01"),
        ("      indented", "indented"),
        ("<baseline dir> *x* `y` [z](u) a|b #1 ~~s~~", "\\<baseline dir\\> \\*x\\* \\`y\\` \\[z\\](u) a\\|b \\#1 \\~\\~s\\~\\~"),
    ])
    func escaping(text: String, expected: String) {
        #expect(ReportDocument.markdownText(text) == expected)
    }

    /// A check with one figure that moved and one within its tolerance.
    static let check = ScenarioCheck(path: "a/b.yaml", scenarioName: "B", baselinePath: "b.json", comparisons: [
        FigureComparison(name: "mrr_usd@m12", kind: .amount, baseline: 100, current: 150, status: .moved, allowed: "±2%"),
        FigureComparison(name: "infra_usd@m12", kind: .amount, baseline: 100, current: 101, status: .withinTolerance, allowed: "±2%"),
    ], gates: [])

    @Test("Table cells escape inline markup only, and each changed figure's row says pass or FAIL")
    func tableCells() {
        let document = ReportDocument(title: "t", sections: [.init(title: "s", table: .init(headers: ["a", "b"], rows: [["+$1", "x|y"]]))])
        #expect(document.markdown() == "# t\n\n## s\n\n| a | b |\n| --- | --- |\n| +\\$1 | x\\|y |\n")
        let rows = CheckReport.document([Self.check]).markdown().split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.first?.hasSuffix("| status | result |") == true)
        #expect(rows.contains { $0.hasPrefix("| mrr\\_usd@m12 |") && $0.hasSuffix("| moved | FAIL |") })
        #expect(rows.contains { $0.hasPrefix("| infra\\_usd@m12 |") && $0.hasSuffix("| within tolerance | pass |") })
    }
}
