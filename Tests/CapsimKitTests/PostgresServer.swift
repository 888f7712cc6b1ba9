import Foundation

/// A throwaway PostgreSQL 15 server for the tests: initdb in a temporary directory, started on
/// 127.0.0.1 at a free port, stopped and removed by ``stop()`` (and on deinit), also when a
/// test fails. Runs the server as the postgres user when the tests run as root.
final class PostgresServer: @unchecked Sendable {
    static let binDirectory = "/usr/lib/postgresql/15/bin"

    /// PostgreSQL 15's server programs are installed.
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "\(binDirectory)/initdb") }

    /// In CI (`CI=true`) the tests that need a server must run, never skip.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var shouldRun: Bool { isInstalled || isRequired }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let directory: URL
    let port: Int
    private var isRunning = false

    init() throws {
        guard Self.isInstalled else {
            throw Failure(description: "PostgreSQL 15 is not installed (\(Self.binDirectory)/initdb missing); .ci/run installs it")
        }
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("capsim-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = Int.random(in: 20000...60000)
        do {
            if getuid() == 0 { try Self.run("/bin/chown", ["postgres:postgres", directory.path]) }
            try Self.run(asPostgres: "\(Self.binDirectory)/initdb", ["-D", "\(directory.path)/data", "-U", "postgres", "-A", "trust",
                                                                      "-E", "UTF8", "--no-sync"])
            try Self.run(asPostgres: "\(Self.binDirectory)/pg_ctl", [
                "-D", "\(directory.path)/data", "-l", "\(directory.path)/log", "-w", "-t", "30", "-o",
                "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c timezone=UTC -c shared_preload_libraries=pg_stat_statements",
                "start",
            ])
            isRunning = true
        } catch {
            let log = (try? String(contentsOfFile: "\(directory.path)/log", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: directory)
            throw Failure(description: "cannot start PostgreSQL: \(error)\n\(log)")
        }
    }

    deinit { stop() }

    /// Stops the server and removes its directory.
    func stop() {
        if isRunning {
            isRunning = false
            _ = try? Self.run(asPostgres: "\(Self.binDirectory)/pg_ctl", ["-D", "\(directory.path)/data", "-m", "immediate", "-w", "stop"])
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs psql against the server (UTC, stop at the first error).
    @discardableResult
    func psql(_ arguments: [String], quiet: Bool = true) throws -> Output {
        let output = try Self.execute("/usr/bin/psql", ["-X"] + (quiet ? ["-q"] : []) + ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres",
                                                        "-v", "ON_ERROR_STOP=1"] + arguments,
                                      environment: ["PGTZ": "UTC", "PGOPTIONS": "-c timezone=UTC"])
        return output
    }

    /// Runs a SQL file; in one transaction unless `transactional` is false.
    func apply(file: String, transactional: Bool = true) throws {
        let output = try psql((transactional ? ["--single-transaction"] : []) + ["-f", file])
        guard output.status == 0 else { throw Failure(description: "\(file): \(output.stderr)") }
    }

    /// Rows of a query as CSV lines (header first), or the command tag of a write (`INSERT 0 n`).
    func query(_ sql: String) throws -> String {
        let output = try psql(["--csv", "-c", sql], quiet: false)
        guard output.status == 0 else { throw Failure(description: "\(sql)\n\(output.stderr)") }
        return output.stdout
    }

    // MARK: Processes

    private static func run(asPostgres program: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
        } else {
            try run(program, arguments)
        }
    }

    private static func run(_ program: String, _ arguments: [String]) throws {
        let output = try execute(program, arguments)
        guard output.status == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
    }

    /// Runs a program with posix_spawn and waitpid, its output in temporary files, not pipes:
    /// the server pg_ctl starts inherits open pipes (and Foundation's Process was seen to miss
    /// the exit of runuser here), and a chatty stderr could fill a pipe while stdout is read.
    static func execute(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let base = NSTemporaryDirectory() + "capsim-process-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot run \(program): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(status: exitCode,
                      stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }
}
