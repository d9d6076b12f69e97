import LockModel
import MigrationLint
import PostgresSyntax

/// REFRESH MATERIALIZED VIEW without CONCURRENTLY on a view that already exists.
public struct RefreshMaterializedViewConcurrently: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "refresh-materialized-view-concurrently",
        category: .locking,
        defaultSeverity: .warning,
        summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it recomputes.",
        rationale: """
            A plain refresh takes ACCESS EXCLUSIVE on the materialized view and rewrites it: every query that \
            reads the view waits until the whole query behind it has run again. REFRESH ... CONCURRENTLY takes \
            EXCLUSIVE instead, so reads continue while the new contents are computed and merged.
            """,
        safeAlternative: """
            Use REFRESH MATERIALIZED VIEW CONCURRENTLY. It needs a unique index on the view (on plain columns, \
            without WHERE) and cannot be combined with WITH NO DATA; create the index first, concurrently. It \
            may run inside a transaction block.
            """,
        versionNotes: "CONCURRENTLY exists since PostgreSQL 9.4.",
        badExamples: [
            RuleExample("↓REFRESH MATERIALIZED VIEW daily_totals;"),
            RuleExample("↓REFRESH MATERIALIZED VIEW app.daily_totals WITH DATA;", inTransaction: true),
            RuleExample("↓REFRESH MATERIALIZED VIEW \"Daily Totals\";"),
            RuleExample(#"↓REFRESH MATERIALIZED VIEW /* it's */ app.daily_totals -- don't\#n;"#),
        ],
        goodExamples: [
            RuleExample("REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;"),
            RuleExample("CREATE MATERIALIZED VIEW app.daily_totals AS SELECT 1 AS n WITH NO DATA;\nREFRESH MATERIALIZED VIEW app.daily_totals;"),
            RuleExample("REFRESH MATERIALIZED VIEW CONCURRENTLY \"Daily Totals\";", inTransaction: true),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE UNIQUE INDEX CONCURRENTLY daily_totals_day_idx ON daily_totals (day);\nREFRESH MATERIALIZED VIEW daily_totals;"),
                       "CREATE UNIQUE INDEX CONCURRENTLY daily_totals_day_idx ON daily_totals (day);\nREFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .refreshMaterializedView(let view, false) = context.statement,
              !context.isCreatedInFile(view), let keyword = context.nextKeyword("VIEW") else { return [] }
        let resolved = context.state.resolve(view)
        let noData = context.nextKeyword("NO") != nil
        var notes = context.lockNotes(while: "the view's query runs again")
        let indexed = hasUniqueIndex(resolved, context)
        if !indexed { notes.append("CONCURRENTLY needs a unique index on \(resolved.qualified); this file does not show one") }
        // Adding CONCURRENTLY is only safe where the file itself shows the unique index it needs.
        let fix = indexed && !noData
            ? Fix(message: "add CONCURRENTLY", edits: [Edit(range: keyword.upperBound..<keyword.upperBound, replacement: " CONCURRENTLY")])
            : nil
        return [Finding(message: "REFRESH MATERIALIZED VIEW \(resolved.qualified) without CONCURRENTLY blocks reads of the view until the refresh ends",
                        range: context.firstWordRange, notes: notes,
                        help: noData ? "WITH NO DATA empties the view: readers fail until the next refresh; refresh CONCURRENTLY instead"
                                     : "add CONCURRENTLY (the view needs a unique index)",
                        rewrite: noData ? nil : RewritePlan([.migration(sql: context.statementSQL(inserting: " CONCURRENTLY", at: keyword.upperBound),
                                                                        note: "reads continue; needs a unique index on the view")]),
                        fix: fix)]
    }

    /// A unique index on plain columns, without WHERE, created on the view earlier in this file.
    func hasUniqueIndex(_ view: QualifiedName, _ context: RuleContext) -> Bool {
        context.earlierStatements(naming: view).contains { item in
            guard case .createIndex(let index)? = item.statement else { return false }
            return index.isUnique && !index.hasWhere && index.columns.allSatisfy { $0.name != nil }
                && item.state.resolve(index.relation) == view
        }
    }
}
