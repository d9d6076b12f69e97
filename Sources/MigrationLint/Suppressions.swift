import PostgresSyntax

/// An inline suppression: `-- migration-lint-ignore: rule-a, rule-b reason...` before a statement,
/// or `-- migration-lint-ignore-file: rule-a ...` for the whole file. With `squawk-compat: true`,
/// squawk's own `-- squawk-ignore rule` and `-- squawk-ignore-file [rule]` comments too.
public struct Suppression: Sendable, Equatable {
    public enum Scope: Sendable, Equatable { case nextStatement, file }

    public var scope: Scope
    public var ruleIDs: [String]
    public var reason: String
    /// The comment's byte range, where `unused-ignore` points.
    public var range: Range<Int>
    /// For a squawk comment, the squawk rule names it gave (empty: all rules); nil for ours.
    public var squawkNames: [String]?

    static let statementPrefix = "migration-lint-ignore:"
    static let filePrefix = "migration-lint-ignore-file:"
    static let squawkStatementPrefix = "squawk-ignore"
    static let squawkFilePrefix = "squawk-ignore-file"

    /// Parses a comment; nil when it is not a suppression. `squawkCompat` also reads squawk's
    /// comments, whose rule names become the MigrationLint rules of `SquawkRules`.
    public static func parse(_ comment: Comment, squawkCompat: Bool = false) -> Suppression? {
        if squawkCompat, let squawk = parseSquawk(comment) { return squawk }
        return parseOwn(comment)
    }

    /// `-- squawk-ignore a, b` or `-- squawk-ignore-file [a, b]`: names separated by commas, as
    /// squawk reads them; no name at all silences every rule.
    static func parseSquawk(_ comment: Comment) -> Suppression? {
        guard let (scope, rest) = scope(of: comment.text, file: squawkFilePrefix, statement: squawkStatementPrefix),
              rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        let names = rest.split(separator: ",").map { name in
            String(name.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }.filter { !$0.isEmpty }
        let ids = names.flatMap { SquawkRules.counterpart(of: $0) ?? [] }
        return Suppression(scope: scope, ruleIDs: ids, reason: "", range: comment.range, squawkNames: names)
    }

    /// Whether this comment silences `ruleID`.
    public func covers(_ ruleID: String) -> Bool {
        squawkNames?.isEmpty == true || ruleIDs.contains(ruleID)
    }

    /// The scope a comment's prefix gives (the file prefix is tried first: it starts with the
    /// statement prefix), and the text after it; nil when it has neither.
    static func scope(of text: String, file: String, statement: String) -> (Scope, Substring)? {
        if text.hasPrefix(file) { return (.file, text.dropFirst(file.count)) }
        if text.hasPrefix(statement) { return (.nextStatement, text.dropFirst(statement.count)) }
        return nil
    }

    static func parseOwn(_ comment: Comment) -> Suppression? {
        guard let (scope, rest) = scope(of: comment.text, file: filePrefix, statement: statementPrefix) else { return nil }
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
        return Suppression(scope: scope, ruleIDs: ids, reason: String(remaining), range: comment.range, squawkNames: nil)
    }
}
