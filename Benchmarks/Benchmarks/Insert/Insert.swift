import Benchmark
import CapsimKit
import Foundation
import GRDB

/// Insert rates, measured in one run: every row of a projected month loaded by capsim
/// (SQLite's own insert path, indexes created after: ``SyntheticData/generate``), and
/// 2,000,000 rows of a message-shaped table (id, user_id, created_at, 200 characters of
/// content) with an index on (user_id, created_at) by SQLite's own shell from a recursive CTE
/// (index before and after) and by Python's sqlite3 executemany (index after; row generation
/// not counted). The side-by-side ratio against the shell is
/// `Benchmarks/scripts/insert-vs-shell.sh`.
let rowCount = 2_000_000
let schema = "CREATE TABLE messages (id TEXT, user_id TEXT, created_at TEXT, content TEXT)"
let index = "CREATE INDEX messages_user ON messages (user_id, created_at)"

func shell(_ script: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [":memory:"]
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    input.fileHandleForWriting.write(Data(script.utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
}

let cte = """
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(rowCount))
    INSERT INTO messages SELECT printf('%012d', x), 'user' || (x % 5000), printf('2025-01-01 00:00:%09d', x),
        substr(hex(randomblob(100)), 1, 200) FROM c;
    """

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(60), maxIterations: 3)

    Benchmark("capsim: every row of month 60 of mirai-roadmap at --max-rows 1,000,000 (about 1.5M rows, indexes after)",
              configuration: configuration) { benchmark in
        let scenario = try Scenario.load(path: "../scenarios/mirai-roadmap.yaml")
        let projection = try Simulator.project(scenario)
        benchmark.startMeasurement()
        let generated = try SyntheticData.generate(projection, options: DataOptions(month: 60), maxRows: 1_000_000) {
            try SQLiteSchema(migrations: "../migrations")
        }
        benchmark.stopMeasurement()
        // Not timed: SQLite wrote every page itself, and the file is sound.
        let check = try generated.schema.queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        precondition(check == ["ok"], "integrity_check: \(check.prefix(5))")
    }

    Benchmark("sqlite3 shell CTE, 2M rows, index before", configuration: configuration) { _ in
        try shell("\(schema);\n\(index);\nBEGIN;\n\(cte)\nCOMMIT;\n")
    }

    Benchmark("sqlite3 shell CTE, 2M rows, index after", configuration: configuration) { _ in
        try shell("\(schema);\nBEGIN;\n\(cte)\n\(index);\nCOMMIT;\n")
    }

    let python = Benchmark.Configuration(metrics: [.wallClock, .custom("executemany + index (ms)", useScalingFactor: false)],
                                         maxDuration: .seconds(90), maxIterations: 3)
    Benchmark("Python sqlite3 executemany, 2M rows, index after", configuration: python) { benchmark in
        let script = """
            import sqlite3, time
            rows = [('%012d' % x, 'user%d' % (x % 5000), x, 'x' * 200) for x in range(1, \(rowCount) + 1)]
            db = sqlite3.connect(':memory:')
            db.execute('\(schema)')
            start = time.perf_counter()
            db.executemany('INSERT INTO messages VALUES (?, ?, ?, ?)', rows)
            db.execute('\(index)')
            db.commit()
            print(time.perf_counter() - start)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // The wall time includes Python's start-up and row generation; the printed time is
        // executemany and the index alone, and is what the comparison uses.
        if let seconds = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            benchmark.measurement(.custom("executemany + index (ms)", useScalingFactor: false), Int(seconds * 1000))
        }
    }
}
