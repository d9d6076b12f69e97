import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER COLUMN ... TYPE that makes PostgreSQL rewrite the table.
public struct AlterColumnType: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "alter-column-type",
        category: .rewrite,
        defaultSeverity: .warning,
        summary: "ALTER COLUMN ... TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE unless the change is binary-coercible.",
        rationale: """
            Changing a column's type takes ACCESS EXCLUSIVE and, unless the old values are already valid values \
            of the new type, copies every row and rebuilds every index: no reads and no writes until it is done. \
            Binary-coercible changes are instant: varchar(n) grown or made unbounded, varchar to text, text to \
            unbounded varchar, numeric precision grown at the same scale or made unconstrained, cidr to inet, and \
            timestamp to timestamptz when the session time zone is UTC (PostgreSQL 12+). A USING clause always \
            rewrites. When the old type is not in the migration file, MigrationLint cannot tell a grown varchar \
            from a shrunk one and says the change may rewrite.
            """,
        safeAlternative: """
            For a length limit, keep the type (or change to text, which is free) and enforce the limit with a \
            CHECK constraint added NOT VALID and validated separately. For other changes (int to bigint): add a \
            new column of the new type, keep it in sync for new writes, backfill it in batches, switch the \
            application to it, and drop the old column in a later release.
            """,
        versionNotes: "timestamp to timestamptz is free only on PostgreSQL 12+ with the session time zone UTC.",
        badExamples: [
            RuleExample("ALTER TABLE users ALTER COLUMN id TYPE ↓bigint;"),
            RuleExample("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE ↓varchar(10) USING code::varchar(10);"),
            RuleExample("ALTER TABLE app.accounts ALTER COLUMN balance TYPE ↓numeric(12, 4) USING balance::numeric(12, 4);"),
            RuleExample("ALTER TABLE \"Users\" ALTER COLUMN email SET DATA TYPE ↓varchar(100);"),
            RuleExample("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE ↓varchar(10);"),
            RuleExample("ALTER TABLE events ALTER COLUMN created_at TYPE ↓timestamptz;", postgresVersion: 11),
            RuleExample(#"ALTER TABLE orders ALTER COLUMN note TYPE ↓varchar(10) /* it's */ USING left(note, 10) -- don't\#n;"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN code TYPE ↓bigint /* the user's */ USING length(code || E'it\'s');"#),
            RuleExample(#"ALTER TABLE users ALTER COLUMN code TYPE ↓varchar(10) USING left(code, 10) || $$don't$$ -- don't\#n;"#),
        ],
        goodExamples: [
            // USING the column itself (or cast to the new type) is what PostgreSQL does without USING.
            RuleExample("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE varchar(50) USING code;"),
            RuleExample("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE text USING code::text;"),
            RuleExample("ALTER TABLE users ALTER COLUMN email TYPE text;"),
            RuleExample("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE varchar(50);"),
            RuleExample("ALTER TABLE app.accounts ADD COLUMN balance numeric(10, 2);\nALTER TABLE app.accounts ALTER COLUMN balance TYPE numeric(14, 2);"),
            RuleExample("CREATE TABLE users (id integer PRIMARY KEY);\nALTER TABLE users ALTER COLUMN id TYPE bigint;"),
            RuleExample("ALTER TABLE \"Users\" ALTER COLUMN email TYPE varchar;"),
            RuleExample("SET TIME ZONE 'UTC';\nALTER TABLE events ALTER COLUMN created_at TYPE timestamptz;"),
            RuleExample("ALTER TABLE hosts ADD COLUMN address cidr;\nALTER TABLE hosts ALTER COLUMN address TYPE inet;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .alterColumnType(let column, let type, let written) = action else { return nil }
            // `USING col` (or `col::newtype`) is what PostgreSQL does without USING: judged as absent.
            let using = written.flatMap { LockModel.isColumnItself($0, column: column, type: type) ? nil : $0 }
            // Whether the change rewrites is the lock model's answer (it reads the old type from
            // the file too); the file's own spelling of the old type only words the reason.
            let change = LockModel.typeChangeEffect(table: table, column: column, to: type, using: using, context.state)
            guard change.rewrites else { return nil }
            let known = Locking.knownColumnType(table: table, column: column, context)
            var reason = change.reason
            if let old = known, using == nil, change.assumptions.isEmpty {
                reason = "\(old.sql) to \(type.sql) is not binary-coercible"
            } else if known == nil, using == nil, Self.isUsuallyFree(type, context.state) {
                // The file does not show the old type. A change to text, unbounded varchar,
                // unconstrained numeric, or timestamptz under UTC comes almost always from the
                // compatible type, which does not rewrite: stay quiet rather than cry wolf.
                // `migration-lint explain` still shows the model's cautious "may rewrite".
                return nil
            }
            // The model's answer that the change rewrites rests on what it could not know.
            let uncertain = change.assumptions.contains { $0.stake == .rewrite }
            let verb = uncertain ? "may rewrite" : "rewrites"
            var message = "changing \(quoteIdentifier(column)) to \(type.sql) \(verb) \(table.qualified)"
            if let reason { message += ": \(reason)" }
            var notes: [String] = []
            if let lock = context.lockSentence(on: alter.relation, while: "every row is copied and every index rebuilt") { notes.append(lock) }
            notes.append(contentsOf: change.assumptions.texts)
            let indexes = Self.indexesShown(on: column, of: table, context)
            if !indexes.isEmpty {
                notes.append("\(indexes.count == 1 ? "index" : "indexes") \(indexes.joined(separator: ", ")) on \(quoteIdentifier(column)) \(indexes.count == 1 ? "is" : "are") rebuilt from scratch under the same lock")
            }
            let range = context.expressionRange(at: type.location)
            return Finding(message: message, range: range, notes: notes,
                           help: type.baseName == "varchar" && !type.modifiers.isEmpty
                               ? "enforce the length with a CHECK constraint added NOT VALID and validated separately"
                               : "add a new column of the new type, backfill it in batches, and switch to it",
                           rewrite: plan(table: table, written: alter.relation, column: column, type: type, using: using, context))
        }
    }

    /// The named indexes an earlier statement of the file built on the column (by name, not in an
    /// expression); a type change that rewrites rebuilds each of them.
    static func indexesShown(on column: String, of table: QualifiedName, _ context: RuleContext) -> [String] {
        let target = context.state.resolve(table)
        var names: [String] = []
        for item in context.earlierStatements(naming: table) {
            guard case .createIndex(let index)? = item.statement, let name = index.name,
                  item.state.resolve(index.relation) == target, index.columns.contains(where: { $0.name == column }),
                  !names.contains(quoteIdentifier(name)) else { continue }
            names.append(quoteIdentifier(name))
        }
        return names
    }

    static func isUsuallyFree(_ type: TypeName, _ state: AnalysisState) -> Bool {
        guard !type.isArray else { return false }
        switch type.baseName {
        case "text": return true
        case "varchar", "numeric": return type.modifiers.isEmpty
        case "timestamptz":
            guard state.postgresVersion >= 12, let zone = state.timeZone else { return false }
            return LockModel.isUTC(zone)
        default: return false
        }
    }

    func plan(table: QualifiedName, written: QualifiedName, column: String, type: TypeName, using: Expression?,
              _ context: RuleContext) -> RewritePlan {
        let tableSQL = written.sql
        let name = quoteIdentifier(column)
        if type.baseName == "varchar", let limit = type.modifiers.first.flatMap({ $0 }), using == nil {
            let check = quoteIdentifier(SQLText.constraintName(table.name, column, "max_length"))
            return RewritePlan([
                .migration(sql: "\(SQLText.lockTimeout)\nALTER TABLE \(tableSQL) ADD CONSTRAINT \(check) CHECK (char_length(\(name)) <= \(limit)) NOT VALID;",
                           note: "enforce the limit for new writes without a scan; the column keeps its type"),
                .migration(sql: "\(SQLText.statementTimeout)\nALTER TABLE \(tableSQL) VALIDATE CONSTRAINT \(check);",
                           note: "scan under SHARE UPDATE EXCLUSIVE: reads and writes continue"),
            ])
        }
        let newColumn = quoteIdentifier(SQLText.constraintName(column, "new"))
        let conversion = using.map { context.source.text(context.clauseRange(at: $0.location)) } ?? "\(name)::\(type.sql)"
        return RewritePlan([
            .migration(sql: "\(SQLText.lockTimeout)\n-- nullable: backfilled in step 3\nALTER TABLE \(tableSQL) ADD COLUMN IF NOT EXISTS \(newColumn) \(type.sql);",
                       note: "the new column (instant)"),
            .deploy("write both \(name) and \(newColumn) on every insert and update (application code or a trigger)"),
            .backfill(sql: "UPDATE \(tableSQL) SET \(newColumn) = \(conversion)\n  WHERE ctid IN (SELECT ctid FROM \(tableSQL) WHERE \(newColumn) IS NULL AND \(name) IS NOT NULL LIMIT 10000);\n-- repeat until no row is updated",
                      note: "copy existing rows in batches, each in its own transaction"),
            .deploy("read \(newColumn) instead of \(name); once no running code uses \(name), drop it and rename \(newColumn) in a later release"),
        ])
    }
}
