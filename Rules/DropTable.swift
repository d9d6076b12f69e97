import LockModel
import MigrationLint
import PostgresSyntax

/// DROP TABLE of a table the running release may still use.
public struct DropTable: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-table",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP TABLE breaks the release still running if it uses the table, and deletes its data for good.",
        rationale: """
            DROP TABLE takes ACCESS EXCLUSIVE on the table, and on every table its foreign keys reference, so it \
            waits behind any long query on either. From the commit on, every query of the running release that \
            names the table fails, and the data is gone (only a backup brings it back). A warning: dropping a \
            table nobody uses any more is the normal last step of a removal, acknowledged with an ignore comment. \
            Tables created earlier in the same migration are not reported.
            """,
        safeAlternative: """
            Stop using the table in the application and deploy that release everywhere; keep a backup if the data \
            may matter; then drop the table in a later migration, with a lock timeout.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("DROP TABLE ↓users;"),
            RuleExample("DROP TABLE IF EXISTS ↓app.\"LegacyOrders\" CASCADE;"),
            RuleExample("CREATE TABLE staging (id bigint PRIMARY KEY);\nDROP TABLE staging, ↓audit_log;"),
            RuleExample(#"DROP TABLE /* the user's */ ↓legacy_orders -- don't"#),
            RuleExample(#"DROP TABLE IF EXISTS ↓"it's" /* don't */ CASCADE;"#),
            // legacy is absent and passed over; users exists.
            RuleExample("DROP TABLE IF EXISTS legacy, ↓users;", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE staging (id bigint PRIMARY KEY);\nDROP TABLE staging;"),
            RuleExample("CREATE TABLE app.\"Import\" (id bigint PRIMARY KEY);\nDROP TABLE IF EXISTS app.\"Import\";", inTransaction: true),
            RuleExample("DROP VIEW IF EXISTS users_view;\nCREATE VIEW users_view AS SELECT 1 AS id;", inTransaction: true),
            RuleExample("DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;"),
            // The history shows no legacy table: PostgreSQL passes over both with a notice.
            RuleExample("DROP TABLE IF EXISTS legacy;\nDROP TABLE IF EXISTS legacy_v2, legacy_v3;", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .drop(let drop) = context.statement, drop.kind == .table || drop.kind == .foreignTable else { return [] }
        return drop.objects.compactMap { object -> Finding? in
            // IF EXISTS passes over a table the history shows is absent.
            guard !context.isCreatedInFile(object), !context.state.passesOver(object, of: drop) else { return nil }
            let table = context.state.resolve(object)
            var notes = context.lockNotes(on: object)
            if drop.behavior == .cascade { notes.append("CASCADE also drops the views and foreign keys that depend on \(table.qualified)") }
            let sql = "DROP TABLE IF EXISTS \(object.sql)\(drop.behavior == .cascade ? " CASCADE" : "");"
            let plan = RewritePlan([
                .deploy("stop reading and writing \(table.qualified) in the application and deploy that release everywhere; keep a backup (pg_dump -t \(table.qualified)) if the data may matter"),
                Compatibility.contractStep(sql, ruleID: description.id, reason: "no running release uses it since step 1",
                                           note: "drop the table once no running release uses it"),
            ])
            return Finding(
                message: "dropping table \(table.qualified) breaks the release still running if it uses it, and deletes its data",
                range: context.nameRange(object), notes: notes,
                help: "stop using the table in the application and deploy that first; drop it in a later migration",
                rewrite: plan)
        }
    }
}
