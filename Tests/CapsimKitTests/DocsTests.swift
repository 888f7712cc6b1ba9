import CapsimKit
import Foundation
import Testing

/// docs/model.md's key and column references are written from the declarations; these tests
/// fail when they differ. `CAPSIM_RECORD_SNAPSHOTS=1 swift test --filter DocsTests` rewrites them.
@Suite("docs/model.md agrees with the declarations", .serialized)
struct DocsTests {
    static let path = Fixtures.path("docs/model.md")

    /// The text between `<!-- name:begin -->` and `<!-- name:end -->`.
    static func region(_ name: String, in text: String) -> Range<String.Index>? {
        guard let begin = text.range(of: "<!-- \(name):begin -->\n"),
              let end = text.range(of: "<!-- \(name):end -->", range: begin.upperBound..<text.endIndex) else { return nil }
        return begin.upperBound..<end.lowerBound
    }

    static func check(_ name: String, _ expected: String) throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(region(name, in: text), "docs/model.md has no \(name) markers")
        if ProcessInfo.processInfo.environment["CAPSIM_RECORD_SNAPSHOTS"] == "1" {
            text.replaceSubrange(range, with: expected)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[range]) == expected,
                "docs/model.md's \(name) table differs from the declarations; re-record with CAPSIM_RECORD_SNAPSHOTS=1 swift test --filter DocsTests")
    }

    @Test("The scenario key reference is the declarations'")
    func scenarioKeys() throws { try Self.check("scenario-keys", KeyReference.scenarioKeys()) }

    @Test("The monthly column table is the export's")
    func monthlyColumns() throws { try Self.check("monthly-columns", KeyReference.monthlyColumns()) }
}
