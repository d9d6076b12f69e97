import PostgresSyntax

/// An inline suppression: `-- migration-lint-ignore: rule-a, rule-b reason...` before a statement,
/// or `-- migration-lint-ignore-file: rule-a ...` for the whole file.
public struct Suppression: Sendable, Equatable {
    public enum Scope: Sendable, Equatable { case nextStatement, file }

    public var scope: Scope
    public var ruleIDs: [String]
    public var reason: String
    /// The comment's byte range, where `unused-ignore` points.
    public var range: Range<Int>

    static let statementPrefix = "migration-lint-ignore:"
    static let filePrefix = "migration-lint-ignore-file:"

    /// Parses a comment; nil when it is not a suppression.
    public static func parse(_ comment: Comment) -> Suppression? {
        let text = comment.text
        let scope: Scope
        let rest: Substring
        if text.hasPrefix(filePrefix) {
            scope = .file
            rest = text.dropFirst(filePrefix.count)
        } else if text.hasPrefix(statementPrefix) {
            scope = .nextStatement
            rest = text.dropFirst(statementPrefix.count)
        } else {
            return nil
        }
        // Rule ids separated by commas; the first word not joined by a comma starts the reason.
        var ids: [String] = []
        var remaining = rest.drop { $0 == " " || $0 == "\t" }
        while true {
            let id = remaining.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            guard !id.isEmpty else { break }
            ids.append(String(id))
            remaining = remaining.dropFirst(id.count).drop { $0 == " " || $0 == "\t" }
            guard remaining.first == "," else { break }
            remaining = remaining.dropFirst().drop { $0 == " " || $0 == "\t" }
        }
        return Suppression(scope: scope, ruleIDs: ids, reason: String(remaining), range: comment.range)
    }
}
