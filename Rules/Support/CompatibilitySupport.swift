import LockModel
import MigrationLint
import PostgresSyntax

/// Shared helpers of the nullable-column and backward-compatibility rules: what this file
/// created earlier, and the expand/contract plans.
enum Compatibility {
    /// The user's DROP statement with `IF EXISTS` after the object kind, so that running the
    /// contract step twice does no harm.
    static func dropWithIfExists(_ context: RuleContext, _ drop: Drop, kindKeywords: [String]) -> String {
        guard !drop.ifExists, let kind = context.tokens.dropFirst().first(where: { kindKeywords.contains($0.keyword ?? "") }) else {
            return context.statementSQL()
        }
        return context.statementSQL(inserting: " IF EXISTS", at: kind.range.upperBound)
    }

    /// The column was added earlier in this file (or its table created here): no release that
    /// is running knows it.
    static func columnIsNew(_ context: RuleContext, table: QualifiedName, column: String) -> Bool {
        if context.isCreatedInFile(table) { return true }
        let target = context.state.resolve(table)
        return context.earlierStatements(naming: table).contains { analysis in
            guard case .alterTable(let alter)? = analysis.statement, analysis.state.resolve(alter.relation) == target else { return false }
            return alter.actions.contains { if case .addColumn(let added, _) = $0 { return added.name == column } else { return false } }
        }
    }

    /// An object of one of `kinds` was created earlier in this file under `name`.
    static func createdEarlier(_ context: RuleContext, _ name: QualifiedName, kinds: Set<ObjectKind>) -> Bool {
        let target = context.state.resolve(name)
        if [.table, .view, .materializedView, .sequence, .index].contains(where: kinds.contains),
           context.isCreatedInFile(name) { return true }
        if kinds.contains(.type) || kinds.contains(.domain), context.state.createdEnums.contains(target.qualified) { return true }
        return context.earlierStatements(naming: name).contains {
            created(by: $0, kinds: kinds, matching: target) || renamed(by: $0, kinds: kinds, to: target)
        }
    }

    /// An earlier `ALTER ... RENAME TO name` gave the object this name in this file (PostgreSQL's
    /// and Prisma's way to replace an enum: rename the old one to `x_old`, create `x`, drop
    /// `x_old`): no running release knows it under this name.
    static func renamed(by analysis: StatementAnalysis, kinds: Set<ObjectKind>, to target: QualifiedName) -> Bool {
        guard case .rename(let rename)? = analysis.statement, kinds.contains(rename.kind) else { return false }
        var renamed = analysis.state.resolve(rename.object)
        renamed.name = rename.newName
        return renamed == target
    }

    /// A statement after this one, in the same transaction, creates `name` again (or renames
    /// another object to it): the DROP or rename is half of a replacement that running code never
    /// sees half-done.
    /// Outside a transaction, a CREATE in the very next statement leaves a gap of one statement
    /// boundary, which is as short as a replacement gets.
    static func recreatedInSameTransaction(_ context: RuleContext, _ name: QualifiedName, kinds: Set<ObjectKind>) -> Bool {
        let target = context.state.resolve(name)
        if let next = context.laterStatements.first(where: { $0.statement != nil }),
           created(by: next, kinds: kinds, matching: target) || renamed(by: next, kinds: kinds, to: target) {
            return true
        }
        guard context.state.inTransactionBlock else { return false }
        return context.laterStatements(naming: name).contains {
            $0.transactionNumber == context.analysis.transactionNumber
                && (created(by: $0, kinds: kinds, matching: target) || renamed(by: $0, kinds: kinds, to: target))
        }
    }

    static func recreatedLater(_ context: RuleContext, _ name: QualifiedName, kinds: Set<ObjectKind>) -> Bool {
        let target = context.state.resolve(name)
        return context.laterStatements(naming: name).contains { created(by: $0, kinds: kinds, matching: target) }
    }

    static func created(by analysis: StatementAnalysis, kinds: Set<ObjectKind>, matching target: QualifiedName) -> Bool {
        let state = analysis.state
        switch analysis.statement {
        case .createTable(let create)?:
            return kinds.contains(.table) && state.resolve(create.relation) == target
        case .createView(let view)?:
            return kinds.contains(view.isMaterialized ? .materializedView : .view) && state.resolve(view.relation) == target
        case .createSequence(let name)?:
            return kinds.contains(.sequence) && state.resolve(name) == target
        case .createFunction(let name, _)?:
            return !kinds.isDisjoint(with: [.function, .procedure, .routine]) && state.resolve(name) == target
        case .createEnum(let name)?:
            return kinds.contains(.type) && state.resolve(name) == target
        case .createDomain(let name, _, _)?:
            return !kinds.isDisjoint(with: [.type, .domain]) && state.resolve(name) == target
        case .createSchema(let schema)?:
            // A schema name has no schema of its own: search_path does not apply.
            return kinds.contains(.schema) && schema == target.name
        default:
            return false
        }
    }

    /// `'<text>'` as a SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The contract step: the user's statement, after the deploy steps, with a lock timeout and
    /// an ignore comment that records why it is safe now.
    static func contractStep(_ sql: String, ruleID: String, reason: String, lockTimeout: Bool = true, note: String) -> RewritePlan.Step {
        let step = "-- migration-lint-ignore: \(ruleID) \(reason)\n\(sql)"
        return .migration(sql: lockTimeout ? SQLText.withLockTimeout(step) : step, note: note)
    }

    /// Rename `old` to `new` and leave a view under the old name in the same transaction, so
    /// that running code keeps reading and writing through it (a simple view is updatable). The
    /// rename rules recognise this pattern and stay silent on it.
    static func renameBehindView(rename: String, oldName: QualifiedName, newName: QualifiedName) -> RewritePlan.Step {
        .migration(sql: """
            BEGIN;
            SET LOCAL lock_timeout = '2s';
            \(rename)
            CREATE OR REPLACE VIEW \(oldName.sql) AS SELECT * FROM \(newName.sql);
            COMMIT;
            """, note: "rename, and keep the old name as an updatable view for the release still running")
    }
}

extension ColumnDefinition {
    /// One shared default for every existing row would break a constraint of the column: a
    /// unique key gets duplicates, a foreign key points nowhere, a check may reject it.
    var constraintsRejectSharedDefault: Bool {
        constraints.contains { constraint in
            switch constraint.kind {
            case .primaryKey, .unique, .exclusion, .foreignKey, .check: return true
            default: return false
            }
        }
    }

    /// The same, counting the table constraints of the statement that name the column
    /// (`CREATE TABLE ... UNIQUE (col)`, `ALTER TABLE ... ADD COLUMN col ..., ADD FOREIGN KEY (col)`),
    /// and the later statements of the file that make it a key or a reference (Prisma adds the
    /// column first and its foreign keys and unique indexes at the end of the file).
    func rejectsSharedDefault(_ context: RuleContext, table: QualifiedName) -> Bool {
        if rejectsSharedDefault(in: context.statement) { return true }
        let later = context.laterChanges(of: table)
        let constrained = later.alters.contains { alter in
            alter.actions.contains { action in
                guard case .addConstraint(let constraint) = action else { return false }
                switch constraint.kind {
                case .primaryKey, .unique, .exclusion, .foreignKey: return constraint.columns.contains(name)
                default: return false
                }
            }
        }
        return constrained || later.indexes.contains { index in index.isUnique && index.columns.contains { $0.name == name } }
    }

    func rejectsSharedDefault(in statement: Statement) -> Bool {
        if constraintsRejectSharedDefault { return true }
        let tableConstraints: [Constraint]
        switch statement {
        case .createTable(let create): tableConstraints = create.constraints
        case .alterTable(let alter):
            tableConstraints = alter.actions.compactMap { if case .addConstraint(let c) = $0 { return c } else { return nil } }
        default: tableConstraints = []
        }
        return tableConstraints.contains { constraint in
            switch constraint.kind {
            case .primaryKey, .unique, .exclusion, .foreignKey: return constraint.columns.contains(name)
            default: return false
            }
        }
    }
}

/// A default that says "no value" for common types without being NULL, and that PostgreSQL
/// stores once in the catalog (non-volatile, so ADD COLUMN does not rewrite the table).
enum EmptyValue {
    static func sql(for type: TypeName?, column: String) -> String? {
        guard let type else { return nil }
        if type.isArray { return "'{}'" }
        switch type.baseName {
        case "text", "varchar", "bpchar", "citext", "name": return "''"
        case "int2", "int4", "int8", "numeric", "float4", "float8", "smallint", "integer", "bigint", "int", "decimal", "real":
            return "0"
        case "bool", "boolean": return "false"
        case "jsonb", "json": return "'{}'"
        // A time shared by every existing row is true only of when the row was written (and even
        // then only roughly); for any other time (an event, a deadline) NULL means "not yet",
        // and a fabricated time would be wrong.
        case "timestamptz", "timestamp": return recordsWriteTime(column) ? "now()" : nil
        case "date": return recordsWriteTime(column) ? "CURRENT_DATE" : nil
        case "interval": return "'0'"
        default: return nil
        }
    }

    /// `created_at`, `updatedOn`, `inserted`: when the row was written.
    static func recordsWriteTime(_ column: String) -> Bool {
        let lowered = column.lowercased()
        return ["created", "updated", "inserted", "modified"].contains { lowered.hasPrefix($0) }
    }
}

extension Compatibility {
    /// The shared check of the DROP rules for views, functions, types, sequences and schemas:
    /// one finding per statement, listing the dropped objects that running code may still use
    /// (a `DROP VIEW a, b, c` is one change, reviewed once). `unusedSinceEarlier` says that an
    /// earlier statement of the file removed the object's last use (the default that called a
    /// sequence, the column of a type), so nothing can still use it; `cascadeNote` says what
    /// CASCADE removes besides it.
    static func dropFindings(_ context: RuleContext, kinds: Set<ObjectKind>, kindKeywords: [String], ruleID: String,
                             silentWhenRecreated: Bool,
                             unusedSinceEarlier: (RuleContext, QualifiedName) -> Bool = { _, _ in false },
                             cascadeNote: (String) -> String = { "CASCADE also drops every object that depends on \($0), without listing them" },
                             deploy: (String) -> String) -> [Finding] {
        guard case .drop(let drop) = context.statement, kinds.contains(drop.kind) else { return [] }
        let reported = drop.objects.filter { object in
            !createdEarlier(context, object, kinds: kinds)
                && !(silentWhenRecreated && recreatedInSameTransaction(context, object, kinds: kinds))
                && !unusedSinceEarlier(context, object)
        }
        guard let first = reported.first else { return [] }
        let names = reported.map { drop.kind == .schema ? $0.name : context.state.resolve($0).qualified }
        let listed = names.joined(separator: ", ")
        var notes: [String] = []
        for object in reported {
            for note in context.lockNotes(on: object) where !notes.contains(note) { notes.append(note) }
        }
        if drop.behavior == .cascade { notes.append(cascadeNote(listed)) }
        if silentWhenRecreated {
            let recreated = zip(reported, names).filter { recreatedLater(context, $0.0, kinds: kinds) }.map(\.1)
            if !recreated.isEmpty {
                notes.append("\(recreated.joined(separator: ", ")) \(recreated.count == 1 ? "is" : "are") created again later in this file, but not in the same transaction: until then \(recreated.count == 1 ? "it is" : "they are") missing; DROP and CREATE in one transaction, or in consecutive statements, are not reported")
            }
        }
        let plan = RewritePlan([
            .deploy(deploy(listed)),
            contractStep(dropWithIfExists(context, drop, kindKeywords: kindKeywords), ruleID: ruleID,
                         reason: "no running release uses \(names.count == 1 ? "it" : "them") since step 1",
                         lockTimeout: !context.effects.locks.isEmpty,
                         note: "drop \(names.count == 1 ? "it" : "them") once no running release uses \(names.count == 1 ? "it" : "them")"),
        ])
        let what = drop.kind.rawValue
        let message = names.count == 1
            ? "dropping \(what) \(listed) breaks the release still running if it uses it"
            : "dropping \(names.count) \(what == "materialized view" ? "materialized views" : what + "s") (\(listed)) breaks the release still running if it uses them"
        return [Finding(
            message: message,
            range: context.nameRange(first), notes: notes,
            help: "remove every use of \(listed) from the application and deploy that first; drop \(names.count == 1 ? "it" : "them") in a later migration",
            rewrite: plan)]
    }
}
