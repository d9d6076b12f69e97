import LockModel
import MigrationLint
import PostgresSyntax

/// Statements whose whole purpose is to copy a table: VACUUM FULL, CLUSTER, SET TABLESPACE,
/// SET LOGGED / UNLOGGED, SET ACCESS METHOD. Which ALTER TABLE subcommands copy the table is the
/// lock model's answer (`LockModel.effects(ofSubcommand:of:in:)`); this rule only words it.
public struct TableRewrite: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "table-rewrite",
        category: .rewrite,
        defaultSeverity: .warning,
        summary: "VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED / UNLOGGED and SET ACCESS METHOD copy the whole table under ACCESS EXCLUSIVE.",
        rationale: """
            Each of these statements writes a new copy of the table and rebuilds all its indexes while holding \
            ACCESS EXCLUSIVE: every query on the table, reads included, waits until the copy is finished, and \
            the disk needs room for both copies. VACUUM FULL and CLUSTER with no table name process every table \
            they can, one after the other.
            """,
        safeAlternative: """
            Reclaim space or reorder rows online: on PostgreSQL 19 and later with REPACK (CONCURRENTLY) table \
            [USING INDEX index], before 19 with the pg_repack extension (`pg_repack --table=...`, `--order-by`, \
            `--tablespace`); both hold ACCESS EXCLUSIVE only for a moment at the end. A plain \
            VACUUM (no FULL) marks space reusable without blocking reads or writes. SET LOGGED / UNLOGGED and \
            SET ACCESS METHOD have no online form: plan a maintenance window.
            """,
        versionNotes: """
            SET ACCESS METHOD exists since PostgreSQL 15. PostgreSQL 19 adds REPACK, which replaces VACUUM FULL and \
            CLUSTER (both remain), and REPACK (CONCURRENTLY), which copies the table without blocking reads or \
            writes and takes ACCESS EXCLUSIVE only to swap the files at the end (release notes 19; repack.sgml): \
            on 19 and later the advice for VACUUM FULL and CLUSTER is REPACK (CONCURRENTLY) instead of pg_repack. \
            REPACK is newer than the PostgreSQL \(GrammarVersion.text) grammar MigrationLint reads: in a file it is reported as \
            syntax-error, a warning when the target is newer than the grammar.
            """,
        badExamples: [
            RuleExample("VACUUM ↓FULL users;"),
            RuleExample("↓CLUSTER app.orders USING orders_created_at_idx;"),
            RuleExample("ALTER TABLE \"Events\" ↓SET TABLESPACE fast_disk;"),
            RuleExample("ALTER TABLE app.sessions ↓SET UNLOGGED;"),
            RuleExample("VACUUM (↓FULL, ANALYZE) users;"),
            RuleExample("VACUUM ↓FULL users, app.orders;", postgresVersion: 19),
            RuleExample("↓CLUSTER app.orders USING orders_created_at_idx;", postgresVersion: 19),
            RuleExample("↓CLUSTER app.orders;", postgresVersion: 19),
            RuleExample(#"ALTER TABLE events ALTER COLUMN note SET DEFAULT E'it\'s', ↓SET TABLESPACE fast_disk /* the user's */, ALTER COLUMN tag SET DEFAULT $$don't$$ -- don't\#n;"#),
        ],
        goodExamples: [
            RuleExample("VACUUM ANALYZE users;"),
            RuleExample("CREATE TABLE app.sessions (id bigint PRIMARY KEY);\nALTER TABLE app.sessions SET UNLOGGED;"),
            RuleExample("ALTER TABLE users SET (fillfactor = 90);"),
            RuleExample("CREATE TABLE staging (id bigint PRIMARY KEY);\nALTER TABLE staging SET TABLESPACE fast_disk;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        switch context.statement {
        case .vacuum(true, _, let relations):
            let range = context.nextKeyword("FULL") ?? context.firstWordRange
            return finding(context, relations: relations, range: range, what: "VACUUM FULL",
                           plan: relations.isEmpty ? nil : vacuumPlan(relations, context))
        case .cluster(let relation):
            let table = relation.map { [$0] } ?? []
            return finding(context, relations: table, range: context.firstWordRange, what: "CLUSTER",
                           plan: relation.map { clusterPlan($0, context) })
        case .alterTable(let alter) where alter.kind == .table:
            var findings: [Finding] = []
            var occurrences: [[String]: Int] = [:]
            let table = context.state.resolve(alter.relation)
            // The lock model says which subcommands copy the table; a table created in this file
            // is empty and copies nothing.
            for action in alter.actions {
                // Column changes are the add-column and type rules' to report: their effects, most
                // of a long file's ALTER TABLEs, are not asked for (3 % of its instructions).
                guard let words = Self.words(for: action, table: table) else { continue }
                let effects = LockModel.effects(ofSubcommand: action, of: alter, in: context.state)
                guard effects.rewrites.contains(table) else { continue }
                var range = context.firstWordRange
                if let keywords = words.keywords {
                    let occurrence = occurrences[keywords, default: 0]
                    occurrences[keywords] = occurrence + 1
                    range = context.keywordClause(keywords, occurrence: occurrence) ?? range
                }
                findings += finding(context, relations: [alter.relation], range: range, what: words.what,
                                    assumptions: effects.assumptions, plan: RewritePlan([.deploy(words.deploy)]))
            }
            return findings
        default:
            return []
        }
    }

    /// How a finding names a subcommand that copies the table, and the way around it. Nil for the
    /// column changes that copy it (ADD COLUMN with a volatile default or a generated value, ALTER
    /// COLUMN TYPE): alter-column-type and the add-column rules report those.
    static func words(for action: AlterTableAction, table: QualifiedName) -> (keywords: [String]?, what: String, deploy: String)? {
        switch action {
        case .addColumn, .alterColumnType:
            return nil
        case .setTablespace(let space):
            return (["SET", "TABLESPACE"], "SET TABLESPACE", "pg_repack --table=\(table.qualified) --tablespace=\(space) moves the table online")
        case .setLogged:
            return (["SET", "LOGGED"], "SET LOGGED", "no online form: run it in a maintenance window")
        case .setUnlogged:
            return (["SET", "UNLOGGED"], "SET UNLOGGED",
                    "no online form: run it in a maintenance window (an unlogged table is also emptied after a crash)")
        case .setAccessMethod:
            return (["SET", "ACCESS", "METHOD"], "SET ACCESS METHOD", "no online form: run it in a maintenance window")
        default:
            return (nil, "ALTER TABLE", "no online form: run it in a maintenance window")
        }
    }

    /// `assumptions`: what the lock model assumed about the part of the statement reported, by
    /// default all of it.
    func finding(_ context: RuleContext, relations: [QualifiedName], range: Range<Int>, what: String,
                 assumptions: [Assumption]? = nil, plan: RewritePlan?) -> [Finding] {
        let existing = relations.filter { !context.isCreatedInFile($0) }
        if !relations.isEmpty && existing.isEmpty { return [] }
        let rewritten = context.effects.rewrites.map(\.qualified)
        let subject = rewritten.isEmpty ? "every table it can" : rewritten.joined(separator: ", ")
        var notes = context.lockNotes(while: "the copy is written")
        notes += (assumptions ?? context.effects.assumptions).texts
        let online = (plan?.newerSyntaxSteps.isEmpty ?? true) ? "pg_repack" : "REPACK (CONCURRENTLY), new in PostgreSQL 19,"
        return [Finding(message: "\(what) rewrites \(subject) and rebuilds its indexes", range: range, notes: notes,
                        help: "use \(online) for an online copy, or a plain VACUUM to make space reusable without blocking",
                        rewrite: plan)]
    }

    /// PostgreSQL 19 and later copy a table online in core: REPACK, which replaces VACUUM FULL and
    /// CLUSTER, and its CONCURRENTLY option, which copies under SHARE UPDATE EXCLUSIVE (reads and
    /// writes continue) and takes ACCESS EXCLUSIVE only to swap in the copy at the end (release
    /// notes 19, "New REPACK command ... REPACK (CONCURRENTLY) allows repacking without blocking
    /// reads and writes"; `ref/repack.sgml`: one table, not in a transaction block, a replication
    /// slot of its own). Its syntax is newer than the bundled grammar. Before 19: pg_repack.
    func repackStep(_ sql: String) -> RewritePlan.Step {
        .migrationNeeding(version: 19, sql: sql,
                          note: "copies the table under SHARE UPDATE EXCLUSIVE (reads and writes continue) and takes ACCESS EXCLUSIVE only to swap in the copy at the end; outside a transaction block, and it needs a free replication slot")
    }

    func vacuumPlan(_ relations: [QualifiedName], _ context: RuleContext) -> RewritePlan {
        let vacuum = RewritePlan.Step.migration(sql: "VACUUM (ANALYZE) \(relations.map(\.sql).joined(separator: ", "));",
                                                note: "plain VACUUM: space becomes reusable, reads and writes continue (outside a transaction block)")
        guard context.postgresVersion >= 19 else {
            return RewritePlan([vacuum, .deploy("to give space back to the operating system, pg_repack --table=\(relations[0].qualified) copies the table online")])
        }
        // REPACK (CONCURRENTLY) takes one table at a time.
        return RewritePlan([vacuum] + relations.map { repackStep("REPACK (CONCURRENTLY) \($0.sql);") })
    }

    func clusterPlan(_ relation: QualifiedName, _ context: RuleContext) -> RewritePlan {
        guard context.postgresVersion >= 19 else {
            return RewritePlan([.deploy("pg_repack --table=\(context.state.resolve(relation).qualified) --order-by=(the clustering index's columns) reorders online, ACCESS EXCLUSIVE only for a moment at the end")])
        }
        // `CLUSTER t USING i` names the index; plain `CLUSTER t` uses the index the table was
        // clustered on, as `USING INDEX` without a name does.
        var index = ""
        if let using = context.nextKeyword("USING") {
            let position = context.tokenIndex(at: using.upperBound)
            if position < context.tokens.count, context.isName(context.tokens[position]) {
                index = " " + context.source.text(context.tokens[position].range)
            }
        }
        return RewritePlan([repackStep("REPACK (CONCURRENTLY) \(relation.sql) USING INDEX\(index);")])
    }
}
