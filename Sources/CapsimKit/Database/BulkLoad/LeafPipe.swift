import Foundation

/// The leaves of one table being filled: cells packed in rowid order into full pages, their
/// overflow chains written first when a record spills.
final class LeafWriter {
    private let image: DatabaseImage
    private let layout: PayloadLayout
    @exclusivity(unchecked) private var leaf: PageBuilder
    /// The leaves written so far and the dividers between them (each leaf's largest rowid).
    @exclusivity(unchecked) private(set) var level = TreeLevel()
    @exclusivity(unchecked) private var rowid: Int64 = 0

    init(image: DatabaseImage) {
        self.image = image
        layout = PayloadLayout(usableSize: image.usableSize, table: true)
        leaf = PageBuilder(kind: .tableLeaf, usableSize: image.usableSize)
    }

    deinit {
        leaf.free()
        level.free()
    }

    /// Adds the record of the next row (rowid 1, 2, …).
    @inline(__always)
    func append(record: UnsafeRawPointer, size: Int) {
        rowid += 1
        let local = layout.local(size)
        let cellSize = Varint.size(UInt64(size)) + Varint.size(UInt64(rowid)) + local + (local < size ? 4 : 0)
        if !leaf.fits(cellSize) {
            level.pages.append(leaf.emit(into: image))
            level.appendDivider(varint: UInt64(rowid - 1))   // the largest rowid of the leaf written
            // The first leaf was built aside (it may turn out to be the root); the next ones are
            // written where they live.
            leaf.writeInPlace(image)
        }
        // A record that spills: its overflow pages first (allocating may move the image), then the cell.
        let overflow = local < size ? image.writeOverflow(record + local, count: size - local) : 0
        let cell = leaf.addCell(size: cellSize)
        var written = Varint.write(UInt64(size), to: cell)
        written += Varint.write(UInt64(rowid), to: cell + written)
        (cell + written).copyMemory(from: record, byteCount: local)
        if local < size { (cell + written + local).storeBytes(of: UInt32(overflow).bigEndian, as: UInt32.self) }
    }

    /// Writes the last leaf and hands over the level of leaves (the writer is then empty).
    func close() -> TreeLevel {
        if !leaf.isEmpty { level.pages.append(leaf.emit(into: image)) }
        defer { level = TreeLevel() }
        return level
    }
}

/// Records on their way from the thread that encodes rows (``TableLoader/appendRow()``) to a
/// thread that packs them into table leaves (``LeafWriter``), so that the two halves of the
/// work, and the kernel's first touch of the image's fresh pages, run side by side.
///
/// Records travel in a ring of a few chunks that are reused (they stay in cache and cost no
/// page faults). Each entry: the leaf writer (8 bytes), the record's size (4 bytes), the
/// record. While rows are in the pipe, only its thread touches the image; ``drain()`` waits
/// until it is idle, and ``finish()`` stops it. The thread keeps the pipe alive until then:
/// its owner must call ``finish()``.
final class LeafPipe: @unchecked Sendable {
    private static let chunkBytes = 1 << 18, chunkCount = 4
    /// Entry markers in place of a writer: the end of the stream, and a barrier (``drain()``).
    private static let end: UInt = 0, barrier: UInt = 1
    private let chunks: UnsafeMutableBufferPointer<ByteBuffer>
    /// Chunks handed to the thread, and chunks it has given back; a barrier's passage; the end.
    private let filled = DispatchSemaphore(value: 0), emptied = DispatchSemaphore(value: chunkCount - 1)
    private let passed = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
    /// The chunk being filled (the encoding thread's).
    @exclusivity(unchecked) private var writing = 0
    @exclusivity(unchecked) private var running = true

    init() {
        chunks = .allocate(capacity: Self.chunkCount)
        for index in 0..<Self.chunkCount { (chunks.baseAddress! + index).initialize(to: ByteBuffer(capacity: Self.chunkBytes)) }
        Thread.detachNewThread { [self] in pack() }
    }

    deinit {
        finish()
        chunks.forEach { $0.free() }
        chunks.deallocate()
    }

    /// Room for a record of `size` bytes for `writer`'s table, to be written before the next call.
    @inline(__always)
    func reserve(_ size: Int, for writer: LeafWriter) -> UnsafeMutableRawPointer {
        let target = entry(UInt(bitPattern: Unmanaged.passUnretained(writer).toOpaque()), size: size)
        return target + 12
    }

    /// Waits until every record sent so far is in its leaves (the image is then the caller's
    /// until the next record).
    func drain() {
        _ = entry(Self.barrier, size: 0)
        handOff()
        passed.wait()
    }

    /// Packs what is left and stops the thread (if it is still running).
    func finish() {
        guard running else { return }
        _ = entry(Self.end, size: 0)
        filled.signal()
        stopped.wait()
        running = false
    }

    @inline(__always)
    private func entry(_ marker: UInt, size: Int) -> UnsafeMutableRawPointer {
        if chunks[writing].count > 0, chunks[writing].count + 12 + size > Self.chunkBytes { handOff() }
        let target = chunks[writing].reserve(12 + size)
        target.storeBytes(of: marker, as: UInt.self)
        target.storeBytes(of: UInt32(size), toByteOffset: 8, as: UInt32.self)
        chunks[writing].commit(12 + size)
        return target
    }

    /// Sends the chunk being filled and takes the next free one.
    private func handOff() {
        filled.signal()
        emptied.wait()
        writing = (writing + 1) % Self.chunkCount
    }

    /// The packing thread: entries in order, chunk after chunk.
    private func pack() {
        var reading = 0
        while true {
            filled.wait()
            let chunk = chunks[reading]
            var offset = 0
            while offset < chunk.count {
                let marker = chunk.bytes.loadUnaligned(fromByteOffset: offset, as: UInt.self)
                let size = Int(chunk.bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self))
                switch marker {
                case Self.end:
                    chunks[reading].removeAll()
                    stopped.signal()
                    return
                case Self.barrier:
                    passed.signal()
                default:
                    let writer = Unmanaged<LeafWriter>.fromOpaque(UnsafeRawPointer(bitPattern: marker)!)
                    writer._withUnsafeGuaranteedRef { $0.append(record: chunk.bytes + offset + 12, size: size) }
                }
                offset += 12 + size
            }
            chunks[reading].removeAll()
            emptied.signal()
            reading = (reading + 1) % Self.chunkCount
        }
    }
}
