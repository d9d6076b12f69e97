import LockModel
import MigrationLint
import PostgresSyntax

/// DROP SCHEMA of a schema the running release may use.
public struct DropSchema: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-schema",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP SCHEMA breaks the release still running if it uses anything in it; with CASCADE it drops all of it.",
        rationale: """
            DROP SCHEMA refuses while the schema holds objects, unless CASCADE drops every table, view, function \
            and type in it, with their data, in one statement that locks each table ACCESS EXCLUSIVE. From the \
            commit on, every query of the running release that reaches into the schema fails. Schemas created \
            earlier in the same migration are not reported. \
            A warning, not an error: an unused, empty schema is dropped on purpose; acknowledge it with an ignore comment.
            """,
        safeAlternative: """
            Remove the objects one by one in earlier migrations (each with its own expand/contract), after the \
            application stopped using them; then drop the empty schema without CASCADE.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("DROP SCHEMA ↓reporting;"),
            RuleExample("DROP SCHEMA IF EXISTS ↓\"Legacy\" CASCADE;"),
            RuleExample("CREATE SCHEMA scratch;\nDROP SCHEMA scratch, ↓archive;"),
            RuleExample(#"DROP SCHEMA /* the user's */ ↓"O'Brien" -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE SCHEMA scratch;\nDROP SCHEMA scratch;"),
            RuleExample("CREATE SCHEMA \"Tmp\";\nDROP SCHEMA IF EXISTS \"Tmp\" CASCADE;", inTransaction: true),
            RuleExample("CREATE SCHEMA IF NOT EXISTS reporting;"),
        ])

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.schema]
    static let kindKeywords = ["SCHEMA"]

    public func check(_ context: RuleContext) -> [Finding] {
        Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords, ruleID: Self.documentation.id,
                                   silentWhenRecreated: false) { name in
            "stop using every object in schema \(name) in the application, drop those objects in earlier migrations, and deploy that release everywhere"
        }
    }
}
