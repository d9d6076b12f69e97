/// A SQL example in a rule's documentation. In bad examples `↓` marks where each finding must
/// land; the marker is removed before linting.
public struct RuleExample: Sendable, Equatable {
    public static let marker: Character = "↓"

    public var sql: String
    /// Target PostgreSQL version for this example (default 15).
    public var postgresVersion: Int?
    /// Whether the file runs inside its migration tool's transaction (default: no).
    public var inTransaction: Bool?

    public init(_ sql: String, postgresVersion: Int? = nil, inTransaction: Bool? = nil) {
        self.sql = sql
        self.postgresVersion = postgresVersion
        self.inTransaction = inTransaction
    }

    /// The SQL without markers, and the byte offsets where the markers stood.
    public var withoutMarkers: (sql: String, offsets: [Int]) {
        var clean = ""
        var offsets: [Int] = []
        for character in sql {
            if character == Self.marker { offsets.append(clean.utf8.count) } else { clean.append(character) }
        }
        return (clean, offsets)
    }
}

/// A fix example: applying the rule's edits to `before` gives `after`.
public struct FixExample: Sendable, Equatable {
    public var before: RuleExample
    public var after: String

    public init(_ before: RuleExample, _ after: String) {
        self.before = before
        self.after = after
    }
}
