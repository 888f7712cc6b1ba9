import Foundation

/// SQLite's on-disk encodings (https://www.sqlite.org/fileformat2.html §1.6 and §2.1): varints,
/// records with their serial types, and a byte string per index key that sorts like SQLite
/// compares index keys (BINARY collation).

/// One column value of a row about to be loaded, as SQLite stores it.
enum StoredValue {
    case null
    case integer(Int64)
    case real(Double)
    /// UTF-8 bytes at `start ..< start + count` of the row's text buffer.
    case text(start: Int, count: Int)
    /// UTF-8 bytes the caller keeps alive until the row is appended.
    case borrowedText(UnsafeRawPointer, count: Int)

    /// The bytes of a text value (owned ones are in the row's buffer `text`).
    @inline(__always)
    func textBytes(in text: UnsafeRawPointer) -> UnsafeRawBufferPointer? {
        switch self {
        case let .text(start, count): UnsafeRawBufferPointer(start: text + start, count: count)
        case let .borrowedText(bytes, count): UnsafeRawBufferPointer(start: bytes, count: count)
        default: nil
        }
    }
}

/// A growable byte buffer written through raw pointers (no per-byte bounds checks).
struct ByteBuffer {
    private(set) var bytes: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = max(64, capacity)
        guard let bytes = malloc(self.capacity) else { fatalError("out of memory") }
        self.bytes = bytes
    }

    func free() { Foundation.free(bytes) }

    mutating func removeAll() { count = 0 }

    /// Makes room for `extra` more bytes and returns where they go (the caller writes them, then calls ``commit(_:)``).
    @inline(__always)
    mutating func reserve(_ extra: Int) -> UnsafeMutableRawPointer {
        if count + extra > capacity {
            var grown = capacity * 2
            while grown < count + extra { grown *= 2 }
            // realloc moves large blocks by remapping their pages: nothing is copied or touched again.
            guard let larger = realloc(bytes, grown) else { fatalError("out of memory growing a buffer to \(grown) bytes") }
            bytes = larger
            capacity = grown
        }
        return bytes + count
    }

    @inline(__always)
    mutating func commit(_ written: Int) { count += written }

    @inline(__always)
    mutating func append(_ source: UnsafeRawPointer, count length: Int) {
        reserve(length).copyMemory(from: source, byteCount: length)
        count += length
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        reserve(1).storeBytes(of: byte, as: UInt8.self)
        count += 1
    }
}

/// Where the entries of a ``ByteBuffer`` start: entry i spans `self[i] ..< self[i + 1]`.
struct Offsets {
    private var storage = ByteBuffer(capacity: 1 << 16)

    init() { append(0) }

    func free() { storage.free() }

    /// Entries plus one.
    var count: Int { storage.count / 8 }

    @inline(__always)
    mutating func append(_ offset: Int) {
        storage.reserve(8).storeBytes(of: offset, as: Int.self)
        storage.commit(8)
    }

    @inline(__always)
    subscript(index: Int) -> Int { storage.bytes.load(fromByteOffset: index * 8, as: Int.self) }

    @inline(__always)
    func address(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage.bytes + index * 8) }
}

enum Varint {
    /// Bytes SQLite's varint of `value` takes (1 … 9).
    @inline(__always)
    static func size(_ value: UInt64) -> Int {
        if value < 0x80 { return 1 }
        if value >= 1 << 56 { return 9 }
        var size = 1, rest = value >> 7
        while rest != 0 { size += 1; rest >>= 7 }
        return size
    }

    /// Writes `value` as a SQLite varint (big-endian groups of 7 bits; a 9th byte holds 8) and
    /// returns the bytes written.
    @inline(__always)
    @discardableResult
    static func write(_ value: UInt64, to target: UnsafeMutableRawPointer) -> Int {
        if value < 0x80 {
            target.storeBytes(of: UInt8(value), as: UInt8.self)
            return 1
        }
        if value >= 1 << 56 {
            target.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: 8, as: UInt8.self)
            var rest = value >> 8
            for index in stride(from: 7, through: 0, by: -1) {
                target.storeBytes(of: UInt8(truncatingIfNeeded: rest & 0x7F) | 0x80, toByteOffset: index, as: UInt8.self)
                rest >>= 7
            }
            return 9
        }
        let size = Varint.size(value)
        var rest = value
        for index in stride(from: size - 1, through: 0, by: -1) {
            let low = UInt8(truncatingIfNeeded: rest & 0x7F)
            target.storeBytes(of: index == size - 1 ? low : low | 0x80, toByteOffset: index, as: UInt8.self)
            rest >>= 7
        }
        return size
    }
}

enum SerialType {
    /// The serial type of `value` (schema format 4: 0 and 1 take no body bytes) and its body size.
    @inline(__always)
    static func of(_ value: StoredValue) -> (type: UInt64, size: Int) {
        switch value {
        case .null: return (0, 0)
        case let .integer(v):
            if v == 0 { return (8, 0) }
            if v == 1 { return (9, 0) }
            if v >= -128, v <= 127 { return (1, 1) }
            if v >= -32768, v <= 32767 { return (2, 2) }
            if v >= -8_388_608, v <= 8_388_607 { return (3, 3) }
            if v >= -2_147_483_648, v <= 2_147_483_647 { return (4, 4) }
            if v >= -140_737_488_355_328, v <= 140_737_488_355_327 { return (5, 6) }
            return (6, 8)
        case .real: return (7, 8)
        case let .text(_, count), let .borrowedText(_, count): return (UInt64(count) * 2 + 13, count)
        }
    }

    /// Writes the body bytes of `value` (big-endian integers and IEEE doubles, UTF-8 text).
    @inline(__always)
    static func writeBody(_ value: StoredValue, size: Int, text: UnsafeRawPointer, to target: UnsafeMutableRawPointer) {
        switch value {
        case .null: break
        case let .integer(v):
            let bits = UInt64(bitPattern: v)
            for index in 0..<size {
                target.storeBytes(of: UInt8(truncatingIfNeeded: bits >> (8 * UInt64(size - 1 - index))), toByteOffset: index, as: UInt8.self)
            }
        case let .real(v):
            target.storeBytes(of: v.bitPattern.bigEndian, as: UInt64.self)
        case .text, .borrowedText:
            if let bytes = value.textBytes(in: text), let base = bytes.baseAddress {
                target.copyMemory(from: base, byteCount: bytes.count)
            }
        }
    }
}

/// SQLite records: a header (its own size, then a serial type per field), then the fields' bodies.
enum RecordEncoder {
    /// Header and total size of the record of `values[columns[i]]` for each i, followed by
    /// `rowid` when given (index records end with the row's rowid).
    @inline(__always)
    static func measure(_ values: UnsafeBufferPointer<StoredValue>, columns: UnsafeBufferPointer<Int>, rowid: Int64?)
        -> (headerSize: Int, total: Int) {
        var headerBody = 0, bodySize = 0
        for column in columns {
            let (type, size) = SerialType.of(values[column])
            headerBody += Varint.size(type)
            bodySize += size
        }
        if let rowid {
            let (type, size) = SerialType.of(.integer(rowid))
            headerBody += Varint.size(type)
            bodySize += size
        }
        // The header's size counts its own varint.
        var sizeOfSize = 1
        while Varint.size(UInt64(headerBody + sizeOfSize)) > sizeOfSize { sizeOfSize += 1 }
        return (headerBody + sizeOfSize, headerBody + sizeOfSize + bodySize)
    }

    /// Writes the record measured by ``measure(_:columns:rowid:)`` at `target`.
    @inline(__always)
    static func write(_ values: UnsafeBufferPointer<StoredValue>, columns: UnsafeBufferPointer<Int>, rowid: Int64?,
                      headerSize: Int, text: UnsafeRawPointer, to target: UnsafeMutableRawPointer) {
        var header = Varint.write(UInt64(headerSize), to: target)
        var body = headerSize
        for field in 0..<(columns.count + (rowid == nil ? 0 : 1)) {
            let stored = field < columns.count ? values[columns[field]] : .integer(rowid!)
            let (type, size) = SerialType.of(stored)
            header += Varint.write(type, to: target + header)
            SerialType.writeBody(stored, size: size, text: text, to: target + body)
            body += size
        }
    }

    /// Appends the record to `buffer` and returns its size.
    @discardableResult
    static func append(_ values: UnsafeBufferPointer<StoredValue>, columns: UnsafeBufferPointer<Int>, rowid: Int64?,
                       text: UnsafeRawPointer, to buffer: inout ByteBuffer) -> Int {
        let (headerSize, total) = measure(values, columns: columns, rowid: rowid)
        write(values, columns: columns, rowid: rowid, headerSize: headerSize, text: text, to: buffer.reserve(total))
        buffer.commit(total)
        return total
    }
}

/// A byte string per index key whose byte order (memcmp, shorter first) is SQLite's order of
/// index keys: NULL < numbers (compared as numbers) < text (BINARY: bytes) < blobs; a DESC column
/// has its bytes inverted. Text is escaped (0x00 → 0x00 0xFF) and ends with 0x00 0x00 so that
/// no encoding is a prefix of another. The rowid is not in the key: keys that compare equal
/// are ordered by row, which the sort knows.
///
/// After the columns, a byte per column gives its storage class (``StorageClass``), so that the
/// record can be rebuilt from the key (``decode(_:descending:into:text:)``): an integer and a
/// real that compare equal have the same encoding, and −0.0 sorts as 0. These bytes are not
/// part of the order: comparisons stop before them.
enum SortKey {
    /// The storage class byte of a column, after the columns.
    enum StorageClass: UInt8 {
        case null = 0, integer, real, negativeZero, text
    }

    @inline(__always)
    static func appendStorageClass(_ value: StoredValue, to buffer: inout ByteBuffer) {
        let storageClass: StorageClass = switch value {
        case .null: .null
        case .integer: .integer
        case let .real(v): v == 0 && v.sign == .minus ? .negativeZero : .real
        case .text, .borrowedText: .text
        }
        buffer.append(byte: storageClass.rawValue)
    }

    /// Reads back the values of a key written by ``append(_:descending:text:to:)`` and
    /// ``appendStorageClass(_:to:)`` per column into `values[0 ..< descending.count]`. Text is
    /// borrowed from the key when it needs no unescaping, else written to `text`
    /// (``StoredValue/text(start:count:)``).
    static func decode(_ key: UnsafeRawPointer, descending: [Bool], into values: UnsafeMutableBufferPointer<StoredValue>,
                       text: inout ByteBuffer) {
        var offset = 0
        let columns = descending.count
        for column in 0..<columns {
            let flip: UInt8 = descending[column] ? 0xFF : 0
            let tag = key.load(fromByteOffset: offset, as: UInt8.self) ^ flip
            offset += 1
            switch tag {
            case 0x05:
                values[column] = .null
            case 0x10:
                var ordered = UInt64(bigEndian: key.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                if flip != 0 { ordered = ~ordered }
                offset += 8
                let bits = ordered & (1 << 63) != 0 ? ordered & ~(1 << 63) : ~ordered
                values[column] = .real(Double(bitPattern: bits))   // the storage class below says which
            default:
                // Text: bytes up to the terminator 0x00 0x00 (inverted when DESC), 0x00 0xFF an escaped 0x00.
                let start = offset
                var plain = flip == 0
                while true {
                    let byte = key.load(fromByteOffset: offset, as: UInt8.self) ^ flip
                    if byte == 0 {
                        if key.load(fromByteOffset: offset + 1, as: UInt8.self) ^ flip == 0 { break }
                        plain = false
                    }
                    offset += 1
                }
                if plain {
                    values[column] = .borrowedText(key + start, count: offset - start)
                } else {
                    let first = text.count
                    var position = start
                    while position < offset {
                        let byte = key.load(fromByteOffset: position, as: UInt8.self) ^ flip
                        text.append(byte: byte)
                        position += byte == 0 ? 2 : 1
                    }
                    values[column] = .text(start: first, count: text.count - first)
                }
                offset += 2
            }
        }
        for column in 0..<columns {
            switch StorageClass(rawValue: key.load(fromByteOffset: offset + column, as: UInt8.self)) {
            case .integer:
                if case let .real(v) = values[column] { values[column] = .integer(Int64(v)) }
            case .negativeZero:
                values[column] = .real(-0.0)
            default:
                break
            }
        }
    }

    static func append(_ value: StoredValue, descending: Bool, text: UnsafeRawPointer, to buffer: inout ByteBuffer) {
        let start = buffer.count
        switch value {
        case .null:
            buffer.append(byte: 0x05)
        case let .integer(v):
            buffer.append(byte: 0x10)
            appendNumber(Double(v), to: &buffer)
        case let .real(v):
            buffer.append(byte: 0x10)
            appendNumber(v, to: &buffer)
        case .text, .borrowedText:
            buffer.append(byte: 0x20)
            let bytes = value.textBytes(in: text)!
            if let base = bytes.baseAddress, memchr(base, 0, bytes.count) == nil {
                buffer.append(base, count: bytes.count)
            } else {
                for byte in bytes {
                    buffer.append(byte: byte)
                    if byte == 0 { buffer.append(byte: 0xFF) }
                }
            }
            buffer.append(byte: 0)
            buffer.append(byte: 0)
        }
        if descending {
            for index in start..<buffer.count {
                let pointer = buffer.bytes + index
                pointer.storeBytes(of: ~pointer.load(as: UInt8.self), as: UInt8.self)
            }
        }
    }

    /// A double as 8 bytes whose unsigned big-endian order is numeric order (−0 = +0).
    @inline(__always)
    static func appendNumber(_ value: Double, to buffer: inout ByteBuffer) {
        let bits = (value == 0 ? 0.0 : value).bitPattern
        let ordered = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        buffer.reserve(8).storeBytes(of: ordered.bigEndian, as: UInt64.self)
        buffer.commit(8)
    }
}
