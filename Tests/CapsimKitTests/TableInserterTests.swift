@testable import CapsimKit
import Foundation
import GRDB
import Testing

/// Loading through SQLite's own insert path (``TableInserter``, ``RowBatch``, ``RowPipe``):
/// what goes in comes back out, every construct SQLite supports works, indexes come back.
@Suite("Loading rows through SQLite's insert path")
struct TableInserterTests {
    /// Every construct the old page writer refused, in one schema.
    static let schema = """
        CREATE TABLE counters (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, hits INTEGER NOT NULL CHECK (hits >= 0),
                               doubled INTEGER GENERATED ALWAYS AS (hits * 2) STORED, label TEXT DEFAULT ('none'));
        CREATE INDEX counters_name ON counters (name COLLATE NOCASE);
        CREATE INDEX counters_busy ON counters (hits) WHERE hits > 50;
        CREATE INDEX counters_lower ON counters (lower(label));
        CREATE UNIQUE INDEX counters_unique ON counters (name, hits);
        CREATE TABLE pairs (a TEXT, b REAL, PRIMARY KEY (a, b)) WITHOUT ROWID;
        CREATE INDEX pairs_b ON pairs (b DESC);
        """

    static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { try $0.execute(sql: schema) }
        return queue
    }

    @Test("Random rows read back as written, the indexes come back and are used, and the file is sound")
    func roundTrip() throws {
        let queue = try Self.database()
        var generator = SeededGenerator(seed: 9)
        let counters = TableInserter.Shape(id: 0, table: "counters", columns: ["name", "hits", "label"])
        let pairs = TableInserter.Shape(id: 1, table: "pairs", columns: ["a", "b"])
        var expected: [(String, Int, String?)] = [], expectedPairs: [(String, Double)] = []
        try queue.inDatabase { db in
            let load = try TableInserter(db)
            defer { load.abandon() }
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") == 0,
                    "secondary indexes are dropped while loading")
            for _ in 0..<20 {
                var batch = RowBatch()
                for row in 0..<150 {
                    let name = "Näme \(expected.count) ✓" + String(repeating: "x", count: Int.random(in: 0...300, using: &generator))
                    let hits = Int.random(in: 0...100, using: &generator)
                    let label: String? = row % 7 == 0 ? nil : "L\(hits % 5)"
                    batch.append(counters, [name, hits, label])
                    expected.append((name, hits, label))
                    let pair = ("p\(expectedPairs.count)", Double.random(in: -1e6...1e6, using: &generator))
                    batch.append(pairs, [pair.0, pair.1])
                    expectedPairs.append(pair)
                }
                try load.insert(batch)
            }
            try load.finish()
            #expect(load.rowCounts.map(\.table) == ["counters", "pairs"])
            #expect(load.rowCounts.map(\.rows) == [3000, 3000])
        }
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, name, hits, doubled, label FROM counters ORDER BY id")
            #expect(rows.count == expected.count)
            for (index, row) in rows.enumerated() {
                #expect(row["id"] as Int == index + 1, "INTEGER PRIMARY KEY is the rowid")
                #expect(row["name"] as String == expected[index].0)
                #expect(row["hits"] as Int == expected[index].1)
                #expect(row["doubled"] as Int == expected[index].1 * 2, "the generated column")
                #expect(row["label"] as String? == expected[index].2, "NULL stays NULL; no default replaces it")
            }
            let stored = try Row.fetchAll(db, sql: "SELECT a, b FROM pairs ORDER BY a").map { ($0["a"] as String, $0["b"] as Double) }
            #expect(stored.count == expectedPairs.count)
            #expect(Set(stored.map(\.0)) == Set(expectedPairs.map(\.0)))
            let byName = Dictionary(uniqueKeysWithValues: expectedPairs)
            #expect(stored.allSatisfy { byName[$0.0] == $0.1 }, "reals are bound exactly")
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            #expect(indexes == ["counters_busy", "counters_lower", "counters_name", "counters_unique", "pairs_b"])
            // INDEXED BY fails the statement unless the planner can use that index.
            let partial = try Int.fetchOne(db, sql: "SELECT count(*) FROM counters INDEXED BY counters_busy WHERE hits > 50")
            #expect(partial == expected.filter { $0.1 > 50 }.count, "the partial index")
            let lower = try Int.fetchOne(db, sql: "SELECT count(*) FROM counters INDEXED BY counters_lower WHERE lower(label) = 'l1'")
            #expect(lower == expected.filter { $0.2 == "L1" }.count, "the expression index")
            let named = try Int.fetchOne(db, sql: "SELECT count(*) FROM counters INDEXED BY counters_name WHERE name = ?", arguments: [String(expected[1].0.map { $0.isASCII ? Character($0.uppercased()) : $0 })])
            #expect(named == 1, "the NOCASE index (NOCASE folds ASCII only)")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM counters WHERE hits > 50") == expected.filter { $0.1 > 50 }.count)
        }
    }

    @Test("A CHECK violation fails the insert naming the table; a UNIQUE duplicate fails the index build")
    func constraints() throws {
        let queue = try Self.database()
        let counters = TableInserter.Shape(id: 0, table: "counters", columns: ["name", "hits"])
        try queue.inDatabase { db in
            let load = try TableInserter(db)
            defer { load.abandon() }
            var batch = RowBatch()
            batch.append(counters, ["a", -1])
            #expect { try load.insert(batch) } throws: { error in
                "\(error)".contains("inserting into counters") && "\(error)".contains("CHECK constraint failed")
            }
        }
        try queue.read { (db: Database) throws in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM counters") == 0, "the load is rolled back")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") == 5,
                    "and the indexes are back")
        }
        try queue.inDatabase { db in
            let load = try TableInserter(db)
            defer { load.abandon() }
            var batch = RowBatch()
            batch.append(counters, ["same", 3])
            batch.append(counters, ["same", 3])
            try load.insert(batch)
            #expect { try load.finish() } throws: { "\($0)".contains("UNIQUE") }
        }
    }

    @Test("The pipe hands batches over in order, passes the producer's error on, and stops a producer when cancelled")
    func pipe() throws {
        // In order, across many batches
        let pipe = RowPipe(batchSize: 7, depth: 2)
        let done = DispatchSemaphore(value: 0)
        Thread {
            for n in 0..<1000 { try? pipe.send("t", ["n"], [n]) }
            pipe.close()
            done.signal()
        }.start()
        var received: [Int] = []
        while let batch = try pipe.next() {
            for cell in batch.cells { if case let .integer(n) = cell { received.append(n) } }
        }
        done.wait()
        #expect(received == Array(0..<1000))

        // The producer's error reaches the consumer after the rows sent before it
        struct Broken: Error {}
        let failing = RowPipe(batchSize: 4, depth: 2)
        Thread {
            for n in 0..<10 { try? failing.send("t", ["n"], [n]) }
            failing.close(failure: Broken())
        }.start()
        var rows = 0
        #expect(throws: Broken.self) { while let batch = try failing.next() { rows += batch.rows.count } }
        #expect(rows == 8, "the two full batches; the partial one is dropped with the failure")

        // A cancelled consumer stops a producer that would otherwise block for ever
        let stopped = RowPipe(batchSize: 1, depth: 1)
        let finished = DispatchSemaphore(value: 0)
        let outcome = UncheckedSendable(NSMutableString(string: ""))
        Thread {
            do { for n in 0..<1_000_000 { try stopped.send("t", ["n"], [n]) } } catch { outcome.value.append("\(type(of: error))") }
            finished.signal()
        }.start()
        _ = try stopped.next()
        stopped.cancel()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(outcome.value as String == "CancellationError")
    }
}
