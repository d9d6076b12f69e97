import PostgresSyntax

/// The one place that knows what a statement locks, rewrites and scans, per target version.
///
/// Sources: PostgreSQL 15 documentation `ref/alter_table.sgml`, `mvcc.sgml` "Table-Level Locks",
/// `ref/create_index.sgml` "Building Indexes Concurrently", the release notes of 11, 12 and 14,
/// and observation on a real server: `Tests/LockModelTests/ServerAgreementTests.swift` runs every
/// case of `Fixtures/lock-cases/cases.tsv` on PostgreSQL 15 and compares.
///
/// A statement on a partitioned table locks, rewrites and scans each partition as it does the
/// table (PostgreSQL recurses); the model names the table the statement names.
///
/// PostgreSQL 16 to 19 change no answer for a statement the bundled 15.1 grammar reads. What they
/// change arrives in newer syntax, which reaches the model as nothing (a syntax-error warning
/// says so): 17's ALTER COLUMN ... SET EXPRESSION AS (rewrites), 18's NOT NULL ... NOT VALID and
/// virtual generated columns (no rewrite), 19's REPACK (CONCURRENTLY). The rules' advice uses
/// them from those versions on (`RewritePlan.Step.migrationNeeding`);
/// `Tests/LockModelTests/VersionBranchTests.swift` pins the boundary.
public enum LockModel {
    public static func effects(of statement: Statement, in state: AnalysisState) -> StatementEffects {
        var effects = StatementEffects()
        switch statement {
        case .alterTable(let alter):
            // ALTER TABLE IF EXISTS of a table the history shows is absent: a notice, no lock.
            if !state.passesOver(statement) { alterTable(alter, state, &effects) }
        case .createTable(let create):
            createTable(create, state, &effects)
        case .createIndex(let index):
            createIndex(index, state, &effects)
        case .drop(let drop):
            dropEffects(drop, state, &effects)
        case .rename(let rename):
            switch rename.kind {
            case .index:
                // PostgreSQL 12 lowered RENAME of an index to SHARE UPDATE EXCLUSIVE (release notes 12, E.x "ALTER INDEX ... RENAME").
                effects.lock(rename.object, state.postgresVersion >= 12 ? .shareUpdateExclusive : .accessExclusive, state: state)
            case .table, .column, .constraint, .view, .materializedView, .sequence, .foreignTable, .trigger, .rule, .policy:
                effects.lock(rename.object, .accessExclusive, state: state)
            default:
                break
            }
        case .setSchema(let kind, let object, _):
            if [.table, .view, .materializedView, .sequence, .foreignTable].contains(kind) {
                effects.lock(object, .accessExclusive, state: state)
            }
        case .truncate(let relations):
            for relation in relations {
                effects.lock(relation, .accessExclusive, state: state)
                // TRUNCATE swaps in a new, empty file: nothing is read.
                effects.rewrite(relation, state: state, reads: false)
                // A table referenced by foreign keys can only be truncated with the tables
                // referencing it (listed, or by CASCADE); otherwise the statement fails.
                let referencing = state.schema.tablesReferencing(state.resolve(relation).qualified)
                if !referencing.isEmpty {
                    for table in referencing {
                        effects.lock(name(table), .accessExclusive, state: state)
                        effects.rewrite(name(table), state: state, reads: false)
                    }
                } else if !state.isCreatedInFile(relation) {
                    effects.indirectLocks.append(IndirectLock(.tablesReferencing(state.resolve(relation)), .accessExclusive, rewritten: true))
                }
            }
        case .vacuum(let full, let analyzeOnly, let relations):
            vacuum(full: full, analyzeOnly: analyzeOnly, relations: relations, state, &effects)
        case .cluster(let relation):
            // Still a full copy under ACCESS EXCLUSIVE on 19, where REPACK replaces CLUSTER and
            // VACUUM FULL in the documentation and both remain (release notes 19).
            if let relation {
                effects.lock(relation, .accessExclusive, state: state)
                effects.rewrite(relation, state: state)
            } else {
                effects.assume(.everyClusteredTable)
            }
        case .reindex(let kind, let name, let concurrently):
            reindex(kind: kind, name: name, concurrently: concurrently, state, &effects)
        case .refreshMaterializedView(let view, let concurrently):
            // CONCURRENTLY computes the new contents aside and merges them: reads continue.
            effects.lock(view, concurrently ? .exclusive : .accessExclusive, state: state)
            if concurrently {
                effects.scan(view, state: state)
            } else {
                effects.rewrite(view, state: state)
            }
            effects.indirectLocks.append(IndirectLock(.tablesReadBy(state.resolve(view)), .accessShare, scanned: true))
        case .lockTable(let relations, let mode):
            for relation in relations { effects.lock(relation, mode, state: state) }
            if !state.inTransactionBlock { effects.error = "LOCK TABLE can only be used in transaction blocks" }
        case .update(let relation, let hasWhere), .delete(let relation, let hasWhere):
            effects.lock(relation, .rowExclusive, state: state)
            if !hasWhere {
                effects.scan(relation, state: state)
            } else {
                effects.assume(.whereClauseUsesIndex(table: state.resolve(relation)))
            }
        case .insert(let relation):
            effects.lock(relation, .rowExclusive, state: state)
        case .alterEnumAddValue(let type, _):
            // Release notes 12: ALTER TYPE ... ADD VALUE may run in a transaction block (the new
            // value cannot be used before commit).
            if state.postgresVersion < 12 && state.inTransactionBlock && !state.createdEnums.contains(state.resolve(type).qualified) {
                effects.error = "ALTER TYPE ... ADD cannot run inside a transaction block"
            }
        case .createTrigger(let table, _):
            effects.lock(table, .shareRowExclusive, state: state)
        case .comment(let kind, let object):
            if let object, [.table, .view, .materializedView, .column, .index, .sequence].contains(kind) {
                // COMMENT ON COLUMN names table.column: the parser's schema part is the table.
                let relation = kind == .column ? QualifiedName(schema: nil, name: object.schema ?? object.name) : object
                effects.lock(relation, .shareUpdateExclusive, state: state)
            } else if let object, kind == .constraint, let table = object.schema {
                // COMMENT ON CONSTRAINT name ON table only opens the table to find the constraint.
                effects.lock(QualifiedName(name: table), .accessShare, state: state)
            }
        case .createStatistics(let relations):
            for relation in relations { effects.lock(relation, .shareUpdateExclusive, state: state) }
        case .createPolicy(let table, _), .alterPolicy(let table, _):
            effects.lock(table, .accessExclusive, state: state)
        case .createDomain, .createEnum, .createView, .createSequence, .createFunction, .createSchema,
             .createExtension, .transaction, .variableSet, .other:
            break
        case .createTableAs(let create):
            // The query takes ACCESS SHARE on what it reads and, unless WITH NO DATA, reads it; the
            // new table is nobody else's yet. Tables read by a view the query names are not listed.
            for relation in create.reads {
                effects.lock(relation, .accessShare, state: state)
                if create.withData { effects.scan(relation, state: state) }
            }
            effects.recursesToPartitions = false
        case .select:
            // A query takes ACCESS SHARE on what it reads (ROW SHARE with FOR UPDATE); the tree does
            // not name those tables, and ACCESS SHARE blocks only ACCESS EXCLUSIVE.
            break
        }
        return effects
    }

    static func concurrently(_ what: String, _ state: AnalysisState, _ effects: inout StatementEffects) {
        effects.cannotRunInTransactionBlock = true
        if let refusal = state.refusal(of: what) { effects.error = refusal }
    }

    // MARK: CREATE

    static func createTable(_ create: CreateTable, _ state: AnalysisState, _ effects: inout StatementEffects) {
        // IF NOT EXISTS of a relation the schema shows: PostgreSQL returns before it reads the
        // definition (transformCreateStmt), so it locks neither the referenced tables nor a parent.
        // Knowing only the file, the model cannot tell and names those locks.
        if state.skips(create) { return }
        // A foreign key locks the referenced table SHARE ROW EXCLUSIVE to add its triggers; the new
        // table is empty, so nothing is checked.
        let created = state.resolve(create.relation)
        for constraint in create.constraints + create.columns.flatMap(\.constraints) {
            if case .foreignKey(let referenced, _) = constraint.kind, state.resolve(referenced) != created {
                effects.lock(referenced, .shareRowExclusive, state: state)
            }
        }
        effects.recursesToPartitions = false
        if let parent = create.partitionOf {
            effects.lock(parent, .accessExclusive, state: state)
            defaultPartition(of: parent, scanned: true, state, &effects)
        }
    }

    static func createIndex(_ index: CreateIndex, _ state: AnalysisState, _ effects: inout StatementEffects) {
        effects.lock(index.relation, index.isConcurrent ? .shareUpdateExclusive : .share, state: state)
        if state.skips(index) { return }
        effects.scan(index.relation, state: state)
        guard index.isConcurrent else { return }
        concurrently("CREATE INDEX CONCURRENTLY", state, &effects)
        let table = state.resolve(index.relation)
        // Checked after the transaction block, as PostgreSQL does.
        if state.schema.tables[table.qualified]?.isPartitioned == true, state.refusal(of: "") == nil {
            effects.error = "cannot create index on partitioned table \"\(table.name)\" concurrently"
        }
        if state.postgresVersion == 14 {
            // Release notes 14.4: builds with CONCURRENTLY in 14.0 to 14.3 could miss rows.
            effects.assume(.concurrentBuildBugBefore14_4(table: table))
        }
    }

    // MARK: ALTER TABLE

    /// What one subcommand of an ALTER TABLE (or ALTER INDEX ...) does on its own: the effects of
    /// the statement with that subcommand alone. Rules ask it which subcommand rewrites or scans,
    /// rather than keeping their own list, and only about the subcommands they report.
    public static func effects(ofSubcommand action: AlterTableAction, of alter: AlterTable, in state: AnalysisState) -> StatementEffects {
        var single = alter
        single.actions = [action]
        return effects(of: .alterTable(single), in: state)
    }

    static func alterTable(_ alter: AlterTable, _ state: AnalysisState, _ effects: inout StatementEffects) {
        let table = alter.relation
        let qualified = state.resolve(table)
        let isNew = state.isCreatedInFile(table)
        var strongest: LockMode = .accessShare
        func take(_ mode: LockMode) { strongest = max(strongest, mode) }

        if alter.kind == .index {
            // ALTER INDEX locks the index only: SET (...) and SET STATISTICS SHARE UPDATE
            // EXCLUSIVE, SET TABLESPACE ACCESS EXCLUSIVE while it copies the index's files.
            var mode: LockMode = alter.actions.isEmpty ? .accessExclusive : .accessShare
            for action in alter.actions {
                switch action {
                case .setTablespace:
                    mode = max(mode, .accessExclusive)
                    effects.rewrite(table, state: state, reads: false)
                case .other(let name, _):
                    mode = max(mode, otherSubcommandLock(name))
                default:
                    mode = .accessExclusive
                }
            }
            effects.lock(table, mode, state: state)
            return
        }

        for action in alter.actions {
            switch action {
            case .addColumn(let column, _):
                take(.accessExclusive)
                if state.skips(action, on: table) { continue }
                let change = addColumnEffect(column, on: qualified, state)
                if change.rewrites { effects.rewrite(table, state: state) }
                change.assumptions.forEach { effects.assume($0) }
                for constraint in column.constraints {
                    switch constraint.kind {
                    case .check, .unique, .primaryKey, .exclusion: effects.scan(table, state: state)
                    case .foreignKey(let referenced, _): effects.lock(referenced, .shareRowExclusive, state: state)
                    default: break
                    }
                }
                if column.hasNotNull, column.defaultValue == nil, !column.isSerial, !column.isIdentity,
                   column.generatedExpression == nil, !isNew {
                    // The new column is NULL in every row: PostgreSQL scans to prove there is none.
                    effects.scan(table, state: state)
                    effects.assume(.notNullColumnNeedsEmptyTable(table: qualified, column: column.name))
                }
            case .dropColumn(let column, _, let behavior):
                take(.accessExclusive)
                // DROP COLUMN IF EXISTS of a column the history shows the table never had.
                if state.skips(action, on: table) { continue }
                if behavior == .cascade {
                    // CASCADE drops the foreign keys that reference the column, from their tables.
                    if let referencing = state.schema.tablesReferencing(qualified.qualified, column: column) {
                        for other in referencing where other != qualified.qualified { effects.lock(name(other), .accessExclusive, state: state) }
                    } else {
                        effects.indirectLocks.append(IndirectLock(.tablesReferencingColumn(table: qualified, column: column), .accessExclusive))
                    }
                    effects.assume(.cascadeDropsColumnDependents(table: qualified, column: column))
                }
            case .alterColumnType(let column, let type, let using):
                take(.accessExclusive)
                let change = typeChangeEffect(table: qualified, column: column, to: type, using: using, state)
                if change.rewrites { effects.rewrite(table, state: state) }
                change.assumptions.forEach { effects.assume($0) }
                if let known = state.schema.column(table: qualified.qualified, column: column), let origin = state.schema.cited(known.origin) {
                    effects.cite(SchemaFact(.columnType(table: qualified, column: column, type: known.type.sql), origin: origin))
                }
            case .setDefault, .dropDefault, .dropNotNull:
                take(.accessExclusive)
            case .setNotNull(let column):
                take(.accessExclusive)
                // A column NOT NULL already is left as it is, unread (ATExecSetNotNull queues the
                // scan only when it sets the flag). Release notes 12: SET NOT NULL skips the scan
                // when a valid CHECK constraint proves it.
                let isNotNull = state.schema.column(table: qualified.qualified, column: column)?.isNotNull == true
                let hasCheck = state.postgresVersion >= 12 && state.notNullChecks[qualified.qualified]?.contains(column) == true
                if !isNotNull && !hasCheck { effects.scan(table, state: state) }
            case .addConstraint(let constraint):
                addConstraint(constraint, table: table, state, &effects, take: take)
            case .validateConstraint(let name):
                take(.shareUpdateExclusive)
                effects.scan(table, state: state)
                let known = state.schema.constraints[qualified.qualified]?[name]
                effects.cite(known.flatMap { constraintFact($0, table: qualified, name: name, state) })
                switch known {
                case let info? where info.kind == .foreignKey:
                    if let referenced = info.references {
                        effects.lock(Self.name(referenced), .rowShare, state: state)
                        effects.scan(Self.name(referenced), state: state)
                    }
                case .some:
                    break
                case nil:
                    effects.indirectLocks.append(IndirectLock(.tableReferencedByConstraint(table: qualified, constraint: name), .rowShare, scanned: true))
                }
            case .dropConstraint(let name, _, _):
                take(.accessExclusive)
                let known = state.schema.constraints[qualified.qualified]?[name]
                effects.cite(known.flatMap { constraintFact($0, table: qualified, name: name, state) })
                switch known {
                case let info? where info.kind == .foreignKey:
                    if let referenced = info.references { effects.lock(Self.name(referenced), .accessExclusive, state: state) }
                case .some:
                    break
                case nil:
                    effects.indirectLocks.append(IndirectLock(.tableReferencedByConstraint(table: qualified, constraint: name), .accessExclusive))
                }
            case .addIdentity:
                take(.accessExclusive)
            case .setTablespace:
                take(.accessExclusive)
                effects.rewrite(table, state: state, reads: false)
                effects.assume(.notInTablespaceAlready(table: qualified))
            case .setLogged, .setUnlogged:
                take(.accessExclusive)
                effects.rewrite(table, state: state)
                effects.assume(.notLoggedAlready(table: qualified, logged: action == .setLogged))
            case .setAccessMethod(let method):
                take(.accessExclusive)
                effects.rewrite(table, state: state)
                effects.assume(.notUsingAccessMethodAlready(table: qualified, method: method))
            case .attachPartition(let partition):
                effects.recursesToPartitions = false
                // Release notes 12: ATTACH PARTITION takes only SHARE UPDATE EXCLUSIVE on the parent.
                take(state.postgresVersion >= 12 ? .shareUpdateExclusive : .accessExclusive)
                effects.lock(partition, .accessExclusive, state: state)
                let resolved = state.resolve(partition)
                let checks = state.schema.constraints[resolved.qualified]?.filter { $0.value.kind == .check }.keys.sorted() ?? []
                if let check = checks.first, state.notValidConstraintsInTransaction[check] == nil {
                    effects.assume(.checkImpliesPartitionBound(partition: resolved, constraint: check))
                } else {
                    effects.scan(partition, state: state)
                    effects.assume(.noCheckImpliesPartitionBound(partition: resolved))
                }
                defaultPartition(of: table, scanned: true, state, &effects)
            case .detachPartition(let partition, let concurrently):
                effects.recursesToPartitions = false
                if concurrently {
                    take(.shareUpdateExclusive)
                    effects.lock(partition, .shareUpdateExclusive, state: state)
                    self.concurrently("ALTER TABLE ... DETACH CONCURRENTLY", state, &effects)
                    // Release notes 14: DETACH PARTITION ... CONCURRENTLY is new.
                    if state.postgresVersion < 14 { effects.error = "DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later" }
                } else {
                    take(.accessExclusive)
                    effects.lock(partition, .accessExclusive, state: state)
                    defaultPartition(of: table, scanned: false, state, &effects)
                }
            case .detachPartitionFinalize(let partition):
                effects.recursesToPartitions = false
                take(.shareUpdateExclusive)
                effects.lock(partition, .shareUpdateExclusive, state: state)
            case .other(let name, _):
                take(otherSubcommandLock(name))
            }
        }
        if strongest > .accessShare || alter.actions.isEmpty {
            effects.locks.insert(RelationLock(relation: qualified, mode: alter.actions.isEmpty ? .accessExclusive : strongest, isNew: isNew), at: 0)
        }
    }

    static func constraintFact(_ info: SchemaCatalog.ConstraintInfo, table: QualifiedName, name: String, _ state: AnalysisState) -> SchemaFact? {
        state.schema.cited(info.origin).map { SchemaFact(.constraint(table: table, name: name, references: info.kind == .foreignKey ? info.references : nil), origin: $0) }
    }

    static func addConstraint(_ constraint: Constraint, table: QualifiedName, _ state: AnalysisState,
                              _ effects: inout StatementEffects, take: (LockMode) -> Void) {
        switch constraint.kind {
        case .check:
            take(.accessExclusive)
            if !constraint.isNotValid { effects.scan(table, state: state) }
        case .foreignKey(let referenced, _):
            // Both tables get triggers: SHARE ROW EXCLUSIVE on each. Validation joins the two
            // tables, reading both in full; when the table is new and still empty, the join stops
            // at its empty side and the referenced table is not read (checked on a server).
            take(.shareRowExclusive)
            effects.lock(referenced, .shareRowExclusive, state: state)
            if !constraint.isNotValid {
                effects.scan(table, state: state)
                if !state.isCreatedEmptyInFile(table) { effects.scan(referenced, state: state) }
            }
        case .primaryKey, .unique:
            take(.accessExclusive)
            if constraint.usingIndex == nil {
                effects.scan(table, state: state)
            } else if constraint.kind == .primaryKey {
                // The columns become NOT NULL, which PostgreSQL checks with a scan unless they are
                // NOT NULL already.
                let resolved = state.resolve(table)
                effects.scan(table, state: state)
                effects.assume(.primaryKeyColumnsMayBeNullable(table: resolved))
            }
        case .exclusion:
            take(.accessExclusive)
            effects.scan(table, state: state)
        default:
            take(.accessExclusive)
        }
    }

    /// A DEFAULT partition is locked ACCESS EXCLUSIVE when a partition comes or goes, and read in
    /// full when one comes (no row of it may belong to the new partition). Observed on PostgreSQL 15;
    /// `ref/alter_table.sgml`, ATTACH PARTITION.
    static func defaultPartition(of parent: QualifiedName, scanned: Bool, _ state: AnalysisState,
                                 _ effects: inout StatementEffects) {
        guard !state.isCreatedInFile(parent) else { return }
        effects.indirectLocks.append(IndirectLock(.defaultPartitionOf(state.resolve(parent)), .accessExclusive, scanned: scanned))
    }

    /// Lock modes of the remaining ALTER TABLE subcommands (`AlterTableGetLockLevel`).
    static func otherSubcommandLock(_ name: String) -> LockMode {
        switch name {
        case "SetStatistics", "ClusterOn", "DropCluster", "SetRelOptions", "ResetRelOptions", "ReplaceRelOptions",
             "SetOptions", "ResetOptions":
            return .shareUpdateExclusive
        case "EnableTrig", "EnableAlwaysTrig", "EnableReplicaTrig", "EnableTrigAll", "EnableTrigUser",
             "DisableTrig", "DisableTrigAll", "DisableTrigUser":
            return .shareRowExclusive
        default:
            return .accessExclusive
        }
    }

    static func name(_ qualified: String) -> QualifiedName {
        guard let dot = qualified.firstIndex(of: ".") else { return QualifiedName(name: qualified) }
        return QualifiedName(schema: String(qualified[..<dot]), name: String(qualified[qualified.index(after: dot)...]))
    }

    // MARK: Column changes

    public struct ColumnChange: Sendable, Equatable {
        public var rewrites: Bool
        public var assumptions: [Assumption]
        /// Why the column change rewrites (for messages): "volatile default clock_timestamp()".
        public var reason: String?
    }

    /// Built-in types, by the name PostgreSQL resolves them to, that are never a domain.
    static let builtinTypes: Set<String> = [
        "int2", "int4", "int8", "float4", "float8", "numeric", "bool", "text", "varchar", "bpchar", "char", "name",
        "uuid", "json", "jsonb", "date", "time", "timetz", "timestamp", "timestamptz", "interval", "bytea", "inet",
        "cidr", "macaddr", "macaddr8", "money", "bit", "varbit", "xml", "tsvector", "tsquery", "point", "line",
        "lseg", "box", "path", "polygon", "circle", "oid", "regclass", "int4range", "int8range", "numrange",
        "tsrange", "tstzrange", "daterange", "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8",
        "smallint", "integer", "int", "bigint", "real", "boolean", "citext", "hstore", "geometry", "geography",
    ]

    /// Whether adding `column` rewrites the table: volatile defaults, any default before PG 11,
    /// serial / identity / stored generated columns, and domains with a CHECK. `table` (resolved)
    /// is the table the assumptions are about.
    public static func addColumnEffect(_ column: ColumnDefinition, on table: QualifiedName, _ state: AnalysisState) -> ColumnChange {
        if column.isSerial { return ColumnChange(rewrites: true, assumptions: [], reason: "\(column.type?.baseName ?? "serial") fills every row from a sequence") }
        if column.isIdentity { return ColumnChange(rewrites: true, assumptions: [], reason: "an identity column fills every row") }
        if column.generatedExpression != nil { return ColumnChange(rewrites: true, assumptions: [], reason: "a stored generated column is computed for every row") }
        var assumptions: [Assumption] = []
        if let type = column.type, !type.isArray, type.schema != "pg_catalog", !builtinTypes.contains(type.baseName) {
            let typeName = state.resolve(QualifiedName(schema: type.schema, name: type.names.last ?? "")).qualified
            if state.schema.domains[typeName] == true {
                return ColumnChange(rewrites: true, assumptions: [], reason: "the domain \(type.sql) has a CHECK constraint, checked on every row")
            }
            if state.schema.domains[typeName] == nil, !state.schema.enums.contains(typeName), !state.createdEnums.contains(typeName) {
                assumptions.append(.typeIsNoCheckedDomain(table: table, column: column.name, type: type.sql))
            }
        }
        if let value = column.defaultValue {
            if case .null = value { return ColumnChange(rewrites: false, assumptions: assumptions, reason: nil) }
            // Release notes 11: a non-volatile default is stored in the catalog instead of every row.
            if state.postgresVersion < 11 {
                return ColumnChange(rewrites: true, assumptions: assumptions, reason: "before PostgreSQL 11 every default is written into every row")
            }
            // The function table and the search path, not the state: the closure copied the whole state.
            let functions = state.schema.functions, searchPathSchema = state.searchPathSchema
            let analysis = VolatilityTable.analyze(value) { name in
                functions[AnalysisState.resolve(QualifiedName(parts: name), searchPathSchema: searchPathSchema).qualified]
            }
            if analysis.volatility == .volatile {
                assumptions += analysis.unknownFunctions.map { .unknownFunctionIsVolatile(table: table, column: column.name, function: $0) }
                let named = (analysis.volatileFunctions + analysis.unknownFunctions).joined(separator: ", ")
                return ColumnChange(rewrites: true, assumptions: assumptions, reason: "the default \(named) is volatile")
            }
        }
        return ColumnChange(rewrites: false, assumptions: assumptions, reason: nil)
    }

    /// Whether a `timezone` setting names UTC, under which timestamp and timestamptz convert
    /// without a rewrite.
    public static func isUTC(_ zone: String) -> Bool { utcZones.contains(zone.trimmed(" '\"").lowercased()) }

    static let utcZones: Set<String> = ["utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "uct", "etc/uct", "universal", "etc/universal", "gmt0", "+00:00", "0"]

    /// Whether `ALTER COLUMN ... TYPE` rewrites. With the old type known (the table was created in
    /// the file, or the caller gave the schema), binary-coercible changes are recognised
    /// (`alter_table.sgml`: "changing the type of an existing column will normally cause the entire
    /// table and its indexes to be rewritten", except binary-coercible changes and unconstrained
    /// domains); otherwise the answer is the cautious one: it may rewrite.
    public static func typeChangeEffect(table: QualifiedName, column: String, to type: TypeName, using: Expression?,
                                        _ state: AnalysisState) -> ColumnChange {
        // `USING col` or `USING col::newtype` is the conversion PostgreSQL applies without USING
        // (ATColumnChangeRequiresRewrite sees the same expression), so it is judged as if absent.
        if let using, !isColumnItself(using, column: column, type: type) {
            return ColumnChange(rewrites: true, assumptions: [], reason: "a USING expression recomputes every row")
        }
        guard let old = state.schema.columnType(table: table.qualified, column: column) else {
            return ColumnChange(rewrites: true,
                                assumptions: [.oldColumnTypeUnknown(table: table, column: column)],
                                reason: "the old type of \(table.name).\(column) is not known")
        }
        let rewrites = ColumnChange(rewrites: true, assumptions: [], reason: "changing \(table.name).\(column) from \(old.sql) to \(type.sql) rewrites the table")
        let free = ColumnChange(rewrites: false, assumptions: [], reason: nil)
        if old.isArray != type.isArray { return rewrites }
        let from = canonical(old.baseName), to = canonical(type.baseName)
        if from == to && old.modifiers == type.modifiers { return free }
        switch (from, to) {
        case ("varchar", "varchar"), ("varbit", "varbit"):
            // Growing or removing the length limit keeps every value valid (the planner support
            // functions of varchar() and varbit() drop such a length coercion).
            guard let newLength = type.modifiers.first ?? nil else { return free }
            guard let oldLength = old.modifiers.first ?? nil else { return rewrites }
            return newLength >= oldLength ? free : rewrites
        case ("varchar", "text"), ("cidr", "inet"):
            // Binary-coercible casts (`pg_cast`: WITHOUT FUNCTION).
            return free
        case ("text", "varchar"):
            return type.modifiers.isEmpty ? free : rewrites
        case ("numeric", "numeric"):
            guard !type.modifiers.isEmpty else { return free }
            guard old.modifiers.count >= 1, let oldPrecision = old.modifiers[0], let newPrecision = type.modifiers[0] else { return rewrites }
            let oldScale = old.modifiers.count > 1 ? old.modifiers[1] : 0
            let newScale = type.modifiers.count > 1 ? type.modifiers[1] : 0
            return oldScale == newScale && newPrecision >= oldPrecision ? free : rewrites
        case ("timestamp", "timestamptz"), ("timestamptz", "timestamp"):
            // Release notes 12: timestamp and timestamptz convert without a rewrite when the session
            // time zone is UTC (observed on PostgreSQL 15 in both directions).
            guard state.postgresVersion >= 12 else { return rewrites }
            guard let zone = state.timeZone?.trimmed(" '\"").lowercased() else {
                return ColumnChange(rewrites: true,
                                    assumptions: [.sessionTimeZoneUnknown(table: table, column: column, from: from, to: to)],
                                    reason: "\(from) to \(to) rewrites unless the session time zone is UTC")
            }
            return utcZones.contains(zone) ? free : ColumnChange(rewrites: true, assumptions: [],
                                                                  reason: "\(from) to \(to) rewrites under the time zone \(zone)")
        default:
            return rewrites
        }
    }

    /// `col`, `table.col` or `col::type` where `type` is the column's new type.
    public static func isColumnItself(_ expression: Expression, column: String, type: TypeName) -> Bool {
        switch expression {
        case .columnReference(let names, _):
            return names.last == column
        case .typeCast(let inner, let cast, _):
            return cast.sql == type.sql && isColumnItself(inner, column: column, type: type)
        default:
            return false
        }
    }

    static func canonical(_ type: String) -> String {
        switch type {
        case "character varying": return "varchar"
        case "int", "integer": return "int4"
        case "bigint": return "int8"
        case "smallint": return "int2"
        case "decimal": return "numeric"
        default: return type
        }
    }

    // MARK: DROP, REINDEX, VACUUM

    static func dropEffects(_ drop: Drop, _ state: AnalysisState, _ effects: inout StatementEffects) {
        switch drop.kind {
        case .table, .view, .materializedView, .sequence, .foreignTable:
            // DROP TABLE IF EXISTS passes over a table the history shows is absent, with a notice.
            for object in drop.objects where !state.passesOver(object, of: drop) {
                effects.lock(object, .accessExclusive, state: state)
                guard drop.kind == .table else { continue }
                let table = state.resolve(object)
                // Dropping a foreign key removes its triggers from the referenced table.
                if let constraints = state.schema.constraints[table.qualified] {
                    for info in constraints.values.sorted(by: { ($0.references ?? "") < ($1.references ?? "") }) where info.kind == .foreignKey {
                        if let referenced = info.references, referenced != table.qualified {
                            effects.lock(name(referenced), .accessExclusive, state: state)
                        }
                    }
                } else {
                    effects.indirectLocks.append(IndirectLock(.tablesReferencedBy(table), .accessExclusive))
                }
                if drop.behavior == .cascade {
                    effects.indirectLocks.append(IndirectLock(.tablesReferencing(table), .accessExclusive))
                    effects.assume(.cascadeDropsViews)
                }
            }
        case .index:
            let mode: LockMode = drop.isConcurrent ? .shareUpdateExclusive : .accessExclusive
            for object in drop.objects {
                effects.lock(object, mode, state: state)
                lockTableOfIndex(object, mode, state, &effects)
            }
            if drop.isConcurrent { concurrently("DROP INDEX CONCURRENTLY", state, &effects) }
        case .trigger, .rule, .policy:
            if let table = drop.onTable { effects.lock(table, .accessExclusive, state: state) }
        default:
            break
        }
    }

    /// The table of an index, named when the file (or the given schema) created the index.
    static func lockTableOfIndex(_ index: QualifiedName, _ mode: LockMode, _ state: AnalysisState,
                                 _ effects: inout StatementEffects, scanned: Bool = false) {
        let resolved = state.resolve(index).qualified
        if let table = state.schema.indexTables[resolved] {
            effects.cite(state.schema.cited(state.schema.indexOrigins[resolved]).map {
                SchemaFact(.indexTable(index: state.resolve(index), table: table), origin: $0)
            })
            effects.lock(name(table), mode, state: state)
            if scanned { effects.scan(name(table), state: state) }
        } else {
            effects.indirectLocks.append(IndirectLock(.tableOfIndex(state.resolve(index)), mode, scanned: scanned))
        }
    }

    static func reindex(kind: ObjectKind, name: QualifiedName?, concurrently: Bool, _ state: AnalysisState,
                        _ effects: inout StatementEffects) {
        guard let name else { return }
        if concurrently {
            self.concurrently("REINDEX CONCURRENTLY", state, &effects)
            // Release notes 12: REINDEX CONCURRENTLY is new.
            if state.postgresVersion < 12 { effects.error = "REINDEX CONCURRENTLY needs PostgreSQL 12 or later" }
        }
        let tableMode: LockMode = concurrently ? .shareUpdateExclusive : .share
        switch kind {
        case .index:
            effects.lock(name, concurrently ? .shareUpdateExclusive : .accessExclusive, state: state)
            if !concurrently { effects.rewrite(name, state: state, reads: false) }
            lockTableOfIndex(name, tableMode, state, &effects, scanned: true)
        case .table:
            effects.lock(name, tableMode, state: state)
            effects.scan(name, state: state)
        default:
            effects.assume(.everyTableOf(kind: kind, object: name.name, mode: tableMode))
        }
    }

    static func vacuum(full: Bool, analyzeOnly: Bool, relations: [QualifiedName], _ state: AnalysisState,
                       _ effects: inout StatementEffects) {
        if !analyzeOnly {
            effects.cannotRunInTransactionBlock = true
            if let refusal = state.refusal(of: "VACUUM") { effects.error = refusal }
        }
        for relation in relations {
            if full {
                effects.lock(relation, .accessExclusive, state: state)
                effects.rewrite(relation, state: state)
            } else {
                // ANALYZE reads a sample, not the whole table.
                effects.lock(relation, .shareUpdateExclusive, state: state)
            }
        }
        if relations.isEmpty { effects.assume(.everyTableOfDatabase) }
    }
}
