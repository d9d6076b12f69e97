import LockModel
import PostgresSyntax

public enum RuleCategory: String, Sendable, CaseIterable, Codable {
    case rewrite = "rewrite"
    case locking = "locking"
    case nullability = "nullability"
    case compatibility = "compatibility"
    case hygiene = "hygiene"
    case correctness = "correctness"
}

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

/// Everything a user reads about a rule: its identity, docs and examples. The README table,
/// `migration-lint rules`, and the generic example test all come from this value.
public struct RuleDescription: Sendable {
    public var id: String
    public var category: RuleCategory
    /// nil when the rule is off unless the configuration turns it on.
    public var defaultSeverity: Severity?
    /// One line.
    public var summary: String
    /// What PostgreSQL does and why it hurts a live system.
    public var rationale: String
    /// How to do it safely.
    public var safeAlternative: String
    /// Version differences, if any.
    public var versionNotes: String?
    public var badExamples: [RuleExample]
    public var goodExamples: [RuleExample]
    public var fixExamples: [FixExample]

    public init(id: String, category: RuleCategory, defaultSeverity: Severity?, summary: String, rationale: String,
                safeAlternative: String, versionNotes: String? = nil, badExamples: [RuleExample],
                goodExamples: [RuleExample], fixExamples: [FixExample] = []) {
        self.id = id
        self.category = category
        self.defaultSeverity = defaultSeverity
        self.summary = summary
        self.rationale = rationale
        self.safeAlternative = safeAlternative
        self.versionNotes = versionNotes
        self.badExamples = badExamples
        self.goodExamples = goodExamples
        self.fixExamples = fixExamples
    }

    public var isFixable: Bool { !fixExamples.isEmpty }
}

/// A lint rule: a small value with its description and its check.
public protocol Rule: Sendable {
    /// The rules of this package return a static value here, so that a rule is an empty value:
    /// the engine calls every rule on every statement, and copying a rule that held its
    /// documentation cost a retain each time.
    var description: RuleDescription { get }
    /// Findings for one statement, in the context the engine built.
    func check(_ context: RuleContext) -> [Finding]
    /// Findings that need the whole file (an unfinished transaction); default none.
    func finish(_ context: FileContext) -> [Finding]
}

extension Rule {
    public var id: String { description.id }
    public func finish(_ context: FileContext) -> [Finding] { [] }
}
