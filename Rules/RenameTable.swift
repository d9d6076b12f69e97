import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER TABLE ... RENAME TO on a table the running release uses.
public struct RenameTable: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "rename-table",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "Renaming a table breaks every query of the running release that uses the old name.",
        rationale: """
            ALTER TABLE ... RENAME TO only changes the catalog, but it takes ACCESS EXCLUSIVE on the table, and from \
            the commit on the release still running fails on every query that names the old table until the new \
            release is deployed everywhere. Foreign keys, indexes and views follow the rename; application code, \
            cron jobs and reports do not. Not reported: tables created earlier in the same migration, and a rename \
            followed by a view (or table) under the old name, in the same transaction or the very next statement. \
            A warning, not an error: a rename is safe when the application is stopped during the deploy, which only the team knows.
            """,
        safeAlternative: """
            Rename the table and, in the same transaction, create a view under the old name (`CREATE VIEW old AS \
            SELECT * FROM new`): a simple view is updatable, so the running release keeps reading and writing \
            through it. Deploy code that uses the new name, then drop the view.
            """,
        versionNotes: "Automatically updatable views exist since PostgreSQL 9.3.",
        badExamples: [
            RuleExample("ALTER TABLE users ↓RENAME TO accounts;"),
            RuleExample("ALTER TABLE IF EXISTS app.\"Orders\" ↓RENAME TO orders;"),
            RuleExample("BEGIN;\nALTER TABLE app.events ↓RENAME TO audit_events;\nCOMMIT;"),
            RuleExample(#"ALTER TABLE users ↓RENAME /* it's */ TO "user's" -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE tmp_users (id bigint PRIMARY KEY);\nALTER TABLE tmp_users RENAME TO users;"),
            RuleExample("CREATE TABLE app.\"New\" (id bigint PRIMARY KEY);\nALTER TABLE app.\"New\" RENAME TO fresh;", inTransaction: true),
            RuleExample("ALTER INDEX users_pkey RENAME TO users_id_pkey;"),
            RuleExample("BEGIN;\nALTER TABLE app.users RENAME TO accounts;\nCREATE VIEW app.users AS SELECT * FROM app.accounts;\nCOMMIT;"),
            RuleExample("ALTER TABLE app.orders RENAME CONSTRAINT orders_check TO orders_total_check;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .rename(let rename) = context.statement, rename.kind == .table || rename.kind == .foreignTable,
              !context.isCreatedInFile(rename.object),
              // A view (or table) under the old name in the same transaction keeps running code working.
              !Compatibility.recreatedInSameTransaction(context, rename.object, kinds: [.table, .view]) else { return [] }
        let old = context.state.resolve(rename.object)
        var new = rename.object
        new.name = rename.newName
        let renameSQL = "ALTER TABLE \(rename.object.sql) RENAME TO \(quoteIdentifier(rename.newName));"
        let plan = RewritePlan([
            Compatibility.renameBehindView(rename: renameSQL, oldName: rename.object, newName: new),
            .deploy("deploy code that uses \(context.state.resolve(new).qualified) everywhere"),
            Compatibility.contractStep("DROP VIEW IF EXISTS \(rename.object.sql);", ruleID: "drop-view",
                                       reason: "nothing uses the old name since step 2",
                                       note: "drop the compatibility view once nothing uses the old name"),
        ])
        return [Finding(
            message: "renaming table \(old.qualified) to \(rename.newName) breaks the running release, which still uses \(old.name)",
            range: context.subcommandRange(leading: "RENAME", name: nil),
            notes: context.lockNotes(on: rename.object),
            help: "rename it and create a view under the old name in the same transaction; drop the view after the deploy",
            rewrite: plan)]
    }
}
