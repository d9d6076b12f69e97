import LockModel
import MigrationLint
import PostgresSyntax

/// DROP SEQUENCE of a sequence the running release may use.
public struct DropSequence: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-sequence",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "DROP SEQUENCE breaks the release still running if it calls nextval() on it.",
        rationale: """
            DROP SEQUENCE takes ACCESS EXCLUSIVE on the sequence. PostgreSQL refuses while a column default uses \
            it (unless CASCADE drops the defaults, after which inserts that relied on them fail), and application \
            code that calls nextval('name') directly fails from the commit on. A sequence whose default an earlier \
            statement of the file removed (DROP DEFAULT, another default, DROP COLUMN or DROP TABLE of the \
            `table_column_seq` it is named after) is not reported: its one use is gone. \
            A warning, not an error: dropping an unused sequence is the normal end of a removal.
            """,
        safeAlternative: """
            Stop using the sequence in the application and in column defaults, deploy that everywhere, then drop \
            it in a later migration.
            """,
        versionNotes: "Identity columns (PostgreSQL 10+) own their sequence; drop the identity, not the sequence.",
        badExamples: [
            RuleExample("DROP SEQUENCE ↓order_number_seq;"),
            RuleExample("DROP SEQUENCE IF EXISTS ↓app.\"InvoiceNo\" CASCADE;"),
            RuleExample("CREATE SEQUENCE tmp_seq;\nDROP SEQUENCE tmp_seq, ↓legacy_seq;"),
            RuleExample(#"DROP SEQUENCE /* it's */ ↓order_number_seq -- don't"#),
            RuleExample("ALTER TABLE orders ALTER COLUMN number DROP DEFAULT;\nDROP SEQUENCE ↓invoices_number_seq;"),
        ],
        goodExamples: [
            RuleExample("CREATE SEQUENCE tmp_seq;\nDROP SEQUENCE tmp_seq;"),
            RuleExample("CREATE SEQUENCE app.\"Ticket\";\nDROP SEQUENCE IF EXISTS app.\"Ticket\";", inTransaction: true),
            RuleExample("DROP SEQUENCE counter_seq;\nCREATE SEQUENCE counter_seq START 1000;", inTransaction: true),
            RuleExample("ALTER TABLE orders ALTER COLUMN number DROP DEFAULT;\nDROP SEQUENCE orders_number_seq;"),
            RuleExample("ALTER TABLE app.orders ALTER COLUMN id SET DEFAULT gen_random_uuid();\nDROP SEQUENCE app.orders_id_seq;", inTransaction: true),
        ])

    /// An earlier statement of the file removed the default that used the sequence (by
    /// PostgreSQL's naming, `table_column_seq` belongs to `table.column`): DROP DEFAULT, a new
    /// default, DROP COLUMN, or DROP TABLE. Nothing that runs can call it any more except code
    /// that names it directly, which is rare next to the default.
    static func defaultDroppedEarlier(_ context: RuleContext, _ sequence: QualifiedName) -> Bool {
        // CASCADE would drop defaults that still use it: that is reported.
        guard case .drop(let drop) = context.statement, drop.behavior != .cascade else { return false }
        let name = sequence.name.lowercased()
        guard name.hasSuffix("_seq") else { return false }
        for analysis in context.earlierStatements {
            switch analysis.statement {
            case .drop(let drop)? where drop.kind == .table:
                if drop.objects.contains(where: { name.hasPrefix($0.name.lowercased() + "_") }) { return true }
            case .alterTable(let alter)?:
                let table = alter.relation.name.lowercased()
                for action in alter.actions {
                    switch action {
                    case .dropDefault(let column), .setDefault(let column, _), .dropColumn(let column, _, _):
                        if name == "\(table)_\(column.lowercased())_seq" { return true }
                    default:
                        continue
                    }
                }
            default:
                continue
            }
        }
        return false
    }

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.sequence]
    static let kindKeywords = ["SEQUENCE"]

    public func check(_ context: RuleContext) -> [Finding] {
        Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords, ruleID: Self.documentation.id,
                                   silentWhenRecreated: true, unusedSinceEarlier: Self.defaultDroppedEarlier) { name in
            "stop calling nextval('\(name)') in the application and remove it from column defaults, and deploy that release everywhere"
        }
    }
}
