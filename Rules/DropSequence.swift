import LockModel
import MigrationLint
import PostgresSyntax

/// DROP SEQUENCE of a sequence the running release may use.
public struct DropSequence: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-sequence",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP SEQUENCE breaks the release still running if it calls nextval() on it.",
        rationale: """
            DROP SEQUENCE takes ACCESS EXCLUSIVE on the sequence. PostgreSQL refuses while a column default uses \
            it (unless CASCADE drops the defaults, after which inserts that relied on them fail), and application \
            code that calls nextval('name') directly fails from the commit on. \
            A warning, not an error: dropping an unused sequence is the normal end of a removal.
            """,
        safeAlternative: """
            Stop using the sequence in the application and in column defaults, deploy that everywhere, then drop \
            it in a later migration.
            """,
        versionNotes: "Identity columns (PostgreSQL 10+) own their sequence; drop the identity, not the sequence.",
        badExamples: [
            RuleExample("DROP SEQUENCE ↓order_number_seq;"),
            RuleExample("DROP SEQUENCE IF EXISTS ↓app.\"InvoiceNo\" CASCADE;"),
            RuleExample("CREATE SEQUENCE tmp_seq;\nDROP SEQUENCE tmp_seq, ↓legacy_seq;"),
            RuleExample(#"DROP SEQUENCE /* it's */ ↓order_number_seq -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE SEQUENCE tmp_seq;\nDROP SEQUENCE tmp_seq;"),
            RuleExample("CREATE SEQUENCE app.\"Ticket\";\nDROP SEQUENCE IF EXISTS app.\"Ticket\";", inTransaction: true),
            RuleExample("DROP SEQUENCE counter_seq;\nCREATE SEQUENCE counter_seq START 1000;", inTransaction: true),
        ])

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.sequence]
    static let kindKeywords = ["SEQUENCE"]

    public func check(_ context: RuleContext) -> [Finding] {
        Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords, ruleID: Self.documentation.id,
                                   silentWhenRecreated: true) { name in
            "stop calling nextval('\(name)') in the application and remove it from column defaults, and deploy that release everywhere"
        }
    }
}
