import LockModel
import MigrationLint
import PostgresSyntax

/// Small helpers for building rewrites from the user's own statement.
enum SQLText {
    /// `SET lock_timeout` line every blocking step of a rewrite starts with.
    static let lockTimeout = "SET lock_timeout = '2s';"
    static let statementTimeout = "SET statement_timeout = '15min';"

    /// `SET lock_timeout` plus the statement: the shape of every blocking rewrite step.
    static func withLockTimeout(_ sql: String) -> String { "\(lockTimeout)\n\(sql)" }
    static func withStatementTimeout(_ sql: String) -> String { "\(statementTimeout)\n\(sql)" }

    /// The tail of every add-a-column plan: backfill existing rows in batches, then, when the
    /// column must be NOT NULL, enforce it without a long lock (NOT VALID check, VALIDATE, SET
    /// NOT NULL that skips its scan thanks to the check, drop the check).
    static func backfillThenNotNull(table: QualifiedName, column: String, value: String, notNull: Bool) -> [RewritePlan.Step] {
        let tableSQL = table.sql
        let name = quoteIdentifier(column)
        var steps: [RewritePlan.Step] = [
            .backfill(sql: "UPDATE \(tableSQL) SET \(name) = \(value)\n  WHERE ctid IN (SELECT ctid FROM \(tableSQL) WHERE \(name) IS NULL LIMIT 10000);\n-- repeat until no row is updated",
                      note: "fill existing rows in batches, each in its own transaction"),
        ]
        guard notNull else { return steps }
        let check = quoteIdentifier(constraintName(table.name, column, "not_null"))
        steps += [
            .migration(sql: "\(lockTimeout)\nALTER TABLE \(tableSQL) ADD CONSTRAINT \(check) CHECK (\(name) IS NOT NULL) NOT VALID;",
                       note: "enforce for new rows without a scan"),
            .migration(sql: "\(statementTimeout)\nALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(check);",
                       note: "scan under SHARE UPDATE EXCLUSIVE: reads and writes continue"),
            .migration(sql: "\(lockTimeout)\nALTER TABLE \(tableSQL) ALTER COLUMN \(name) SET NOT NULL;\nALTER TABLE \(tableSQL) DROP CONSTRAINT \(check);",
                       note: "the valid check lets SET NOT NULL skip its scan (PostgreSQL 12+)"),
        ]
        return steps
    }

    /// A constraint name PostgreSQL would accept (at most 63 bytes).
    static func constraintName(_ parts: String...) -> String {
        var name = parts.joined(separator: "_")
        while name.utf8.count > 63 { name.removeLast() }
        return name
    }
}
