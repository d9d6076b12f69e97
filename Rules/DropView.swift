import LockModel
import MigrationLint
import PostgresSyntax

/// DROP VIEW / DROP MATERIALIZED VIEW of a view the running release may query.
public struct DropView: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-view",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP VIEW breaks the release still running if it queries the view.",
        rationale: """
            DROP VIEW takes ACCESS EXCLUSIVE on the view, and from the commit on every query of the running \
            release that reads it fails. Dropping a view to re-create it with a new definition is common and \
            harmless when the CREATE follows in the same transaction (no other session ever sees the view \
            missing) or in the very next statement (a gap of one statement boundary), so those cases are not \
            reported. With other work in between, outside a transaction, queries fail until the CREATE. \
            A warning, not an error: dropping a view nobody queries any more is the normal end of a removal.
            """,
        safeAlternative: """
            To change a view, use CREATE OR REPLACE VIEW (it can add columns at the end), or DROP and CREATE in one \
            transaction. To remove it, stop using it in the application and deploy that first.
            """,
        versionNotes: "CREATE OR REPLACE VIEW can only append columns; renaming or retyping one needs DROP and CREATE.",
        badExamples: [
            RuleExample("DROP VIEW ↓active_users;"),
            RuleExample("DROP MATERIALIZED VIEW IF EXISTS ↓app.\"DailyTotals\";"),
            RuleExample("DROP VIEW ↓user_stats;\nUPDATE users SET active = true;\nCREATE VIEW user_stats AS SELECT 1 AS id;"),
            RuleExample(#"DROP VIEW /* the user's */ ↓"it's" -- don't"#),
            RuleExample("DROP MATERIALIZED VIEW ↓transition_builds_per_job, next_builds_per_job, latest_builds_per_job;"),
        ],
        goodExamples: [
            RuleExample("DROP VIEW user_stats;\nCREATE VIEW user_stats AS SELECT 1 AS id;", inTransaction: true),
            RuleExample("BEGIN;\nDROP VIEW IF EXISTS app.\"Report\";\nCREATE VIEW app.\"Report\" AS SELECT 1 AS id;\nCOMMIT;"),
            RuleExample("CREATE VIEW tmp_view AS SELECT 1 AS id;\nDROP VIEW tmp_view;"),
            RuleExample("CREATE OR REPLACE VIEW active_users AS SELECT 1 AS id;"),
            RuleExample("DROP MATERIALIZED VIEW app.totals;\nCREATE MATERIALIZED VIEW app.totals AS SELECT 1 AS id;"),
        ])

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.view, .materializedView]
    static let kindKeywords = ["VIEW"]

    public func check(_ context: RuleContext) -> [Finding] {
        Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords, ruleID: Self.documentation.id,
                                   silentWhenRecreated: true) { name in
            "stop querying \(name) in the application and deploy that release everywhere"
        }
    }
}
