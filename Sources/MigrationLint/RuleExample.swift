/// A SQL example in a rule's documentation. In bad examples `↓` marks where each finding must
/// land; the marker is removed before linting.
public struct RuleExample: Sendable, Equatable {
    public static let marker: Character = "↓"

    public var sql: String
    /// Target PostgreSQL version for this example (default 15).
    public var postgresVersion: Int?
    /// Whether the file runs inside its migration tool's transaction (default: no).
    public var inTransaction: Bool?
    /// An earlier migration of the example's set (`earlier.sql`), replayed from an empty
    /// database before the example: the history a rule that reads it needs. Nil: no history.
    public var earlierMigration: String?

    /// The file name the earlier migration is shown and cited under.
    public static let earlierPath = "earlier.sql"

    public init(_ sql: String, postgresVersion: Int? = nil, inTransaction: Bool? = nil, after earlierMigration: String? = nil) {
        self.sql = sql
        self.postgresVersion = postgresVersion
        self.inTransaction = inTransaction
        self.earlierMigration = earlierMigration
    }

    /// The example as documentation shows it: the earlier migration it needs as comment lines,
    /// then its SQL without markers.
    public var shownSQL: String {
        guard let earlier = earlierMigration else { return withoutMarkers.sql }
        let history = earlier.split(separator: "\n", omittingEmptySubsequences: false).map { "--   \($0)\n" }.joined()
        return "-- after an earlier migration of the folder:\n" + history + withoutMarkers.sql
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
