import Foundation
import GRDB
import GRDBSQLite
import CPrefetch

/// Loads rows into empty tables of an in-memory SQLite database by writing their B-tree pages
/// (table and every index) directly, then handing the database file back to SQLite.
///
/// SQLite's own insert path (the `INSERT` statement, the shell's CTE, Python's `executemany`)
/// spends most of its time in the virtual machine and in B-tree balancing; a bulk load of rows
/// that are all known up front needs neither: records are encoded once and packed into full
/// leaves in rowid order (by a second thread, ``LeafPipe``, while the caller's thread encodes
/// the next rows); each index keeps one memcmp-ordered key per row, which is sorted once (in two
/// halves, one per core) and turned back into index records in key order (each half of the
/// merged order on its own core); interior pages are built over the leaves. The result is the
/// database those inserts would give (`PRAGMA integrity_check` passes; the same rows, the same
/// indexes), in about a seventh of the time of Python's `executemany` (Benchmarks/Insert).
///
/// What it checks and what it does not: column affinity is applied as SQLite would (integers
/// into TEXT columns become text, whole reals into INTEGER/NUMERIC columns become integers);
/// NOT NULL and UNIQUE are enforced; CHECK constraints and foreign keys are not (the loader is
/// for generated data whose consistency its generator guarantees). A table must be empty and
/// have a rowid that is not aliased; its indexes must be on stored columns (not expressions
/// or VIRTUAL columns) with the BINARY collation and without a WHERE clause. Anything else is
/// refused when the table is opened (``table(_:in:)``), before a row is written. An indexed
/// integer beyond ±2^53 is refused when its row is appended (keys hold numbers as doubles).
///
/// Usage: `let load = try BulkLoad(db)`, then per table `let t = try load.table("name")`,
/// `t.set(…)` per column and `t.appendRow()` per row, then `try load.install(into: db)` outside
/// any transaction. The database must not change between `init` and `install` (that is checked).
public final class BulkLoad {
    let image: DatabaseImage
    /// Packs the tables' records into leaves on another thread while rows are encoded.
    private let pipe: LeafPipe
    private var tables: [TableLoader] = []
    private let changesAtStart: Int64
    private var installed = false
    /// Entries from which an index is sorted and encoded in two parts, one per core.
    private let splitThreshold: Int

    public convenience init(_ db: Database) throws {
        try self.init(db, splitThreshold: 1 << 16)
    }

    /// `splitThreshold`: tests lower it to exercise the two-part path on small tables.
    init(_ db: Database, splitThreshold: Int) throws {
        image = try DatabaseImage(db)
        changesAtStart = Int64(sqlite3_total_changes64(db.sqliteConnection!))
        self.splitThreshold = max(2, splitThreshold)
        // Last: its thread runs until `finish()`, which `deinit` calls (not run if `init` throws).
        pipe = LeafPipe()
    }

    deinit {
        // The pipe's thread writes into the image until it stops.
        pipe.finish()
        if !installed { image.discard() }
    }

    /// Opens `name` for loading. Its columns are set by index (``TableLoader/columnIndex(_:)``).
    public func table(_ name: String, in db: Database) throws -> TableLoader {
        if let open = tables.first(where: { $0.name == name }) { return open }
        // Opening reads the image, which the pipe's thread may be writing.
        pipe.drain()
        let table = try TableLoader(name: name, db: db, image: image, pipe: pipe)
        tables.append(table)
        return table
    }

    /// Rows loaded per table.
    public var rowCounts: [(table: String, rows: Int)] { tables.map { ($0.name, $0.rows) } }

    /// Writes the remaining pages of every table and index and gives the database to `db`'s
    /// connection (which must have no transaction open). Index entries are sorted and encoded on
    /// all cores.
    public func install(into db: Database) throws {
        precondition(!installed, "a BulkLoad installs once")
        guard Int64(sqlite3_total_changes64(db.sqliteConnection!)) == changesAtStart else {
            throw DatabaseError(message: "the database changed during a bulk load; its writes would be lost")
        }
        pipe.finish()
        try IndexLoader.prepare(tables.flatMap(\.indexes), splitThreshold: splitThreshold)
        for table in tables {
            try table.finish()
        }
        installed = true
        try image.install(into: db)
    }
}

/// The rows of one table on their way into a ``DatabaseImage``: leaves are written as rows
/// come (rowids 1, 2, …), index entries are kept for sorting at the end.
///
/// The row state is mutated for every column of every row: its properties are marked
/// `@exclusivity(unchecked)` (a loader is used from one thread, and no access to them overlaps
/// another), which removes the runtime's access tracking from the hot path.
public final class TableLoader {
    public let name: String
    @exclusivity(unchecked) public private(set) var rows = 0

    struct Column {
        let name: String
        let affinity: Affinity
        let notNull: Bool
        let fallback: Fallback
        let generated: Generated?
    }

    /// A generated column: STORED ones are computed per row by a prepared `SELECT expr FROM
    /// (SELECT ? AS column, …)` over the row's other columns; VIRTUAL ones are not stored.
    enum Generated {
        case stored(OpaquePointer)
        case virtual
    }

    /// What a row that does not set a column gets: NULL, a constant default, or a default
    /// evaluated for each row (`now()`, `gen_random_uuid()`) by a prepared `SELECT`.
    enum Fallback {
        case constant(StoredValue, text: [UInt8])
        case perRow(OpaquePointer)
    }

    enum Affinity { case integer, text, blob, real, numeric }

    let columns: [Column]
    /// Columns in the table's records (all but VIRTUAL ones), and those a row sets (not generated).
    private let storedColumns: [Int]
    private let plainColumnIndices: [Int]
    private let positions: [String: Int]
    /// Prepared statements of per-row defaults, finalized by ``finish()``.
    private var statements: [OpaquePointer] = []
    private let image: DatabaseImage
    private let root: Int
    private let pipe: LeafPipe
    private let leaves: LeafWriter
    let indexes: [IndexLoader]

    // The row being set.
    private var values: UnsafeMutableBufferPointer<StoredValue>
    @exclusivity(unchecked) private var isSet: [Bool]
    @exclusivity(unchecked) private var text = ByteBuffer(capacity: 4096)

    init(name: String, db: Database, image: DatabaseImage, pipe: LeafPipe) throws {
        self.name = name
        self.image = image
        self.pipe = pipe
        func refuse(_ why: String) -> DatabaseError { DatabaseError(message: "cannot bulk load \(name): \(why)") }
        guard let table = try Row.fetchOne(db, sql: "SELECT rootpage, sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
                                           arguments: [name]) else { throw refuse("no such table") }
        root = table["rootpage"]
        let sql: String = table["sql"]
        if sql.uppercased().contains("WITHOUT ROWID") { throw refuse("a WITHOUT ROWID table") }
        guard image.isEmptyLeaf(root, table: true) else { throw refuse("the table is not empty") }
        var columns: [Column] = []
        let info = try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)",
                                    arguments: [name])
        let primaryKeys = info.filter { ($0["pk"] as Int) > 0 }
        let plainColumns = info.filter { (($0["hidden"] as Int)) == 0 }.map { $0["name"] as String }
        for column in info {
            let columnName: String = column["name"]
            let type: String = column["type"]
            var generated: Generated?
            switch column["hidden"] as Int {
            case 0: break
            case 2: generated = .virtual
            case 3:
                guard let expression = Self.generatedExpression(of: columnName, in: sql) else {
                    throw refuse("cannot find the expression of generated column \(columnName)")
                }
                let inputs = plainColumns.enumerated().map { "?\($0 + 1) AS \"\($1)\"" }.joined(separator: ", ")
                var statement: OpaquePointer?
                guard sqlite3_prepare_v2(db.sqliteConnection, "SELECT \(expression) FROM (SELECT \(inputs))", -1, &statement, nil) == SQLITE_OK,
                      let statement else { throw refuse("cannot evaluate generated column \(columnName): \(expression)") }
                statements.append(statement)
                generated = .stored(statement)
            default: throw refuse("hidden column \(columnName)")
            }
            if primaryKeys.count == 1, (column["pk"] as Int) == 1, type.uppercased() == "INTEGER" {
                throw refuse("\(columnName) is an INTEGER PRIMARY KEY (a rowid alias)")
            }
            var fallback = Fallback.constant(.null, text: [])
            if let expression = column["dflt_value"] as String? {
                if expression.contains("(") || expression.uppercased().hasPrefix("CURRENT_") {
                    var statement: OpaquePointer?
                    guard sqlite3_prepare_v2(db.sqliteConnection, "SELECT \(expression)", -1, &statement, nil) == SQLITE_OK,
                          let statement else { throw refuse("cannot evaluate the default of \(columnName): \(expression)") }
                    statements.append(statement)
                    fallback = .perRow(statement)
                } else {
                    switch try DatabaseValue.fetchOne(db, sql: "SELECT \(expression)")?.storage ?? .null {
                    case .null: break
                    case let .int64(v): fallback = .constant(.integer(v), text: [])
                    case let .double(v): fallback = .constant(.real(v), text: [])
                    case let .string(s): fallback = .constant(.text(start: 0, count: s.utf8.count), text: Array(s.utf8))
                    case .blob: throw refuse("\(columnName) has a blob default")
                    }
                }
            }
            columns.append(Column(name: columnName, affinity: Self.affinity(of: type), notNull: (column["notnull"] as Int) != 0,
                                  fallback: fallback, generated: generated))
        }
        self.columns = columns
        storedColumns = columns.indices.filter { if case .virtual = columns[$0].generated { false } else { true } }
        plainColumnIndices = columns.indices.filter { columns[$0].generated == nil }
        positions = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var indexes: [IndexLoader] = []
        for index in try Row.fetchAll(db, sql: "SELECT name, \"unique\", partial FROM pragma_index_list(?)", arguments: [name]) {
            let indexName: String = index["name"]
            if (index["partial"] as Int) != 0 { throw refuse("partial index \(indexName)") }
            guard let indexRoot = try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE name = ?", arguments: [indexName]),
                  image.isEmptyLeaf(indexRoot, table: false) else { throw refuse("index \(indexName) is not empty") }
            var keyColumns: [Int] = []
            var descending: [Bool] = []
            for part in try Row.fetchAll(db, sql: "SELECT cid, \"desc\", coll, key FROM pragma_index_xinfo(?) ORDER BY seqno",
                                         arguments: [indexName]) where (part["key"] as Int) == 1 {
                let cid: Int = part["cid"]
                if cid < 0 { throw refuse("index \(indexName) is on an expression") }
                if case .virtual = columns[cid].generated { throw refuse("index \(indexName) is on a virtual column") }
                if (part["coll"] as String?)?.uppercased() != "BINARY" { throw refuse("index \(indexName) uses another collation than BINARY") }
                keyColumns.append(cid)
                descending.append((part["desc"] as Int) != 0)
            }
            indexes.append(IndexLoader(name: indexName, root: indexRoot, columns: keyColumns, descending: descending,
                                       unique: (index["unique"] as Int) != 0, image: image))
        }
        self.indexes = indexes
        leaves = LeafWriter(image: image)
        values = .allocate(capacity: columns.count)
        values.initialize(repeating: .null)
        isSet = Array(repeating: false, count: columns.count)
    }

    deinit {
        statements.forEach { sqlite3_finalize($0) }
        values.deallocate()
        text.free()
    }

    /// The position of column `name` (the table's column order), for the setters.
    public func columnIndex(_ name: String) -> Int? { positions[name] }

    /// SQLite's affinity of a declared type (https://www.sqlite.org/datatype3.html §3.1).
    static func affinity(of type: String) -> Affinity {
        let type = type.uppercased()
        if type.contains("INT") { return .integer }
        if type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT") { return .text }
        if type.contains("BLOB") || type.isEmpty { return .blob }
        if type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB") { return .real }
        return .numeric
    }

    // MARK: Setting a row

    public func set(_ column: Int, _ value: String) {
        var value = value
        value.withUTF8 { set(column, utf8: UnsafeRawBufferPointer($0)) }
    }

    public func set(_ column: Int, utf8 bytes: UnsafeRawBufferPointer) {
        let start = text.count
        if let base = bytes.baseAddress { text.append(base, count: bytes.count) }
        values[column] = .text(start: start, count: bytes.count)
        isSet[column] = true
    }

    /// Sets a text column to bytes that stay valid, unchanged, until ``appendRow()`` returns
    /// (not copied: for large contents held by the caller).
    public func set(_ column: Int, borrowing bytes: UnsafeRawBufferPointer) {
        values[column] = bytes.baseAddress.map { .borrowedText($0, count: bytes.count) } ?? .text(start: 0, count: 0)
        isSet[column] = true
    }

    public func set(_ column: Int, _ value: Int) {
        values[column] = .integer(Int64(value))
        isSet[column] = true
    }

    public func set(_ column: Int, _ value: Double) {
        values[column] = .real(value)
        isSet[column] = true
    }

    public func setNull(_ column: Int) {
        values[column] = .null
        isSet[column] = true
    }

    /// Adds the row set since the last call (unset columns take their default) as rowid
    /// ``rows`` + 1.
    /// - Throws: when a value breaks NOT NULL, or is text that SQLite would store as a number
    ///   (the loader does not convert it).
    public func appendRow() throws {
        // A row that fails leaves nothing behind: the next one starts unset.
        defer {
            for column in isSet.indices { isSet[column] = false }
            text.removeAll()
        }
        for column in plainColumnIndices {
            if !isSet[column] { try setDefault(column) }
            try applyAffinity(column)
        }
        for column in columns.indices {
            guard let generated = columns[column].generated else { continue }
            if isSet[column] { throw error("cannot set generated column \(columns[column].name)") }
            if case let .stored(statement) = generated {
                try generate(column, statement)
                try applyAffinity(column)
            }
        }
        for index in indexes { try index.check(UnsafeBufferPointer(values)) }
        rows += 1
        storedColumns.withUnsafeBufferPointer { stored in
            let row = UnsafeBufferPointer(values)
            let (headerSize, size) = RecordEncoder.measure(row, columns: stored, rowid: nil)
            RecordEncoder.write(row, columns: stored, rowid: nil, headerSize: headerSize, text: text.bytes,
                                to: pipe.reserve(size, for: leaves))
        }
        for index in indexes {
            index.add(values: UnsafeBufferPointer(values), text: text.bytes)
        }
    }

    /// Gives `column` its default, as an INSERT that leaves it out would.
    private func setDefault(_ column: Int) throws {
        switch columns[column].fallback {
        case let .constant(.text(_, count), bytes):
            bytes.withUnsafeBytes { set(column, utf8: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        case let .constant(value, _):
            values[column] = value
        case let .perRow(statement):
            try evaluate(statement, into: column, what: "the default of")
        }
    }

    /// Computes STORED generated column `column` from the row's other columns.
    private func generate(_ column: Int, _ statement: OpaquePointer) throws {
        for (parameter, input) in plainColumnIndices.enumerated() {
            let index = Int32(parameter + 1)
            switch values[input] {
            case .null: sqlite3_bind_null(statement, index)
            case let .integer(v): sqlite3_bind_int64(statement, index, v)
            case let .real(v): sqlite3_bind_double(statement, index, v)
            case .text, .borrowedText:
                let bytes = values[input].textBytes(in: text.bytes)!
                sqlite3_bind_text(statement, index, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
            }
        }
        try evaluate(statement, into: column, what: "generated column")
        sqlite3_clear_bindings(statement)
    }

    /// Steps a one-value SELECT and sets `column` to its result.
    private func evaluate(_ statement: OpaquePointer, into column: Int, what: String) throws {
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw error("\(what) \(columns[column].name) failed: \(String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))")
        }
        switch sqlite3_column_type(statement, 0) {
        case SQLITE_INTEGER: values[column] = .integer(sqlite3_column_int64(statement, 0))
        case SQLITE_FLOAT: values[column] = .real(sqlite3_column_double(statement, 0))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, 0))
            set(column, utf8: UnsafeRawBufferPointer(start: sqlite3_column_text(statement, 0), count: count))
        case SQLITE_NULL: values[column] = .null
        default: throw error("\(what) \(columns[column].name) gave a blob")
        }
    }

    private static func isWord(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"): true
        default: false
        }
    }

    /// The expression of generated column `name` in a CREATE TABLE statement: the parenthesised
    /// text after `AS` in that column's definition.
    static func generatedExpression(of name: String, in sql: String) -> String? {
        let bytes = Array(sql.utf8)
        var index = 0, depth = 0
        var definitionStart = true
        var inTarget = false
        var sawAs = false
        var expressionStart = -1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : byte
                var end = index + 1
                while end < bytes.count, bytes[end] != close { end += 1 }
                if definitionStart, depth == 1 {
                    inTarget = String(decoding: bytes[(index + 1)..<min(end, bytes.count)], as: UTF8.self).lowercased() == name.lowercased()
                    definitionStart = false
                }
                index = end + 1
                continue
            case UInt8(ascii: "("):
                depth += 1
                if depth == 1 { definitionStart = true }
                if depth == 2, inTarget, sawAs, expressionStart < 0 { expressionStart = index + 1 }
            case UInt8(ascii: ")"):
                if depth == 2, expressionStart >= 0 {
                    return String(decoding: bytes[expressionStart..<index], as: UTF8.self)
                }
                depth -= 1
            case UInt8(ascii: ","):
                if depth == 1 { definitionStart = true; inTarget = false; sawAs = false }
            default:
                if isWord(byte) {
                    var end = index
                    while end < bytes.count, isWord(bytes[end]) { end += 1 }
                    let word = String(decoding: bytes[index..<end], as: UTF8.self).lowercased()
                    if definitionStart, depth == 1 {
                        inTarget = word == name.lowercased()
                        definitionStart = false
                    } else if inTarget, depth == 1, word == "as" {
                        sawAs = true
                    }
                    index = end
                    continue
                }
            }
            index += 1
        }
        return nil
    }

    private func error(_ message: String) -> DatabaseError {
        DatabaseError(message: "bulk load of \(name), row \(rows + 1): \(message)")
    }

    /// Converts the value of `column` as storing it in a column of that affinity would.
    @inline(__always)
    private func applyAffinity(_ column: Int) throws {
        let affinity = columns[column].affinity
        switch values[column] {
        case .null:
            if columns[column].notNull { throw error("NULL in NOT NULL column \(columns[column].name)") }
        case let .integer(v):
            if affinity == .text {
                // Decimal digits, as SQLite writes an integer stored into a TEXT column.
                var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
                withUnsafeMutableBytes(of: &digits) { buffer in
                    var magnitude = v.magnitude, position = buffer.count
                    repeat {
                        position -= 1
                        buffer[position] = UInt8(48 + magnitude % 10)
                        magnitude /= 10
                    } while magnitude > 0
                    if v < 0 { position -= 1; buffer[position] = UInt8(ascii: "-") }
                    let start = text.count
                    text.append(buffer.baseAddress! + position, count: buffer.count - position)
                    values[column] = .text(start: start, count: buffer.count - position)
                }
            } else if affinity == .real {
                values[column] = .real(Double(v))
            }
        case let .real(v):
            switch affinity {
            case .text: throw error("a real number for TEXT column \(columns[column].name) (give its text)")
            case .integer, .numeric, .real:
                // SQLite keeps a whole real within ±2^51 as an integer (sqlite3RealSameAsInt).
                if v == 0 { values[column] = .integer(0) }
                else if abs(v) < 0x1p51, v == v.rounded(.towardZero), affinity != .real { values[column] = .integer(Int64(v)) }
            case .blob: break
            }
        case .text, .borrowedText:
            if affinity == .integer || affinity == .numeric || affinity == .real,
               Self.looksNumeric(values[column].textBytes(in: text.bytes)!) {
                throw error("text that SQLite would store as a number in column \(columns[column].name) (give the number)")
            }
        }
    }

    /// Whether SQLite would read this text as a number (optional spaces, sign, digits with an
    /// optional point, optional exponent).
    static func looksNumeric(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 48 && $0 <= 57 } ?? false }
        while peek() == 32 { index += 1 }
        if peek() == 43 || peek() == 45 { index += 1 }
        var digits = 0
        while isDigit(peek()) { index += 1; digits += 1 }
        if peek() == 46 {
            index += 1
            while isDigit(peek()) { index += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if peek() == 101 || peek() == 69 {
            index += 1
            if peek() == 43 || peek() == 45 { index += 1 }
            guard isDigit(peek()) else { return false }
            while isDigit(peek()) { index += 1 }
        }
        while peek() == 32 { index += 1 }
        return index == bytes.count
    }

    /// Writes the last leaf, the interior pages and the indexes (once the pipe has packed every row).
    func finish() throws {
        statements.forEach { sqlite3_finalize($0) }
        statements = []
        BTreeWriter.finish(leaves.close(), kind: .tableInterior, root: root, image: image)
        for index in indexes { try index.write() }
    }
}

/// The entries of one index, kept as sort keys only (``SortKey``): each key holds its columns'
/// values and their storage classes, so the index record is rebuilt from it (with the rowid:
/// entry i is row i + 1).
///
/// At install, ``prepare(_:splitThreshold:)`` sorts the entries and encodes their cells in key
/// order, a large index in two parts side by side (each half sorted; then each half of the
/// merged order encoded, found by a binary search on the two sorted runs); ``write()`` packs the
/// cells into pages.
final class IndexLoader {
    let name: String
    let root: Int
    let columns: [Int]
    let descending: [Bool]
    let unique: Bool
    private let image: DatabaseImage
    @exclusivity(unchecked) private var keys = ByteBuffer(capacity: 1 << 16)
    @exclusivity(unchecked) private var keyStarts = Offsets()
    /// Entries in key order once sorted: two sorted runs, `..<middle` and `middle...`.
    @exclusivity(unchecked) private var order = UnsafeMutableBufferPointer<SortEntry>(start: nil, count: 0)
    @exclusivity(unchecked) private var middle = 0
    /// The records of the entries in key order, each after its size (4 bytes), in consecutive parts.
    @exclusivity(unchecked) private var parts = UnsafeMutableBufferPointer<EncodedPart>(start: nil, count: 0)

    /// An entry's first 16 key bytes (big-endian, zero-padded) and its number: most
    /// comparisons end in the prefix.
    struct SortEntry {
        var high: UInt64
        var low: UInt64
        var entry: UInt32
    }

    /// Records of a range of the merged order, and the first UNIQUE violation met there.
    struct EncodedPart {
        var records = ByteBuffer(capacity: 1 << 16)
        var duplicate: (Int, Int)?
    }

    init(name: String, root: Int, columns: [Int], descending: [Bool], unique: Bool, image: DatabaseImage) {
        self.name = name
        self.root = root
        self.columns = columns
        self.descending = descending
        self.unique = unique
        self.image = image
    }

    deinit {
        order.deallocate()
        freeParts()
        keys.free()
        keyStarts.free()
    }

    private func freeParts() {
        parts.forEach { $0.records.free() }
        parts.deallocate()
        parts = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    /// Refuses a row whose key would not sort right: an integer beyond ±2^53 (keys hold
    /// numbers as doubles).
    func check(_ values: UnsafeBufferPointer<StoredValue>) throws {
        for column in columns {
            if case let .integer(v) = values[column], v.magnitude > 1 << 53 {
                throw DatabaseError(message: "bulk load: index \(name) on an integer beyond ±2^53 (\(v))")
            }
        }
    }

    /// Adds the key of the next row (checked by ``check(_:)``).
    func add(values: UnsafeBufferPointer<StoredValue>, text: UnsafeRawPointer) {
        for (position, column) in columns.enumerated() {
            SortKey.append(values[column], descending: descending[position], text: text, to: &keys)
        }
        for column in columns { SortKey.appendStorageClass(values[column], to: &keys) }
        keyStarts.append(keys.count)
    }

    /// Sorts the entries of every index by key (SQLite's index order) and encodes their records
    /// in that order, on all cores: an index of `splitThreshold` entries or more in two parts.
    /// - Throws: a UNIQUE violation.
    static func prepare(_ indexes: [IndexLoader], splitThreshold: Int) throws {
        let halves = indexes.flatMap { index in
            let count = index.keyStarts.count - 1
            index.middle = count >= splitThreshold ? count / 2 : count
            index.order = .allocate(capacity: count)
            return [(index, 0..<index.middle), (index, index.middle..<count)].filter { !$0.1.isEmpty }
        }
        let sorting = UncheckedSendable(halves)
        DispatchQueue.concurrentPerform(iterations: halves.count) { part in
            let (index, range) = sorting.value[part]
            index.sortOrder(range)
        }
        let ranges = indexes.flatMap { index in
            let count = index.order.count, pieces = count >= splitThreshold ? 2 : 1
            index.parts = .allocate(capacity: pieces)
            // One buffer each (`initialize(repeating:)` would share one).
            for piece in 0..<pieces { (index.parts.baseAddress! + piece).initialize(to: EncodedPart()) }
            return (0..<pieces).map { (index, $0, count * $0 / pieces ..< count * ($0 + 1) / pieces) }
        }
        let encoding = UncheckedSendable(ranges)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            let (index, piece, outputs) = encoding.value[part]
            index.encode(outputs, into: &index.parts[piece])
        }
        for index in indexes {
            if let (a, b) = index.parts.lazy.compactMap(\.duplicate).first {
                throw DatabaseError(message: "bulk load: UNIQUE constraint failed: index \(index.name) (rows \(a + 1) and \(b + 1))")
            }
        }
    }

    /// Key order, then row order.
    @inline(__always)
    private func precedes(_ a: SortEntry, _ b: SortEntry) -> Bool {
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        let order = compare(Int(a.entry), Int(b.entry))
        return order != 0 ? order < 0 : a.entry < b.entry
    }

    /// The bytes of `entry`'s key that order it (without the storage classes).
    @inline(__always)
    private func orderedBytes(_ entry: Int) -> (start: Int, count: Int) {
        let start = keyStarts[entry]
        return (start, keyStarts[entry + 1] - start - columns.count)
    }

    /// Fills `order[range]` with those entries and their keys' first 16 bytes, and sorts it.
    private func sortOrder(_ range: Range<Int>) {
        let base = keys.bytes
        for entry in range {
            let (start, length) = orderedBytes(entry)
            var prefix = (UInt64(0), UInt64(0))
            withUnsafeMutableBytes(of: &prefix) { $0.baseAddress!.copyMemory(from: base + start, byteCount: min(16, length)) }
            order[entry] = SortEntry(high: UInt64(bigEndian: prefix.0), low: UInt64(bigEndian: prefix.1), entry: UInt32(entry))
        }
        var part = UnsafeMutableBufferPointer(rebasing: order[range])
        part.sort(by: precedes)
    }

    /// memcmp order of the keys of entries `a` and `b` past their first 16 bytes, shorter first.
    private func compare(_ a: Int, _ b: Int) -> Int32 {
        let (aStart, aLength) = orderedBytes(a), (bStart, bLength) = orderedBytes(b)
        let common = min(aLength, bLength)
        if common > 16 {
            let result = memcmp(keys.bytes + aStart + 16, keys.bytes + bStart + 16, common - 16)
            if result != 0 { return result }
        }
        return aLength == bLength ? 0 : (aLength < bLength ? -1 : 1)
    }

    /// How many of the first `outputs` entries of the merged order come from the first run
    /// (the merge takes the first run's entry on a tie): a binary search on the two runs.
    private func firstRunShare(of outputs: Int) -> Int {
        let second = order.count - middle
        var low = max(0, outputs - second), high = min(outputs, middle)
        while low < high {
            let taken = (low + high) / 2
            // If the first run's next entry precedes the second run's last one taken, take more of it.
            if !precedes(order[middle + outputs - taken - 1], order[taken]) { low = taken + 1 } else { high = taken }
        }
        return low
    }

    /// Whether entries `a` and `b` have equal columns, none of them NULL (a UNIQUE violation:
    /// NULLs are distinct from each other).
    private func duplicates(_ a: Int, _ b: Int) -> Bool {
        let (aStart, length) = orderedBytes(a), (bStart, bLength) = orderedBytes(b)
        guard length == bLength else { return false }
        let classes = keys.bytes + aStart + length
        for column in columns.indices where classes.load(fromByteOffset: column, as: UInt8.self) == SortKey.StorageClass.null.rawValue {
            return false
        }
        return memcmp(keys.bytes + aStart, keys.bytes + bStart, length) == 0
    }

    /// Asks for the keys of the entries a few places after `run` in `order` (their start offsets
    /// further ahead), so that the cache misses of reading keys in sorted order overlap.
    @inline(__always)
    private func prefetch(run: Int, end: Int) {
        let distance = 12
        if run + 2 * distance < end { capsim_prefetch(keyStarts.address(Int(order[run + 2 * distance].entry))) }
        if run + distance < end { capsim_prefetch(keys.bytes + keyStarts[Int(order[run + distance].entry)]) }
    }

    /// Encodes the records of the merged order's `outputs` into `part`, checking UNIQUE between
    /// neighbours (the entry before the range included).
    private func encode(_ outputs: Range<Int>, into part: inout EncodedPart) {
        var left = firstRunShare(of: outputs.lowerBound)
        var right = middle + outputs.lowerBound - left
        // The entry just before the range (the later of the two runs' last entries taken), for UNIQUE.
        var previous = -1
        if left > 0, right > middle {
            previous = Int((precedes(order[left - 1], order[right - 1]) ? order[right - 1] : order[left - 1]).entry)
        } else if left > 0 {
            previous = Int(order[left - 1].entry)
        } else if right > middle {
            previous = Int(order[right - 1].entry)
        }
        let fields = columns.count + 1
        let decoded = UnsafeMutableBufferPointer<StoredValue>.allocate(capacity: fields)
        defer { decoded.deallocate() }
        let identity = UnsafeMutableBufferPointer<Int>.allocate(capacity: fields)
        defer { identity.deallocate() }
        for field in 0..<fields { identity[field] = field }
        var text = ByteBuffer(capacity: 4096)
        defer { text.free() }
        for _ in outputs {
            let sorted: SortEntry
            if left < middle, right == order.count || !precedes(order[right], order[left]) {
                sorted = order[left]; left += 1
            } else {
                sorted = order[right]; right += 1
            }
            let entry = Int(sorted.entry)
            // Keys are read in sorted order, scattered in memory: ask for those a few entries
            // ahead of each run.
            prefetch(run: left, end: middle)
            prefetch(run: right, end: order.count)
            if unique, previous >= 0, part.duplicate == nil, duplicates(previous, entry) { part.duplicate = (previous, entry) }
            previous = entry
            text.removeAll()
            SortKey.decode(keys.bytes + keyStarts[entry], descending: descending, into: decoded, text: &text)
            decoded[columns.count] = .integer(Int64(entry + 1))   // the rowid
            let values = UnsafeBufferPointer(decoded)
            let (headerSize, size) = RecordEncoder.measure(values, columns: UnsafeBufferPointer(identity), rowid: nil)
            let target = part.records.reserve(4 + size)
            target.storeBytes(of: UInt32(size), as: UInt32.self)
            RecordEncoder.write(values, columns: UnsafeBufferPointer(identity), rowid: nil, headerSize: headerSize,
                                text: text.bytes, to: target + 4)
            part.records.commit(4 + size)
        }
    }

    /// Writes the index B-tree from the records encoded by ``prepare(_:splitThreshold:)``.
    func write() throws {
        defer {
            order.deallocate()
            order = UnsafeMutableBufferPointer(start: nil, count: 0)
            freeParts()
        }
        guard !order.isEmpty else { return }
        let layout = PayloadLayout(usableSize: image.usableSize, table: false)
        var builder = PageBuilder(kind: .indexLeaf, usableSize: image.usableSize)
        defer { builder.free() }
        var level = TreeLevel()
        var cell = ByteBuffer(capacity: image.usableSize + 16)
        defer { cell.free() }
        var position = 0
        for part in parts {
            var offset = 0
            while offset < part.records.count {
                let size = Int(part.records.bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                let record = part.records.bytes + offset + 4
                offset += 4 + size
                position += 1
                let sizeOfSize = Varint.size(UInt64(size))
                if layout.local(size) == size, builder.fits(sizeOfSize + size) {
                    // The usual case: the cell goes straight into the leaf.
                    let target = builder.addCell(size: sizeOfSize + size)
                    Varint.write(UInt64(size), to: target)
                    (target + sizeOfSize).copyMemory(from: record, byteCount: size)
                    continue
                }
                cell.removeAll()
                let target = cell.reserve(9 + size + 4)
                var cellSize = Varint.write(UInt64(size), to: target)
                cellSize += BTreeWriter.writePayload(record, count: size, layout: layout, image: image, to: target + cellSize)
                let bytes = UnsafeRawBufferPointer(start: cell.bytes, count: cellSize)
                if builder.fits(bytes.count) {
                    builder.addCell(size: bytes.count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                } else if position == order.count {
                    // The last entry cannot be a divider (no page would follow it): the leaf's last
                    // cell moves up instead, and the last entry starts the last leaf.
                    var moved: [UInt8] = []
                    builder.removeLastCell { moved = Array($0) }
                    level.pages.append(builder.emit(into: image))
                    moved.withUnsafeBytes { level.appendDivider($0) }
                    builder.addCell(size: bytes.count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                } else {
                    level.pages.append(builder.emit(into: image))
                    level.appendDivider(bytes)
                }
                // The first leaf was built aside (it may turn out to be the root); the next ones are
                // written where they live.
                builder.writeInPlace(image)
            }
        }
        if !builder.isEmpty { level.pages.append(builder.emit(into: image)) }
        BTreeWriter.finish(level, kind: .indexInterior, root: root, image: image)
    }
}
