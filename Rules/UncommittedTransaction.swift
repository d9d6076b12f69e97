import LockModel
import MigrationLint
import PostgresSyntax

/// BEGIN with no COMMIT or ROLLBACK by the end of the file.
public struct UncommittedTransaction: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "uncommitted-transaction",
        category: .correctness,
        defaultSeverity: .warning,
        summary: "A BEGIN that is never committed: the migration's changes may be rolled back when the session ends.",
        rationale: """
            A transaction left open at the end of a file holds its locks until the session ends, and what \
            happens next depends on the runner: psql and most tools close the connection and PostgreSQL rolls \
            everything back, often after the tool has already recorded the migration as applied. The locks \
            (ACCESS EXCLUSIVE for most DDL) block the application meanwhile. Files the migration tool wraps in \
            its own transaction are not flagged: the tool's COMMIT closes the BEGIN (transaction-nesting reports \
            that BEGIN instead).
            """,
        safeAlternative: "End the transaction with COMMIT (the fix appends it after the last statement).",
        badExamples: [
            RuleExample("↓BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);"),
            RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;\n↓START TRANSACTION;\nALTER TABLE app.\"Orders\" ADD COLUMN note text"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY);\n↓BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nSAVEPOINT a;\nRELEASE SAVEPOINT a;"),
            RuleExample(#"↓BEGIN;\#nALTER TABLE orders ADD COLUMN note text -- don't"#),
            RuleExample(#"↓BEGIN;\#nALTER TABLE users ADD COLUMN note text DEFAULT E'it\'s' -- don't"#),
            RuleExample(#"↓BEGIN;\#nINSERT INTO notes VALUES ($$don't$$) /* it's */"#),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;"),
            RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);", inTransaction: true),
            RuleExample("START TRANSACTION;\nCREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY);\nROLLBACK;"),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);"),
        ],
        fixExamples: [
            FixExample(RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\n"),
                       "BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;\n"),
            FixExample(RuleExample("BEGIN;\nALTER TABLE app.\"Orders\" ADD COLUMN note text"),
                       "BEGIN;\nALTER TABLE app.\"Orders\" ADD COLUMN note text;\nCOMMIT;"),
            FixExample(RuleExample(#"BEGIN;\#nALTER TABLE orders ADD COLUMN note text /* it's */ -- don't"#),
                       #"BEGIN;\#nALTER TABLE orders ADD COLUMN note text;\#nCOMMIT; /* it's */ -- don't"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] { [] }

    public func finish(_ context: FileContext) -> [Finding] {
        let state = context.finalState
        guard state.inExplicitTransaction, let transaction = state.transaction,
              context.file.transactionPolicy != .whole,
              transaction.startIndex < context.analyses.count,
              let last = context.analyses.last(where: { $0.statement != nil }) else { return [] }
        let begin = context.analyses[transaction.startIndex].parsed
        let (end, endsWithSemicolon) = context.appendingPoint(of: last.parsed)
        let insertion = (endsWithSemicolon ? "" : ";") + "\nCOMMIT;"
        return [Finding(
            message: "transaction opened here is never committed: the session ends with it open and PostgreSQL rolls it back",
            range: context.firstWordRange(of: begin),
            notes: ["its locks are held until the connection closes"],
            help: "end the transaction with COMMIT after the last statement",
            fix: Fix(message: "append COMMIT", edits: [Edit(range: end..<end, replacement: insertion)]))]
    }
}
