import LockModel
import MigrationLint
import PostgresSyntax

/// REINDEX without CONCURRENTLY (PostgreSQL 12+), and REINDEX CONCURRENTLY before 12.
public struct ReindexConcurrently: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "reindex-concurrently",
        category: .locking,
        defaultSeverity: .warning,
        summary: "REINDEX without CONCURRENTLY blocks writes to the table and reads through the index while it rebuilds.",
        rationale: """
            A plain REINDEX takes SHARE on the table (every INSERT, UPDATE and DELETE waits) and ACCESS EXCLUSIVE \
            on each index it rebuilds (queries that would use the index wait, even plain reads), for as long as \
            the rebuild takes. REINDEX TABLE, SCHEMA and DATABASE do this index after index. Since PostgreSQL 12, \
            REINDEX CONCURRENTLY builds the new index next to the old one under SHARE UPDATE EXCLUSIVE and swaps \
            them, so reads and writes continue.
            """,
        safeAlternative: """
            On PostgreSQL 12+ use REINDEX ... CONCURRENTLY in a migration that does not run inside a transaction \
            block. Before 12, build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the \
            old one.
            """,
        versionNotes: "REINDEX CONCURRENTLY exists since PostgreSQL 12; before that the statement is a syntax error on the server.",
        badExamples: [
            RuleExample("↓REINDEX INDEX users_email_idx;"),
            RuleExample("↓REINDEX TABLE app.orders;"),
            RuleExample("↓REINDEX INDEX \"Users_Email\";", inTransaction: true),
            RuleExample("REINDEX INDEX ↓CONCURRENTLY users_email_idx;", postgresVersion: 11),
            RuleExample("↓REINDEX TABLE users;", postgresVersion: 11),
            RuleExample(#"↓REINDEX /* it's */ INDEX orders_note_idx -- don't"#),
            RuleExample("BEGIN;\n↓REINDEX TABLE tags;\nALTER TABLE tags ADD CONSTRAINT tags_label_key UNIQUE USING INDEX tags_label_key;\nCOMMIT;"),
        ],
        goodExamples: [
            RuleExample("REINDEX INDEX CONCURRENTLY users_email_idx;"),
            RuleExample("REINDEX TABLE CONCURRENTLY app.orders;"),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nREINDEX TABLE users;"),
        ],
        fixExamples: [
            FixExample(RuleExample("REINDEX INDEX users_email_idx;"), "REINDEX INDEX CONCURRENTLY users_email_idx;"),
            FixExample(RuleExample("REINDEX TABLE app.orders;"), "REINDEX TABLE CONCURRENTLY app.orders;"),
            FixExample(RuleExample(#"REINDEX /* it's */ INDEX orders_note_idx -- don't"#),
                       #"REINDEX /* it's */ INDEX CONCURRENTLY orders_note_idx -- don't"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .reindex(let kind, let name, let concurrently) = context.statement,
              [.index, .table, .schema, .database].contains(kind) else { return [] }
        if let name, [.index, .table].contains(kind), context.isCreatedInFile(name) { return [] }
        let target = name.map { kind == .index || kind == .table ? context.state.resolve($0).qualified : $0.name } ?? "the current database"
        if concurrently {
            guard context.postgresVersion < 12, let keyword = context.nextKeyword("CONCURRENTLY") else { return [] }
            return [Finding(message: "REINDEX CONCURRENTLY needs PostgreSQL 12 or later; the target is \(context.postgresVersion)",
                            range: keyword,
                            help: "build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old index")]
        }
        let what = kind.rawValue.uppercased()
        guard context.postgresVersion >= 12 else {
            return [Finding(message: "REINDEX \(what) \(target) blocks writes while it rebuilds; REINDEX CONCURRENTLY needs PostgreSQL 12",
                            range: context.firstWordRange, notes: context.lockNotes(),
                            help: "build a replacement with CREATE INDEX CONCURRENTLY, then DROP INDEX CONCURRENTLY the old index")]
        }
        // The keyword after which CONCURRENTLY goes: INDEX, TABLE, SCHEMA, DATABASE.
        let kindKeyword = context.nextKeyword(what)
        let inTransaction = context.state.inTransactionBlock
        let fix = inTransaction ? nil : kindKeyword.map {
            Fix(message: "add CONCURRENTLY", edits: [Edit(range: $0.upperBound..<$0.upperBound, replacement: " CONCURRENTLY")])
        }
        var notes = context.lockNotes(withAssumptions: true)
        // The lock on the index itself blocks the reads that use it, not the table's reads.
        if kind == .index, let name {
            let index = context.state.resolve(name).qualified
            let untilCommit = context.state.inTransactionBlock ? " until commit" : ""
            notes = notes.map { note in
                note.hasPrefix("takes ACCESS EXCLUSIVE on \(index):")
                    ? "takes ACCESS EXCLUSIVE on index \(index): queries that would use it wait\(untilCommit); writes to its table wait too"
                    : note
            }
        }
        // A later statement of this migration uses what was rebuilt (a constraint USING INDEX, a
        // query planned on it): the REINDEX moves to a migration of its own *before* it, never after.
        var placement = "in a migration without a transaction"
        var dependentLine: Int?
        if inTransaction, let name, [.index, .table].contains(kind),
           let dependent = context.laterStatements(naming: name).first(where: { $0.statement != nil }) {
            let line = Locking.line(of: dependent, in: context)
            dependentLine = line
            notes.append("line \(line) of this migration uses \(target) after it: keep the REINDEX before line \(line)")
            placement = "in a migration of its own without a transaction, run before the statements from line \(line) on (split the migration there)"
        }
        let plan = kindKeyword.map {
            RewritePlan([.migration(sql: context.statementSQL(inserting: " CONCURRENTLY", at: $0.upperBound),
                                    note: "\(placement); if it fails, drop the leftover *_ccnew index and retry")])
        }
        return [Finding(message: "REINDEX \(what) \(target) without CONCURRENTLY blocks writes to the table and reads through the index while it rebuilds",
                        range: context.firstWordRange, notes: notes,
                        help: dependentLine.map { "REINDEX CONCURRENTLY cannot run inside a transaction block: split the migration before this statement, run it alone without a transaction, and keep line \($0) and what follows after it" }
                            ?? (inTransaction ? "REINDEX CONCURRENTLY cannot run inside a transaction block: " + Locking.outsideTransactionHelp(context)
                                              : "add CONCURRENTLY; it cannot run inside a transaction block"),
                        rewrite: plan, fix: fix)]
    }
}
