import LockModel
import MigrationLint
import PostgresSyntax

/// The same column defined twice: PostgreSQL rejects the migration.
public struct DuplicateColumn: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "duplicate-column",
        category: .correctness,
        defaultSeverity: .error,
        summary: "A column defined twice in CREATE TABLE, or added to a table that already has it.",
        rationale: """
            PostgreSQL rejects CREATE TABLE with a column named twice ("column specified more than once") and \
            ADD COLUMN of a column the table already has ("column already exists"), so the migration fails at \
            deploy time, often after earlier statements of a non-transactional migration were applied. Names \
            are compared as PostgreSQL folds them: `Email` and `email` are the same column, `"Email"` is not. \
            MigrationLint knows the columns of tables created earlier in the same file.
            """,
        safeAlternative: """
            Keep one definition. To change an existing column's type, use ALTER COLUMN ... TYPE; to make the \
            migration re-runnable, ADD COLUMN IF NOT EXISTS.
            """,
        badExamples: [
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, ↓Email text NOT NULL);"),
            RuleExample("ALTER TABLE app.\"Orders\" ADD COLUMN note text NOT NULL DEFAULT '', ADD COLUMN ↓note text NOT NULL DEFAULT '';"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nALTER TABLE tags ADD COLUMN ↓name text NOT NULL DEFAULT '';"),
            RuleExample(#"CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL DEFAULT E'it\'s', ↓body text NOT NULL /* don't */);"#),
            RuleExample(#"CREATE TABLE notes (id bigint PRIMARY KEY, note text NOT NULL DEFAULT $$don't$$, ↓note text NOT NULL DEFAULT E'it\'s' /* it's */);"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, \"Email\" text NOT NULL);"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nALTER TABLE tags ADD COLUMN IF NOT EXISTS name text;"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nALTER TABLE tags DROP COLUMN name;\nALTER TABLE tags ADD COLUMN name text NOT NULL;"),
            RuleExample("CREATE TABLE a (id bigint PRIMARY KEY, name text NOT NULL);\nCREATE TABLE b (id bigint PRIMARY KEY, name text NOT NULL);"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, title text NOT NULL);\nALTER TABLE tags RENAME COLUMN title TO name;\nALTER TABLE tags ADD COLUMN title text NOT NULL;"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nALTER TABLE tags DROP COLUMN name, ADD COLUMN name varchar(40) NOT NULL;"),
            RuleExample("CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);\nALTER TABLE tags ADD COLUMN name jsonb, DROP COLUMN name;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        switch context.statement {
        case .createTable(let create):
            var findings: [Finding] = []
            for column in Self.repeated(create.columns.map(\.name)).map({ create.columns[$0] }) {
                guard let location = column.location else { continue }
                findings.append(Finding(
                    message: "column \(quoteIdentifier(column.name)) is defined twice in \(create.relation.sql): PostgreSQL rejects the table",
                    range: nameRange(at: location, context), help: "keep one definition",
                    rewrite: RewritePlan([.migration(sql: withoutDefinition(at: location, context),
                                                     note: "the statement with the second definition removed")])))
            }
            return findings
        case .alterTable(let alter) where alter.kind == .table:
            let existing = columns(of: alter.relation, before: context)
            var addedHere: Set<String> = []
            // PostgreSQL runs every DROP COLUMN of a statement before its ADD COLUMNs, whatever
            // their order: Prisma's `DROP COLUMN x, ADD COLUMN x` and Fluent's `ADD x, DROP x`
            // (`.deleteField("x").field("x", ...)`) both change a column's type.
            let droppedHere = Set(alter.actions.compactMap { action -> String? in
                if case .dropColumn(let name, _, _) = action { return name } else { return nil }
            })
            var findings: [Finding] = []
            for action in alter.actions {
                guard case .addColumn(let column, let ifNotExists) = action else { continue }
                defer { addedHere.insert(column.name) }
                guard !ifNotExists, (existing?[column.name] != nil && !droppedHere.contains(column.name)) || addedHere.contains(column.name),
                      let location = column.location else { continue }
                findings.append(Finding(
                    message: "column \(quoteIdentifier(column.name)) already exists in \(alter.relation.sql): PostgreSQL rejects ADD COLUMN",
                    range: nameRange(at: location, context),
                    help: "remove this ADD COLUMN, or use ALTER COLUMN ... TYPE to change the existing column"))
            }
            return findings
        default:
            return []
        }
    }

    /// The positions of names that appeared earlier in `names`. A short list is compared in
    /// place: hashing every column of every new table was most of this rule's time.
    static func repeated(_ names: [String]) -> [Int] {
        if names.count > 32 {
            var seen: Set<String> = []
            return names.indices.filter { !seen.insert(names[$0]).inserted }
        }
        return names.indices.filter { index in names[..<index].contains(names[index]) }
    }

    /// The columns of `table` before this statement, as far as the history and the file show them (the lock
    /// model's schema catalog, kept as the statements are walked); nil when the file shows none.
    /// Looked up in place: a set of them built for every ALTER TABLE was most of this rule's time.
    func columns(of table: QualifiedName, before context: RuleContext) -> [String: SchemaCatalog.Column]? {
        context.state.schema.tables[context.state.resolve(table).qualified]?.columns
    }

    /// The column name as written (quoted or not).
    func nameRange(at location: Int, _ context: RuleContext) -> Range<Int> {
        context.tokens.first { $0.range.lowerBound == location }?.range ?? context.expressionRange(at: location)
    }

    /// The statement without the column definition at `location` and the comma before it.
    func withoutDefinition(at location: Int, _ context: RuleContext) -> String {
        let clause = context.clauseRange(at: location)
        var start = location
        let before = context.tokenIndex(at: location) - 1
        if before >= 0 {
            let previous = context.tokens[before]
            start = context.isPunctuation(previous, ",") ? previous.range.lowerBound : previous.range.upperBound
        }
        return context.statementSQL(applying: [Edit(range: start..<clause.upperBound, replacement: "")])
    }
}
