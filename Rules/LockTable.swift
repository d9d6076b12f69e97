import LockModel
import MigrationLint
import PostgresSyntax

/// An explicit LOCK TABLE in a migration.
public struct LockTable: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "lock-table",
        category: .locking,
        defaultSeverity: .warning,
        summary: "LOCK TABLE in a migration blocks traffic on the table until the transaction commits.",
        rationale: """
            LOCK TABLE without a mode takes ACCESS EXCLUSIVE: no reads, no writes, until the transaction ends, and \
            every statement after it in the transaction extends the outage. SHARE and stronger modes block every \
            write. The statements a migration runs already take the locks they need, for as short a time as they \
            can; an explicit lock only widens the window. LOCK TABLE outside a transaction block is an error.
            """,
        safeAlternative: """
            Remove the LOCK TABLE and let each statement take its own lock, with `SET lock_timeout` so that a \
            waiting lock never queues traffic for long. If the lock protects a data fix, do the fix in small \
            batches instead.
            """,
        badExamples: [
            RuleExample("BEGIN;\n↓LOCK TABLE users;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;"),
            RuleExample("↓LOCK TABLE app.orders IN SHARE MODE;", inTransaction: true),
            RuleExample("BEGIN;\n↓LOCK \"Accounts\" IN ACCESS EXCLUSIVE MODE NOWAIT;\nCOMMIT;"),
            RuleExample("BEGIN;\n↓LOCK TABLE queue_items IN ACCESS EXCLUSIVE MODE;\nDELETE FROM queue_items a USING queue_items b WHERE a.task_id = b.task_id AND a.id > b.id;\nCREATE UNIQUE INDEX queue_items_task_id_key ON queue_items (task_id);\nCOMMIT;"),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nLOCK TABLE users IN ACCESS SHARE MODE;\nCOMMIT;"),
            RuleExample("BEGIN;\nCREATE TABLE app.orders (id bigint PRIMARY KEY);\nLOCK TABLE app.orders;\nCOMMIT;"),
            RuleExample("BEGIN;\nLOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE;\nCOMMIT;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .lockTable(let relations, let mode) = context.statement, mode.blocksWrites else { return [] }
        let existing = relations.filter { !context.isCreatedInFile($0) }.map { context.state.resolve($0).qualified }
        guard !existing.isEmpty else { return [] }
        var notes = context.lockNotes()
        if let error = context.effects.error { notes.append(error + ": the migration fails") }
        // Later statements of the same transaction on the table (a dedupe, then a unique index)
        // may need it unchanged between them: then the lock is the point, and removing it is no advice.
        let transaction = context.analysis.transactionNumber
        let dependent = context.state.inTransactionBlock ? relations.lazy.compactMap { relation in
            context.laterStatements(naming: relation).first { $0.transactionNumber == transaction && $0.statement != nil }
        }.first : nil
        let help: String
        if let dependent {
            let line = Locking.line(of: dependent, in: context)
            help = "if the statements from line \(line) on need the table unchanged between them, keep the lock, set lock_timeout before it and keep the transaction short; otherwise remove it, as each statement takes the lock it needs"
        } else {
            help = "remove the explicit lock; each statement takes the lock it needs, set lock_timeout before them"
        }
        return [Finding(message: "LOCK TABLE \(existing.joined(separator: ", ")) IN \(mode) MODE \(mode.blockingSummary) until commit",
                        range: context.firstWordRange, notes: notes, help: help)]
    }
}
