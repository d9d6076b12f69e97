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

    public var description: String {
        switch self {
        case .connection(let server, let message):
            return "cannot connect to \(server): \(message)"
        case .query(let server, let what, let sqlState, let message):
            let hint = sqlState == "42501" ? " (the role lacks a privilege: see \"Your database\" in the README for what it needs)" : ""
            return "\(what) failed on \(server): \(message)\(hint)"
        case .refused(let server, let reason):
            return "refusing to use \(server): \(reason)"
        }
    }
}
#endif
