import LockModel
import MigrationLint
import PostgresSyntax

/// DROP TYPE / DROP DOMAIN of a type the running release may use.
public struct DropType: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-type",
        category: .compatibility,
        defaultSeverity: .info,
        summary: "DROP TYPE breaks the release still running if it casts to the type or passes it as a parameter.",
        rationale: """
            PostgreSQL refuses to drop a type that a column still uses, unless CASCADE drops those columns and \
            their data with it. Without columns, the running release may still cast to the type (`'x'::mood`), \
            bind parameters of it, or call functions that take it, and those queries fail from the commit on. \
            Re-creating the type in the same transaction is not reported, nor is dropping a type that got its \
            name from a rename earlier in the same file (the `ALTER TYPE x RENAME TO x_old; CREATE TYPE x ...; \
            DROP TYPE x_old` way of changing an enum). Info by default: since PostgreSQL refuses to drop a type \
            that a column still uses, the columns that used it were removed already (and reported there), and \
            what remains is casts in queries.
            """,
        safeAlternative: """
            Stop using the type in the application and deploy that release everywhere, then drop the type in a \
            later migration. Never rely on CASCADE: it drops columns.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("DROP TYPE ↓mood;"),
            RuleExample("DROP TYPE IF EXISTS ↓app.\"Status\" CASCADE;"),
            RuleExample("DROP DOMAIN ↓email_address;"),
            RuleExample(#"DROP TYPE /* the user's */ ↓mood -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE TYPE mood AS ENUM ('happy', 'sad');\nDROP TYPE mood;"),
            RuleExample("DROP TYPE app.\"Status\";\nCREATE TYPE app.\"Status\" AS ENUM ('new', 'done');", inTransaction: true),
            RuleExample("CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);\nDROP DOMAIN positive_int;"),
            RuleExample("ALTER TYPE \"Status\" RENAME TO \"Status_old\";\nCREATE TYPE \"Status\" AS ENUM ('new', 'done');\nALTER TABLE orders ALTER COLUMN status TYPE \"Status\" USING (status::text::\"Status\");\nDROP TYPE \"Status_old\";",
                        inTransaction: true),
        ])

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.type, .domain]
    static let kindKeywords = ["TYPE", "DOMAIN"]

    public func check(_ context: RuleContext) -> [Finding] {
        Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords, ruleID: Self.documentation.id,
                                   silentWhenRecreated: true) { name in
            "stop using \(name) in the application (casts, parameters, functions) and in columns, and deploy that release everywhere"
        }
    }
}
