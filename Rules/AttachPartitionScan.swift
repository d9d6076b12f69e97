import Foundation
import LockModel
import MigrationLint
import PostgresSyntax

/// ATTACH PARTITION of an existing table with no CHECK constraint that proves the bound.
public struct AttachPartitionScan: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "attach-partition-scan",
        category: .locking,
        defaultSeverity: .warning,
        summary: "ATTACH PARTITION scans the whole partition under ACCESS EXCLUSIVE unless a valid CHECK proves the bound.",
        rationale: """
            Attaching a table as a partition locks it ACCESS EXCLUSIVE (and the parent SHARE UPDATE EXCLUSIVE \
            since PostgreSQL 12, ACCESS EXCLUSIVE before) and reads every row to prove it fits the partition \
            bound. A valid CHECK constraint on the table that implies the bound lets PostgreSQL skip that scan. \
            MigrationLint cannot compare a CHECK with the bound: it stays quiet when the file adds a valid CHECK \
            or validates one on the table before attaching it, and when the table was created in the same file \
            (it is empty).
            """,
        safeAlternative: """
            Add a CHECK constraint matching the bound NOT VALID, VALIDATE it in its own transaction (reads and \
            writes continue), then ATTACH PARTITION, which skips its scan; drop the check afterwards if you like.
            """,
        versionNotes: "PostgreSQL 12 lowered the parent's lock to SHARE UPDATE EXCLUSIVE; the partition is locked ACCESS EXCLUSIVE on every version.",
        badExamples: [
            RuleExample("ALTER TABLE events ↓ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"),
            RuleExample("ALTER TABLE app.orders ↓ATTACH PARTITION app.orders_eu FOR VALUES IN ('eu');", postgresVersion: 11),
            RuleExample("ALTER TABLE \"Events\" ↓ATTACH PARTITION \"Events_Old\" DEFAULT;", inTransaction: true),
            RuleExample(#"ALTER TABLE events ↓ATTACH PARTITION events_old /* the user's events */ FOR VALUES FROM (E'2023-01-01') TO ($$2024-01-01$$) -- don't\#n;"#),
            RuleExample(#"ALTER TABLE app.orders ↓ATTACH PARTITION app.orders_us FOR VALUES IN ($t$us$t$, E'u\'s') -- the user's region"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE events_2024 (LIKE events INCLUDING ALL);\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"),
            RuleExample("ALTER TABLE events_2024 ADD CONSTRAINT events_2024_bound CHECK (at >= '2024-01-01' AND at < '2025-01-01');\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"),
            RuleExample("ALTER TABLE app.orders_eu VALIDATE CONSTRAINT orders_eu_bound;\nALTER TABLE app.orders ATTACH PARTITION app.orders_eu FOR VALUES IN ('eu');"),
            RuleExample("CREATE TABLE app.orders_eu PARTITION OF app.orders FOR VALUES IN ('eu');"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table else { return [] }
        return Locking.matchingActions(alter) {
            if case .attachPartition = $0 { return true } else { return false }
        }.compactMap { occurrence, action -> Finding? in
            guard case .attachPartition(let partition) = action, !context.isCreatedInFile(partition) else { return nil }
            let resolved = context.state.resolve(partition)
            guard context.effects.scans.contains(resolved), !hasCheck(on: resolved, context) else { return nil }
            let range = context.keywordClause(["ATTACH", "PARTITION"], occurrence: occurrence) ?? context.firstWordRange
            let bound = boundText(context, range)
            let check = quoteIdentifier(SQLText.constraintName(partition.name, "partition_bound"))
            return Finding(message: "ATTACH PARTITION \(resolved.qualified) scans it to prove every row fits \(bound)",
                           range: range, notes: context.lockNotes(while: "every row is read"),
                           help: "add a CHECK matching the bound NOT VALID and VALIDATE it before attaching",
                           rewrite: RewritePlan([
                               .deploy("add to \(partition.sql) a CHECK constraint named \(check) equivalent to \(bound) on the partition key, NOT VALID, in its own migration (brief lock on \(resolved.qualified) only)"),
                               .migration(sql: SQLText.withStatementTimeout("ALTER TABLE \(partition.sql) VALIDATE CONSTRAINT \(check);")
                                          + "\n" + SQLText.withLockTimeout(context.statementSQL()),
                                          note: "validate under SHARE UPDATE EXCLUSIVE (traffic continues); the attach then skips its scan"),
                           ]))
        }
    }

    /// A valid CHECK added, or a CHECK validated, on the partition earlier in this file.
    func hasCheck(on partition: QualifiedName, _ context: RuleContext) -> Bool {
        context.earlierStatements(naming: partition).contains { item in
            guard case .alterTable(let other)? = item.statement, item.state.resolve(other.relation) == partition else { return false }
            return other.actions.contains {
                switch $0 {
                case .addConstraint(let constraint):
                    if case .check = constraint.kind { return !constraint.isNotValid }
                    return false
                case .validateConstraint: return true
                default: return false
                }
            }
        }
    }

    /// `FOR VALUES ...` or `DEFAULT`, as written.
    func boundText(_ context: RuleContext, _ clause: Range<Int>) -> String {
        let words = context.tokens[context.tokenIndex(at: clause.lowerBound)...].prefix { $0.range.upperBound <= clause.upperBound }
        if let start = words.indices.first(where: { words[$0].keyword == "FOR" && $0 + 1 < words.endIndex && words[$0 + 1].keyword == "VALUES" }) {
            return context.source.text(words[start].range.lowerBound..<clause.upperBound)
        }
        return words.last?.keyword == "DEFAULT" ? "the DEFAULT partition's bound" : "the partition bound"
    }
}
