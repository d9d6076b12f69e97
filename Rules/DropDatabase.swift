import LockModel
import MigrationLint
import PostgresSyntax

/// DROP DATABASE inside a migration.
public struct DropDatabase: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-database",
        category: .compatibility,
        defaultSeverity: .error,
        summary: "DROP DATABASE in a migration deletes a whole database, which no migration should do.",
        rationale: """
            DROP DATABASE removes every table and all data of a database, cannot run inside a transaction block \
            (so most migration tools fail on it anyway), and fails while any session is connected (PostgreSQL 13+ \
            `WITH (FORCE)` terminates them, including the running release's). A migration runs on every \
            environment it reaches, production included: this is an error by default.
            """,
        safeAlternative: """
            Drop databases by hand, outside the migration history, after a backup and after every service that \
            connects to it has been switched off.
            """,
        versionNotes: "PostgreSQL 13 added DROP DATABASE ... WITH (FORCE), which terminates connected sessions.",
        badExamples: [
            RuleExample("↓DROP DATABASE analytics;"),
            RuleExample("↓DROP DATABASE IF EXISTS \"Legacy\";"),
            RuleExample("↓DROP DATABASE old_app WITH (FORCE);"),
            RuleExample(#"↓DROP DATABASE /* the user's */ analytics -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE SCHEMA IF NOT EXISTS analytics;"),
            RuleExample("DROP SCHEMA IF EXISTS \"Legacy\";"),
            RuleExample("-- DROP DATABASE analytics;\nSELECT 1;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        switch context.statement {
        case .other("DropdbStmt"): break
        case .drop(let drop) where drop.kind == .database: break
        default: return []
        }
        return [Finding(
            message: "DROP DATABASE deletes a whole database, and every environment this migration reaches loses it",
            range: context.nextKeyword("DROP").map { $0.lowerBound..<(context.nextKeyword("DATABASE")?.upperBound ?? $0.upperBound) }
                ?? context.firstWordRange,
            notes: ["DROP DATABASE cannot run inside a transaction block, and fails while sessions are connected"],
            help: "remove it from the migration; drop the database by hand after a backup",
            rewrite: RewritePlan([
                .deploy("switch off every service that connects to the database and take a backup (pg_dump)"),
                .deploy("drop the database by hand with psql, outside the migration history"),
            ]))]
    }
}
