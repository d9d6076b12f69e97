import LockModel
import MigrationLint
import PostgresSyntax

/// Small helpers for building rewrites from the user's own statement.
enum SQLText {
    /// `SET lock_timeout` line every blocking step of a rewrite starts with.
    static let lockTimeout = "SET lock_timeout = '2s';"
    static let statementTimeout = "SET statement_timeout = '15min';"

    /// The text of an expression as the user wrote it.
    static func text(of expression: Expression, in context: RuleContext) -> String {
        context.source.text(context.expressionRange(at: expression.location))
    }

    /// A constraint name PostgreSQL would accept (at most 63 bytes).
    static func constraintName(_ parts: String...) -> String {
        var name = parts.joined(separator: "_")
        while name.utf8.count > 63 { name.removeLast() }
        return name
    }
}

extension RuleContext {
    /// The lock sentence from the lock model for the statement's table, if it takes one.
    func lockSentence(_ relation: QualifiedName) -> String? {
        effects.lockSentence(for: state.resolve(relation), untilCommit: state.inTransactionBlock)
    }
}
