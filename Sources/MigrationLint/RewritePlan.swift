/// A safer way to do what the statement does: steps the user can paste. Each migration step,
/// linted on its own, raises no finding (the generic rule test checks this).
public struct RewritePlan: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// A migration of its own (its own file, its own transaction unless it says otherwise).
        case migration(sql: String, note: String? = nil)
        /// A data job run outside any migration transaction, in batches: not a migration step.
        case backfill(sql: String, note: String)
        /// Something done in application code or in the deploy pipeline.
        case deploy(String)
    }

    public var steps: [Step]

    public init(_ steps: [Step]) { self.steps = steps }

    /// The plan as SQL with comment headers, ready to paste.
    public var text: String {
        if steps.count == 1, case .migration(let sql, let note) = steps[0] {
            return (note.map { "-- \($0)\n" } ?? "") + sql
        }
        var lines: [String] = []
        for (number, step) in steps.enumerated() {
            switch step {
            case .migration(let sql, let note):
                lines.append("-- Step \(number + 1), migration" + (note.map { ": \($0)" } ?? ""))
                lines.append(sql)
            case .backfill(let sql, let note):
                lines.append("-- Step \(number + 1), backfill job (not a migration): \(note)")
                lines.append(contentsOf: sql.split(separator: "\n", omittingEmptySubsequences: false).map { "--   \($0)" })
            case .deploy(let text):
                lines.append("-- Step \(number + 1), deploy: \(text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The SQL of each migration step, for linting them one by one.
    public var migrationSteps: [String] {
        steps.compactMap { if case .migration(let sql, _) = $0 { return sql } else { return nil } }
    }
}
