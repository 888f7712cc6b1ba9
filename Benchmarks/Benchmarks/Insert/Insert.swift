import Benchmark
import CapsimKit
import Foundation
import GRDB

/// Issue 6's insert-rate comparison, measured in one run: 2,000,000 rows of a message-shaped
/// table (id, user_id, created_at, 200 characters of content) with an index on
/// (user_id, created_at), into an in-memory database, by capsim's ``BulkInserter`` (index
/// built after the load, its build counted), by SQLite's own shell from a recursive CTE (index
/// before and after), and by Python's sqlite3 executemany (index after; row generation not
/// counted). Divide 2,000,000 by the wall time for rows per second.
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

    Benchmark("capsim BulkInserter, 2M rows, index built after", configuration: configuration) { benchmark in
        let content = Array(repeating: UInt8(ascii: "x"), count: 200)
        let queue = try DatabaseQueue()
        benchmark.startMeasurement()
        try queue.inTransaction { db in
            try db.execute(sql: schema)
            var inserter = try BulkInserter(db, table: "messages", columns: ["id", "user_id", "created_at", "content"])
            var id = [UInt8](repeating: 48, count: 12)
            try content.withUnsafeBufferPointer { text in
                for x in 1...rowCount {
                    var v = x
                    for position in stride(from: 11, through: 0, by: -1) { id[position] = UInt8(48 + v % 10); v /= 10 }
                    try id.withUnsafeBufferPointer { inserter.bind(0, utf8: $0) }
                    inserter.bind(1, "user\(x % 5000)")
                    inserter.bind(2, x)
                    inserter.bind(3, utf8: text)
                    try inserter.step()
                }
            }
            inserter.close()
            try db.execute(sql: index)
            return .commit
        }
        benchmark.stopMeasurement()
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
