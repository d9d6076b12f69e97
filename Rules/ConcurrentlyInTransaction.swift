import LockModel
import MigrationLint
import PostgresSyntax

/// CONCURRENTLY (and VACUUM) inside a transaction block: PostgreSQL refuses to run it.
public struct ConcurrentlyInTransaction: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "concurrently-in-transaction",
        category: .correctness,
        defaultSeverity: .error,
        summary: "CREATE INDEX / DROP INDEX / REINDEX / DETACH PARTITION CONCURRENTLY and VACUUM fail inside a transaction block.",
        rationale: """
            The concurrent forms wait for other transactions between their phases, which they cannot do from \
            inside a transaction of their own: PostgreSQL rejects them with "cannot run inside a transaction \
            block", and the migration fails. VACUUM has the same restriction. Many migration tools wrap every \
            file in a transaction (goose, dbmate, Flyway by default; golang-migrate and Prisma when a file holds \
            several statements), so the statement fails even without an explicit BEGIN.
            """,
        safeAlternative: """
            Run the statement in a migration that runs outside a transaction: goose `-- +goose NO TRANSACTION`, \
            dbmate `-- migrate:up transaction:false`, a file with that single statement for golang-migrate, or \
            after COMMIT when the file has an explicit BEGIN.
            """,
        badExamples: [
            RuleExample("BEGIN;\nCREATE INDEX ↓CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;"),
            RuleExample("DROP INDEX ↓CONCURRENTLY app.orders_ref_idx;\nSELECT 1;", inTransaction: true),
            RuleExample("BEGIN;\nALTER TABLE events DETACH PARTITION \"Events_2020\" ↓CONCURRENTLY;\nCOMMIT;"),
            RuleExample("BEGIN;\n↓VACUUM users;\nCOMMIT;"),
            RuleExample(#"BEGIN;\#nCREATE INDEX /* the user's index, not CONCURRENTLY */ ↓CONCURRENTLY notes_body_idx ON notes (body) WHERE body <> E'it\'s';\#nCOMMIT;"#),
            RuleExample(#"BEGIN;\#nCREATE UNIQUE INDEX ↓CONCURRENTLY notes_tag_idx ON notes (lower(tag)) WHERE tag <> $$don't$$ -- don't\#n;\#nCOMMIT;"#),
            RuleExample(#"REINDEX /* it's */ INDEX ↓CONCURRENTLY notes_tag_idx -- don't"#, inTransaction: true),
        ],
        goodExamples: [
            RuleExample("CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"),
            RuleExample("BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);"),
            RuleExample("REFRESH MATERIALIZED VIEW CONCURRENTLY app.daily_totals;", inTransaction: true),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard context.effects.cannotRunInTransactionBlock, context.state.inTransactionBlock else { return [] }
        let range: Range<Int>
        if case .vacuum = context.statement {
            range = context.firstWordRange
        } else {
            range = context.nextKeyword("CONCURRENTLY") ?? context.firstWordRange
        }
        let what = context.effects.error ?? "this statement cannot run inside a transaction block"
        if context.state.transaction?.isDoBlock == true {
            return [Finding(message: "\(what): the migration fails", range: range,
                            notes: ["a DO block runs its statements as a function, where PostgreSQL refuses VACUUM and the CONCURRENTLY forms"],
                            help: "move the statement out of the DO block, alone, into a migration that runs without a transaction",
                            rewrite: RewritePlan([.migration(sql: context.statementSQL(), note: "alone, outside the DO block, in a migration that runs without a transaction")]))]
        }
        let transaction = context.state.inExplicitTransaction
            ? "the BEGIN on line \(beginLine(context))"
            : context.file.layout == .plain
                ? "the configuration (`assume-in-transaction`): the whole file runs in one transaction"
                : "the migration tool (\(context.file.layout.rawValue)), which runs this file in one transaction"
        return [Finding(message: "\(what): the migration fails", range: range,
                        notes: ["the transaction comes from \(transaction)"],
                        help: Locking.outsideTransactionHelp(context),
                        rewrite: RewritePlan([.migration(sql: context.statementSQL(), note: "alone, in a migration that runs without a transaction")]))]
    }

    func beginLine(_ context: RuleContext) -> Int {
        guard let start = context.state.transaction?.startIndex,
              let begin = context.fileAnalyses.first(where: { $0.index == start }) else { return 1 }
        return Locking.line(of: begin, in: context)
    }
}
