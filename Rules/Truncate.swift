import LockModel
import MigrationLint
import PostgresSyntax

/// TRUNCATE of a table that exists before this migration.
public struct Truncate: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "truncate",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "TRUNCATE deletes every row under ACCESS EXCLUSIVE, in every environment the migration reaches.",
        rationale: """
            TRUNCATE replaces the table's files with empty ones: it takes ACCESS EXCLUSIVE (no reads, no writes \
            until commit, and it waits behind any long query while every later query waits behind it), it is not \
            MVCC-safe for concurrent transactions, and the rows are gone in every environment, production \
            included, with no WHERE to limit it. CASCADE empties every table that references it too. Tables \
            created earlier in the same migration are not reported. \
            A warning, not an error: emptying a cache or a staging table is sometimes the point; acknowledge it with an ignore comment.
            """,
        safeAlternative: """
            If the rows really must go, make sure no running release needs them and delete them in batches from a \
            job outside the migration (each batch a short transaction, no ACCESS EXCLUSIVE); keep a copy if they \
            may matter.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("TRUNCATE ↓sessions;"),
            RuleExample("TRUNCATE TABLE ONLY ↓app.\"Cache\" RESTART IDENTITY CASCADE;"),
            RuleExample("CREATE TABLE import_rows (id bigint PRIMARY KEY);\nTRUNCATE import_rows, ↓audit_log;"),
            RuleExample(#"TRUNCATE /* the user's */ ↓sessions -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE import_rows (id bigint PRIMARY KEY);\nTRUNCATE import_rows;"),
            RuleExample("CREATE TABLE app.\"Cache\" (id bigint PRIMARY KEY);\nTRUNCATE TABLE app.\"Cache\";", inTransaction: true),
            RuleExample("DELETE FROM sessions WHERE expires_at < now();"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .truncate(let relations) = context.statement else { return [] }
        return relations.compactMap { relation -> Finding? in
            guard !context.isCreatedInFile(relation) else { return nil }
            let table = context.state.resolve(relation)
            let plan = RewritePlan([
                .deploy("make sure no running release needs the rows of \(table.qualified); copy them elsewhere if they may matter"),
                .backfill(sql: """
                    DELETE FROM \(relation.sql)
                      WHERE ctid IN (SELECT ctid FROM \(relation.sql) LIMIT 10000);
                    -- repeat until no row is deleted
                    """, note: "delete in batches, each in its own short transaction, instead of TRUNCATE in the migration"),
            ])
            return Finding(
                message: "TRUNCATE deletes every row of \(table.qualified) in every environment this migration reaches",
                range: context.nameRange(relation), notes: context.lockNotes(on: relation),
                help: "delete the rows from a batched job outside the migration, after checking nothing needs them",
                rewrite: plan)
        }
    }
}
