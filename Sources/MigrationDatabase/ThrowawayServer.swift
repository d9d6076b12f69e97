#if Database
import Foundation
import MigrationLint
import PostgresSyntax

/// A PostgreSQL server that `verify` starts for itself when it is given no database: `initdb`
/// into a fresh temporary directory, listening only on a Unix socket in that directory, started
/// with `pg_ctl -w`; `stop()` stops it and removes the directory. initdb refuses to run as root,
/// so as root the server runs as the `postgres` system user (through `runuser`).
public final class ThrowawayServer {
    /// The temporary directory: the data directory in `data/`, the socket beside it.
    public let directory: String
    public let binaries: String
    /// The user the server runs as when this process is root.
    let serverUser: String?
    private var stopped = false

    /// Where `verify` looks for the server binaries, newest version first: Debian's
    /// `/usr/lib/postgresql/<N>/bin`, then `pg_config --bindir`.
    public static func binaryDirectories() -> [String] {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        var directories = versions.map { "\(root)/\($0)/bin" }
        if let pgConfig = try? Self.output(of: ["pg_config", "--bindir"]), !pgConfig.isEmpty, !directories.contains(pgConfig) {
            directories.append(pgConfig)
        }
        return directories
    }

    /// The first of `candidates` that holds `initdb` and `pg_ctl`.
    public static func findBinaries(in candidates: [String]) -> String? {
        candidates.first { directory in
            ["initdb", "pg_ctl", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: directory + "/" + $0) }
        }
    }

    /// Creates the cluster and starts it. On failure nothing is left behind.
    public init(binaries: String) throws {
        self.binaries = binaries
        serverUser = getuid() == 0 ? "postgres" : nil
        if let serverUser, getpwnam(serverUser) == nil {
            throw DatabaseError.serverNotStarted(reason: """
                initdb refuses to run as root, and there is no `\(serverUser)` system user to run the server as: \
                run verify as another user, create the user, or give --database-url URL
                """)
        }
        var template = Array("/tmp/migration-lint-verify.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DatabaseError.serverNotStarted(reason: "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        do {
            try start()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    var dataDirectory: String { directory + "/data" }

    /// How to connect: the superuser over the socket, to `database`.
    public func connectionString(database: String = "postgres") -> ConnectionString {
        ConnectionString("host=\(directory) port=5432 user=postgres dbname=\(database)")
    }

    private func start() throws {
        if let serverUser, let user = getpwnam(serverUser) {
            guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
                throw DatabaseError.serverNotStarted(reason: "cannot give \(directory) to \(serverUser): \(String(cString: strerror(errno)))")
            }
        }
        try runAsServerUser(["initdb", "-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
                            what: "initdb")
        let settings = """

            listen_addresses = ''
            unix_socket_directories = '\(directory)'
            port = 5432
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            autovacuum = off
            max_connections = 20

            """
        guard let handle = FileHandle(forWritingAtPath: dataDirectory + "/postgresql.conf") else {
            throw DatabaseError.serverNotStarted(reason: "cannot write \(dataDirectory)/postgresql.conf")
        }
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        try handle.close()
        try runAsServerUser(["pg_ctl", "-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "start"],
                            what: "pg_ctl start", log: directory + "/server.log")
    }

    /// Stops the server (immediately: nothing in it is kept) and removes the directory.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            try? runAsServerUser(["pg_ctl", "-D", dataDirectory, "-m", "immediate", "-w", "stop"], what: "pg_ctl stop")
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one of the server's programs, as the server's user when this process is root.
    private func runAsServerUser(_ arguments: [String], what: String, log: String? = nil) throws {
        let program = [binaries + "/" + arguments[0]] + arguments.dropFirst()
        let command = serverUser.map { ["runuser", "-u", $0, "--"] + program } ?? program
        do {
            _ = try Self.output(of: command)
        } catch let DatabaseError.serverNotStarted(reason) {
            let serverLog = log.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }.map { "\n" + $0 } ?? ""
            throw DatabaseError.serverNotStarted(reason: "\(what) failed: \(reason)\(serverLog)")
        }
    }

    /// Runs `command` (found on PATH) and returns its output, trimmed. Spawned and waited for
    /// directly, its output in a file: Foundation's `Process` keeps waiting while the server that
    /// `pg_ctl start` leaves running holds what it inherited.
    static func output(of command: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("migration-lint-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command[0], &actions, nil, arguments, environ)
        guard spawned == 0 else {
            throw DatabaseError.serverNotStarted(reason: "cannot run \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw DatabaseError.serverNotStarted(reason: text.isEmpty ? "exit status \(status)" : text)
        }
        return text
    }

    /// Runs a migration's statements for real, one by one outside any transaction block as psql
    /// would (its own BEGIN and COMMIT included); psql meta-commands are passed over. The first
    /// error stops it, named with the file, line and column.
    public func apply(_ migration: ParsedMigration, on connection: PostgresConnection) throws {
        for statement in migration.statements {
            switch statement.content {
            case .psqlMetaCommand, .psqlVariable: continue
            case .statement, .syntaxError: break
            }
            do {
                try connection.query(migration.source.text(statement.range), what: "applying")
            } catch DatabaseError.query(_, _, let sqlState, let message) {
                let place = migration.source.position(of: statement.range.lowerBound)
                throw DatabaseError.query(server: "the throwaway server", what: "applying \(migration.path):\(place.line):\(place.column)",
                                          sqlState: sqlState, message: message)
            }
        }
    }
}
#endif
