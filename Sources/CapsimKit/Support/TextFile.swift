import Foundation

/// Reads a text file the user named, with a reason people can act on when it cannot be read.
enum TextFile {
    /// Why a file could not be read: no such file, a directory, permission denied, not UTF-8, too large.
    struct ReadError: Error, Sendable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// Files larger than this are refused (a scenario or catalog is a few kilobytes).
    static let maximumBytes = 16 << 20

    static func read(_ path: String, maximumBytes: Int = maximumBytes) throws(ReadError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(reason: "no such file")
        }
        if isDirectory.boolValue { throw ReadError(reason: "it is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReadError(reason: FileManager.default.isReadableFile(atPath: path) ? "it cannot be opened" : "permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw ReadError(reason: "reading failed: \((error as NSError).localizedDescription)")
        }
        if data.count > maximumBytes { throw ReadError(reason: "it is larger than \(maximumBytes >> 20) MiB") }
        guard let text = String(data: data, encoding: .utf8) else { throw ReadError(reason: "it is not UTF-8 text") }
        return text
    }
}
