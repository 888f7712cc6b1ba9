import Foundation

/// Writes a file so that it appears complete or not at all: the text goes to a temporary file
/// in the same directory, which is then renamed over the destination.
enum OutputFile {
    static func write(_ text: String, to path: String) throws(ToolError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ToolError(description: "cannot write '\(path)': the directory '\(directory.path)' does not exist")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw ToolError(description: "cannot write '\(path)': \(reason)")
            }
        } catch let error as ToolError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ToolError(description: "cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
