import LockModel
import MigrationLint
import PostgresSyntax

/// CREATE INDEX without CONCURRENTLY on a table that already exists.
public struct CreateIndexConcurrently: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "create-index-concurrently",
        category: .locking,
        defaultSeverity: .warning,
        summary: "CREATE INDEX without CONCURRENTLY blocks every write to the table while the index builds.",
        rationale: """
            A plain CREATE INDEX takes a SHARE lock on the table: reads continue, but every INSERT, UPDATE and \
            DELETE waits until the whole table has been scanned and sorted, which on a large table takes minutes. \
            CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead and lets writes continue.
            """,
        safeAlternative: """
            Use CREATE INDEX CONCURRENTLY, in a migration that does not run inside a transaction block (it \
            cannot). If it fails it leaves an INVALID index behind: drop it and retry.
            """,
        versionNotes: "On PostgreSQL 14.0 to 14.3 concurrent index builds could corrupt indexes; use 14.4 or later.",
        badExamples: [
            RuleExample("CREATE ↓INDEX users_email_idx ON users (email);"),
            RuleExample("CREATE UNIQUE ↓INDEX orders_ref_idx ON app.orders (ref);"),
            RuleExample("CREATE ↓INDEX \"Idx\" ON \"Users\" USING gin (tags);", inTransaction: true),
            RuleExample(#"CREATE ↓INDEX /* it's */ orders_note_idx ON orders (note) WHERE note <> E'it\'s';"#),
            // A copy made in the file is nobody else's, the table it was copied from is live.
            RuleExample("CREATE TABLE users_copy AS SELECT id, email FROM users;\nCREATE ↓INDEX users_email_idx ON users (email);"),
            RuleExample(#"CREATE ↓INDEX notes_body_idx ON notes (body) WHERE body <> $$don't$$ /* it's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE users_copy AS SELECT id, email FROM users;\nCREATE UNIQUE INDEX users_copy_email_key ON users_copy (email);"),
            RuleExample("SELECT id, email INTO users_copy FROM users;\nCREATE INDEX users_copy_email_idx ON users_copy (email);"),
            RuleExample("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_email_idx ON users (email);"),
            RuleExample("CREATE TABLE app.orders (id bigint PRIMARY KEY, ref text NOT NULL);\nCREATE UNIQUE INDEX orders_ref_idx ON app.orders (ref);",
                        inTransaction: true),
            RuleExample("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nCREATE INDEX users_note_idx ON users (note);\nCOMMIT;"),
            // IF NOT EXISTS of an index that exists: PostgreSQL skips it with a notice.
            RuleExample("CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);", after: "CREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);\nCREATE INDEX users_email_idx ON users (email);"),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE INDEX users_email_idx ON users (email);"),
                       "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"),
            FixExample(RuleExample("CREATE UNIQUE INDEX IF NOT EXISTS orders_ref_idx ON app.orders (ref);"),
                       "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_ref_idx ON app.orders (ref);"),
            FixExample(RuleExample(#"CREATE INDEX /* it's */ orders_note_idx ON orders (note) WHERE note <> E'it\'s';"#),
                       #"CREATE INDEX CONCURRENTLY /* it's */ orders_note_idx ON orders (note) WHERE note <> E'it\'s';"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .createIndex(let index) = context.statement, !index.isConcurrent,
              !context.isCreatedInFile(index.relation),
              // IF NOT EXISTS of an index that exists: the lock is taken and released, nothing is built.
              !context.state.skips(index),
              // Already locked ACCESS EXCLUSIVE by this transaction: CONCURRENTLY cannot help here.
              Locking.accessExclusiveHolder(of: index.relation, context) == nil else { return [] }
        guard let indexKeyword = context.nextKeyword("INDEX") else { return [] }
        let table = context.state.resolve(index.relation)
        let concurrentSQL = insertConcurrently(context, at: indexKeyword.upperBound)
        var notes: [String] = []
        if let lock = context.lockSentence(on: index.relation, while: "the index builds") { notes.append(lock) }
        // Applying CONCURRENTLY inside a transaction block would make the migration fail.
        let inTransaction = context.state.inTransactionBlock
        let fix = inTransaction ? nil : Fix(message: "add CONCURRENTLY",
                                            edits: [Edit(range: indexKeyword.upperBound..<indexKeyword.upperBound, replacement: " CONCURRENTLY")])
        let help = inTransaction
            ? "CONCURRENTLY cannot run inside a transaction block: move this statement to a migration that runs without one"
            : "add CONCURRENTLY; it cannot run inside a transaction block"
        return [Finding(message: "CREATE INDEX on \(table.qualified) without CONCURRENTLY blocks writes while the index builds",
                        range: indexKeyword, notes: notes, help: help,
                        rewrite: RewritePlan([.migration(sql: concurrentSQL, note: "in a migration without a transaction; if it fails, DROP INDEX CONCURRENTLY the invalid index and retry")]),
                        fix: fix)]
    }

    func insertConcurrently(_ context: RuleContext, at offset: Int) -> String {
        context.statementSQL(inserting: " CONCURRENTLY", at: offset)
    }
}
