import LockModel
import MigrationLint
import PostgresSyntax

/// SET NOT NULL on a column that is NOT NULL already: nothing changes, and the table is still
/// locked ACCESS EXCLUSIVE.
public struct RedundantSetNotNull: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "redundant-set-not-null",
        category: .locking,
        defaultSeverity: .warning,
        summary: "SET NOT NULL on a column that an earlier migration (or statement) already made NOT NULL.",
        rationale: """
            ALTER TABLE ... ALTER COLUMN ... SET NOT NULL on a column that is NOT NULL already changes nothing, \
            but PostgreSQL still takes ACCESS EXCLUSIVE on the table, blocking reads and writes while it waits \
            for the lock and holds it. MigrationLint knows the column is NOT NULL from the history replayed \
            before the file (the migrations of its folder), a `schema:` dump, or an earlier statement of the file.
            """,
        safeAlternative: "Remove the subcommand (or the statement, if it is all the statement does).",
        badExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan ↓SET NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan ↓SET NOT NULL, ALTER COLUMN plan SET DEFAULT 'basic';"),
            RuleExample("ALTER TABLE app.users ADD COLUMN code text NOT NULL DEFAULT '';\nALTER TABLE app.users RENAME COLUMN code TO promo_code;\nALTER TABLE app.users ALTER COLUMN promo_code ↓SET NOT NULL;"),
            RuleExample(#"ALTER TABLE users ADD COLUMN note text NOT NULL DEFAULT $$it's$$ /* the user's */;\#nALTER TABLE users ALTER COLUMN note /* don't */ ↓SET NOT NULL, ALTER COLUMN note SET DEFAULT E'it\'s' -- don't\#n;"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN memo text NOT NULL DEFAULT '';\#nALTER TABLE users ALTER COLUMN memo SET DEFAULT $$it's$$, ALTER COLUMN memo ↓SET NOT NULL /* the user's */;"#),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;"),
            RuleExample("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            RuleExample("ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';\nALTER TABLE users ALTER COLUMN plan DROP NOT NULL;\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nALTER TABLE tags ALTER COLUMN name SET NOT NULL;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        let occurrences = Locking.matchingActions(alter) { if case .setNotNull = $0 { return true } else { return false } }
        return occurrences.compactMap { occurrence, action -> Finding? in
            guard case .setNotNull(let column) = action,
                  let known = context.state.schema.column(table: table.qualified, column: column), known.isNotNull else { return nil }
            let range = context.keywordClause(["SET", "NOT", "NULL"], occurrence: occurrence) ?? context.firstWordRange
            var notes = context.lockNotes()
            if let origin = context.state.schema.cited(known.origin) { notes.append("\(table.name).\(column) is NOT NULL since \(origin)") }
            let rest = alter.actions.count > 1
            return Finding(message: "\(quoteIdentifier(column)) is NOT NULL already: SET NOT NULL changes nothing but locks \(table.qualified)",
                           range: range, notes: notes,
                           help: rest ? "remove this subcommand" : "remove the statement",
                           rewrite: RewritePlan([rest
                               ? .migration(sql: context.withLockTimeoutIfBlocking(
                                   context.statementSQL(applying: [Edit(range: Self.subcommandRange(context, range), replacement: "")])),
                                            note: "the statement without the redundant SET NOT NULL")
                               : .deploy("nothing to run: \(table.name).\(column) is NOT NULL already")]))
        }
    }

    /// `ALTER COLUMN col SET NOT NULL` with the comma that joins it to its neighbour.
    static func subcommandRange(_ context: RuleContext, _ setNotNull: Range<Int>) -> Range<Int> {
        let tokens = context.tokens
        var first = context.tokenIndex(at: setNotNull.lowerBound)
        // Back to the ALTER that opens the subcommand (not the statement's ALTER TABLE).
        while first > 0, context.source.text(tokens[first].range).uppercased() != "ALTER" { first -= 1 }
        let start = tokens[first].range.lowerBound
        var last = context.tokenIndex(at: setNotNull.upperBound - 1)
        if last + 1 < tokens.count, context.isPunctuation(tokens[last + 1], ",") {
            last += 1
            return start..<(last + 1 < tokens.count ? tokens[last + 1].range.lowerBound : tokens[last].range.upperBound)
        }
        // The last subcommand: take the comma before it instead.
        if first > 0, context.isPunctuation(tokens[first - 1], ",") { return tokens[first - 1].range.lowerBound..<setNotNull.upperBound }
        return start..<setNotNull.upperBound
    }
}
