import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER VIEW / FUNCTION / TYPE / SEQUENCE / SCHEMA ... RENAME TO on an object the running release uses.
public struct RenameObject: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "rename-object",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "Renaming a view, function, type, sequence or schema breaks the running release wherever it uses the old name.",
        rationale: """
            A rename only changes the catalog (a view or sequence takes ACCESS EXCLUSIVE, briefly), and objects \
            inside the database follow it because they refer to each other by OID. Application code refers by \
            name: from the commit on, the release still running fails wherever it queries the view, calls the \
            function, casts to the type, or calls nextval('old_name'). Tables and columns have their own rules \
            (rename-table, rename-column); objects created earlier in the same migration, and an object renamed \
            out of the way while a new one takes its name in the same transaction, are not reported; nor is a \
            trigger function (executed by a CREATE TRIGGER of the file, or named like one): its triggers follow \
            the rename and no application calls it. \
            A warning, not an error: a rename is safe when the application is stopped during the deploy, which only the team knows.
            """,
        safeAlternative: """
            Keep the old name working until the new release is deployed: for a view, rename it and create a view \
            under the old name in the same transaction; for a function, create the new function next to the old \
            one, move the callers, then drop the old one; for other objects, deploy code that uses the new name \
            right after the rename, in the same release window.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER VIEW active_users ↓RENAME TO current_users;"),
            RuleExample("ALTER FUNCTION app.\"Total\"(integer) ↓RENAME TO order_total;"),
            RuleExample("ALTER TYPE mood ↓RENAME TO feeling;"),
            RuleExample("ALTER SEQUENCE IF EXISTS app.order_seq ↓RENAME TO order_number_seq;"),
            RuleExample("ALTER SCHEMA \"Reporting\" ↓RENAME TO analytics;"),
            RuleExample(#"ALTER VIEW active_users /* the user's */ ↓RENAME TO "current user's" -- don't"#),
            RuleExample(#"ALTER TYPE mood ↓RENAME /* it's */ TO "user's mood" -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE VIEW tmp_view AS SELECT 1 AS id;\nALTER VIEW tmp_view RENAME TO report_view;"),
            RuleExample("CREATE TYPE app.\"Mood\" AS ENUM ('a');\nALTER TYPE app.\"Mood\" RENAME TO feeling;", inTransaction: true),
            RuleExample("ALTER INDEX users_email_idx RENAME TO users_email_key;"),
            RuleExample("CREATE SCHEMA staging;\nALTER SCHEMA staging RENAME TO imports;"),
            RuleExample("ALTER TABLE users RENAME CONSTRAINT users_check TO users_age_check;"),
            RuleExample("ALTER TYPE \"Status\" RENAME TO \"Status_old\";\nCREATE TYPE \"Status\" AS ENUM ('new', 'done');", inTransaction: true),
            RuleExample("BEGIN;\nCREATE TYPE app.\"Step_new\" AS ENUM ('a', 'b');\nALTER TABLE app.steps ALTER COLUMN kind TYPE app.\"Step_new\" USING (kind::text::app.\"Step_new\");\nALTER TYPE app.\"Step\" RENAME TO \"Step_old\";\nALTER TYPE app.\"Step_new\" RENAME TO \"Step\";\nDROP TYPE app.\"Step_old\";\nCOMMIT;"),
            RuleExample("ALTER FUNCTION set_updated_at_trigger() RENAME TO touch_updated_at_trigger;"),
            RuleExample("ALTER FUNCTION touch() RENAME TO touch_row;\nCREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_row();"),
        ])

    static let kinds: Set<ObjectKind> = [.view, .materializedView, .function, .procedure, .routine, .aggregate,
                                         .type, .domain, .sequence, .schema]

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .rename(var rename) = context.statement, Self.kinds.contains(rename.kind) else { return [] }
        // ALTER SCHEMA s RENAME names the schema in the subname.
        if rename.kind == .schema, let schema = rename.subname { rename.object = QualifiedName(name: schema) }
        var new = rename.object
        new.name = rename.newName
        // A trigger function has no callers, and its triggers follow the rename.
        if [.function, .procedure, .routine].contains(rename.kind),
           TriggerFunctions.isTriggerFunction(rename.object, context) || TriggerFunctions.isTriggerFunction(new, context) {
            return []
        }
        guard !Compatibility.createdEarlier(context, rename.object, kinds: [rename.kind]),
              // Renamed out of the way and created again in the same transaction: the old name never goes missing.
              !Compatibility.recreatedInSameTransaction(context, rename.object, kinds: [rename.kind]) else { return [] }
        let old = rename.kind == .schema ? rename.object.name : context.state.resolve(rename.object).qualified
        let plan: RewritePlan
        if rename.kind == .view {
            plan = RewritePlan([
                Compatibility.renameBehindView(rename: "ALTER VIEW \(rename.object.sql) RENAME TO \(quoteIdentifier(rename.newName));",
                                               oldName: rename.object, newName: new),
                .deploy("deploy code that uses \(context.state.resolve(new).qualified) everywhere"),
                Compatibility.contractStep("DROP VIEW IF EXISTS \(rename.object.sql);", ruleID: "drop-view",
                                           reason: "nothing uses the old name since step 2",
                                           note: "drop the compatibility view once nothing uses the old name"),
            ])
        } else if [.function, .procedure, .routine].contains(rename.kind) {
            plan = RewritePlan([
                .deploy("create \(rename.newName) as a copy of \(old) (SELECT pg_get_functiondef('\(rename.object.sql)'::regproc) prints its definition) in a migration, and deploy callers that use \(rename.newName)"),
                .deploy("drop \(old) in a later migration, once no running release calls it"),
            ])
        } else {
            plan = RewritePlan([
                .deploy("prepare the release that uses \(rename.newName) instead of \(rename.object.name)"),
                Compatibility.contractStep(context.statementSQL(), ruleID: description.id,
                                           reason: "deployed together with the release that uses the new name",
                                           lockTimeout: !context.effects.locks.isEmpty, note: "rename, then deploy that release at once"),
            ])
        }
        return [Finding(
            message: "renaming \(rename.kind.rawValue) \(old) to \(rename.newName) breaks the running release wherever it uses the old name",
            range: context.subcommandRange(leading: "RENAME", name: nil),
            notes: context.lockNotes(on: rename.object),
            help: "keep the old name working until every running release uses the new one",
            rewrite: plan)]
    }
}
