import Dispatch
import Foundation
import Synchronization

/// On SIGINT, SIGTERM, SIGHUP or SIGQUIT, removes the temporary files of outputs still being written (see
/// ``OutputFile``) and ends the progress bar's line, then dies of the signal as it would have
/// (exit status 130, 143, 129 or 131 in a shell). A long Monte Carlo run can have written a runs.csv
/// of hundreds of megabytes before it is interrupted.
enum Interrupt {
    /// Temporary files to remove, and whether a progress bar is on the terminal.
    private static let state = Mutex<(paths: Set<String>, progressShown: Bool)>(([], false))

    /// The handlers, installed on first use and kept for the life of the process (set once,
    /// never mutated: the dispatch sources themselves are not Sendable).
    nonisolated(unsafe) private static let sources: [DispatchSourceSignal] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].map { signalNumber in
        // The signal is delivered to the dispatch source instead of killing the process at once.
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            let (paths, progressShown) = state.withLock { $0 }
            for path in paths { unlink(path) }
            if progressShown { FileHandle.standardError.write(Data("\n".utf8)) }
            // SIGQUIT's default action dumps core: after cleaning up, exit as a shell reports it.
            if signalNumber == SIGQUIT { _exit(128 + signalNumber) }
            // libdispatch blocks the signal to receive it; unblocked here, it kills the process.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signalNumber)
            signal(signalNumber, SIG_DFL)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(signalNumber)
            _exit(128 + signalNumber)
        }
        source.resume()
        return source
    }

    /// Removes `path` if the process is interrupted, until ``forget(_:)``.
    static func removeOnInterrupt(_ path: String) {
        _ = sources
        state.withLock { _ = $0.paths.insert(path) }
    }

    static func forget(_ path: String) {
        state.withLock { _ = $0.paths.remove(path) }
    }

    /// Whether a progress bar is drawn (an interrupted run ends its line).
    static func setProgressShown(_ shown: Bool) {
        _ = sources
        state.withLock { $0.progressShown = shown }
    }
}
