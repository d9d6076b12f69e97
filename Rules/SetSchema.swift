import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER ... SET SCHEMA on an object the running release uses.
public struct SetSchema: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "set-schema",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "Moving an object to another schema breaks the running release wherever it names the old schema.",
        rationale: """
            ALTER ... SET SCHEMA only changes the catalog (a table takes ACCESS EXCLUSIVE, briefly), but from the \
            commit on every query that names the object with its old schema, or finds it through a search_path \
            that does not contain the new schema, fails. Not reported: objects created earlier in the same \
            migration, and a move followed by a view under the old name (same transaction or next statement). \
            A warning, not an error: the move is safe when the application's search_path already contains both schemas.
            """,
        safeAlternative: """
            For a table or view: move it and, in the same transaction, leave a view under the old name (a simple \
            view is updatable); deploy code that uses the new schema; drop the view. For other objects: add the \
            new schema to the application's search_path and deploy that first, then move the object.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER TABLE users ↓SET SCHEMA accounts;"),
            RuleExample("ALTER TABLE IF EXISTS app.\"Orders\" ↓SET SCHEMA archive;"),
            RuleExample("ALTER FUNCTION app.normalize(text) ↓SET SCHEMA util;"),
            RuleExample(#"ALTER FUNCTION app.normalize(text) /* it's */ ↓SET SCHEMA "user's" -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE staging_users (id bigint PRIMARY KEY);\nALTER TABLE staging_users SET SCHEMA accounts;"),
            RuleExample("CREATE TABLE app.\"Import\" (id bigint PRIMARY KEY);\nALTER TABLE app.\"Import\" SET SCHEMA archive;", inTransaction: true),
            RuleExample("CREATE FUNCTION app.tmp() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nALTER FUNCTION app.tmp() SET SCHEMA util;"),
            RuleExample("ALTER TABLE users SET (fillfactor = 90);"),
            RuleExample("ALTER TABLE users SET SCHEMA accounts;\nCREATE VIEW users AS SELECT * FROM accounts.users;", inTransaction: true),
        ])

    static let relationKinds: Set<ObjectKind> = [.table, .view, .materializedView, .foreignTable]

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .setSchema(let kind, let object, let newSchema) = context.statement,
              !Compatibility.createdEarlier(context, object, kinds: [kind]),
              // A view (or table) under the old name in the same transaction keeps running code working.
              !Compatibility.recreatedInSameTransaction(context, object, kinds: [.table, .view]) else { return [] }
        let old = context.state.resolve(object)
        let moved = QualifiedName(schema: newSchema, name: object.name)
        let plan: RewritePlan
        if kind == .table || kind == .view {
            let keyword = kind == .table ? "TABLE" : "VIEW"
            plan = RewritePlan([
                Compatibility.renameBehindView(rename: "ALTER \(keyword) \(object.sql) SET SCHEMA \(quoteIdentifier(newSchema));",
                                               oldName: object, newName: moved),
                .deploy("deploy code that uses \(moved.qualified) everywhere"),
                Compatibility.contractStep("DROP VIEW IF EXISTS \(object.sql);", ruleID: "drop-view",
                                           reason: "nothing uses the old name since step 2",
                                           note: "drop the compatibility view once nothing uses the old schema"),
            ])
        } else {
            plan = RewritePlan([
                .deploy("add \(newSchema) to the application's search_path (or name \(moved.qualified) explicitly) and deploy that everywhere"),
                Compatibility.contractStep(context.statementSQL(), ruleID: description.id,
                                           reason: "the running release finds it in either schema since step 1",
                                           lockTimeout: !context.effects.locks.isEmpty, note: "move the object"),
            ])
        }
        let what = kind.rawValue
        return [Finding(
            message: "moving \(what) \(old.qualified) to schema \(newSchema) breaks the running release wherever it names \(old.qualified)",
            range: context.subcommandRange(leading: "SET", name: nil, containing: ["SCHEMA"]),
            notes: context.lockNotes(on: object),
            help: "keep the old name working (a view, or search_path) until the release that uses the new schema is deployed",
            rewrite: plan)]
    }
}
