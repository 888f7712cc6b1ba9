import Foundation

/// What the files capsim writes for people to keep (a calibrated or measured scenario, a
/// report) say about where they stand and when they were made.
enum WrittenFiles {
    /// `target` as the file at `from` should name it: relative to its directory.
    static func relativePath(of target: String, from file: String) -> String {
        let targetParts = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
        let baseParts = URL(fileURLWithPath: file).standardizedFileURL.deletingLastPathComponent().pathComponents
        let common = zip(targetParts, baseParts).prefix { $0 == $1 }.count
        let path = Array(repeating: "..", count: baseParts.count - common) + targetParts[common...]
        return path.joined(separator: "/")
    }

    /// Today in UTC as YYYY-MM-DD, or the day of SOURCE_DATE_EPOCH when it is set.
    static func today() -> String {
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
        let date = epoch.map { Date(timeIntervalSince1970: $0) } ?? Date()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}
