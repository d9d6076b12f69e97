import LockModel
import MigrationLint
import PostgresSyntax

/// Dropping or renaming a table, a view or a column that a view reads.
public struct ViewDependency: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "view-dependency",
        category: .compatibility,
        defaultSeverity: .warning,
        summary: "Dropping or renaming a table, view or column that a view reads.",
        rationale: """
            PostgreSQL records which tables, views and columns a view's query reads. DROP TABLE, DROP VIEW or \
            DROP COLUMN of one of them fails unless it says CASCADE, and CASCADE drops the views too (and the \
            views that read those), silently taking away whatever the application reads through them. A rename \
            succeeds and the view follows it (its own column names stay as they were): its stored definition \
            now names the new name, so the CREATE VIEW kept in the migrations or the code no longer matches, \
            and running it again fails on the old name. MigrationLint knows the views from the history replayed \
            before the file (the migrations of its folder), a `schema:` dump, or an earlier statement of the \
            file, and names each with where it was created.
            """,
        safeAlternative: """
            Drop the views first, on purpose (DROP VIEW, readers of a view before the view), then drop the \
            table or column, then create the views again without it if they are still needed. For a rename, \
            write the view's new definition (CREATE OR REPLACE VIEW with the new name) where the code keeps it.
            """,
        badExamples: [
            RuleExample("ALTER TABLE users ↓DROP COLUMN email;",
                        after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE VIEW active_users AS SELECT id, email FROM users;"),
            RuleExample("DROP TABLE ↓orders CASCADE;",
                        after: "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);\nCREATE MATERIALIZED VIEW order_totals AS SELECT sum(o.total) AS total FROM orders o;"),
            RuleExample("ALTER TABLE users ↓RENAME COLUMN email TO email_address;",
                        after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE VIEW users_v AS SELECT * FROM users;"),
            RuleExample(#"ALTER TABLE notes ALTER COLUMN tag SET DEFAULT $$it's$$, /* the user's */ ↓DROP COLUMN body -- don't\#n, ALTER COLUMN code SET DEFAULT E'it\'s';"#,
                        after: "CREATE TABLE notes (id bigint PRIMARY KEY, body text, tag text, code text);\nCREATE VIEW note_bodies AS SELECT n.id, n.body FROM notes AS n WHERE n.body <> '';"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users DROP COLUMN note;",
                        after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, note text);\nCREATE VIEW active_users AS SELECT id, email FROM users;"),
            RuleExample("DROP VIEW active_users;\nALTER TABLE users DROP COLUMN email;",
                        after: "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE VIEW active_users AS SELECT id, email FROM users;"),
            RuleExample("ALTER TABLE users RENAME COLUMN email TO email_address;"),
            RuleExample("CREATE VIEW v AS SELECT id FROM accounts;\nCREATE OR REPLACE VIEW v AS SELECT id FROM users;\nDROP TABLE accounts;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let schema = context.state.schema
        switch context.statement {
        case .drop(let drop) where [.table, .view, .materializedView].contains(drop.kind):
            return drop.objects.compactMap { object in
                let name = context.state.resolve(object).qualified
                return dropFinding(context, readers: schema.views(reading: name).map(\.name), of: name,
                                   cascade: drop.behavior == .cascade, range: context.nameRange(object),
                                   statementRule: drop.kind == .table ? "drop-table" : "drop-view")
            }
        case .alterTable(let alter) where alter.kind == .table:
            let table = context.state.resolve(alter.relation).qualified
            return alter.actions.compactMap { action in
                guard case .dropColumn(let column, _, let behavior) = action else { return nil }
                return dropFinding(context, readers: schema.views(reading: column, of: table).map(\.name), of: "\(table).\(column)",
                                   cascade: behavior == .cascade,
                                   range: context.subcommandRange(leading: "DROP", name: column, forbidding: "CONSTRAINT"),
                                   statementRule: "drop-column")
            }
        case .rename(let rename) where [.table, .view, .materializedView, .column].contains(rename.kind):
            let relation = context.state.resolve(rename.object).qualified
            let readers: [String]
            let renamed: String
            if rename.kind == .column, let column = rename.subname {
                readers = schema.views(reading: column, of: relation).map(\.name)
                renamed = "\(relation).\(column)"
            } else {
                readers = schema.views(reading: relation).map(\.name)
                renamed = relation
            }
            guard !readers.isEmpty else { return [] }
            let range = rename.kind == .column
                ? context.subcommandRange(leading: "RENAME", name: rename.subname, forbidding: "CONSTRAINT")
                : context.nameRange(rename.object)
            let cited = readers.map { cite($0, schema) }
            return [Finding(
                message: "\(readers.count == 1 ? "view" : "views") \(cited.joined(separator: ", ")) \(readers.count == 1 ? "reads" : "read") \(renamed): renamed under \(readers.count == 1 ? "it" : "them"), and \(readers.count == 1 ? "its" : "their") CREATE VIEW no longer matches",
                range: range,
                notes: ["a view keeps its own column names; its definition now names \(rename.newName)"],
                help: "write the view's definition with the new name (CREATE OR REPLACE VIEW) where the code keeps it",
                rewrite: RewritePlan(readers.map { reader in
                    .deploy("in the code that defines \(reader) (\(origin(reader, schema))), name \(rename.newName) instead of \(renamed.split(separator: ".").last.map(String.init) ?? renamed), so that running it again gives the view PostgreSQL now has")
                }))]
        default:
            return []
        }
    }

    /// `statementRule`: the rule that reports the statement itself, silenced in the rewrite's step
    /// that runs it after the views are gone.
    func dropFinding(_ context: RuleContext, readers: [String], of dropped: String, cascade: Bool, range: Range<Int>,
                     statementRule: String) -> Finding? {
        guard !readers.isEmpty else { return nil }
        let schema = context.state.schema
        // The views to drop first: the readers, and the views that read them.
        let ordered = schema.withDependentViews(readers)
        let cited = readers.map { cite($0, schema) }.joined(separator: ", ")
        let one = readers.count == 1
        let message = cascade
            ? "CASCADE drops \(one ? "view" : "views") \(cited) too: \(one ? "it reads" : "they read") \(dropped)"
            : "\(one ? "view" : "views") \(cited) \(one ? "reads" : "read") \(dropped): the drop fails without CASCADE, and CASCADE drops \(one ? "it" : "them")"
        var notes: [String] = []
        let more = ordered.map(\.name).filter { !readers.contains($0) }
        if !more.isEmpty { notes.append("and the views that read \(one ? "it" : "them"): \(more.map { cite($0, schema) }.joined(separator: ", "))") }
        let drops = ordered.map { entry -> RewritePlan.Step in
            let view = QualifiedName(qualified: entry.name)
            let kind = entry.view.isMaterialized ? "MATERIALIZED VIEW" : "VIEW"
            return Compatibility.contractStep("DROP \(kind) IF EXISTS \(view.sql);", ruleID: "drop-view",
                                              reason: "dropped on purpose before what it reads, created again after",
                                              note: "drop \(entry.name) on purpose")
        }
        return Finding(
            message: message, range: range, notes: notes,
            help: "drop the \(one ? "view" : "views") explicitly first, and create \(one ? "it" : "them") again afterwards if still needed",
            rewrite: RewritePlan(drops + [
                Compatibility.contractStep(context.statementSQL(), ruleID: statementRule, reason: "the views that read it were dropped in the steps before",
                                           note: "the statement as written"),
                .deploy("create the views again without \(dropped), if still needed (their definitions: \(ordered.reversed().map { cite($0.name, schema) }.joined(separator: ", ")))"),
            ]))
    }

    func cite(_ view: String, _ schema: SchemaCatalog) -> String {
        "\(view) (\(origin(view, schema)))"
    }

    func origin(_ view: String, _ schema: SchemaCatalog) -> String {
        schema.cited(schema.views[view]?.origin).map { "from \($0)" } ?? "earlier in this file"
    }
}
