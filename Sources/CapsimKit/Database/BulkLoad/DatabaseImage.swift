import GRDB
import GRDBSQLite

/// The bytes of an SQLite database file, grown page by page (https://www.sqlite.org/fileformat2.html).
///
/// Starts as a copy of a connection's main database (`sqlite3_serialize`); new B-tree pages are
/// appended; ``install(into:)`` hands the bytes back to the connection (`sqlite3_deserialize`).
/// The buffer comes from `sqlite3_malloc64`, so SQLite takes it over without a copy.
final class DatabaseImage {
    // Read for every page written, from one thread: no runtime access tracking.
    @exclusivity(unchecked) private(set) var bytes: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    /// Pages in the database; page numbers start at 1.
    @exclusivity(unchecked) private(set) var pageCount: Int
    let pageSize: Int
    /// Bytes of a page that B-tree content may use (page size − reserved bytes).
    let usableSize: Int

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(message: "the database is closed") }
        var size: sqlite3_int64 = 0
        guard let serialized = sqlite3_serialize(connection, "main", &size, 0) else {
            throw DatabaseError(message: "sqlite3_serialize failed: \(String(cString: sqlite3_errmsg(connection)))")
        }
        bytes = UnsafeMutableRawPointer(serialized)
        capacity = Int(size)
        let header = bytes
        func bigEndian16(_ offset: Int) -> Int {
            Int(header.load(fromByteOffset: offset, as: UInt8.self)) << 8 | Int(header.load(fromByteOffset: offset + 1, as: UInt8.self))
        }
        let rawPageSize = bigEndian16(16)
        pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        usableSize = pageSize - Int(header.load(fromByteOffset: 20, as: UInt8.self))
        pageCount = Int(size) / pageSize
        let encoding = UInt32(bigEndian: header.load(fromByteOffset: 56, as: UInt32.self))
        let autoVacuum = header.load(fromByteOffset: 52, as: UInt32.self)
        guard encoding == 1, autoVacuum == 0 else {
            sqlite3_free(bytes)
            throw DatabaseError(message: "bulk loading needs a UTF-8 database without auto-vacuum")
        }
    }

    /// Frees the bytes unless ``install(into:)`` handed them to SQLite.
    func discard() { sqlite3_free(bytes) }

    /// The first byte of page `number` (invalidated by the next ``allocatePage()``).
    @inline(__always)
    func page(_ number: Int) -> UnsafeMutableRawPointer { bytes + (number - 1) * pageSize }

    /// Appends a page and returns its number. Its bytes are undefined: the caller writes all of them.
    func allocatePage() -> Int {
        let needed = (pageCount + 1) * pageSize
        if needed > capacity {
            let grown = max(needed, capacity * 2, 1 << 22)
            guard let larger = sqlite3_realloc64(bytes, sqlite3_uint64(grown)) else {
                fatalError("out of memory growing a database image to \(grown) bytes")
            }
            bytes = larger
            capacity = grown
        }
        pageCount += 1
        return pageCount
    }

    /// Copies the last page over page `root` and drops it: B-trees are written bottom-up, so a
    /// tree's root is the last page written, and it must live at the page the schema names.
    func moveLastPage(to root: Int) {
        precondition(root < pageCount)
        page(root).copyMemory(from: page(pageCount), byteCount: pageSize)
        pageCount -= 1
    }

    /// Writes the pages of `payload` that do not fit in its cell as an overflow chain (each page:
    /// the next page's number, then content) and returns the first page's number.
    func writeOverflow(_ payload: UnsafeRawPointer, count: Int) -> Int {
        let perPage = usableSize - 4
        let pages = (count + perPage - 1) / perPage
        let first = pageCount + 1
        for index in 0..<pages {
            let number = allocatePage()
            let target = page(number)
            let next = index == pages - 1 ? 0 : number + 1
            target.storeBytes(of: UInt32(next).bigEndian, as: UInt32.self)
            let start = index * perPage, length = min(perPage, count - start)
            target.advanced(by: 4).copyMemory(from: payload + start, byteCount: length)
            (target + 4 + length).initializeMemory(as: UInt8.self, repeating: 0, count: pageSize - 4 - length)
        }
        return first
    }

    /// Whether page `number` is an empty B-tree leaf (of a table: 0x0D, of an index: 0x0A).
    func isEmptyLeaf(_ number: Int, table: Bool) -> Bool {
        let page = page(number)
        return page.load(as: UInt8.self) == (table ? 0x0D : 0x0A)
            && page.load(fromByteOffset: 3, as: UInt8.self) == 0 && page.load(fromByteOffset: 4, as: UInt8.self) == 0
    }

    /// Sets the header's page count (valid because the change counter and "version valid for"
    /// are set equal) and hands the bytes to `db`'s main database, which must be in-memory
    /// and have no transaction open.
    func install(into db: Database) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(message: "the database is closed") }
        let header = bytes
        let counter = UInt32(bigEndian: header.load(fromByteOffset: 24, as: UInt32.self)) &+ 1
        header.storeBytes(of: counter.bigEndian, toByteOffset: 24, as: UInt32.self)
        header.storeBytes(of: counter.bigEndian, toByteOffset: 92, as: UInt32.self)
        header.storeBytes(of: UInt32(pageCount).bigEndian, toByteOffset: 28, as: UInt32.self)
        let size = sqlite3_int64(pageCount * pageSize)
        let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
        let status = sqlite3_deserialize(connection, "main", bytes.assumingMemoryBound(to: UInt8.self), size,
                                         sqlite3_int64(capacity), flags)
        guard status == SQLITE_OK else {
            throw DatabaseError(message: "sqlite3_deserialize failed: \(String(cString: sqlite3_errmsg(connection)))")
        }
        // A deserialized database may grow to 1 GB by default; the loaded one keeps growing (archives, writes).
        var limit: sqlite3_int64 = 1 << 40
        sqlite3_file_control(connection, "main", SQLITE_FCNTL_SIZE_LIMIT, &limit)
        db.clearSchemaCache()
    }
}
