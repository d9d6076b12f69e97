import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER TABLE ... RENAME COLUMN on a column the running release uses.
public struct RenameColumn: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "rename-column",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "RENAME COLUMN breaks every query of the running release that uses the old name.",
        rationale: """
            Renaming a column only changes the catalog, but it takes ACCESS EXCLUSIVE on the table, and from the \
            commit on the release still running fails on every query that names the old column, until the new \
            release is deployed everywhere. Views and indexes follow the rename; application code does not. \
            A warning, not an error: a rename is safe when the application is stopped during the deploy, which only the team knows.
            """,
        safeAlternative: """
            Expand/contract: add the new column (with the old one's type), deploy code that writes both, backfill \
            the new column in batches, deploy code that reads the new column only, then drop the old one.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER TABLE users ↓RENAME COLUMN email TO email_address;"),
            RuleExample("ALTER TABLE app.\"Orders\" ↓RENAME \"Total\" TO total_cents;"),
            RuleExample("ALTER TABLE IF EXISTS users ↓RENAME COLUMN \"select\" TO selection;", inTransaction: true),
            RuleExample(#"ALTER TABLE users /* the user's */ ↓RENAME COLUMN email TO "e-mail's" -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nALTER TABLE users RENAME COLUMN email TO email_address;"),
            RuleExample("ALTER TABLE users ADD COLUMN nick text NOT NULL DEFAULT '';\nALTER TABLE users RENAME COLUMN nick TO nickname;"),
            RuleExample("ALTER TABLE app.\"Orders\" RENAME CONSTRAINT orders_total_check TO orders_total_positive;"),
            RuleExample("ALTER INDEX users_email_idx RENAME TO users_email_key;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .rename(let rename) = context.statement, rename.kind == .column, let old = rename.subname,
              !Compatibility.columnIsNew(context, table: rename.object, column: old) else { return [] }
        let table = context.state.resolve(rename.object)
        return [Finding(
            message: "renaming column \(table.qualified).\(old) to \(rename.newName) breaks the running release, which still uses \(old)",
            range: context.subcommandRange(leading: "RENAME", name: old, forbidding: "CONSTRAINT"),
            notes: context.lockNotes(on: rename.object),
            help: "add \(rename.newName) next to \(old), write both, backfill, switch reads, then drop \(old)",
            rewrite: plan(context, table: rename.object, old: old, new: rename.newName))]
    }

    func plan(_ context: RuleContext, table: QualifiedName, old: String, new: String) -> RewritePlan {
        let tableSQL = table.sql
        let oldSQL = quoteIdentifier(old), newSQL = quoteIdentifier(new)
        let qualified = context.state.resolve(table).qualified
        // The old column's type is not in this file: the catalog supplies it.
        let addColumn = """
            \(SQLText.lockTimeout)
            -- nullable: filled by dual writes and the backfill in step 3
            DO $$
            BEGIN
              EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', \(Compatibility.literal(tableSQL))::regclass, \(Compatibility.literal(new)),
                (SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                  WHERE attrelid = \(Compatibility.literal(tableSQL))::regclass AND attname = \(Compatibility.literal(old))));
            END
            $$;
            """
        return RewritePlan([
            .migration(sql: addColumn, note: "add \(new) with the type of \(old), nullable and without a default (instant)"),
            .deploy("deploy code that writes both \(old) and \(new) on every insert and update, and still reads \(old)"),
            .backfill(sql: """
                UPDATE \(tableSQL) SET \(newSQL) = \(oldSQL)
                  WHERE ctid IN (SELECT ctid FROM \(tableSQL) WHERE \(newSQL) IS DISTINCT FROM \(oldSQL) LIMIT 10000);
                -- repeat until no row is updated
                """, note: "copy \(old) into \(new) in batches, each in its own transaction"),
            .deploy("copy the NOT NULL, default, indexes and constraints of \(qualified).\(old) to \(new); deploy code that reads and writes \(new) only, everywhere"),
            Compatibility.contractStep("ALTER TABLE \(tableSQL) DROP COLUMN IF EXISTS \(oldSQL);", ruleID: "drop-column",
                                       reason: "no running release uses it since step 4", note: "drop the old column"),
        ])
    }
}
