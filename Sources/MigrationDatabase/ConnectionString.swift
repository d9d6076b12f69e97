#if Database
import Foundation

/// A libpq connection string (a `postgresql://` URL or `key=value` pairs) and the form of it that
/// may be shown: the password removed. The string itself is only ever handed to libpq.
public struct ConnectionString: Sendable {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// `--database-url`, else `DATABASE_URL`; nil when neither is set.
    public static func from(option: String?, environment: [String: String]) -> ConnectionString? {
        if let option, !option.isEmpty { return ConnectionString(option) }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return ConnectionString(url) }
        return nil
    }

    /// The string with any password taken out: `postgresql://app@db/app`, `host=db user=app`.
    public var redacted: String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://") { return Self.redactURL(trimmed) }
        return Self.redactKeyValue(trimmed)
    }

    /// Drops `:password` from the user info and `password=` from the query.
    static func redactURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.upperBound]
        var rest = String(url[schemeEnd.upperBound...])
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        // The user info ends at the last `@` before the path (a password may contain `@` unencoded).
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<pathStart])
        let path = String(rest[pathStart...])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            authority = user + authority[at...]
        }
        let parameters = query.split(separator: "&").filter { !$0.lowercased().hasPrefix("password=") }
        return String(scheme) + authority + path + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
    }

    /// Drops the `password` pair, quoted or not, from `key=value` pairs.
    static func redactKeyValue(_ text: String) -> String {
        var pairs: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            guard index < text.endIndex else { break }
            let start = index
            while index < text.endIndex, text[index] != "=", !text[index].isWhitespace { index = text.index(after: index) }
            let key = text[start..<index]
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            if index < text.endIndex, text[index] == "=" {
                index = text.index(after: index)
                while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
                if index < text.endIndex, text[index] == "'" {
                    index = text.index(after: index)
                    while index < text.endIndex, text[index] != "'" {
                        if text[index] == "\\" { index = text.index(after: index) }
                        if index < text.endIndex { index = text.index(after: index) }
                    }
                    if index < text.endIndex { index = text.index(after: index) }
                } else {
                    while index < text.endIndex, !text[index].isWhitespace {
                        if text[index] == "\\" { index = text.index(after: index) }
                        if index < text.endIndex { index = text.index(after: index) }
                    }
                }
            }
            if key.lowercased() != "password" { pairs.append(String(text[start..<index])) }
        }
        return pairs.joined(separator: " ")
    }
}
#endif
