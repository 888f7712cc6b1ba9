import Foundation

/// Writes an output so that a file appears complete or not at all, and never replaces what
/// is not a regular file:
/// - a regular file (or none yet): the text goes to a temporary file in the same directory,
///   renamed over the destination only when complete (a replaced file keeps its permission
///   bits); the temporary file is removed on failure or interruption (``Interrupt``);
/// - a symbolic link: the same, for the file it points to (the link stays a link);
/// - a device, FIFO or socket (`/dev/null`, `/dev/stdout`, a pipe): written straight into.
/// A failed write is an error naming the path and the system's reason.
final class OutputFile {
    let path: String
    /// The temporary file, when the output is renamed into place.
    private let temporary: String?
    /// Where the temporary file goes, and the permission bits it gets.
    private let destination: String
    private let mode: mode_t?
    private let handle: FileHandle
    private var buffer = Data()
    private var failure: String?
    private var isFinished = false

    init(path: String) throws(ToolError) {
        self.path = path
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = realpath(path, nil) else {
                throw ToolError(description: "cannot write '\(path)': it is a symbolic link to a missing file")
            }
            target = String(cString: resolved)
            free(resolved)
        }
        destination = target
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                mode = info.st_mode & 0o7777
            case S_IFDIR:
                throw ToolError(description: "cannot write '\(path)': it is a directory")
            default:
                // A device, FIFO or socket: write into it, never replace it.
                guard let handle = FileHandle(forWritingAtPath: target) else {
                    throw ToolError(status: .writeFailed, description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
                }
                self.handle = handle
                temporary = nil
                mode = nil
                return
            }
        } else {
            mode = nil
        }
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolError(description: "cannot write '\(path)': the directory '\(directory.path)' does not exist")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o666)
        guard descriptor >= 0 else {
            throw ToolError(status: .writeFailed, description: "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        self.temporary = temporary
        Interrupt.removeOnInterrupt(temporary)
    }

    deinit {
        if !isFinished { discard() }
    }

    /// Appends text (buffered). A failure is kept and reported by ``commit()``.
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    private func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            failure = Self.reason(of: error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws(ToolError) {
        flush()
        if failure == nil, temporary != nil {
            do { try handle.synchronize() } catch { failure = Self.reason(of: error) }
        }
        try? handle.close()
        isFinished = true
        guard let temporary else {
            if let failure { throw ToolError(status: .writeFailed, description: "cannot write '\(path)': \(failure)") }
            return
        }
        defer { Interrupt.forget(temporary) }
        if failure == nil, let mode, chmod(temporary, mode) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporary, destination) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw ToolError(status: .writeFailed, description: "cannot write '\(path)': \(failure)")
        }
    }

    /// Removes the temporary file; the destination is left as it was.
    func discard() {
        isFinished = true
        try? handle.close()
        if let temporary {
            unlink(temporary)
            Interrupt.forget(temporary)
        }
    }

    /// Writes `text` to `path` as above.
    static func write(_ text: String, to path: String) throws(ToolError) {
        let file = try OutputFile(path: path)
        file.write(text)
        try file.commit()
    }

    /// Writes `text` to standard output; a failure (a full disk) is an error.
    static func writeStandardOutput(_ text: String) throws(ToolError) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            throw ToolError(status: .writeFailed, description: "cannot write to standard output: \(reason(of: error))")
        }
    }

    /// The system's reason for a failed write (strerror of its POSIX code when it has one).
    private static func reason(of error: Error) -> String {
        let ns = error as NSError
        if let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
