import Benchmark
import CapsimKit
import Foundation
import GRDB

/// Issue 6's insert-rate comparison, measured in one run: 2,000,000 rows of a message-shaped
/// table (id, user_id, created_at, 200 characters of content) with an index on
/// (user_id, created_at), into an in-memory database, by capsim's ``BulkLoad`` (table and
/// index pages written directly, the index's sort counted), by SQLite's own shell from a recursive CTE (index
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

    Benchmark("capsim BulkLoad, 2M rows, index written with the table", configuration: configuration) { benchmark in
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: schema)
            try db.execute(sql: index)
        }
        benchmark.startMeasurement()
        try queue.inDatabase { db in
            let load = try BulkLoad(db)
            let table = try load.table("messages", in: db)
            let content = [UInt8](repeating: UInt8(ascii: "x"), count: 200)
            // Row buffers that stay put, so the loader may borrow them instead of copying.
            let id = UnsafeMutableRawBufferPointer.allocate(byteCount: 12, alignment: 1)
            id.initializeMemory(as: UInt8.self, repeating: 48)
            defer { id.deallocate() }
            let user = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
            user.copyBytes(from: Array("user0000".utf8))
            defer { user.deallocate() }
            try content.withUnsafeBytes { text in
                for x in 1...rowCount {
                    // id: x in 12 decimal digits, counted up like an odometer.
                    var position = 11
                    while id[position] == 57 { id[position] = 48; position -= 1 }
                    id[position] += 1
                    // "user" and x % 5000 in decimal, without leading zeros.
                    let u = x % 5000
                    let digits = u >= 1000 ? 4 : u >= 100 ? 3 : u >= 10 ? 2 : 1
                    var w = u
                    for position in stride(from: 3 + digits, through: 4, by: -1) { user[position] = UInt8(48 + w % 10); w /= 10 }
                    table.set(0, borrowing: UnsafeRawBufferPointer(id))
                    table.set(1, borrowing: UnsafeRawBufferPointer(rebasing: user.prefix(4 + digits)))
                    table.set(2, x)
                    table.set(3, borrowing: text)
                    try table.appendRow()
                }
            }
            try load.install(into: db)
        }
        benchmark.stopMeasurement()
        // Not timed: the loaded database is the one SQLite's inserts would give.
        let check = try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
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
