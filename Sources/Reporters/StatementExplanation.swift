import LockModel
import MigrationLint
import PostgresSyntax

/// What `explain` says about one statement, for an editor: the hover over a statement and the
/// line of the outline that lists it. Built from the same model as `renderExplain`, so the
/// editor and the command say the same thing.
public struct StatementExplanation: Sendable {
    /// The statement on one line, shortened for an outline.
    public let title: String
    /// The strongest lock it takes ("ACCESS EXCLUSIVE on public.users"), when it takes one.
    public let strongestLock: String?
    /// The whole explanation as markdown.
    public let markdown: String

    /// One explanation per statement of the file, in file order.
    public static func all(_ file: ExplainedFile) -> [StatementExplanation] {
        let model = ExplainModel(file)
        var statementsPerTransaction: [Int: Int] = [:]
        for row in model.rows { if let number = row.transaction { statementsPerTransaction[number, default: 0] += 1 } }
        return model.rows.map { row in
            let transaction = row.transaction.flatMap { number in model.transactions.first { $0.number == number } }
            let strongest = row.locks.max { $0.mode < $1.mode }
            return StatementExplanation(title: ExplainModel.shortened(row.sql, to: 60),
                                        strongestLock: strongest.map { "\($0.mode) on \($0.relation)" },
                                        markdown: markdown(row, transaction,
                                                           shared: row.transaction.map { statementsPerTransaction[$0, default: 0] > 1 } ?? false))
        }
    }

    /// `shared`: other statements run in the same transaction.
    static func markdown(_ row: ExplainModel.Row, _ transaction: ExplainModel.Transaction?, shared: Bool) -> String {
        var lines = ["**line \(row.line)** `\(ExplainModel.markdownCode(ExplainModel.shortened(row.sql)))`", ""]
        if row.locks.isEmpty, row.error == nil { lines.append("- no table locks") }
        for lock in row.locks {
            let name = lock.isIndirect ? ExplainModel.markdownCell(lock.relation) : "`\(ExplainModel.markdownCode(lock.relation))`"
            lines.append("- **\(lock.mode)** on \(name)\(lock.isNew ? " (new in this file)" : ""): \(ExplainModel.blocking(lock.mode))")
        }
        if !row.rewrites.isEmpty { lines.append("- rewrites \(ExplainModel.codeList(row.rewrites))") }
        if !row.scans.isEmpty { lines.append("- scans \(ExplainModel.codeList(row.scans)) in full") }
        for assumption in row.assumptions { lines.append("- assumes: \(ExplainModel.markdownCell(assumption))") }
        for fact in row.known { lines.append("- known: \(ExplainModel.markdownCell(fact))") }
        if let error = row.error { lines.append("- **error:** \(ExplainModel.markdownCell(error))") }
        lines.append("")
        if let transaction, transaction.kind != "autocommit" {
            let span = transaction.fromLine == transaction.toLine ? "line \(transaction.fromLine)"
                : "lines \(transaction.fromLine)-\(transaction.toLine)"
            lines.append("In transaction \(transaction.number) (\(ExplainModel.kindDescription(transaction.kind)), \(span)), "
                         + "held until it ends:")
            for held in transaction.held {
                let name = held.isIndirect ? ExplainModel.markdownCell(held.relation) : "`\(ExplainModel.markdownCode(held.relation))`"
                let from = held.fromLine == held.toLine ? "at line \(held.fromLine)" : "from line \(held.fromLine) to line \(held.toLine)"
                lines.append("- **\(held.mode)** on \(name) \(from): \(ExplainModel.blocking(held.mode))")
            }
        } else if let number = row.transaction, shared {
            lines.append("In transaction \(number), which holds no table locks.")
        } else if row.error == nil {
            lines.append("Runs in autocommit: its locks end with it.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
