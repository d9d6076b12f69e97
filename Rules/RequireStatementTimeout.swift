import LockModel
import MigrationLint
import PostgresSyntax

/// A scan or rewrite under a lock that blocks writes, with no `statement_timeout` set before it.
public struct RequireStatementTimeout: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "require-statement-timeout",
        category: .locking,
        defaultSeverity: nil,
        summary: "A statement that scans or rewrites a table while blocking writes runs without statement_timeout.",
        rationale: """
            How long a scan or rewrite takes depends on the table's size in production, which the migration \
            author rarely sees. While it runs under a lock that blocks writes (or reads), the outage lasts as \
            long as the statement; `SET statement_timeout` puts an upper bound on it. Scans under weak locks \
            (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT) are not reported: traffic continues, and a timeout \
            would only waste the work done. \
            Off by default: almost every statement it reports is already reported by the rule that names the scan \
            (set-not-null, add-check-not-valid, create-index-concurrently, alter-column-type, table-rewrite, \
            add-unique-constraint), so turning it on by default would double those findings. Turn it on \
            (`rules: {require-statement-timeout: warning}`) when a team accepts some blocking scans and wants them \
            bounded.
            """,
        safeAlternative: """
            Set `statement_timeout` before the statement, sized to what your traffic can tolerate, and prefer the \
            online forms that the other rules suggest.
            """,
        versionNotes: "statement_timeout applies to each statement; inside a transaction `SET LOCAL` scopes it to the transaction.",
        badExamples: [
            RuleExample("ALTER TABLE users ALTER COLUMN email ↓SET NOT NULL;"),
            RuleExample("↓CREATE INDEX orders_ref_idx ON app.orders (ref);"),
            RuleExample("SET statement_timeout = 0;\nVACUUM ↓FULL \"Events\";"),
            RuleExample(#"-- the user's note\#nALTER TABLE orders ALTER COLUMN note ↓SET NOT NULL /* it's */;"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN email /* it's */ ↓SET NOT NULL, ALTER COLUMN note SET DEFAULT E'it\'s' -- don't\#n;"#),
            RuleExample(#"SELECT $$don't$$;\#n↓CREATE INDEX notes_body_idx ON notes (body) WHERE body <> $$don't$$ /* it's */;"#),
            RuleExample(#"SELECT E'it\'s';\#nVACUUM ↓FULL "Events" /* it's */;"#),
        ],
        goodExamples: [
            RuleExample("SET statement_timeout = '10min';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            RuleExample("CREATE INDEX CONCURRENTLY orders_ref_idx ON app.orders (ref);"),
            RuleExample("CREATE TABLE app.orders (id bigint PRIMARY KEY, ref text NOT NULL);\nCREATE INDEX orders_ref_idx ON app.orders (ref);"),
            RuleExample("ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;"),
        ],
        fixExamples: [
            FixExample(RuleExample("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
                       "SET statement_timeout = '15min';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            FixExample(RuleExample(#"-- the user's note\#nALTER TABLE orders ALTER COLUMN note SET NOT NULL /* it's */;"#),
                       #"-- the user's note\#nSET statement_timeout = '15min';\#nALTER TABLE orders ALTER COLUMN note SET NOT NULL /* it's */;"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard !context.state.hasStatementTimeout else { return [] }
        let effects = context.effects
        let touched = effects.rewrites + effects.scans.filter { !effects.rewrites.contains($0) }
        // A table created earlier in the file (even one a query filled) is nobody else's yet.
        guard let table = touched.first(where: { effects.lock(on: $0).map { $0.mode.blocksWrites && !$0.isNew } == true }),
              let lock = effects.lock(on: table) else { return [] }
        let what = effects.rewrites.contains(table) ? "rewrites" : "scans"
        let range = clause(context) ?? context.firstWordRange
        let start = context.statementRange.lowerBound
        return [Finding(message: "\(what) \(table.qualified) under \(lock.mode) with no statement_timeout: the outage lasts as long as the table is large",
                        range: range, notes: context.lockNotes(),
                        help: "add `\(SQLText.statementTimeout)` before this statement",
                        fix: Fix(message: "add SET statement_timeout", edits: [Edit(range: start..<start, replacement: "\(SQLText.statementTimeout)\n")]))]
    }

    /// The clause that scans, where one names it.
    func clause(_ context: RuleContext) -> Range<Int>? {
        switch context.statement {
        case .vacuum: return context.nextKeyword("FULL")
        case .alterTable(let alter):
            for action in alter.actions {
                switch action {
                case .setNotNull: return context.keywordClause(["SET", "NOT", "NULL"])
                case .alterColumnType(_, let type, _): return context.expressionRange(at: type.location)
                case .addConstraint(let constraint) where constraint.location != nil: return context.clauseRange(at: constraint.location)
                default: continue
                }
            }
            return nil
        default:
            return nil
        }
    }
}
