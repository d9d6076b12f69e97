import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER TYPE ... ADD VALUE inside a transaction block before PostgreSQL 12.
public struct EnumAddValueInTransaction: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "enum-add-value-in-transaction",
        category: .correctness,
        defaultSeverity: .error,
        summary: "ALTER TYPE ... ADD VALUE fails inside a transaction block before PostgreSQL 12.",
        rationale: """
            Before PostgreSQL 12, adding a value to an existing enum type is refused inside a transaction block \
            ("ALTER TYPE ... ADD cannot run inside a transaction block"), so a migration that runs in a \
            transaction fails. Since 12 it is allowed, but the new value cannot be used until the transaction \
            commits. An enum created earlier in the same transaction is exempt.
            """,
        safeAlternative: """
            Run ALTER TYPE ... ADD VALUE in its own migration outside a transaction (goose `NO TRANSACTION`, \
            dbmate `transaction:false`), or target PostgreSQL 12+. Use the new value only in a later migration.
            """,
        versionNotes: "PostgreSQL 12 allows ADD VALUE inside a transaction block; the value is usable after commit.",
        badExamples: [
            RuleExample("BEGIN;\nALTER TYPE mood ↓ADD VALUE 'ecstatic';\nCOMMIT;", postgresVersion: 11),
            RuleExample("ALTER TYPE app.status ↓ADD VALUE IF NOT EXISTS 'archived' AFTER 'done';", postgresVersion: 10, inTransaction: true),
            RuleExample("BEGIN;\nALTER TYPE \"Mood\" ↓ADD VALUE 'calm' BEFORE 'sad';\nCOMMIT;", postgresVersion: 11),
            RuleExample(#"BEGIN;\#nALTER TYPE mood /* the user's mood */ ↓ADD VALUE E'it\'s' BEFORE $$don't$$ -- don't\#n;\#nCOMMIT;"#, postgresVersion: 11),
            RuleExample(#"ALTER TYPE mood ↓ADD VALUE $t$can't$t$ AFTER E'sad' /* it's */"#, postgresVersion: 11, inTransaction: true),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nALTER TYPE mood ADD VALUE 'ecstatic';\nCOMMIT;"),
            RuleExample("ALTER TYPE app.status ADD VALUE IF NOT EXISTS 'archived';", postgresVersion: 11),
            RuleExample("BEGIN;\nCREATE TYPE mood AS ENUM ('sad', 'happy');\nALTER TYPE mood ADD VALUE 'ecstatic';\nCOMMIT;", postgresVersion: 11),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterEnumAddValue(let type, let value) = context.statement, let error = context.effects.error else { return [] }
        let range = context.keywordClause(["ADD", "VALUE"]) ?? context.firstWordRange
        return [Finding(message: "\(error) (target PostgreSQL \(context.postgresVersion)): adding \(Compatibility.literal(value)) to \(context.state.resolve(type).qualified) fails",
                        range: range,
                        help: Locking.outsideTransactionHelp(context),
                        rewrite: RewritePlan([.migration(sql: context.statementSQL(), note: "alone, in a migration that runs without a transaction")]))]
    }
}
