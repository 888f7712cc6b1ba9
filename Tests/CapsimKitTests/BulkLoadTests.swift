@testable import CapsimKit
import Foundation
import GRDB
import GSLKit
import Testing

/// The bulk loader writes B-tree pages itself: its database must be the one SQLite's own
/// INSERT gives for the same rows (same rows, same index order) and pass integrity_check.
@Suite("Bulk load by writing B-tree pages")
struct BulkLoadTests {
    static let schema = """
        CREATE TABLE items (id TEXT PRIMARY KEY, owner uuid NOT NULL, score INTEGER, weight REAL, amount numeric,
                            note TEXT, label TEXT DEFAULT 'none', created_at timestamptz,
                            "first (seen)" TEXT GENERATED ALWAYS AS (coalesce(label, owner) || '/' || length(note)) STORED,
                            twice INTEGER GENERATED ALWAYS AS (score * 2) VIRTUAL, mixed);
        CREATE INDEX items_owner ON items (owner, created_at);
        CREATE INDEX items_score ON items (score DESC, weight);
        CREATE INDEX items_note ON items (note);
        CREATE UNIQUE INDEX items_label_amount ON items (label, amount);
        CREATE INDEX items_mixed ON items (mixed);
        CREATE TABLE empty_one (a TEXT, b INTEGER);
        CREATE INDEX empty_one_a ON empty_one (a);
        """

    /// A row of `items` as values for SQL and for the loader; `nil` leaves a column unset.
    typealias Item = [String: DatabaseValueConvertible?]

    static func rows(count: Int, seed: UInt) -> [Item] {
        let random = RandomGenerator(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(random.uniform() * Double(values.count))] }
        return (0..<count).map { index in
            // Texts from empty to several pages long (overflow chains), integers of every size,
            // reals, whole reals (stored as integers by NUMERIC), NULLs.
            let length = pick([0, 1, 7, 40, 300, 1_500, 5_000, 20_000])
            let note: String? = random.uniform() < 0.1 ? nil
                : String(repeating: pick(["a", "b", "é", "z", "日"]), count: length) + "\(index % 17)"
            let score: Int? = random.uniform() < 0.1 ? nil
                : pick([0, 1, -1, 127, -129, 40_000, 8_000_000, -2_000_000_000, 1 << 40, -(1 << 50)]) + index % 3
            var row: Item = [
                "id": String(format: "id-%08x-%d", Int(random.uniform() * 0x7FFF_FFFF), index),
                "owner": "owner-\(index % 37)",
                "score": score,
                "weight": random.uniform() < 0.2 ? 3.0 : random.uniform() < 0.05 ? -0.0 : random.gaussian(sigma: 100),
                "amount": random.uniform() < 0.5 ? Double(index) : Double(index) + 0.25,
                "note": note,
                "created_at": Timestamp.format(1.7e9 + Double(index) * 37.5),
                // No affinity: integers and reals that compare equal, ordered by row in the index.
                "mixed": index % 3 == 0 ? 3 : index % 3 == 1 ? 3.0 : -0.0,
            ]
            if random.uniform() < 0.5 { row["label"] = "label-\(index % 5)" }
            return row
        }
    }

    static func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { try $0.execute(sql: schema) }
        return queue
    }

    static func insertBySQL(_ rows: [Item], into queue: DatabaseQueue) throws {
        try queue.write { db in
            for row in rows {
                let names = row.keys.sorted()
                try db.execute(sql: "INSERT INTO items (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
                               arguments: StatementArguments(names.map { row[$0]! }))
            }
        }
    }

    /// Loads `rows`; an index of `splitThreshold` entries or more is sorted and encoded in two parts.
    static func bulkLoad(_ rows: [Item], into queue: DatabaseQueue, splitThreshold: Int = 1 << 16) throws {
        try queue.inDatabase { db in
            let load = try BulkLoad(db, splitThreshold: splitThreshold)
            let table = try load.table("items", in: db)
            _ = try load.table("empty_one", in: db)
            for (number, row) in rows.enumerated() {
                // Every other row lends its text instead of having it copied.
                var lent: [UnsafeMutableRawBufferPointer] = []
                defer { lent.forEach { $0.deallocate() } }
                for (name, value) in row {
                    let column = table.columnIndex(name)!
                    switch value?.databaseValue.storage ?? .null {
                    case .null: table.setNull(column)
                    case let .int64(v): table.set(column, Int(v))
                    case let .double(v): table.set(column, v)
                    case let .string(s) where number % 2 == 1:
                        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: s.utf8.count, alignment: 1)
                        bytes.copyBytes(from: s.utf8)
                        lent.append(bytes)
                        table.set(column, borrowing: UnsafeRawBufferPointer(bytes))
                    case let .string(s): table.set(column, s)
                    case .blob: Issue.record("no blobs here")
                    }
                }
                try table.appendRow()
            }
            try load.install(into: db)
        }
    }

    /// Everything a query can see: rows in rowid order with their storage types, and each
    /// index's order and values (INDEXED BY, read from the index alone), as text.
    static func dump(_ queue: DatabaseQueue) throws -> [String] {
        try queue.read { db in
            let columns = "rowid, id, owner, score, typeof(score), quote(weight), typeof(weight), amount, typeof(amount), note, label, created_at, \"first (seen)\", twice, quote(mixed), typeof(mixed)"
            var lines = try Row.fetchAll(db, sql: "SELECT \(columns) FROM items ORDER BY rowid").map(\.description)
            for (index, order, values) in [("items_owner", "owner, created_at", "owner, created_at"),
                                           ("items_score", "score DESC, weight", "quote(score), quote(weight)"),
                                           ("items_note", "note", "quote(note)"),
                                           ("items_label_amount", "label, amount", "quote(label), quote(amount)"),
                                           ("items_mixed", "mixed", "quote(mixed), typeof(mixed)")] {
                let sql = "SELECT rowid, \(values) FROM items INDEXED BY \(index) ORDER BY \(order), rowid"
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)").map { $0["detail"] as String }
                #expect(plan.joined().contains("COVERING INDEX"), "\(sql): \(plan)")
                lines += try Row.fetchAll(db, sql: sql).map { "\(index): \($0)" }
            }
            return lines
        }
    }

    static func integrity(_ queue: DatabaseQueue) throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }

    /// Levels of the deepest B-tree page of `name` (1: the root is a leaf).
    static func depth(_ queue: DatabaseQueue, _ name: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT max(length(path) - length(replace(path, '/', ''))) FROM dbstat WHERE name = ?",
                             arguments: [name]) ?? 0
        }
    }

    @Test("The same database as SQL inserts, for trees of one to three levels", arguments: [(1, 1), (60, 2), (3_000, 3)])
    func sameAsInserts(rowCount: Int, levels: Int) throws {
        let rows = Self.rows(count: rowCount, seed: UInt(rowCount))
        let bySQL = try Self.database(), loaded = try Self.database()
        try Self.insertBySQL(rows, into: bySQL)
        // Indexes of 7 entries or more are sorted and encoded in two parts, as large ones are.
        try Self.bulkLoad(rows, into: loaded, splitThreshold: 7)
        #expect(try Self.integrity(loaded) == ["ok"])
        #expect(try Self.depth(loaded, "items") == levels)
        let expected = try Self.dump(bySQL), actual = try Self.dump(loaded)
        #expect(actual.count == expected.count)
        if let line = actual.indices.first(where: { $0 < expected.count && actual[$0] != expected[$0] }) {
            Issue.record("line \(line) differs:\n  loaded:   \(actual[line].prefix(300))\n  inserted: \(expected[line].prefix(300))")
        }
        // The loaded database keeps working: writes, index lookups, growth.
        try loaded.write { db in
            try db.execute(sql: "INSERT INTO items (id, owner) VALUES ('later', 'x')")
            try db.execute(sql: "DELETE FROM items WHERE rowid % 3 = 0")
        }
        #expect(try Self.integrity(loaded) == ["ok"])
    }

    @Test("Tables opened part-way and loaded in turns get every row, in order")
    func interleavedTables() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE a (n INTEGER, body TEXT); CREATE INDEX a_n ON a (n); CREATE TABLE b (n INTEGER, body TEXT)")
        }
        let body = String(repeating: "x", count: 3_000)   // a page per row or so: the image grows as b is opened
        try queue.inDatabase { db in
            let load = try BulkLoad(db)
            let a = try load.table("a", in: db)
            for n in 0..<5_000 {
                a.set(0, n % 97); a.set(1, body)
                try a.appendRow()
            }
            let b = try load.table("b", in: db)
            for n in 0..<5_000 {
                a.set(0, -n); a.set(1, "a\(n)")
                try a.appendRow()
                b.set(0, n); b.set(1, n % 2 == 0 ? body : "b\(n)")
                try b.appendRow()
            }
            try load.install(into: db)
        }
        try queue.read { (db: Database) throws -> Void in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM a") == 10_000)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM a WHERE rowid > 5000 AND n != 5001 - rowid") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM b WHERE n != rowid - 1 OR body != CASE WHEN n % 2 = 0 THEN ? ELSE 'b' || n END",
                                     arguments: [body]) == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM b") == 5_000)
        }
    }

    @Test("Refuses what it cannot write faithfully, before writing anything")
    func refusals() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE partial (a TEXT); CREATE INDEX partial_a ON partial (a) WHERE a > 'm';
                CREATE TABLE expression (a TEXT); CREATE INDEX expression_a ON expression (lower(a));
                CREATE TABLE alias (id INTEGER PRIMARY KEY, a TEXT);
                CREATE TABLE full (a TEXT); INSERT INTO full VALUES ('x');
                CREATE TABLE nocase (a TEXT COLLATE NOCASE); CREATE INDEX nocase_a ON nocase (a);
                CREATE TABLE stamped (a TEXT NOT NULL, at TEXT DEFAULT (datetime('now')), n INTEGER);
                CREATE TABLE big (n INTEGER); CREATE INDEX big_n ON big (n);
                """)
        }
        try queue.inDatabase { db in
            let load = try BulkLoad(db)
            for (table, reason) in [("partial", "partial index"), ("expression", "expression"), ("alias", "rowid alias"),
                                    ("full", "not empty"), ("nocase", "collation"), ("missing", "no such table")] {
                #expect { _ = try load.table(table, in: db) } throws: { "\($0)".contains(reason) }
            }
            let stamped = try load.table("stamped", in: db)
            stamped.setNull(0)
            #expect { try stamped.appendRow() } throws: { "\($0)".contains("NOT NULL") }
            stamped.set(0, "a")
            stamped.set(1, "now")
            stamped.set(2, " 12.5e3 ")
            #expect { try stamped.appendRow() } throws: { "\($0)".contains("as a number") }
            // An indexed integer beyond ±2^53 would not sort right in the index: refused.
            let big = try load.table("big", in: db)
            big.set(0, (1 << 53) + 1)
            #expect { try big.appendRow() } throws: { "\($0)".contains("beyond ±2^53") }
            #expect(big.rows == 0)
            // A failed row leaves nothing behind; a default such as datetime('now') is evaluated per row.
            stamped.set(0, "kept")
            try stamped.appendRow()
            #expect(stamped.rows == 1)
            try load.install(into: db)
            #expect(try Row.fetchOne(db, sql: "SELECT a, at IS NOT NULL AS stamped, n FROM stamped")
                    == ["a": "kept", "stamped": 1, "n": nil])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM big") == 0)
        }
    }

    @Test("A duplicate in a UNIQUE index fails the load and leaves the database as it was", arguments: [2, 1 << 16])
    func uniqueViolation(splitThreshold: Int) throws {
        let queue = try Self.database()
        var rows = Self.rows(count: 10, seed: 3)
        rows[7]["label"] = "same"; rows[7]["amount"] = 1.5
        rows[2]["label"] = "same"; rows[2]["amount"] = 1.5
        #expect { try Self.bulkLoad(rows, into: queue, splitThreshold: splitThreshold) } throws: {
            "\($0)".contains("UNIQUE constraint failed: index items_label_amount")
        }
        #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM items") } == 0)
        #expect(try Self.integrity(queue) == ["ok"])
    }

    @Test("An index key gives back the values and storage classes it was made from", arguments: [false, true])
    func sortKeyRoundTrip(descending: Bool) {
        let random = RandomGenerator(seed: descending ? 2 : 1)
        let texts = ["", "a", "a\u{0}b", "\u{0}", "\u{0}\u{0}x\u{0}", "日本", String(repeating: "z", count: 3_000)]
        for trial in 0..<500 {
            var owned = ByteBuffer(capacity: 64)
            defer { owned.free() }
            let text = texts[trial % texts.count]
            owned.append(Array(text.utf8), count: text.utf8.count)
            let all: [StoredValue] = [
                .null, .integer(Int64(random.gaussian(sigma: 1e15))), .integer(0), .integer(-1), .real(random.gaussian(sigma: 1e6)),
                .real(-0.0), .real(0.0), .real(3.0), .text(start: 0, count: owned.count), .integer(1 << 53),
            ]
            // Keys of one to all of the values, in a different order each time.
            let rotation = trial % all.count
            let values = Array((all[rotation...] + all[..<rotation]).prefix(1 + trial % all.count))
            var key = ByteBuffer(capacity: 64)
            defer { key.free() }
            for value in values { SortKey.append(value, descending: descending, text: owned.bytes, to: &key) }
            for value in values { SortKey.appendStorageClass(value, to: &key) }
            let decoded = UnsafeMutableBufferPointer<StoredValue>.allocate(capacity: values.count)
            defer { decoded.deallocate() }
            var unescaped = ByteBuffer(capacity: 64)
            defer { unescaped.free() }
            SortKey.decode(key.bytes, descending: Array(repeating: descending, count: values.count), into: decoded, text: &unescaped)
            func describe(_ value: StoredValue, _ text: UnsafeRawPointer) -> String {
                switch value {
                case .null: "null"
                case let .integer(v): "integer \(v)"
                case let .real(v): "real \(v.bitPattern)"
                case .text, .borrowedText: "text \(Array(value.textBytes(in: text)!))"
                }
            }
            #expect(decoded.map { describe($0, unescaped.bytes) } == values.map { describe($0, owned.bytes) })
        }
    }

    @Test("Text SQLite would read as a number is recognised as SQLite does")
    func numericText() {
        func numeric(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { TableLoader.looksNumeric($0) } }
        for text in ["1", "-2", "+3.5", ".5", "5.", "1e9", " 7 ", "2E-3"] { #expect(numeric(text), "\(text)") }
        for text in ["", "-", ".", "e5", "1e", "2025-01-01 00:00:00", "0195f3a2-0000-7000-8000-000000000001", "12abc", "0x10"] {
            #expect(!numeric(text), "\(text)")
        }
    }
}
