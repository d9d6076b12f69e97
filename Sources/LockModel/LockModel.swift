import PostgresSyntax

/// The one place that knows what a statement locks, rewrites and scans, per target version.
///
/// Sources: PostgreSQL 15 documentation `ref/alter_table.sgml`, `mvcc.sgml` "Table-Level Locks",
/// `ref/create_index.sgml` "Building Indexes Concurrently", and observation on a real server
/// (see `Tests/LockModelServerTests`, which checks every case in `Fixtures/lock-cases`).
public enum LockModel {
    public static func effects(of statement: Statement, in state: AnalysisState) -> StatementEffects {
        var effects = StatementEffects()
        switch statement {
        case .alterTable(let alter):
            alterTable(alter, state, &effects)
        case .createTable(let create):
            for constraint in create.constraints + create.columns.flatMap(\.constraints) {
                if case .foreignKey(let referenced, _) = constraint.kind {
                    effects.lock(referenced, .shareRowExclusive, state: state)
                }
            }
            if let parent = create.partitionOf {
                effects.lock(parent, .accessExclusive, state: state)
            }
        case .createIndex(let index):
            effects.lock(index.relation, index.isConcurrent ? .shareUpdateExclusive : .share, state: state)
            if !state.isCreatedInFile(index.relation) { effects.scans.append(state.resolve(index.relation)) }
            if index.isConcurrent { concurrently("CREATE INDEX CONCURRENTLY", state, &effects) }
        case .drop(let drop):
            dropEffects(drop, state, &effects)
        case .rename(let rename):
            switch rename.kind {
            case .index:
                effects.lock(rename.object, .shareUpdateExclusive, state: state)
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
                effects.rewrites.append(state.resolve(relation))
            }
        case .vacuum(let full, let analyzeOnly, let relations):
            if !analyzeOnly {
                effects.cannotRunInTransactionBlock = true
                if state.inTransactionBlock { effects.error = "VACUUM cannot run inside a transaction block" }
            }
            for relation in relations {
                if full {
                    effects.lock(relation, .accessExclusive, state: state)
                    effects.rewrites.append(state.resolve(relation))
                } else {
                    effects.lock(relation, .shareUpdateExclusive, state: state)
                }
            }
            if relations.isEmpty { effects.assumptions.append("no table named: every table of the database is processed") }
        case .cluster(let relation):
            if let relation {
                effects.lock(relation, .accessExclusive, state: state)
                effects.rewrites.append(state.resolve(relation))
            } else {
                effects.assumptions.append("no table named: every previously clustered table is rewritten")
            }
        case .reindex(let kind, let name, let concurrently):
            guard let name else { break }
            if concurrently {
                effects.lock(name, .shareUpdateExclusive, state: state)
                self.concurrently("REINDEX CONCURRENTLY", state, &effects)
                if state.postgresVersion < 12 { effects.error = "REINDEX CONCURRENTLY needs PostgreSQL 12 or later" }
            } else if kind == .index {
                effects.lock(name, .accessExclusive, state: state)
                effects.assumptions.append("the table of index \(name.qualified) is not known: it is locked SHARE (blocks writes)")
            } else if kind == .table {
                effects.lock(name, .share, state: state)
                effects.scans.append(state.resolve(name))
            }
        case .refreshMaterializedView(let view, let concurrently):
            effects.lock(view, concurrently ? .exclusive : .accessExclusive, state: state)
            if !concurrently { effects.rewrites.append(state.resolve(view)) }
            effects.scans.append(state.resolve(view))
        case .lockTable(let relations, let mode):
            for relation in relations { effects.lock(relation, mode, state: state) }
            if !state.inTransactionBlock { effects.error = "LOCK TABLE can only be used in transaction blocks" }
        case .update(let relation, let hasWhere), .delete(let relation, let hasWhere):
            effects.lock(relation, .rowExclusive, state: state)
            if !hasWhere { effects.scans.append(state.resolve(relation)) }
        case .insert(let relation):
            effects.lock(relation, .rowExclusive, state: state)
        case .alterEnumAddValue(let type, _):
            if state.postgresVersion < 12 && state.inTransactionBlock && !state.createdEnums.contains(state.resolve(type).qualified) {
                effects.error = "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12"
            }
        case .createTrigger(let table, _):
            effects.lock(table, .shareRowExclusive, state: state)
        case .comment(let kind, let object):
            if let object, [.table, .view, .materializedView, .column, .index, .sequence].contains(kind) {
                // COMMENT ON COLUMN names table.column.
                let relation = kind == .column ? QualifiedName(schema: nil, name: object.schema ?? object.name) : object
                effects.lock(relation, .shareUpdateExclusive, state: state)
            }
        case .createStatistics(let relations):
            for relation in relations { effects.lock(relation, .shareUpdateExclusive, state: state) }
        case .createDomain, .createEnum, .createView, .createSequence, .createFunction, .createSchema,
             .createExtension, .transaction, .variableSet, .select, .other:
            break
        }
        return effects
    }

    static func concurrently(_ what: String, _ state: AnalysisState, _ effects: inout StatementEffects) {
        effects.cannotRunInTransactionBlock = true
        if state.inTransactionBlock {
            effects.error = "\(what) cannot run inside a transaction block"
        }
    }

    // MARK: ALTER TABLE

    static func alterTable(_ alter: AlterTable, _ state: AnalysisState, _ effects: inout StatementEffects) {
        let table = alter.relation
        let qualified = state.resolve(table)
        let isNew = state.isCreatedInFile(table)
        var strongest: LockMode = .accessShare
        func take(_ mode: LockMode) { strongest = max(strongest, mode) }
        func rewrite() { if !effects.rewrites.contains(qualified) { effects.rewrites.append(qualified) } }
        func scan() { if !effects.scans.contains(qualified) { effects.scans.append(qualified) } }

        if alter.kind == .index {
            // ALTER INDEX ... RENAME / SET: the index only.
            effects.lock(table, .shareUpdateExclusive, state: state)
            return
        }

        for action in alter.actions {
            switch action {
            case .addColumn(let column, _):
                take(.accessExclusive)
                let change = addColumnEffect(column, state)
                if change.rewrites { rewrite(); scan() }
                effects.assumptions.append(contentsOf: change.assumptions)
                for constraint in column.constraints {
                    switch constraint.kind {
                    case .check, .unique, .primaryKey: scan()
                    case .foreignKey(let referenced, _): effects.lock(referenced, .shareRowExclusive, state: state)
                    default: break
                    }
                }
            case .dropColumn:
                take(.accessExclusive)
            case .alterColumnType(let column, let type, let using):
                take(.accessExclusive)
                let change = typeChangeEffect(table: qualified, column: column, to: type, using: using, state)
                if change.rewrites { rewrite(); scan() }
                effects.assumptions.append(contentsOf: change.assumptions)
            case .setDefault, .dropDefault, .dropNotNull:
                take(.accessExclusive)
            case .setNotNull(let column):
                take(.accessExclusive)
                let hasCheck = state.postgresVersion >= 12 && state.notNullChecks[qualified.qualified]?.contains(column) == true
                if !hasCheck { scan() }
            case .addConstraint(let constraint):
                switch constraint.kind {
                case .check:
                    take(.accessExclusive)
                    if !constraint.isNotValid { scan() }
                case .foreignKey(let referenced, _):
                    take(.shareRowExclusive)
                    effects.lock(referenced, .shareRowExclusive, state: state)
                    if !constraint.isNotValid { scan() }
                case .primaryKey, .unique:
                    take(.accessExclusive)
                    if constraint.usingIndex == nil || constraint.kind == .primaryKey { scan() }
                    if constraint.usingIndex != nil, constraint.kind == .primaryKey {
                        effects.assumptions.append("PRIMARY KEY USING INDEX scans when its columns are not already NOT NULL")
                    }
                case .exclusion:
                    take(.accessExclusive)
                    scan()
                default:
                    take(.accessExclusive)
                }
            case .validateConstraint(let name):
                take(.shareUpdateExclusive)
                scan()
                // A foreign key's validation also takes ROW SHARE on the referenced table; the
                // constraint's kind is known only if it was added earlier in this file.
                effects.assumptions.append("constraint \(name) is validated with a full scan")
            case .dropConstraint(let name, _, _):
                take(.accessExclusive)
                effects.assumptions.append("if \(name) is a foreign key, the referenced table is locked ACCESS EXCLUSIVE too")
            case .addIdentity:
                take(.accessExclusive)
            case .setTablespace, .setLogged, .setUnlogged, .setAccessMethod:
                take(.accessExclusive)
                rewrite()
            case .attachPartition(let partition):
                take(state.postgresVersion >= 12 ? .shareUpdateExclusive : .accessExclusive)
                effects.lock(partition, .accessExclusive, state: state)
                let resolved = state.resolve(partition)
                if !effects.scans.contains(resolved) { effects.scans.append(resolved) }
                effects.assumptions.append("\(resolved.qualified) is scanned unless a valid CHECK constraint implies the partition bound")
            case .detachPartition(let partition, let concurrently):
                if concurrently {
                    take(.shareUpdateExclusive)
                    effects.lock(partition, .shareUpdateExclusive, state: state)
                    self.concurrently("ALTER TABLE ... DETACH PARTITION CONCURRENTLY", state, &effects)
                    if state.postgresVersion < 14 { effects.error = "DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later" }
                } else {
                    take(.accessExclusive)
                    effects.lock(partition, .accessExclusive, state: state)
                }
            case .detachPartitionFinalize(let partition):
                take(.shareUpdateExclusive)
                effects.lock(partition, .shareUpdateExclusive, state: state)
            case .other(let name, _):
                take(otherSubcommandLock(name))
            }
        }
        if strongest > .accessShare || alter.actions.isEmpty {
            effects.locks.insert(RelationLock(relation: qualified, mode: alter.actions.isEmpty ? .accessExclusive : strongest, isNew: isNew), at: 0)
        }
        if isNew {
            // A table created in this file is empty: rewriting or scanning it costs nothing.
            effects.rewrites.removeAll { $0 == qualified }
            effects.scans.removeAll { $0 == qualified }
        }
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
        case "ChangeOwner":
            return .accessExclusive
        default:
            return .accessExclusive
        }
    }

    public struct ColumnChange: Sendable, Equatable {
        public var rewrites: Bool
        public var assumptions: [String]
        /// Why the column change rewrites (for messages): "volatile default clock_timestamp()".
        public var reason: String?
    }

    /// Whether adding `column` rewrites the table: volatile defaults, any default before PG 11,
    /// serial / identity / stored generated columns, and domains with a CHECK.
    public static func addColumnEffect(_ column: ColumnDefinition, _ state: AnalysisState) -> ColumnChange {
        if column.isSerial { return ColumnChange(rewrites: true, assumptions: [], reason: "\(column.type?.baseName ?? "serial") fills every row from a sequence") }
        if column.isIdentity { return ColumnChange(rewrites: true, assumptions: [], reason: "an identity column fills every row") }
        if column.generatedExpression != nil { return ColumnChange(rewrites: true, assumptions: [], reason: "a stored generated column is computed for every row") }
        if let value = column.defaultValue {
            if case .null = value { return ColumnChange(rewrites: false, assumptions: [], reason: nil) }
            if state.postgresVersion < 11 {
                return ColumnChange(rewrites: true, assumptions: [], reason: "before PostgreSQL 11 every default is written into every row")
            }
            let analysis = VolatilityTable.analyze(value)
            if analysis.volatility == .volatile {
                let assumptions = analysis.unknownFunctions.map { "\($0) is not a known built-in: treated as volatile" }
                let named = (analysis.volatileFunctions + analysis.unknownFunctions).joined(separator: ", ")
                return ColumnChange(rewrites: true, assumptions: assumptions, reason: "the default \(named) is volatile")
            }
        }
        return ColumnChange(rewrites: false, assumptions: [], reason: nil)
    }

    /// Whether `ALTER COLUMN ... TYPE` rewrites. The old type is not in the file unless the table
    /// was created in it, so binary-coercible changes are recognised by the target type alone
    /// where that is safe, and the cautious answer is given otherwise.
    public static func typeChangeEffect(table: QualifiedName, column: String, to type: TypeName, using: Expression?,
                                        _ state: AnalysisState) -> ColumnChange {
        if using != nil {
            return ColumnChange(rewrites: true, assumptions: [], reason: "a USING expression recomputes every row")
        }
        let target = type.baseName
        // varchar / text without a length limit accept every varchar and text value unchanged.
        if (target == "text" || (target == "varchar" && type.modifiers.isEmpty)) && !type.isArray {
            return ColumnChange(rewrites: false,
                                assumptions: ["\(table.name).\(column) is assumed to be varchar or text already (the old type is not in this file)"],
                                reason: nil)
        }
        if target == "numeric" && type.modifiers.isEmpty {
            return ColumnChange(rewrites: false, assumptions: ["\(table.name).\(column) is assumed to be numeric already"], reason: nil)
        }
        if target == "varchar" || target == "numeric" {
            return ColumnChange(rewrites: true,
                                assumptions: ["may rewrite: the old type of \(table.name).\(column) is not known (growing varchar or numeric precision does not rewrite)"],
                                reason: "the old type of \(table.name).\(column) is not known")
        }
        if target == "timestamptz", state.postgresVersion >= 12 {
            let utc = ["utc", "etc/utc", "gmt", "z", "zulu", "uct"].contains((state.settings.timeZone ?? state.sessionSettings["timezone"] ?? "").lowercased())
            if utc {
                return ColumnChange(rewrites: false, assumptions: ["\(table.name).\(column) is assumed to be timestamp; the session time zone is UTC"], reason: nil)
            }
            return ColumnChange(rewrites: true, assumptions: ["may rewrite: timestamp to timestamptz is free only when the session time zone is UTC"],
                                reason: "timestamp to timestamptz rewrites unless the session time zone is UTC")
        }
        return ColumnChange(rewrites: true, assumptions: [], reason: "changing the type to \(type.sql) rewrites the table")
    }

    // MARK: DROP

    static func dropEffects(_ drop: Drop, _ state: AnalysisState, _ effects: inout StatementEffects) {
        switch drop.kind {
        case .table, .view, .materializedView, .sequence, .foreignTable:
            for object in drop.objects { effects.lock(object, .accessExclusive, state: state) }
            if drop.kind == .table {
                effects.assumptions.append("tables referenced by foreign keys of the dropped table are locked ACCESS EXCLUSIVE too")
            }
        case .index:
            for object in drop.objects {
                effects.lock(object, drop.isConcurrent ? .shareUpdateExclusive : .accessExclusive, state: state)
            }
            if drop.isConcurrent {
                concurrently("DROP INDEX CONCURRENTLY", state, &effects)
            } else {
                effects.assumptions.append("the table of the index is locked ACCESS EXCLUSIVE too")
            }
        case .trigger, .rule, .policy:
            if let table = drop.onTable { effects.lock(table, .accessExclusive, state: state) }
        default:
            break
        }
    }
}
