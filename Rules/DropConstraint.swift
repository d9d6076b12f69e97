import LockModel
import MigrationLint
import PostgresSyntax

/// ALTER TABLE ... DROP CONSTRAINT on a constraint the running release may rely on.
public struct DropConstraint: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "drop-constraint",
        category: .compatibility,
        defaultSeverity: .info,
        summary: "DROP CONSTRAINT removes a guarantee the running release may rely on; a dropped foreign key also locks the referenced table.",
        rationale: """
            Dropping a constraint is instant but takes ACCESS EXCLUSIVE on the table, and when the constraint is a \
            foreign key, ACCESS EXCLUSIVE on the referenced table too: both wait behind any long query and block \
            all traffic while they wait. Running code rarely breaks, since a dropped constraint only allows more, \
            but it can: `INSERT ... ON CONFLICT (col)` and `ON CONFLICT ON CONSTRAINT name` fail once the unique \
            constraint they name is gone, and code that catches the violation to detect duplicates stops seeing \
            it. Because it breaks running code only in those cases, it is reported as info by default. \
            Constraints added earlier in the same migration, a DROP followed by ADD of the same name in the \
            same transaction (a redefinition), a unique constraint replaced in the same ALTER by a PRIMARY KEY or \
            UNIQUE constraint on the same columns, and constraints of a table dropped later in the \
            file are not reported.
            """,
        safeAlternative: """
            Check that no running code names the constraint (ON CONFLICT) or depends on its violation; set a \
            lock_timeout, since a foreign key locks two tables; to redefine it, drop and add it in one transaction \
            (adding a foreign key or check NOT VALID, and validating it separately).
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("ALTER TABLE orders ↓DROP CONSTRAINT orders_user_id_fkey;"),
            RuleExample("ALTER TABLE app.\"Users\" ↓DROP CONSTRAINT IF EXISTS \"Users_email_key\";"),
            RuleExample("ALTER TABLE users ↓DROP CONSTRAINT users_age_check, ↓DROP CONSTRAINT users_name_check;", inTransaction: true),
            RuleExample(#"ALTER TABLE orders ↓DROP CONSTRAINT /* the user's */ orders_user_id_fkey -- don't\#n, ALTER COLUMN note SET DEFAULT E'it\'s';"#),
            RuleExample(#"ALTER TABLE orders ALTER COLUMN note SET DEFAULT $$don't$$, ↓DROP CONSTRAINT "it's" /* it's */;"#),
            RuleExample("ALTER TABLE orders ↓DROP CONSTRAINT orders_user_id_key, ADD CONSTRAINT orders_pkey PRIMARY KEY (id);"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey,\n  ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;"),
            RuleExample("BEGIN;\nALTER TABLE app.\"Users\" DROP CONSTRAINT \"Users_age_check\";\nALTER TABLE app.\"Users\" ADD CONSTRAINT \"Users_age_check\" CHECK (age >= 0) NOT VALID;\nCOMMIT;"),
            RuleExample("ALTER TABLE users ADD CONSTRAINT users_tmp_check CHECK (id > 0) NOT VALID;\nALTER TABLE users DROP CONSTRAINT users_tmp_check;"),
            RuleExample("CREATE TABLE t (id bigint PRIMARY KEY, CONSTRAINT t_id_check CHECK (id > 0));\nALTER TABLE t DROP CONSTRAINT t_id_check;"),
            RuleExample("ALTER TABLE app.\"Job\" DROP CONSTRAINT \"Job_orgId_fkey\";\nDROP TABLE app.\"Job\";"),
            RuleExample("ALTER TABLE \"SemaphoreQueueItem\" DROP CONSTRAINT \"SemaphoreQueueItem_stepRunId_key\",\n  ADD CONSTRAINT \"SemaphoreQueueItem_pkey\" PRIMARY KEY (\"stepRunId\");"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .dropConstraint(let name, _, let behavior) = action,
                  !addedEarlier(context, table: table, name: name),
                  !readdedInSameTransaction(context, alter, table: table, name: name),
                  !replacedByKeyOnItsColumns(alter, table: table, name: name),
                  !tableDroppedLater(context, table: table) else { return nil }
            var notes = context.lockNotes(on: alter.relation, concerning: .constraint(name, of: table))
            if behavior == .cascade { notes.append("CASCADE also drops the foreign keys that depend on this constraint's index") }
            let sql = "ALTER TABLE \(alter.relation.sql) DROP CONSTRAINT IF EXISTS \(quoteIdentifier(name))\(behavior == .cascade ? " CASCADE" : "");"
            let plan = RewritePlan([
                .deploy("make sure no running release names \(name) (INSERT ... ON CONFLICT on its columns or ON CONSTRAINT \(name)) or relies on its violation, and deploy that first"),
                .migration(sql: "\(SQLText.lockTimeout)\n\(sql)",
                           note: "a short lock timeout: a foreign key locks the referenced table ACCESS EXCLUSIVE too"),
            ])
            return Finding(
                message: "dropping constraint \(name) on \(table.qualified) removes a guarantee the running release may rely on",
                range: context.subcommandRange(leading: "DROP", name: name, requiring: "CONSTRAINT"),
                notes: notes,
                help: "check that no running code names the constraint; set lock_timeout first, as a foreign key also locks the table it references",
                rewrite: plan)
        }
    }

    /// The same ALTER adds a PRIMARY KEY or UNIQUE constraint on exactly the columns that the
    /// dropped constraint's name says it covers (PostgreSQL names a unique constraint
    /// `table_col1_col2_key`): a unique constraint becomes the primary key, which keeps every
    /// guarantee the running release had. The statement commits as one, so no session sees the
    /// table without either.
    func replacedByKeyOnItsColumns(_ alter: AlterTable, table: QualifiedName, name: String) -> Bool {
        alter.actions.contains { action in
            guard case .addConstraint(let added) = action, added.kind == .primaryKey || added.kind == .unique,
                  !added.columns.isEmpty, added.name != name else { return false }
            return name == Locking.defaultConstraintName(table: table.name, columns: added.columns, suffix: "key")
        }
    }

    /// The table itself is dropped later in the file (reported by drop-table): its constraints do not matter.
    func tableDroppedLater(_ context: RuleContext, table: QualifiedName) -> Bool {
        context.laterStatements(naming: table).contains { analysis in
            guard case .drop(let drop)? = analysis.statement, drop.kind == .table else { return false }
            return drop.objects.contains { analysis.state.resolve($0) == table }
        }
    }

    /// The constraint was added earlier in this file: no running release knows it.
    func addedEarlier(_ context: RuleContext, table: QualifiedName, name: String) -> Bool {
        context.earlierStatements(naming: table).contains { analysis in
            guard case .alterTable(let alter)? = analysis.statement, analysis.state.resolve(alter.relation) == table else { return false }
            return alter.actions.contains { if case .addConstraint(let c) = $0 { return c.name == name } else { return false } }
        }
    }

    /// The same statement, or a later one in the same transaction, adds a constraint of the same
    /// name: a redefinition that no other session sees half-done.
    func readdedInSameTransaction(_ context: RuleContext, _ alter: AlterTable, table: QualifiedName, name: String) -> Bool {
        func adds(_ actions: [AlterTableAction]) -> Bool {
            actions.contains { if case .addConstraint(let c) = $0 { return c.name == name } else { return false } }
        }
        if adds(alter.actions) { return true }
        guard context.state.inTransactionBlock else { return false }
        return context.laterStatements(naming: table).contains { analysis in
            guard analysis.transactionNumber == context.analysis.transactionNumber,
                  case .alterTable(let later)? = analysis.statement, analysis.state.resolve(later.relation) == table else { return false }
            return adds(later.actions)
        }
    }
}
