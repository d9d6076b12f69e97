import LockModel
import MigrationLint
import PostgresSyntax

/// DROP INDEX without CONCURRENTLY on an index that already exists.
public struct DropIndexConcurrently: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-index-concurrently",
        category: .locking,
        defaultSeverity: .warning,
        summary: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table.",
        rationale: """
            A plain DROP INDEX locks the table it belongs to with ACCESS EXCLUSIVE. The drop itself is quick, \
            but the lock has to wait for every running query on the table to finish, and while it waits every \
            new query, reads included, queues behind it. DROP INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE and \
            waits for running queries without blocking new ones.
            """,
        safeAlternative: """
            Use DROP INDEX CONCURRENTLY, one index per statement, without CASCADE, in a migration that does not \
            run inside a transaction block (it cannot).
            """,
        versionNotes: "DROP INDEX CONCURRENTLY exists since PostgreSQL 9.2; IF EXISTS works with it.",
        badExamples: [
            RuleExample("DROP ↓INDEX users_email_idx;"),
            RuleExample("DROP ↓INDEX IF EXISTS app.orders_ref_idx;"),
            RuleExample("DROP ↓INDEX \"Users_Email\";", inTransaction: true),
            RuleExample(#"DROP ↓INDEX /* it's */ orders_note_idx -- don't\#n;"#),
        ],
        goodExamples: [
            RuleExample("DROP INDEX CONCURRENTLY users_email_idx;"),
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_email_idx ON users (email);\nDROP INDEX users_email_idx;"),
            RuleExample("DROP INDEX CONCURRENTLY IF EXISTS app.orders_ref_idx;"),
        ],
        fixExamples: [
            FixExample(RuleExample("DROP INDEX users_email_idx;"), "DROP INDEX CONCURRENTLY users_email_idx;"),
            FixExample(RuleExample("DROP INDEX IF EXISTS app.orders_ref_idx;"), "DROP INDEX CONCURRENTLY IF EXISTS app.orders_ref_idx;"),
            FixExample(RuleExample(#"DROP INDEX /* it's */ orders_note_idx -- don't\#n;"#),
                       #"DROP INDEX CONCURRENTLY /* it's */ orders_note_idx -- don't\#n;"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .drop(let drop) = context.statement, drop.kind == .index, !drop.isConcurrent else { return [] }
        let existing = drop.objects.filter { !context.isCreatedInFile($0) && !tableAlreadyLocked($0, context) }
        guard !existing.isEmpty, let keyword = context.nextKeyword("INDEX") else { return [] }
        let names = existing.map { context.state.resolve($0).qualified }.joined(separator: ", ")
        // The lock that hurts is on the index's table: say so, rather than quote the lock on the
        // index as if the index were a table.
        let untilCommit = context.state.inTransactionBlock ? " until commit" : ""
        let indexNames = existing.map { context.state.resolve($0).qualified }
        var notes = indexNames.map { index -> String in
            let table = context.state.schema.indexTables[index].map { " (\($0))" } ?? ""
            return "takes ACCESS EXCLUSIVE on index \(index) and on its table\(table): reads and writes of the table wait\(untilCommit)"
        }
        notes += context.lockNotes(withAssumptions: true).filter { note in
            !indexNames.contains { note.hasPrefix("takes ACCESS EXCLUSIVE on \($0):") }
        }
        // CONCURRENTLY drops one index per statement, without CASCADE, outside a transaction block.
        let canFix = !context.state.inTransactionBlock && drop.objects.count == 1 && drop.behavior == .restrict
        let fix = canFix ? Fix(message: "add CONCURRENTLY",
                               edits: [Edit(range: keyword.upperBound..<keyword.upperBound, replacement: " CONCURRENTLY")]) : nil
        let help = context.state.inTransactionBlock
            ? "DROP INDEX CONCURRENTLY cannot run inside a transaction block: " + Locking.outsideTransactionHelp(context)
            : "add CONCURRENTLY; it cannot run inside a transaction block"
        let ifExists = drop.ifExists ? " IF EXISTS" : ""
        let steps = drop.objects.map { object -> RewritePlan.Step in
            .migration(sql: "DROP INDEX CONCURRENTLY\(ifExists) \(object.sql);", note: "in a migration without a transaction")
        }
        let tables = Set(existing.compactMap { context.state.schema.indexTables[context.state.resolve($0).qualified] }).sorted()
        let locked = tables.isEmpty ? "its table" : tables.joined(separator: ", ")
        return [Finding(message: "DROP INDEX \(names) without CONCURRENTLY locks \(locked) ACCESS EXCLUSIVE: reads and writes queue behind it",
                        range: keyword, notes: notes, help: help, rewrite: RewritePlan(steps), fix: fix)]
    }

    /// The file shows the index's table, and an earlier statement of this transaction holds it
    /// ACCESS EXCLUSIVE already: dropping the index adds no wait.
    func tableAlreadyLocked(_ index: QualifiedName, _ context: RuleContext) -> Bool {
        guard let table = context.state.schema.indexTables[context.state.resolve(index).qualified] else { return false }
        let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
        let name = parts.count == 2 ? QualifiedName(schema: parts[0], name: parts[1]) : QualifiedName(name: table)
        return Locking.accessExclusiveHolder(of: name, context) != nil
    }
}
