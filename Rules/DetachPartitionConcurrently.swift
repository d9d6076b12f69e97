import LockModel
import MigrationLint
import PostgresSyntax

/// DETACH PARTITION without CONCURRENTLY on PostgreSQL 14+.
public struct DetachPartitionConcurrently: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "detach-partition-concurrently",
        category: .locking,
        defaultSeverity: .warning,
        summary: "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+ has an online form).",
        rationale: """
            A plain DETACH PARTITION locks both the partitioned table and the partition with ACCESS EXCLUSIVE: \
            every query on any partition of the table waits, and the lock itself waits for every running query \
            on the table. Since PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY takes SHARE UPDATE EXCLUSIVE and \
            waits for running queries in two transactions of its own, so traffic continues.
            """,
        safeAlternative: """
            On PostgreSQL 14+ use DETACH PARTITION ... CONCURRENTLY in a migration that does not run inside a \
            transaction block. It is not allowed when the table has a default partition. If it is interrupted, \
            finish it with DETACH PARTITION ... FINALIZE.
            """,
        versionNotes: "DETACH PARTITION CONCURRENTLY exists since PostgreSQL 14; before 14 there is no online form and the rule is silent.",
        badExamples: [
            RuleExample("ALTER TABLE events ↓DETACH PARTITION events_2020;"),
            RuleExample("ALTER TABLE app.events ↓DETACH PARTITION app.events_2021;", postgresVersion: 14),
            RuleExample("ALTER TABLE \"Events\" ↓DETACH PARTITION \"Events_2020\";", inTransaction: true),
            RuleExample(#"ALTER TABLE orders ↓DETACH PARTITION /* it's */ orders_2020 -- don't"#),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;"),
            RuleExample("ALTER TABLE events DETACH PARTITION events_2020;", postgresVersion: 13),
            RuleExample("CREATE TABLE app.events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\nCREATE TABLE app.events_2021 PARTITION OF app.events FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');\nALTER TABLE app.events DETACH PARTITION app.events_2021;"),
            RuleExample("ALTER TABLE events DETACH PARTITION events_2020 FINALIZE;"),
        ],
        fixExamples: [
            FixExample(RuleExample("ALTER TABLE events DETACH PARTITION events_2020;"),
                       "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;"),
            FixExample(RuleExample(#"ALTER TABLE orders DETACH PARTITION /* it's */ orders_2020 -- don't"#),
                       #"ALTER TABLE orders DETACH PARTITION /* it's */ orders_2020 CONCURRENTLY -- don't"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard context.postgresVersion >= 14, case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        return Locking.matchingActions(alter) {
            if case .detachPartition(_, false) = $0 { return true } else { return false }
        }.compactMap { occurrence, action -> Finding? in
            guard case .detachPartition(let partition, _) = action else { return nil }
            let range = context.keywordClause(["DETACH", "PARTITION"], occurrence: occurrence) ?? context.firstWordRange
            let end = range.upperBound
            let inTransaction = context.state.inTransactionBlock
            let canFix = !inTransaction && alter.actions.count == 1
            let parent = context.state.resolve(alter.relation).qualified
            return Finding(message: "DETACH PARTITION \(context.state.resolve(partition).qualified) without CONCURRENTLY locks \(parent) ACCESS EXCLUSIVE: every query on the table waits",
                           range: range, notes: context.lockNotes(),
                           help: inTransaction ? "DETACH PARTITION CONCURRENTLY cannot run inside a transaction block: " + Locking.outsideTransactionHelp(context)
                                               : "add CONCURRENTLY (not allowed when the table has a default partition)",
                           rewrite: RewritePlan([.migration(sql: "ALTER TABLE \(alter.relation.sql) DETACH PARTITION \(partition.sql) CONCURRENTLY;",
                                                            note: "in a migration without a transaction; if interrupted, run DETACH PARTITION \(partition.sql) FINALIZE")]),
                           fix: canFix ? Fix(message: "add CONCURRENTLY", edits: [Edit(range: end..<end, replacement: " CONCURRENTLY")]) : nil)
        }
    }
}
