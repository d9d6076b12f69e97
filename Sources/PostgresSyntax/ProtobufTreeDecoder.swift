import CPgQuery

/// Reads libpg_query's protobuf-c structs straight into the typed tree: no JSON, no generic tree.
///
/// `base` is the byte offset of the parsed text in the file, so every location it produces is a
/// file offset.
struct ProtobufTreeDecoder {
    let base: Int

    typealias NodePointer = UnsafeMutablePointer<PgQuery__Node>

    // MARK: Statements

    func statement(_ node: NodePointer?) -> Statement {
        guard let node else { return .other("Empty") }
        let n = node.pointee
        switch n.node_case {
        case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: return alterTable(n.alter_table_stmt)
        case PG_QUERY__NODE__NODE_CREATE_STMT: return createTable(n.create_stmt)
        case PG_QUERY__NODE__NODE_INDEX_STMT: return createIndex(n.index_stmt)
        case PG_QUERY__NODE__NODE_DROP_STMT: return drop(n.drop_stmt)
        case PG_QUERY__NODE__NODE_RENAME_STMT: return rename(n.rename_stmt)
        case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
            let s = n.alter_object_schema_stmt.pointee
            let kind = objectKind(s.object_type)
            let object = s.relation.map(rangeVar) ?? objectName(s.object) ?? QualifiedName(name: "?")
            return .setSchema(kind: kind, object: object, newSchema: string(s.newschema))
        case PG_QUERY__NODE__NODE_TRANSACTION_STMT: return .transaction(transactionKind(n.transaction_stmt.pointee.kind))
        case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: return variableSet(n.variable_set_stmt)
        case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
            let s = n.truncate_stmt.pointee
            return .truncate(nodes(s.relations, s.n_relations).compactMap(rangeVarNode))
        case PG_QUERY__NODE__NODE_VACUUM_STMT: return vacuum(n.vacuum_stmt)
        case PG_QUERY__NODE__NODE_CLUSTER_STMT: return .cluster(n.cluster_stmt.pointee.relation.map(rangeVar))
        case PG_QUERY__NODE__NODE_REINDEX_STMT: return reindex(n.reindex_stmt)
        case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
            let s = n.refresh_mat_view_stmt.pointee
            return .refreshMaterializedView(s.relation.map(rangeVar) ?? QualifiedName(name: "?"), concurrently: s.concurrent != 0)
        case PG_QUERY__NODE__NODE_LOCK_STMT:
            let s = n.lock_stmt.pointee
            return .lockTable(nodes(s.relations, s.n_relations).compactMap(rangeVarNode),
                              mode: LockMode(rawValue: Int(s.mode)) ?? .accessExclusive)
        case PG_QUERY__NODE__NODE_UPDATE_STMT:
            let s = n.update_stmt.pointee
            return .update(s.relation.map(rangeVar) ?? QualifiedName(name: "?"), hasWhere: s.where_clause != nil)
        case PG_QUERY__NODE__NODE_DELETE_STMT:
            let s = n.delete_stmt.pointee
            return .delete(s.relation.map(rangeVar) ?? QualifiedName(name: "?"), hasWhere: s.where_clause != nil)
        case PG_QUERY__NODE__NODE_INSERT_STMT:
            return .insert(n.insert_stmt.pointee.relation.map(rangeVar) ?? QualifiedName(name: "?"))
        case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
            let s = n.alter_enum_stmt.pointee
            if s.old_val == nil || string(s.old_val).isEmpty {
                return .alterEnumAddValue(type: qualified(strings(s.type_name, s.n_type_name)), value: string(s.new_val))
            }
            return .other("AlterEnumStmt")
        case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
            let s = n.create_trig_stmt.pointee
            return .createTrigger(table: s.relation.map(rangeVar) ?? QualifiedName(name: "?"), name: string(s.trigname))
        case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
            let s = n.create_domain_stmt.pointee
            return .createDomain(name: qualified(strings(s.domainname, s.n_domainname)),
                                 base: s.type_name.map(typeName) ?? TypeName(names: []),
                                 constraints: nodes(s.constraints, s.n_constraints).compactMap(constraintNode))
        case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
            let s = n.create_enum_stmt.pointee
            return .createEnum(qualified(strings(s.type_name, s.n_type_name)))
        case PG_QUERY__NODE__NODE_VIEW_STMT:
            return .createView(n.view_stmt.pointee.view.map(rangeVar) ?? QualifiedName(name: "?"), materialized: false)
        case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
            let s = n.create_table_as_stmt.pointee
            let name = s.into?.pointee.rel.map(rangeVar) ?? QualifiedName(name: "?")
            if s.objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW { return .createView(name, materialized: true) }
            return .other("CreateTableAsStmt")
        case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
            return .createSequence(n.create_seq_stmt.pointee.sequence.map(rangeVar) ?? QualifiedName(name: "?"))
        case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
            let s = n.create_function_stmt.pointee
            return .createFunction(qualified(strings(s.funcname, s.n_funcname)))
        case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: return .createSchema(string(n.create_schema_stmt.pointee.schemaname))
        case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: return .createExtension(string(n.create_extension_stmt.pointee.extname))
        case PG_QUERY__NODE__NODE_COMMENT_STMT:
            let s = n.comment_stmt.pointee
            return .comment(kind: objectKind(s.objtype), object: objectName(s.object))
        case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
            let s = n.create_stats_stmt.pointee
            return .createStatistics(on: nodes(s.relations, s.n_relations).compactMap(rangeVarNode))
        case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
            let s = n.create_policy_stmt.pointee
            return .createPolicy(table: s.table.map(rangeVar) ?? QualifiedName(name: "?"), name: string(s.policy_name))
        case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
            let s = n.alter_policy_stmt.pointee
            return .alterPolicy(table: s.table.map(rangeVar) ?? QualifiedName(name: "?"), name: string(s.policy_name))
        case PG_QUERY__NODE__NODE_SELECT_STMT: return .select
        default:
            return .other(nodeTypeName(node))
        }
    }

    func alterTable(_ pointer: UnsafeMutablePointer<PgQuery__AlterTableStmt>) -> Statement {
        let s = pointer.pointee
        let relation = s.relation.map(rangeVar) ?? QualifiedName(name: "?")
        let actions = nodes(s.cmds, s.n_cmds).compactMap { node -> AlterTableAction? in
            guard node.pointee.node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD else { return nil }
            return alterTableAction(node.pointee.alter_table_cmd)
        }
        return .alterTable(AlterTable(relation: relation, kind: relationKind(s.objtype), ifExists: s.missing_ok != 0, actions: actions))
    }

    func alterTableAction(_ pointer: UnsafeMutablePointer<PgQuery__AlterTableCmd>) -> AlterTableAction {
        let c = pointer.pointee
        let name = string(c.name)
        let behavior: DropBehavior = c.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE ? .cascade : .restrict
        switch c.subtype {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn, PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
            if let def = c.def, def.pointee.node_case == PG_QUERY__NODE__NODE_COLUMN_DEF {
                return .addColumn(columnDefinition(def.pointee.column_def), ifNotExists: c.missing_ok != 0)
            }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn, PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
            return .dropColumn(name, ifExists: c.missing_ok != 0, behavior: behavior)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
            if let def = c.def, def.pointee.node_case == PG_QUERY__NODE__NODE_COLUMN_DEF {
                let column = def.pointee.column_def.pointee
                return .alterColumnType(column: name, type: column.type_name.map(typeName) ?? TypeName(names: []),
                                        using: column.raw_default.map(expression))
            }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
            if let def = c.def { return .setDefault(column: name, expression(def)) }
            return .dropDefault(column: name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: return .setNotNull(column: name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: return .dropNotNull(column: name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint, PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
            if let def = c.def, let constraint = constraintNode(def) { return .addConstraint(constraint) }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint, PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
            return .validateConstraint(name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint, PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
            return .dropConstraint(name, ifExists: c.missing_ok != 0, behavior: behavior)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: return .addIdentity(column: name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace: return .setTablespace(name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged: return .setLogged
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged: return .setUnlogged
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod: return .setAccessMethod(name)
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition, PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition,
             PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
            if let def = c.def, def.pointee.node_case == PG_QUERY__NODE__NODE_PARTITION_CMD {
                let cmd = def.pointee.partition_cmd.pointee
                let partition = cmd.name.map(rangeVar) ?? QualifiedName(name: "?")
                switch c.subtype {
                case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition: return .attachPartition(partition)
                case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: return .detachPartition(partition, concurrently: cmd.concurrent != 0)
                default: return .detachPartitionFinalize(partition)
                }
            }
        default:
            break
        }
        return .other(alterTableTypeName(c.subtype), column: name.isEmpty ? nil : name)
    }

    func createTable(_ pointer: UnsafeMutablePointer<PgQuery__CreateStmt>) -> Statement {
        let s = pointer.pointee
        var columns: [ColumnDefinition] = []
        var constraints: [Constraint] = nodes(s.constraints, s.n_constraints).compactMap(constraintNode)
        for element in nodes(s.table_elts, s.n_table_elts) {
            switch element.pointee.node_case {
            case PG_QUERY__NODE__NODE_COLUMN_DEF: columns.append(columnDefinition(element.pointee.column_def))
            case PG_QUERY__NODE__NODE_CONSTRAINT: if let c = constraintNode(element) { constraints.append(c) }
            default: break
            }
        }
        let persistence = s.relation.map { string($0.pointee.relpersistence) } ?? "p"
        let partitionOf = s.partbound != nil ? nodes(s.inh_relations, s.n_inh_relations).compactMap(rangeVarNode).first : nil
        return .createTable(CreateTable(
            relation: s.relation.map(rangeVar) ?? QualifiedName(name: "?"), columns: columns, constraints: constraints,
            ifNotExists: s.if_not_exists != 0, partitionOf: partitionOf, isPartitioned: s.partspec != nil,
            isTemporary: persistence == "t", isUnlogged: persistence == "u"))
    }

    func createIndex(_ pointer: UnsafeMutablePointer<PgQuery__IndexStmt>) -> Statement {
        let s = pointer.pointee
        let columns = nodes(s.index_params, s.n_index_params).compactMap { node -> IndexColumn? in
            guard node.pointee.node_case == PG_QUERY__NODE__NODE_INDEX_ELEM else { return nil }
            let element = node.pointee.index_elem.pointee
            let name = string(element.name)
            return IndexColumn(name: name.isEmpty ? nil : name, expression: element.expr.map(expression))
        }
        let name = string(s.idxname)
        return .createIndex(CreateIndex(
            name: name.isEmpty ? nil : name, relation: s.relation.map(rangeVar) ?? QualifiedName(name: "?"),
            isUnique: s.unique != 0, isConcurrent: s.concurrent != 0, ifNotExists: s.if_not_exists != 0,
            columns: columns, accessMethod: string(s.access_method), hasWhere: s.where_clause != nil))
    }

    func drop(_ pointer: UnsafeMutablePointer<PgQuery__DropStmt>) -> Statement {
        let s = pointer.pointee
        let kind = objectKind(s.remove_type)
        var objects: [QualifiedName] = []
        var onTable: QualifiedName?
        for object in nodes(s.objects, s.n_objects) {
            if [.trigger, .rule, .policy].contains(kind), object.pointee.node_case == PG_QUERY__NODE__NODE_LIST {
                // `DROP TRIGGER name ON schema.table` arrives as [schema, table, name].
                var parts = strings(object.pointee.list.pointee.items, object.pointee.list.pointee.n_items)
                let name = parts.popLast() ?? "?"
                onTable = qualified(parts)
                objects.append(QualifiedName(name: name))
            } else if let name = objectName(object) {
                objects.append(name)
            }
        }
        return .drop(Drop(kind: kind, objects: objects, onTable: onTable, ifExists: s.missing_ok != 0,
                          isConcurrent: s.concurrent != 0,
                          behavior: s.behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE ? .cascade : .restrict))
    }

    func rename(_ pointer: UnsafeMutablePointer<PgQuery__RenameStmt>) -> Statement {
        let s = pointer.pointee
        let kind = objectKind(s.rename_type)
        let object = s.relation.map(rangeVar) ?? objectName(s.object) ?? QualifiedName(name: "?")
        let subname = string(s.subname)
        return .rename(Rename(kind: kind, object: object, subname: subname.isEmpty ? nil : subname,
                              newName: string(s.newname), ifExists: s.missing_ok != 0))
    }

    func variableSet(_ pointer: UnsafeMutablePointer<PgQuery__VariableSetStmt>) -> Statement {
        let s = pointer.pointee
        let kind: VariableSet.Kind
        switch s.kind {
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: kind = .set
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT: kind = .setDefault
        case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET: kind = .reset
        case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL: kind = .resetAll
        default: kind = .other
        }
        let values = nodes(s.args, s.n_args).map { node -> String in
            switch expression(node) {
            case .integer(let v, _): return String(v)
            case .float(let v, _), .string(let v, _): return v
            case .boolean(let v, _): return v ? "on" : "off"
            default: return "?"
            }
        }
        return .variableSet(VariableSet(kind: kind, name: string(s.name).lowercased(),
                                        value: values.isEmpty ? nil : values.joined(separator: ", "), isLocal: s.is_local != 0))
    }

    func vacuum(_ pointer: UnsafeMutablePointer<PgQuery__VacuumStmt>) -> Statement {
        let s = pointer.pointee
        var full = false
        for option in nodes(s.options, s.n_options) where option.pointee.node_case == PG_QUERY__NODE__NODE_DEF_ELEM {
            let element = option.pointee.def_elem.pointee
            if string(element.defname).lowercased() == "full" {
                // `FULL` alone, or `(FULL true)`; `(FULL false)` turns it off.
                if let arg = element.arg, case .boolean(false, _) = expression(arg) { continue }
                if let arg = element.arg, case .string(let v, _) = expression(arg), ["false", "off", "0"].contains(v.lowercased()) { continue }
                full = true
            }
        }
        let relations = nodes(s.rels, s.n_rels).compactMap { node -> QualifiedName? in
            guard node.pointee.node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION else { return nil }
            return node.pointee.vacuum_relation.pointee.relation.map(rangeVar)
        }
        return .vacuum(full: full, isAnalyzeOnly: s.is_vacuumcmd == 0, relations: relations)
    }

    func reindex(_ pointer: UnsafeMutablePointer<PgQuery__ReindexStmt>) -> Statement {
        let s = pointer.pointee
        var concurrently = false
        for option in nodes(s.params, s.n_params) where option.pointee.node_case == PG_QUERY__NODE__NODE_DEF_ELEM {
            if string(option.pointee.def_elem.pointee.defname).lowercased() == "concurrently" {
                if let arg = option.pointee.def_elem.pointee.arg, case .boolean(false, _) = expression(arg) { continue }
                concurrently = true
            }
        }
        let kind: ObjectKind
        switch s.kind {
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX: kind = .index
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE: kind = .table
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA: kind = .schema
        default: kind = .database
        }
        let name = s.relation.map(rangeVar) ?? (string(s.name).isEmpty ? nil : QualifiedName(name: string(s.name)))
        return .reindex(kind: kind, name: name, concurrently: concurrently)
    }

    // MARK: Clauses

    func columnDefinition(_ pointer: UnsafeMutablePointer<PgQuery__ColumnDef>) -> ColumnDefinition {
        let c = pointer.pointee
        var constraints = nodes(c.constraints, c.n_constraints).compactMap(constraintNode)
        if let rawDefault = c.raw_default {
            constraints.append(Constraint(kind: .defaultValue(expression(rawDefault))))
        }
        if c.is_not_null != 0, !constraints.contains(where: { $0.kind == .notNull }) {
            constraints.append(Constraint(kind: .notNull))
        }
        return ColumnDefinition(name: string(c.colname), type: c.type_name.map(typeName), constraints: constraints,
                                location: location(c.location))
    }

    func constraintNode(_ node: NodePointer) -> Constraint? {
        guard node.pointee.node_case == PG_QUERY__NODE__NODE_CONSTRAINT else { return nil }
        let c = node.pointee.constraint.pointee
        let kind: Constraint.Kind
        switch c.contype {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: kind = .null
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: kind = .notNull
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: kind = .defaultValue(c.raw_expr.map(expression) ?? .null(location: nil))
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: kind = .identity(always: string(c.generated_when) == "a")
        case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: kind = .generated(c.raw_expr.map(expression) ?? .null(location: nil))
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: kind = .check(c.raw_expr.map(expression) ?? .null(location: nil))
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: kind = .primaryKey
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: kind = .unique
        case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: kind = .exclusion
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
            kind = .foreignKey(references: c.pktable.map(rangeVar) ?? QualifiedName(name: "?"),
                               referencedColumns: strings(c.pk_attrs, c.n_pk_attrs))
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE: kind = .deferrable
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE: kind = .notDeferrable
        case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED: kind = .initiallyDeferred
        default: kind = .initiallyImmediate
        }
        let columns = c.contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN
            ? strings(c.fk_attrs, c.n_fk_attrs) : strings(c.keys, c.n_keys)
        let name = string(c.conname)
        let index = string(c.indexname)
        return Constraint(kind: kind, name: name.isEmpty ? nil : name, columns: columns,
                          isNotValid: c.skip_validation != 0, usingIndex: index.isEmpty ? nil : index,
                          location: location(c.location))
    }

    func typeName(_ pointer: UnsafeMutablePointer<PgQuery__TypeName>) -> TypeName {
        let t = pointer.pointee
        let modifiers = nodes(t.typmods, t.n_typmods).map { node -> Int? in
            if case .integer(let v, _) = expression(node) { return v }
            return nil
        }
        return TypeName(names: strings(t.names, t.n_names), modifiers: modifiers, isArray: t.n_array_bounds > 0,
                        location: location(t.location))
    }

    func expression(_ node: NodePointer) -> Expression {
        let n = node.pointee
        switch n.node_case {
        case PG_QUERY__NODE__NODE_A_CONST:
            let c = n.a_const.pointee
            let loc = location(c.location)
            if c.isnull != 0 { return .null(location: loc) }
            switch c.val_case {
            case PG_QUERY__A__CONST__VAL_IVAL: return .integer(Int(c.ival.pointee.ival), location: loc)
            case PG_QUERY__A__CONST__VAL_FVAL: return .float(string(c.fval.pointee.fval), location: loc)
            case PG_QUERY__A__CONST__VAL_BOOLVAL: return .boolean(c.boolval.pointee.boolval != 0, location: loc)
            case PG_QUERY__A__CONST__VAL_SVAL: return .string(string(c.sval.pointee.sval), location: loc)
            case PG_QUERY__A__CONST__VAL_BSVAL: return .string(string(c.bsval.pointee.bsval), location: loc)
            default: return .integer(0, location: loc) // zero values are omitted from the wire form
            }
        case PG_QUERY__NODE__NODE_INTEGER: return .integer(Int(n.integer.pointee.ival), location: nil)
        case PG_QUERY__NODE__NODE_STRING: return .string(string(n.string.pointee.sval), location: nil)
        case PG_QUERY__NODE__NODE_FLOAT: return .float(string(n.float_.pointee.fval), location: nil)
        case PG_QUERY__NODE__NODE_BOOLEAN: return .boolean(n.boolean.pointee.boolval != 0, location: nil)
        case PG_QUERY__NODE__NODE_FUNC_CALL:
            let f = n.func_call.pointee
            return .functionCall(name: strings(f.funcname, f.n_funcname).map { $0.lowercased() },
                                 arguments: nodes(f.args, f.n_args).map(expression), location: location(f.location))
        case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
            let f = n.sqlvalue_function.pointee
            return .sqlValueFunction(sqlValueFunctionName(f.op), location: location(f.location))
        case PG_QUERY__NODE__NODE_TYPE_CAST:
            let c = n.type_cast.pointee
            return .typeCast(c.arg.map(expression) ?? .null(location: nil), c.type_name.map(typeName) ?? TypeName(names: []),
                             location: location(c.location))
        case PG_QUERY__NODE__NODE_COLUMN_REF:
            let c = n.column_ref.pointee
            return .columnReference(strings(c.fields, c.n_fields), location: location(c.location))
        case PG_QUERY__NODE__NODE_A_EXPR:
            let e = n.a_expr.pointee
            if e.kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP {
                return .binaryOperator(strings(e.name, e.n_name).joined(separator: "."), e.lexpr.map(expression),
                                       e.rexpr.map(expression), location: location(e.location))
            }
        case PG_QUERY__NODE__NODE_BOOL_EXPR:
            let e = n.bool_expr.pointee
            let op = e.boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR ? "AND" : e.boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? "OR" : "NOT"
            return .bool(op, nodes(e.args, e.n_args).map(expression), location: location(e.location))
        case PG_QUERY__NODE__NODE_NULL_TEST:
            let e = n.null_test.pointee
            return .nullTest(e.arg.map(expression) ?? .null(location: nil),
                             isNotNull: e.nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL, location: location(e.location))
        default:
            break
        }
        return genericExpression(node)
    }

    /// Any other node: its name, its location, and every expression below it, found through
    /// protobuf-c's reflection so that no nested call goes unseen.
    func genericExpression(_ node: NodePointer) -> Expression {
        let kind = nodeTypeName(node)
        guard let inner = innerMessage(node) else { return .other(kind: kind, children: [], location: nil) }
        var children: [Expression] = []
        var loc: Int?
        collectChildren(of: inner, into: &children, location: &loc, nodeDescriptor: node.pointee.base.descriptor)
        return .other(kind: kind, children: children, location: loc)
    }

    private func collectChildren(of message: UnsafeMutablePointer<ProtobufCMessage>, into children: inout [Expression],
                                 location loc: inout Int?, nodeDescriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        let descriptor = message.pointee.descriptor.pointee
        let raw = UnsafeMutableRawPointer(message)
        for index in 0..<Int(descriptor.n_fields) {
            let field = descriptor.fields[index]
            if field.type == PROTOBUF_C_TYPE_INT32, loc == nil, String(cString: field.name) == "location" {
                let value = raw.load(fromByteOffset: Int(field.offset), as: Int32.self)
                loc = location(value)
                continue
            }
            guard field.type == PROTOBUF_C_TYPE_MESSAGE else { continue }
            let isNode = field.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) == nodeDescriptor
            func visit(_ pointer: UnsafeMutableRawPointer) {
                if isNode {
                    children.append(expression(pointer.assumingMemoryBound(to: PgQuery__Node.self)))
                } else {
                    var ignored: Int? = loc
                    collectChildren(of: pointer.assumingMemoryBound(to: ProtobufCMessage.self), into: &children,
                                    location: &ignored, nodeDescriptor: nodeDescriptor)
                }
            }
            if field.label == PROTOBUF_C_LABEL_REPEATED {
                let count = raw.load(fromByteOffset: Int(field.quantifier_offset), as: Int.self)
                guard count > 0, let array = raw.load(fromByteOffset: Int(field.offset), as: UnsafeMutablePointer<UnsafeMutableRawPointer?>?.self) else { continue }
                for i in 0..<count { if let element = array[i] { visit(element) } }
            } else if let pointer = raw.load(fromByteOffset: Int(field.offset), as: UnsafeMutableRawPointer?.self) {
                visit(pointer)
            }
        }
    }

    /// The message a `Node` wraps (the member of its oneof).
    private func innerMessage(_ node: NodePointer) -> UnsafeMutablePointer<ProtobufCMessage>? {
        let descriptor = node.pointee.base.descriptor.pointee
        let caseValue = node.pointee.node_case.rawValue
        for index in 0..<Int(descriptor.n_fields) where descriptor.fields[index].id == caseValue {
            let raw = UnsafeMutableRawPointer(node)
            return raw.load(fromByteOffset: Int(descriptor.fields[index].offset), as: UnsafeMutablePointer<ProtobufCMessage>?.self)
        }
        return nil
    }

    /// PostgreSQL's node name for a `Node` (`GrantStmt`), from the oneof field's name.
    func nodeTypeName(_ node: NodePointer) -> String {
        let descriptor = node.pointee.base.descriptor.pointee
        let caseValue = node.pointee.node_case.rawValue
        for index in 0..<Int(descriptor.n_fields) where descriptor.fields[index].id == caseValue {
            let field = descriptor.fields[index]
            if let message = field.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) {
                return String(cString: message.pointee.short_name)
            }
            return String(cString: field.name)
        }
        return "Unknown"
    }

    // MARK: Names and small values

    func rangeVar(_ pointer: UnsafeMutablePointer<PgQuery__RangeVar>) -> QualifiedName {
        let r = pointer.pointee
        let schema = string(r.schemaname)
        return QualifiedName(schema: schema.isEmpty ? nil : schema, name: string(r.relname), location: location(r.location))
    }

    func rangeVarNode(_ node: NodePointer) -> QualifiedName? {
        node.pointee.node_case == PG_QUERY__NODE__NODE_RANGE_VAR ? rangeVar(node.pointee.range_var) : nil
    }

    /// A dropped or renamed object's name: a list of strings, a function signature, a type name.
    func objectName(_ node: NodePointer?) -> QualifiedName? {
        guard let node else { return nil }
        let n = node.pointee
        switch n.node_case {
        case PG_QUERY__NODE__NODE_LIST: return qualified(strings(n.list.pointee.items, n.list.pointee.n_items))
        case PG_QUERY__NODE__NODE_STRING: return QualifiedName(name: string(n.string.pointee.sval))
        case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
            return qualified(strings(n.object_with_args.pointee.objname, n.object_with_args.pointee.n_objname))
        case PG_QUERY__NODE__NODE_TYPE_NAME:
            let t = typeName(n.type_name)
            return qualified(t.names)
        case PG_QUERY__NODE__NODE_RANGE_VAR: return rangeVar(n.range_var)
        default: return nil
        }
    }

    func qualified(_ parts: [String]) -> QualifiedName {
        QualifiedName(schema: parts.count > 1 ? parts[parts.count - 2] : nil, name: parts.last ?? "?")
    }

    func nodes(_ array: UnsafeMutablePointer<NodePointer?>?, _ count: Int) -> [NodePointer] {
        guard let array, count > 0 else { return [] }
        return (0..<count).compactMap { array[$0] }
    }

    /// The string values of a list of `String` nodes (names such as `["public", "users"]`).
    func strings(_ array: UnsafeMutablePointer<NodePointer?>?, _ count: Int) -> [String] {
        nodes(array, count).compactMap { node in
            node.pointee.node_case == PG_QUERY__NODE__NODE_STRING ? string(node.pointee.string.pointee.sval) : nil
        }
    }

    func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// A statement-relative location (-1 when unknown) as a file offset.
    func location(_ value: Int32) -> Int? { value >= 0 ? base + Int(value) : nil }

    func transactionKind(_ kind: PgQuery__TransactionStmtKind) -> TransactionKind {
        switch kind {
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN, PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: return .begin
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT: return .commit
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK: return .rollback
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT: return .savepoint
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE: return .release
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: return .rollbackToSavepoint
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE: return .prepare
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT_PREPARED: return .commitPrepared
        default: return .rollbackPrepared
        }
    }

    func relationKind(_ type: PgQuery__ObjectType) -> RelationKind {
        switch type {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return .table
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return .index
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return .view
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return .materializedView
        case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return .sequence
        case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return .foreignTable
        case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return .type
        default: return .other
        }
    }

    func objectKind(_ type: PgQuery__ObjectType) -> ObjectKind {
        switch type {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return .table
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return .index
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return .view
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return .materializedView
        case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return .sequence
        case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return .schema
        case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE: return .database
        case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return .type
        case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: return .domain
        case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION: return .function
        case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return .procedure
        case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: return .routine
        case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE: return .aggregate
        case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return .trigger
        case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION: return .extension
        case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: return .column
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT, PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT: return .constraint
        case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return .foreignTable
        case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return .policy
        case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return .rule
        case PG_QUERY__OBJECT_TYPE__OBJECT_COLLATION: return .collation
        default: return .other
        }
    }

    func sqlValueFunctionName(_ op: PgQuery__SQLValueFunctionOp) -> String {
        switch op {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: return "CURRENT_DATE"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME, PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N: return "CURRENT_TIME"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP, PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: return "CURRENT_TIMESTAMP"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME, PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N: return "LOCALTIME"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP, PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: return "LOCALTIMESTAMP"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: return "CURRENT_ROLE"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: return "CURRENT_USER"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: return "USER"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: return "SESSION_USER"
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: return "CURRENT_CATALOG"
        default: return "CURRENT_SCHEMA"
        }
    }

    func alterTableTypeName(_ type: PgQuery__AlterTableType) -> String {
        // The descriptor pointer must not outlive the closure: returning it from
        // `withUnsafePointer` left a dangling pointer and crashed on real migrations.
        withUnsafePointer(to: pg_query__alter_table_type__descriptor) { descriptor in
            guard let value = protobuf_c_enum_descriptor_get_value(descriptor, Int32(type.rawValue)) else { return "Unknown" }
            return String(cString: value.pointee.name).replacingOccurrences(of: "AT_", with: "")
        }
    }
}
