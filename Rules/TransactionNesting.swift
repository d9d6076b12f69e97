import LockModel
import MigrationLint
import PostgresSyntax

/// BEGIN inside a transaction, and COMMIT / ROLLBACK outside one.
public struct TransactionNesting: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "transaction-nesting",
        category: .correctness,
        defaultSeverity: .warning,
        summary: "BEGIN inside a transaction (including the one the migration tool opens), or COMMIT / ROLLBACK without one.",
        rationale: """
            PostgreSQL has no nested transactions. A BEGIN inside a transaction is ignored with a WARNING, so the \
            first COMMIT ends the outer transaction: when the migration tool (goose, dbmate, Flyway, \
            assume-in-transaction) already wraps the file in a transaction, the file's own COMMIT commits the \
            tool's transaction early, the statements after it run in autocommit, and a failure there can no \
            longer be rolled back; the tool's version bookkeeping and your changes drift apart. A COMMIT or \
            ROLLBACK with no transaction open does nothing but warn, and a ROLLBACK that was meant to undo \
            the statements before it undoes nothing. Files sent as one multi-statement query (golang-migrate, \
            Prisma) may use BEGIN / COMMIT: PostgreSQL turns the implicit transaction into the explicit one.
            """,
        safeAlternative: """
            Remove BEGIN / COMMIT from files the tool wraps in a transaction, or tell the tool not to wrap \
            the file (`-- +goose NO TRANSACTION`, `-- migrate:up transaction:false`) and keep them. Use \
            SAVEPOINT for a nested unit of work.
            """,
        badExamples: [
            RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\n↓BEGIN;\nCREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY);\nCOMMIT;"),
            RuleExample("↓BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;", inTransaction: true),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);\n↓COMMIT;\nCREATE TABLE tags (id bigint PRIMARY KEY);\n↓ROLLBACK;"),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);\n↓COMMIT;\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);", inTransaction: true),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;\nBEGIN;\nCREATE TABLE tags (id bigint PRIMARY KEY);\nCOMMIT;"),
            RuleExample("BEGIN;\nSAVEPOINT before_orders;\nCREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY);\nRELEASE SAVEPOINT before_orders;\nCOMMIT;"),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE tags (id bigint PRIMARY KEY);", inTransaction: true),
            RuleExample("START TRANSACTION;\nCREATE TABLE users (id bigint PRIMARY KEY);\nEND;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .transaction(let kind) = context.statement else { return [] }
        let range = context.firstWordRange
        let state = context.state
        let toolWraps = context.file.transactionPolicy == .whole
        switch kind {
        case .begin:
            // The analyser opens the transaction a BEGIN starts before the BEGIN's own state.
            let opensItself = state.transaction?.startIndex == context.analysis.index
            if state.inExplicitTransaction, !opensItself {
                return [Finding(message: "BEGIN inside a transaction that is already open: PostgreSQL ignores it, and the next COMMIT ends the outer transaction",
                                range: range, help: "remove this BEGIN, or use SAVEPOINT for a nested unit of work")]
            }
            if toolWraps {
                return [Finding(message: "BEGIN in a file the migration tool already runs in a transaction: the file's COMMIT will end the tool's transaction early",
                                range: range,
                                notes: ["statements after that COMMIT run in autocommit, outside the tool's rollback"],
                                help: "remove BEGIN and COMMIT from this file, or mark the file to run without the tool's transaction")]
            }
            return []
        case .commit, .rollback:
            let word = kind == .commit ? "COMMIT" : "ROLLBACK"
            if state.transaction == nil {
                let effect = kind == .commit ? "the statements before it were already committed one by one"
                                             : "the statements before it were already committed and are not undone"
                return [Finding(message: "\(word) without an open transaction does nothing: \(effect)", range: range,
                                help: "add BEGIN where the transaction should start, or remove this \(word)")]
            }
            // After a BEGIN in the same transaction the COMMIT is the one the BEGIN asked for (a BEGIN
            // inside the tool's transaction is reported on its own).
            let opened = context.fileAnalyses.contains { analysis in
                guard let transaction = state.transaction, analysis.index >= transaction.startIndex,
                      analysis.index < context.analysis.index, case .transaction(.begin)? = analysis.statement else { return false }
                return true
            }
            if let transaction = state.transaction, transaction.isImplicit, !opened {
                let ends = toolWraps ? "the migration tool's transaction" : "the implicit transaction of the multi-statement query"
                return [Finding(message: "\(word) without BEGIN ends \(ends): the statements after it run outside it",
                                range: range, help: "remove this \(word), or open the transaction with BEGIN")]
            }
            return []
        default:
            return []
        }
    }
}
