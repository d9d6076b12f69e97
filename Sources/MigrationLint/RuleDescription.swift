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

public enum RuleCategory: String, Sendable, CaseIterable, Codable {
    case rewrite = "rewrite"
    case locking = "locking"
    case nullability = "nullability"
    case compatibility = "compatibility"
    case hygiene = "hygiene"
    case correctness = "correctness"
}
