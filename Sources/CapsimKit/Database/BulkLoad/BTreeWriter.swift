/// Writes B-trees bottom-up into a ``DatabaseImage`` (https://www.sqlite.org/fileformat2.html §1.6):
/// leaves packed full in key order, then each level of interior pages over the one below,
/// until one page is left: the root, moved to the page number the schema gives it.

/// Kinds of B-tree page (the first byte of its header).
enum PageKind: UInt8 {
    case indexInterior = 0x02, tableInterior = 0x05, indexLeaf = 0x0A, tableLeaf = 0x0D

    var isLeaf: Bool { self == .indexLeaf || self == .tableLeaf }
    var headerSize: Int { isLeaf ? 8 : 12 }
}

/// One B-tree page being filled: cell pointers grow after the header, cells from the end.
///
/// A page is filled in a scratch buffer and copied into the image when emitted, or, once
/// ``writeInPlace(_:)`` is called, filled where it lives in the image (the page is allocated
/// with its first cell; addresses are recomputed on every access because the image may move).
struct PageBuilder {
    let kind: PageKind
    let usableSize: Int
    private let scratch: UnsafeMutableRawPointer
    private(set) var cellCount = 0
    private var contentStart: Int
    private var lastCellSize = 0
    private var image: DatabaseImage?
    /// The image page being filled in place (0: none yet).
    private var pageNumber = 0

    init(kind: PageKind, usableSize: Int) {
        self.kind = kind
        self.usableSize = usableSize
        scratch = .allocate(byteCount: usableSize, alignment: 8)
        contentStart = usableSize
    }

    func free() { scratch.deallocate() }

    /// Fills the next pages in place in `image` (the current one, if any, is still emitted by copy).
    mutating func writeInPlace(_ image: DatabaseImage) { self.image = image }

    var isEmpty: Bool { cellCount == 0 }

    @inline(__always)
    private var page: UnsafeMutableRawPointer {
        if let image, pageNumber != 0 { return image.page(pageNumber) }
        return scratch
    }

    @inline(__always)
    func fits(_ cellSize: Int) -> Bool { kind.headerSize + 2 * (cellCount + 1) + cellSize <= contentStart }

    /// Room for a cell of `size` bytes (which must fit); the caller writes the cell there before
    /// anything allocates pages in the image.
    @inline(__always)
    mutating func addCell(size: Int) -> UnsafeMutableRawPointer {
        if cellCount == 0, let image { pageNumber = image.allocatePage() }
        contentStart -= size
        let page = self.page
        page.storeBytes(of: UInt16(contentStart).bigEndian, toByteOffset: kind.headerSize + 2 * cellCount, as: UInt16.self)
        cellCount += 1
        lastCellSize = size
        return page + contentStart
    }

    /// Removes the cell added last (once per addition), handing its bytes to `body` first.
    mutating func removeLastCell(_ body: (UnsafeRawBufferPointer) -> Void) {
        body(UnsafeRawBufferPointer(start: page + contentStart, count: lastCellSize))
        contentStart += lastCellSize
        cellCount -= 1
        lastCellSize = 0
    }

    /// Finishes the page (header, zeroed free space) in the image and starts an empty one.
    /// Returns the page number.
    mutating func emit(into image: DatabaseImage, rightChild: Int = 0) -> Int {
        let number = pageNumber != 0 ? pageNumber : image.allocatePage()
        let target = image.page(number)
        let pointersEnd = kind.headerSize + 2 * cellCount
        if pageNumber == 0 {
            target.copyMemory(from: scratch, byteCount: pointersEnd)
            target.advanced(by: contentStart).copyMemory(from: scratch + contentStart, byteCount: usableSize - contentStart)
        }
        target.storeBytes(of: kind.rawValue, as: UInt8.self)
        target.storeBytes(of: UInt16(0), toByteOffset: 1, as: UInt16.self)
        target.storeBytes(of: UInt16(cellCount).bigEndian, toByteOffset: 3, as: UInt16.self)
        target.storeBytes(of: UInt16(truncatingIfNeeded: contentStart).bigEndian, toByteOffset: 5, as: UInt16.self)
        target.storeBytes(of: UInt8(0), toByteOffset: 7, as: UInt8.self)
        if !kind.isLeaf { target.storeBytes(of: UInt32(rightChild).bigEndian, toByteOffset: 8, as: UInt32.self) }
        (target + pointersEnd).initializeMemory(as: UInt8.self, repeating: 0, count: contentStart - pointersEnd)
        (target + usableSize).initializeMemory(as: UInt8.self, repeating: 0, count: image.pageSize - usableSize)
        cellCount = 0
        contentStart = usableSize
        lastCellSize = 0
        pageNumber = 0
        return number
    }
}

/// The pages of one level of a B-tree and the divider cells between them: `dividers` cell i
/// separates page i from page i + 1 (for a table, the varint of page i's largest rowid; for an
/// index, a whole index cell, which lives in the parent and nowhere else).
struct TreeLevel {
    var pages: [Int] = []
    var dividers = ByteBuffer(capacity: 4096)
    var dividerStarts: [Int] = [0]

    mutating func appendDivider(_ bytes: UnsafeRawBufferPointer) {
        dividers.append(bytes.baseAddress!, count: bytes.count)
        dividerStarts.append(dividers.count)
    }

    mutating func appendDivider(varint value: UInt64) {
        dividers.commit(Varint.write(value, to: dividers.reserve(9)))
        dividerStarts.append(dividers.count)
    }

    func divider(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: dividers.bytes + dividerStarts[index], count: dividerStarts[index + 1] - dividerStarts[index])
    }

    func free() { dividers.free() }
}

/// Payload split of a cell (https://www.sqlite.org/fileformat2.html §1.6, "cell payload overflow").
struct PayloadLayout {
    let maxLocal: Int
    let minLocal: Int
    let usableSize: Int

    init(usableSize: Int, table: Bool) {
        self.usableSize = usableSize
        maxLocal = table ? usableSize - 35 : (usableSize - 12) * 64 / 255 - 23
        minLocal = (usableSize - 12) * 32 / 255 - 23
    }

    /// Bytes of a payload of `size` stored in the cell itself; the rest goes to overflow pages.
    @inline(__always)
    func local(_ size: Int) -> Int {
        if size <= maxLocal { return size }
        let k = minLocal + (size - minLocal) % (usableSize - 4)
        return k <= maxLocal ? k : minLocal
    }
}

enum BTreeWriter {
    /// Writes a cell's payload part (local bytes, then the first overflow page's number when it
    /// spills) at `target`, which must not be in the image: overflow pages are allocated on the
    /// way. Returns the bytes written.
    @inline(__always)
    static func writePayload(_ payload: UnsafeRawPointer, count: Int, layout: PayloadLayout, image: DatabaseImage,
                             to target: UnsafeMutableRawPointer) -> Int {
        let local = layout.local(count)
        target.copyMemory(from: payload, byteCount: local)
        guard local < count else { return local }
        let first = image.writeOverflow(payload + local, count: count - local)
        target.storeBytes(of: UInt32(first).bigEndian, toByteOffset: local, as: UInt32.self)
        return local + 4
    }

    /// Builds the interior levels over `level` and puts the root at page `root`.
    static func finish(_ level: TreeLevel, kind: PageKind, root: Int, image: DatabaseImage) {
        var level = level
        while level.pages.count > 1 {
            let parent = interiorLevel(over: level, kind: kind, image: image)
            level.free()
            level = parent
        }
        level.free()
        // The last page written is the root; the schema's root page (an empty leaf) takes its place.
        guard let top = level.pages.first else { return }
        precondition(top == image.pageCount)
        image.moveLastPage(to: root)
    }

    /// Packs the children of `level` into interior pages: cell (child i, divider i) while it fits;
    /// the child that does not fit becomes the page's right child and its divider moves up.
    /// No page is left with a right child alone.
    private static func interiorLevel(over level: TreeLevel, kind: PageKind, image: DatabaseImage) -> TreeLevel {
        var parent = TreeLevel()
        var builder = PageBuilder(kind: kind, usableSize: image.usableSize)
        defer { builder.free() }
        let last = level.pages.count - 1
        var child = 0
        while child <= last {
            if child == last {
                parent.pages.append(builder.emit(into: image, rightChild: level.pages[child]))
                break
            }
            let divider = level.divider(child)
            let size = 4 + divider.count
            if builder.fits(size) {
                add(child: level.pages[child], divider: divider, to: &builder, size: size)
                child += 1
            } else if child + 1 == last {
                // Only the last child would follow: give it the previous cell for company.
                var previous = 0
                builder.removeLastCell { cell in previous = Int(UInt32(bigEndian: cell.loadUnaligned(as: UInt32.self))) }
                parent.pages.append(builder.emit(into: image, rightChild: previous))
                parent.appendDivider(level.divider(child - 1))
                add(child: level.pages[child], divider: divider, to: &builder, size: size)
                child += 1
            } else {
                parent.pages.append(builder.emit(into: image, rightChild: level.pages[child]))
                parent.appendDivider(divider)
                child += 1
            }
        }
        return parent
    }

    @inline(__always)
    private static func add(child: Int, divider: UnsafeRawBufferPointer, to builder: inout PageBuilder, size: Int) {
        let cell = builder.addCell(size: size)
        cell.storeBytes(of: UInt32(child).bigEndian, as: UInt32.self)
        (cell + 4).copyMemory(from: divider.baseAddress!, byteCount: divider.count)
    }
}
