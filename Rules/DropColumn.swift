import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER TABLE ... DROP COLUMN on a column the running release may still use.
public struct DropColumn: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-column",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP COLUMN breaks the release still running if it reads or writes the column.",
        rationale: """
            DROP COLUMN is instant (PostgreSQL only marks the column dropped; the space is reclaimed by later \
            rewrites), but it takes ACCESS EXCLUSIVE on the table, and from the commit on every query that names \
            the column fails: the release still running during a deploy, and ORMs that list every column they \
            once saw (`SELECT *` mapped to a cached column list, INSERTs naming it). Dropping data is also \
            irreversible. A warning, not an error: once the code has stopped using the column, dropping it is \
            the right final step, acknowledged with an ignore comment.
            """,
        safeAlternative: """
            Expand/contract: first stop reading and writing the column in the application (Rails \
            `ignored_columns`, Django removing the field with a state-only migration) and deploy that release \
            everywhere; then drop the column in a later migration, with a lock timeout.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER TABLE users ↓DROP COLUMN email;"),
            RuleExample("ALTER TABLE app.\"Orders\" ↓DROP COLUMN IF EXISTS \"LegacyRef\" CASCADE;"),
            RuleExample("ALTER TABLE users ↓DROP legacy_id, ↓DROP COLUMN note, ADD COLUMN tag text NOT NULL DEFAULT '';"),
            RuleExample(#"ALTER TABLE users ↓DROP COLUMN /* the user's */ legacy_note -- don't\#n, ALTER COLUMN note SET DEFAULT E'it\'s';"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN note SET DEFAULT $$don't$$, ↓DROP COLUMN "it's" /* it's */"#),
            RuleExample("ALTER TABLE users ↓DROP COLUMN IF EXISTS email;", after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE drafts (id bigint PRIMARY KEY, body text NOT NULL);\nALTER TABLE drafts DROP COLUMN body;"),
            RuleExample("ALTER TABLE users ADD COLUMN tmp_flag boolean NOT NULL DEFAULT false;\nALTER TABLE users DROP COLUMN tmp_flag;"),
            RuleExample("ALTER TABLE users DROP CONSTRAINT IF EXISTS email;", inTransaction: true),
            RuleExample("ALTER TABLE users DROP COLUMN IF EXISTS legacy_ref;", after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"),
            RuleExample("-- migration-lint-ignore: drop-column unused since release 42\nALTER TABLE app.\"Orders\" DROP COLUMN \"LegacyRef\";"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table || alter.kind == .foreignTable else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            // IF EXISTS of a column the history shows the table never had: PostgreSQL passes over it.
            guard case .dropColumn(let column, _, let behavior) = action, !context.state.skips(action, on: alter.relation),
                  !Compatibility.columnIsNew(context, table: alter.relation, column: column) else { return nil }
            var notes = context.lockNotes(on: alter.relation, concerning: .locksOnly)
            if behavior == .cascade { notes.append("CASCADE also drops the views, indexes and constraints that use the column") }
            let drop = "ALTER TABLE \(alter.relation.sql) DROP COLUMN IF EXISTS \(quoteIdentifier(column))\(behavior == .cascade ? " CASCADE" : "");"
            let plan = RewritePlan([
                .deploy("stop reading and writing \(table.qualified).\(column) in the application (queries, models, the ORM's column list) and deploy that release everywhere"),
                Compatibility.contractStep(drop, ruleID: description.id, reason: "no running release uses it since step 1",
                                           note: "drop the column once no running release uses it"),
            ])
            return Finding(
                message: "dropping column \(table.qualified).\(column) breaks the release still running if it reads or writes it",
                range: context.subcommandRange(leading: "DROP", name: column, forbidding: "CONSTRAINT"),
                notes: notes, help: "stop using the column in the application and deploy that first; drop it in a later migration",
                rewrite: plan)
        }
    }
}
