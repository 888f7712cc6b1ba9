import Foundation

/// A progress bar on standard error, shown only when standard error is a terminal.
final class ProgressBar {
    private let isEnabled = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private let label: String

    init(label: String) { self.label = label }

    /// Draws `done` of `total` with the rate and the time left.
    func update(done: Int, total: Int) {
        guard isEnabled, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = min(width, width * done / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let text = "\r[\(bar)] \(done)/\(total) \(label)  \(Int(rate))/s  \(String(format: "%.1f", left)) s left "
        Interrupt.setProgressShown(true)
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Clears the bar.
    func finish() {
        guard isEnabled else { return }
        Interrupt.setProgressShown(false)
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 79) + "\r").utf8))
    }
}
