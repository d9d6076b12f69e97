/// A safer way to do what the statement does: steps the user can paste. Each migration step,
/// linted on its own, raises no finding; a step in syntax newer than the bundled grammar raises
/// only the syntax warning that says so (the generic rule test checks both).
public struct RewritePlan: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// A migration of its own (its own file, its own transaction unless it says otherwise).
        case migration(sql: String, note: String? = nil)
        /// A migration written in syntax that PostgreSQL `version` introduced, newer than the
        /// grammar MigrationLint reads (`GrammarVersion`): offered only when the target is
        /// `version` or later. Linted here it is a `syntax-error` warning, not a checked step.
        case migrationNeeding(version: Int, sql: String, note: String? = nil)
        /// A data job run outside any migration transaction, in batches: not a migration step.
        case backfill(sql: String, note: String)
        /// Something done in application code or in the deploy pipeline.
        case deploy(String)

        /// About the bytes of the step in `text`, its header and comment markers included: room to
        /// reserve before writing a plan out (the text here, the JSON report).
        public var estimatedLength: Int {
            switch self {
            case .migration(let sql, let note), .migrationNeeding(_, let sql, let note): return sql.utf8.count + (note?.utf8.count ?? 0) + 96
            case .backfill(let sql, let note): return 2 * sql.utf8.count + note.utf8.count + 64
            case .deploy(let text): return text.utf8.count + 64
            }
        }
    }

    public var steps: [Step]

    public init(_ steps: [Step]) { self.steps = steps }

    /// The plan as SQL with comment headers, ready to paste.
    public var text: String {
        if steps.count == 1, case .migration(let sql, let note) = steps[0] {
            return (note.map { "-- \($0)\n" } ?? "") + sql
        }
        // Appended to one string: collecting lines and joining them, and splitting a backfill by
        // Characters, cost 13,000 instructions a plan, 2 % of linting the corpus to JSON.
        var text = ""
        text.reserveCapacity(steps.reduce(0) { $0 + $1.estimatedLength })
        for (number, step) in steps.enumerated() {
            if number > 0 { text += "\n" }
            text += "-- Step \(number + 1), "
            switch step {
            case .migration(let sql, let note):
                text += "migration" + (note.map { ": \($0)" } ?? "") + "\n" + sql
            case .migrationNeeding(let version, let sql, let note):
                text += "migration (PostgreSQL \(version) or later)" + (note.map { ": \($0)" } ?? "") + "\n" + sql
            case .backfill(let sql, let note):
                text += "backfill job (not a migration): " + note
                for line in sql.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    text += "\n--   " + Substring(line)
                }
            case .deploy(let deploy):
                text += "deploy: " + deploy
            }
        }
        return text
    }

    /// The SQL of each migration step the bundled grammar reads, for linting them one by one.
    public var migrationSteps: [String] {
        steps.compactMap { if case .migration(let sql, _) = $0 { return sql } else { return nil } }
    }

    /// The migration steps in syntax newer than the bundled grammar, with the version they need.
    public var newerSyntaxSteps: [(version: Int, sql: String)] {
        steps.compactMap { if case .migrationNeeding(let version, let sql, _) = $0 { return (version, sql) } else { return nil } }
    }
}
