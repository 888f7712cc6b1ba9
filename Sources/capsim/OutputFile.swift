import Foundation

/// Writes a file so that it appears complete or not at all: the text goes to a temporary file
/// in the same directory, which is renamed over the destination only when complete, and is
/// removed if the process is interrupted first (``Interrupt``).
final class OutputFile {
    let path: String
    private let temporary: URL
    private let handle: FileHandle
    private var buffer = Data()
    private var isFinished = false

    /// Creates the temporary file next to `path`.
    init(path: String) throws(ToolError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolError(description: "cannot write '\(path)': the directory '\(directory.path)' does not exist")
        }
        temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw ToolError(description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        Interrupt.removeOnInterrupt(temporary.path)
    }

    deinit {
        if !isFinished { discard() }
    }

    /// Appends text (buffered).
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws(ToolError) {
        flush()
        try? handle.close()
        isFinished = true
        defer { Interrupt.forget(temporary.path) }
        if rename(temporary.path, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ToolError(description: "cannot write '\(path)': \(reason)")
        }
    }

    /// Removes the temporary file; the destination is left as it was.
    func discard() {
        isFinished = true
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
        Interrupt.forget(temporary.path)
    }

    /// Writes `text` to `path` atomically.
    static func write(_ text: String, to path: String) throws(ToolError) {
        let file = try OutputFile(path: path)
        file.write(text)
        try file.commit()
    }
}
