#if Database
import CLibPQ
import Foundation

/// One libpq connection, used from one thread. Results come back as text, as psql shows them;
/// the server's notices are kept, never printed.
public final class PostgresConnection {
    private let connection: OpaquePointer
    /// The redacted connection string, for messages.
    public let server: String
    /// The server's notices (NOTICE, WARNING) since the connection opened.
    public private(set) var notices: [String] = []
    /// Where in its text the last failed query went wrong (PostgreSQL's 1-based character
    /// position), when the server said.
    public private(set) var lastErrorPosition: Int?

    /// A result's rows, each column as text or nil for NULL.
    public struct Rows {
        public var columns: [String]
        public var rows: [[String?]]

        /// The value of `column` in `row`.
        public func value(_ row: Int, _ column: String) -> String? {
            guard let index = columns.firstIndex(of: column) else { return nil }
            return rows[row][index]
        }
    }

    /// Connects with libpq: the string may be a URL or `key=value` pairs, and what it leaves out
    /// comes from the PG* variables, the service file and `.pgpass`, as for psql.
    public init(_ string: ConnectionString, connectTimeoutSeconds: Int = 10) throws {
        server = string.redacted
        // The application name and timeout come first, so that the user's string overrides them.
        let keywords = ["fallback_application_name", "connect_timeout", "dbname"]
        let values = ["migration-lint", String(connectTimeoutSeconds), string.value]
        let connection: OpaquePointer? = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw DatabaseError.connection(server: server, message: "out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trim(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw DatabaseError.connection(server: server, message: message)
        }
        self.connection = connection
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
            connection.notices.append(PostgresConnection.trim(String(cString: PQresultErrorMessage(result))))
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { PQfinish(connection) }

    /// The server's `server_version_num` (150018).
    public var serverVersionNumber: Int { Int(PQserverVersion(connection)) }

    /// Runs one statement (or several separated by `;`, when `parameters` is empty) and returns
    /// the rows of the last; `what` names it in an error.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = [], what: String) throws -> Rows {
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(connection, sql)
        } else {
            result = withOptionalCStrings(parameters) { pointers in
                PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
            }
        }
        guard let result else {
            throw DatabaseError.query(server: server, what: what, sqlState: nil, message: Self.trim(String(cString: PQerrorMessage(connection))))
        }
        defer { PQclear(result) }
        lastErrorPosition = nil
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            break
        default:
            throw failure(of: result, what: what)
        }
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            })
        }
        return Rows(columns: columns, rows: rows)
    }

    /// The server process of this connection (`pg_backend_pid()`), to find its locks from another.
    public var backendPID: Int { Int(PQbackendPID(connection)) }

    /// Sends one statement without waiting for it (libpq's asynchronous `PQsendQuery`), so that
    /// another connection can watch it wait for a lock; `finish` waits for its result.
    public func send(_ sql: String, what: String) throws {
        guard PQsendQuery(connection, sql) == 1 else {
            throw DatabaseError.query(server: server, what: what, sqlState: nil, message: Self.trim(String(cString: PQerrorMessage(connection))))
        }
    }

    /// Whether the statement `send` sent is still running.
    public var isBusy: Bool {
        PQconsumeInput(connection)
        return PQisBusy(connection) == 1
    }

    /// Waits for the statement `send` sent, and throws its error as `query` does.
    public func finish(what: String) throws {
        var failure: DatabaseError?
        lastErrorPosition = nil
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                continue
            default:
                if failure == nil { failure = self.failure(of: result, what: what) }
            }
        }
        if let failure { throw failure }
    }

    /// A failed result's error, its position kept in `lastErrorPosition`.
    private func failure(of result: OpaquePointer, what: String) -> DatabaseError {
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
        lastErrorPosition = PQresultErrorField(result, Int32(UInt8(ascii: "P"))).flatMap { Int(String(cString: $0)) }
        return .query(server: server, what: what, sqlState: sqlState, message: primary ?? Self.trim(String(cString: PQerrorMessage(connection))))
    }

    /// libpq's multi-line message on one line: "...: Connection refused; Is the server running ...?".
    static func trim(_ message: String) -> String {
        message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

private func withCStrings<Result>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}

private func withOptionalCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}
#endif
