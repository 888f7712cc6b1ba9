import Foundation
import Testing

/// Headless Chromium (Debian's `chromium`), which `.ci/install-deps --chromium` installs.
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether the test must run: Chromium is here, or this is CI (where its absence is a failure).
    static var isRequired: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Runs Chromium headless on `page` with `arguments`; returns its standard output.
    static func run(_ arguments: [String], page: URL) throws -> String {
        let chromium = try #require(path, "chromium is not installed: run .ci/install-deps --chromium")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                             "--disable-component-update", "--no-first-run"] + arguments + [page.absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// URLs the page itself asked for (Chromium's network log: requests whose site is the
    /// file), other than file: and data: URLs.
    static func externalRequests(of page: URL, in directory: URL) throws -> [String] {
        let log = directory.appendingPathComponent("net-\(UUID().uuidString).json")
        _ = try run(["--log-net-log=\(log.path)", "--dump-dom"], page: page)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: log)) as? [String: Any]
        let events = try #require(object?["events"] as? [[String: Any]])
        return events.compactMap { event in
            guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                  (params["site_for_cookies"] as? String)?.contains("site=file://") == true,
                  !url.hasPrefix("file:"), !url.hasPrefix("data:") else { return nil }
            return url
        }
    }
}

@Suite("capsim report, end to end")
struct ReportCLITests {
    @Test("The default scenario's report: a self-contained page that Chromium renders with every chart's marks",
          .enabled(if: Chromium.isRequired))
    func rendersInChromium() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("r.html")
        let result = try CLI.run(["report", "scenarios/mirai-roadmap.yaml", "--runs", "300", "--output", page.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("wrote \(page.path)"))

        // The rendered DOM has every chart, each with its marks.
        let dom = try Chromium.run(["--dump-dom"], page: page)
        let charts = dom.components(separatedBy: "<svg").dropFirst()
        #expect(charts.count >= 14, "charts in the rendered DOM: \(charts.count)")
        for (index, chart) in charts.enumerated() {
            let body = chart.components(separatedBy: "</svg>")[0]
            #expect(body.contains("<path") || body.contains("<rect"), "chart \(index) has no marks")
        }
        #expect(dom.contains("class=\"point\""), "hover points with tooltips")

        // A full page, not a blank one (a blank 1280×2400 screenshot is about 14 KB).
        let screenshot = directory.appendingPathComponent("r.png")
        _ = try Chromium.run(["--window-size=1280,2400", "--screenshot=\(screenshot.path)"], page: page)
        let size = try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int ?? 0
        #expect(size > 40_000, "screenshot of \(size) bytes")

        // Nothing fetched from outside; the same check catches a page that does fetch.
        #expect(try Chromium.externalRequests(of: page, in: directory) == [])
        let leaky = directory.appendingPathComponent("leaky.html")
        try Data("<html><body><img src=\"https://example.invalid/x.png\"></body></html>".utf8).write(to: leaky)
        #expect(try Chromium.externalRequests(of: leaky, in: directory) == ["https://example.invalid/x.png"])
    }

    @Test("--queries and --actuals add their charts; a missing directory or bad flags are exit 2")
    func inputsAndErrors() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("r.html")
        let queries = directory.appendingPathComponent("q")
        try FileManager.default.createDirectory(at: queries, withIntermediateDirectories: true)
        try Data(#"{"budget_ms": 20, "timings": [{"query": "recent", "table_rows": 1000, "median_ms": 0.5}, {"query": "recent", "table_rows": 4000, "median_ms": 2.1}, {"query": "recent", "table_rows": 16000, "median_ms": 8.3}], "fits": [{"query": "recent", "table": "chat_messages", "a": 0.0005, "b": 1, "r2": 0.99, "covariance": [0.01, -0.001, 0.0001], "budget_ms": 20, "first_month_over_budget": 9}]}"#.utf8)
            .write(to: queries.appendingPathComponent("queries.json"))
        let actuals = directory.appendingPathComponent("actuals.csv")
        try Data("month,users_total\n2025-03,40\n2025-04,90\n".utf8).write(to: actuals)

        let result = try CLI.run(["report", "scenarios/mirai-roadmap.yaml", "--deterministic", "--queries", queries.path,
                                  "--actuals", actuals.path, "--output", page.path])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("Query time against rows"))
        #expect(html.contains("month 9 (2025-10)"))
        #expect(html.contains("<title>observed 2025-04: 90</title>"))
        #expect(html.contains("deterministic (every input at its mean)"))

        let missing = try CLI.run(["report", "scenarios/mirai-roadmap.yaml", "--queries", directory.appendingPathComponent("none").path,
                                   "--output", directory.appendingPathComponent("x.html").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("queries.json': no such file"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.html").path), "nothing partial left")

        let badActuals = try CLI.run(["report", "scenarios/mirai-roadmap.yaml", "--actuals", queries.appendingPathComponent("queries.json").path,
                                      "--output", directory.appendingPathComponent("x.html").path])
        #expect(badActuals.status == 2)
        #expect(badActuals.stderr.contains("queries.json"))

        let both = try CLI.run(["report", "scenarios/mirai-roadmap.yaml", "--deterministic", "--runs", "5"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--deterministic takes no --runs or --seed"))
        let runs = try CLI.run(["report", "scenarios/mirai-roadmap.yaml", "--runs", "0"])
        #expect(runs.status == 2)
        #expect(runs.stderr.contains("--runs must be between 1 and 10000000"))
    }
}
