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
    /// column must be NOT NULL, enforce it without a long lock (`notNullSteps`).
    static func backfillThenNotNull(table: QualifiedName, column: String, value: String, notNull: Bool,
                                    postgresVersion: Int) -> [RewritePlan.Step] {
        let tableSQL = table.sql
        let name = quoteIdentifier(column)
        let steps: [RewritePlan.Step] = [
            .backfill(sql: "UPDATE \(tableSQL) SET \(name) = \(value)\n  WHERE ctid IN (SELECT ctid FROM \(tableSQL) WHERE \(name) IS NULL LIMIT 10000);\n-- repeat until no row is updated",
                      note: "fill existing rows in batches, each in its own transaction"),
        ]
        guard notNull else { return steps }
        return steps + notNullSteps(table: table, column: column, postgresVersion: postgresVersion)
    }

    /// NOT NULL on a column of an existing table without reading it under ACCESS EXCLUSIVE.
    ///
    /// PostgreSQL 18 and later: add the NOT NULL constraint itself NOT VALID, then validate it
    /// (release notes 18: "Allow ALTER TABLE to set the NOT VALID attribute of NOT NULL
    /// constraints"; `ref/alter_table.sgml` of 18, ADD table_constraint and VALIDATE CONSTRAINT:
    /// NOT VALID is allowed for foreign key, CHECK and not-null constraints, and validation takes
    /// only SHARE UPDATE EXCLUSIVE). The ADD syntax is newer than the bundled grammar.
    /// PostgreSQL 12 to 17: a NOT VALID CHECK (col IS NOT NULL), validated, lets SET NOT NULL skip
    /// its scan (release notes 12), and is dropped after.
    static func notNullSteps(table: QualifiedName, column: String, postgresVersion: Int) -> [RewritePlan.Step] {
        let tableSQL = table.sql
        let name = quoteIdentifier(column)
        let constraint = quoteIdentifier(constraintName(table.name, column, "not_null"))
        if postgresVersion >= 18 {
            return [
                .migrationNeeding(version: 18, sql: "\(lockTimeout)\nALTER TABLE \(tableSQL) ADD CONSTRAINT \(constraint) NOT NULL \(name) NOT VALID;",
                                  note: "new and updated rows must not be NULL from now on; no scan"),
                .migration(sql: "\(statementTimeout)\nALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(constraint);",
                           note: "scan under SHARE UPDATE EXCLUSIVE: reads and writes continue; the column is then NOT NULL"),
            ]
        }
        return [
            .migration(sql: "\(lockTimeout)\nALTER TABLE \(tableSQL) ADD CONSTRAINT \(constraint) CHECK (\(name) IS NOT NULL) NOT VALID;",
                       note: "enforce for new rows without a scan"),
            .migration(sql: "\(statementTimeout)\nALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(constraint);",
                       note: "scan under SHARE UPDATE EXCLUSIVE: reads and writes continue"),
            .migration(sql: "\(lockTimeout)\nALTER TABLE \(tableSQL) ALTER COLUMN \(name) SET NOT NULL;\nALTER TABLE \(tableSQL) DROP CONSTRAINT \(constraint);",
                       note: "the valid check lets SET NOT NULL skip its scan (PostgreSQL 12+)"),
        ]
    }

    /// A constraint name PostgreSQL would accept (at most 63 bytes).
    static func constraintName(_ parts: String...) -> String {
        var name = parts.joined(separator: "_")
        while name.utf8.count > 63 { name.removeLast() }
        return name
    }
}
