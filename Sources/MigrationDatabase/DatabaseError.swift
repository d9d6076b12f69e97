#if Database
/// What went wrong talking to a server. The text names the server by its redacted connection
/// string: a password never appears.
public enum DatabaseError: Error, Equatable, CustomStringConvertible {
    /// The server could not be reached, refused the login, or the string is not valid.
    case connection(server: String, message: String)
    /// A query failed; `sqlState` is PostgreSQL's error code (42501: insufficient privilege).
    case query(server: String, what: String, sqlState: String?, message: String)
    /// The server is not one this command may use (read-only for `verify`, too old).
    case refused(server: String, reason: String)
    /// verify's throwaway server found no PostgreSQL server binaries in `searched`.
    case noServerBinaries(searched: [String])
    /// verify's throwaway server could not be created or started.
    case serverNotStarted(reason: String)

    public var description: String {
        switch self {
        case .connection(let server, let message):
            return "cannot connect to \(server): \(message)"
        case .query(let server, let what, let sqlState, let message):
            let hint = sqlState == "42501" ? " (the role lacks a privilege: see \"Your database\" in the README for what it needs)" : ""
            return "\(what) failed on \(server): \(message)\(hint)"
        case .refused(let server, let reason):
            return "refusing to use \(server): \(reason)"
        case .noServerBinaries(let searched):
            let places = searched.isEmpty ? "/usr/lib/postgresql/*/bin or `pg_config --bindir`" : searched.joined(separator: ", ")
            return """
                verify without --database-url starts a throwaway PostgreSQL, and found no server binaries (initdb, pg_ctl, \
                postgres) in \(places): install them (`apt-get install postgresql-15`), or give --database-url URL of a \
                development or CI database
                """
        case .serverNotStarted(let reason):
            return "cannot start the throwaway PostgreSQL: \(reason)"
        }
    }
}
#endif
