import LockModel
import MigrationLint
import PostgresSyntax

/// DROP TYPE / DROP DOMAIN of a type the running release may use.
public struct DropType: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-type",
        category: .compatibility,
        defaultSeverity: .info,
        summary: "DROP TYPE breaks the release still running if it casts to the type or passes it as a parameter.",
        rationale: """
            PostgreSQL refuses to drop a type that a column still uses, unless CASCADE drops those columns and \
            their data with it. Without columns, the running release may still cast to the type (`'x'::mood`), \
            bind parameters of it, or call functions that take it, and those queries fail from the commit on. \
            Re-creating the type in the same transaction is not reported, nor is a type whose table or column an \
            earlier statement of the file dropped or changed to another type (known from the file, or named like \
            it: `JobStatus` after `DROP TABLE \"Job\"`), nor is dropping a type that got its \
            name from a rename earlier in the same file (the `ALTER TYPE x RENAME TO x_old; CREATE TYPE x ...; \
            DROP TYPE x_old` way of changing an enum). Info by default: since PostgreSQL refuses to drop a type \
            that a column still uses, the columns that used it were removed already (and reported there), and \
            what remains is casts in queries.
            """,
        safeAlternative: """
            Stop using the type in the application and deploy that release everywhere, then drop the type in a \
            later migration. Never rely on CASCADE: it drops columns.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("DROP TYPE ↓mood;"),
            RuleExample("DROP TYPE IF EXISTS ↓app.\"Status\" CASCADE;"),
            RuleExample("DROP DOMAIN ↓email_address;"),
            RuleExample(#"DROP TYPE /* the user's */ ↓mood -- don't"#),
        ],
        goodExamples: [
            RuleExample("CREATE TYPE mood AS ENUM ('happy', 'sad');\nDROP TYPE mood;"),
            RuleExample("DROP TABLE \"DeploymentLog\";\nDROP TYPE \"DeploymentLogType\";"),
            RuleExample("ALTER TABLE \"User\" DROP COLUMN \"role\";\nDROP TYPE \"Role\";"),
            RuleExample("CREATE TABLE people (id bigint PRIMARY KEY, current_mood mood NOT NULL);\nALTER TABLE people ALTER COLUMN current_mood TYPE text;\nDROP TYPE mood;"),
            RuleExample("DROP TYPE app.\"Status\";\nCREATE TYPE app.\"Status\" AS ENUM ('new', 'done');", inTransaction: true),
            RuleExample("CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);\nDROP DOMAIN positive_int;"),
            RuleExample("ALTER TYPE \"Status\" RENAME TO \"Status_old\";\nCREATE TYPE \"Status\" AS ENUM ('new', 'done');\nALTER TABLE orders ALTER COLUMN status TYPE \"Status\" USING (status::text::\"Status\");\nDROP TYPE \"Status_old\";",
                        inTransaction: true),
        ])

    /// An earlier statement of the file dropped the table or column that used the type, or
    /// changed the column to another type: the column of the type as the file or the catalog
    /// knows it, else named like the type (Prisma names an enum of `Job.status` `JobStatus`, and
    /// drops it right after the table).
    static func usesDroppedEarlier(_ context: RuleContext, _ type: QualifiedName) -> Bool {
        // CASCADE would drop columns that still use it: that is reported.
        guard case .drop(let drop) = context.statement, drop.behavior != .cascade else { return false }
        let typeName = type.name.lowercased()
        // Without Foundation's `replacingOccurrences`, which cost 15,000 instructions a call here
        // (8 % of the rules' time on the corpus).
        func flat(_ text: String) -> String { String(text.lowercased().filter { $0 != "_" }) }
        let flatType = flat(typeName)
        func isOfType(_ column: TypeName?) -> Bool { column?.names.last?.lowercased() == typeName }
        for analysis in context.earlierStatements {
            switch analysis.statement {
            case .drop(let drop)? where drop.kind == .table:
                for table in drop.objects {
                    let resolved = analysis.state.resolve(table)
                    if analysis.state.schema.tables[resolved.qualified]?.columns.values.contains(where: { isOfType($0.type) }) == true { return true }
                    if flatType.hasPrefix(flat(resolved.name)) { return true }
                }
            case .alterTable(let alter)?:
                let table = analysis.state.resolve(alter.relation)
                for action in alter.actions {
                    let column: String
                    switch action {
                    case .dropColumn(let name, _, _), .alterColumnType(let name, _, _): column = name
                    default: continue
                    }
                    if isOfType(analysis.state.schema.columnType(table: table.qualified, column: column)) { return true }
                    if [flat(column), flat(table.name + column)].contains(where: { $0 == flatType || $0 + "enum" == flatType || $0 + "type" == flatType }) {
                        return true
                    }
                }
            default:
                continue
            }
        }
        return false
    }

    /// What this rule reports dropping, built once rather than for every statement.
    static let kinds: Set<ObjectKind> = [.type, .domain]
    static let kindKeywords = ["TYPE", "DOMAIN"]

    public func check(_ context: RuleContext) -> [Finding] {
        Compatibility.dropFindings(context, kinds: Self.kinds, kindKeywords: Self.kindKeywords, ruleID: Self.documentation.id,
                                   silentWhenRecreated: true, unusedSinceEarlier: Self.usesDroppedEarlier) { name in
            "stop using \(name) in the application (casts, parameters, functions) and in columns, and deploy that release everywhere"
        }
    }
}
