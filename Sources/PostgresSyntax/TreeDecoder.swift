/// Reads libpg_query's JSON parse tree straight into the typed tree: each node type is decoded
/// by its own function, which looks up the members it needs; nothing else is read.
///
/// `base` is the byte offset of the parsed text in the file, so every location it produces is a
/// file offset. libpg_query leaves out members that are zero, false or empty, so an absent
/// member reads as that.
struct TreeDecoder {
    let json: ParseTreeJSON
    let base: Int
    /// The statement's text, for the integer constants libpg_query 15-4.0.0 writes without their
    /// value (`-5` comes out as `{"ival":{}}`).
    let text: UnsafeBufferPointer<UInt8>

    /// A value in the JSON, by its entry index.
    typealias Ref = Int

    func member(_ object: Ref?, _ key: StaticString) -> Ref? {
        guard let object else { return nil }
        return json.member(object, key)
    }

    func string(_ object: Ref?, _ key: StaticString) -> String { json.string(member(object, key)) }
    func int(_ object: Ref?, _ key: StaticString) -> Int { json.int(member(object, key)) }
    func bool(_ object: Ref?, _ key: StaticString) -> Bool { json.bool(member(object, key)) }
    func nodes(_ object: Ref?, _ key: StaticString) -> ParseTreeJSON.Elements { json.elements(member(object, key)) }
    /// Whether member `key` holds the enum value `value`.
    func isEnum(_ object: Ref?, _ key: StaticString, _ value: StaticString) -> Bool {
        guard let member = member(object, key) else { return false }
        return json.matches(member, value)
    }

    /// The body of `node` when it is a node of type `type`.
    func body(_ node: Ref?, _ type: StaticString) -> Ref? {
        guard let node, let (name, body) = json.node(node), json.matches(name, type) else { return nil }
        return body
    }

    // MARK: Statements

    func statement(_ node: Ref?) -> Statement {
        guard let node, let (nameRef, s) = json.node(node) else { return .other("Empty") }
        let type = json.string(nameRef)
        switch type {
        case "AlterTableStmt": return alterTable(s)
        case "CreateStmt": return createTable(s)
        case "IndexStmt": return createIndex(s)
        case "DropStmt": return drop(s)
        case "RenameStmt": return rename(s)
        case "AlterObjectSchemaStmt":
            let kind = objectKind(member(s, "objectType"))
            let object = rangeVar(member(s, "relation")) ?? objectName(member(s, "object")) ?? QualifiedName(name: "?")
            return .setSchema(kind: kind, object: object, newSchema: string(s, "newschema"))
        case "TransactionStmt": return .transaction(transactionKind(member(s, "kind")))
        case "VariableSetStmt": return variableSet(s)
        case "TruncateStmt": return .truncate(nodes(s, "relations").compactMap(rangeVarNode))
        case "VacuumStmt": return vacuum(s)
        case "ClusterStmt": return .cluster(rangeVar(member(s, "relation")))
        case "ReindexStmt": return reindex(s)
        case "RefreshMatViewStmt":
            return .refreshMaterializedView(rangeVar(member(s, "relation")) ?? QualifiedName(name: "?"), concurrently: bool(s, "concurrent"))
        case "LockStmt":
            return .lockTable(nodes(s, "relations").compactMap(rangeVarNode), mode: LockMode(rawValue: int(s, "mode")) ?? .accessExclusive)
        case "UpdateStmt":
            return .update(rangeVar(member(s, "relation")) ?? QualifiedName(name: "?"), hasWhere: member(s, "whereClause") != nil)
        case "DeleteStmt":
            return .delete(rangeVar(member(s, "relation")) ?? QualifiedName(name: "?"), hasWhere: member(s, "whereClause") != nil)
        case "InsertStmt":
            return .insert(rangeVar(member(s, "relation")) ?? QualifiedName(name: "?"))
        case "AlterEnumStmt":
            if string(s, "oldVal").isEmpty {
                return .alterEnumAddValue(type: qualified(strings(s, "typeName")), value: string(s, "newVal"))
            }
            return .other("AlterEnumStmt")
        case "CreateTrigStmt":
            return .createTrigger(table: rangeVar(member(s, "relation")) ?? QualifiedName(name: "?"), name: string(s, "trigname"))
        case "CreateDomainStmt":
            return .createDomain(name: qualified(strings(s, "domainname")),
                                 base: member(s, "typeName").map(typeName) ?? TypeName(names: []),
                                 constraints: nodes(s, "constraints").compactMap(constraintNode))
        case "CreateEnumStmt":
            return .createEnum(qualified(strings(s, "typeName")))
        case "ViewStmt":
            let query = member(s, "query")
            return .createView(CreateView(relation: rangeVar(member(s, "view")) ?? QualifiedName(name: "?"), isMaterialized: false,
                                          orReplace: bool(s, "replace"), reads: relationsRead(by: query),
                                          columnsRead: columnsRead(by: query)))
        case "CreateTableAsStmt":
            let name = rangeVar(member(member(s, "into"), "rel")) ?? QualifiedName(name: "?")
            if isEnum(s, "objtype", "OBJECT_MATVIEW") {
                let query = member(s, "query")
                return .createView(CreateView(relation: name, isMaterialized: true, ifNotExists: bool(s, "if_not_exists"),
                                              reads: relationsRead(by: query), columnsRead: columnsRead(by: query)))
            }
            return .createTableAs(CreateTableAs(relation: name, reads: relationsRead(by: member(s, "query")),
                                                withData: !bool(member(s, "into"), "skipData")))
        case "CreateSeqStmt":
            return .createSequence(rangeVar(member(s, "sequence")) ?? QualifiedName(name: "?"))
        case "CreateFunctionStmt":
            var volatility = "volatile"
            for option in nodes(s, "options") {
                guard let element = body(option, "DefElem"), string(element, "defname") == "volatility",
                      let arg = member(element, "arg"), case .string(let value, _) = expression(arg) else { continue }
                volatility = value.lowercased()
            }
            return .createFunction(qualified(strings(s, "funcname")), volatility: volatility)
        case "CreateSchemaStmt": return .createSchema(string(s, "schemaname"))
        case "CreateExtensionStmt": return .createExtension(string(s, "extname"))
        case "CommentStmt":
            return .comment(kind: objectKind(member(s, "objtype")), object: objectName(member(s, "object")))
        case "CreateStatsStmt":
            return .createStatistics(on: nodes(s, "relations").compactMap(rangeVarNode))
        case "CreatePolicyStmt":
            return .createPolicy(table: rangeVar(member(s, "table")) ?? QualifiedName(name: "?"), name: string(s, "policy_name"))
        case "AlterPolicyStmt":
            return .alterPolicy(table: rangeVar(member(s, "table")) ?? QualifiedName(name: "?"), name: string(s, "policy_name"))
        case "SelectStmt":
            if let into = member(s, "intoClause") {
                return .createTableAs(CreateTableAs(relation: rangeVar(member(into, "rel")) ?? QualifiedName(name: "?"),
                                                    reads: relationsRead(by: s), isSelectInto: true))
            }
            return .select
        default:
            return .other(type)
        }
    }

    func alterTable(_ s: Ref) -> Statement {
        let relation = rangeVar(member(s, "relation")) ?? QualifiedName(name: "?")
        let actions = nodes(s, "cmds").compactMap { node in body(node, "AlterTableCmd").map(alterTableAction) }
        return .alterTable(AlterTable(relation: relation, kind: relationKind(member(s, "objtype")), ifExists: bool(s, "missing_ok"),
                                      actions: actions))
    }

    func alterTableAction(_ c: Ref) -> AlterTableAction {
        let name = string(c, "name")
        let behavior: DropBehavior = isEnum(c, "behavior", "DROP_CASCADE") ? .cascade : .restrict
        let subtype = json.string(member(c, "subtype"))
        let def = member(c, "def")
        switch subtype {
        case "AT_AddColumn", "AT_AddColumnRecurse":
            if let column = body(def, "ColumnDef") {
                return .addColumn(columnDefinition(column), ifNotExists: bool(c, "missing_ok"))
            }
        case "AT_DropColumn", "AT_DropColumnRecurse":
            return .dropColumn(name, ifExists: bool(c, "missing_ok"), behavior: behavior)
        case "AT_AlterColumnType":
            if let column = body(def, "ColumnDef") {
                return .alterColumnType(column: name, type: member(column, "typeName").map(typeName) ?? TypeName(names: []),
                                        using: member(column, "raw_default").map(expression))
            }
        case "AT_ColumnDefault":
            if let def { return .setDefault(column: name, expression(def)) }
            return .dropDefault(column: name)
        case "AT_SetNotNull": return .setNotNull(column: name)
        case "AT_DropNotNull": return .dropNotNull(column: name)
        case "AT_AddConstraint", "AT_AddConstraintRecurse":
            if let def, let constraint = constraintNode(def) { return .addConstraint(constraint) }
        case "AT_ValidateConstraint", "AT_ValidateConstraintRecurse":
            return .validateConstraint(name)
        case "AT_DropConstraint", "AT_DropConstraintRecurse":
            return .dropConstraint(name, ifExists: bool(c, "missing_ok"), behavior: behavior)
        case "AT_AddIdentity": return .addIdentity(column: name)
        case "AT_SetTableSpace": return .setTablespace(name)
        case "AT_SetLogged": return .setLogged
        case "AT_SetUnLogged": return .setUnlogged
        case "AT_SetAccessMethod": return .setAccessMethod(name)
        case "AT_AttachPartition", "AT_DetachPartition", "AT_DetachPartitionFinalize":
            if let cmd = body(def, "PartitionCmd") {
                let partition = rangeVar(member(cmd, "name")) ?? QualifiedName(name: "?")
                switch subtype {
                case "AT_AttachPartition": return .attachPartition(partition)
                case "AT_DetachPartition": return .detachPartition(partition, concurrently: bool(cmd, "concurrent"))
                default: return .detachPartitionFinalize(partition)
                }
            }
        default:
            break
        }
        return .other(subtype.hasPrefix("AT_") ? String(subtype.dropFirst(3)) : subtype, column: name.isEmpty ? nil : name)
    }

    func createTable(_ s: Ref) -> Statement {
        var columns: [ColumnDefinition] = []
        var constraints: [Constraint] = nodes(s, "constraints").compactMap(constraintNode)
        var hasLike = false
        for element in nodes(s, "tableElts") {
            if body(element, "TableLikeClause") != nil {
                hasLike = true
            } else if let column = body(element, "ColumnDef") {
                columns.append(columnDefinition(column))
            } else if let constraint = constraintNode(element) {
                constraints.append(constraint)
            }
        }
        let relation = member(s, "relation")
        let persistence = relation.map { string($0, "relpersistence") } ?? "p"
        let partitionOf = member(s, "partbound") != nil ? nodes(s, "inhRelations").compactMap(rangeVarNode).first : nil
        return .createTable(CreateTable(
            relation: rangeVar(relation) ?? QualifiedName(name: "?"), columns: columns, constraints: constraints,
            ifNotExists: bool(s, "if_not_exists"), partitionOf: partitionOf, isPartitioned: member(s, "partspec") != nil,
            isTemporary: persistence == "t", isUnlogged: persistence == "u",
            hasColumnsFromElsewhere: hasLike || !nodes(s, "inhRelations").isEmpty || member(s, "ofTypename") != nil))
    }

    func createIndex(_ s: Ref) -> Statement {
        let columns = nodes(s, "indexParams").compactMap { node -> IndexColumn? in
            guard let element = body(node, "IndexElem") else { return nil }
            let name = string(element, "name")
            return IndexColumn(name: name.isEmpty ? nil : name, expression: member(element, "expr").map(expression))
        }
        let name = string(s, "idxname")
        return .createIndex(CreateIndex(
            name: name.isEmpty ? nil : name, relation: rangeVar(member(s, "relation")) ?? QualifiedName(name: "?"),
            isUnique: bool(s, "unique"), isConcurrent: bool(s, "concurrent"), ifNotExists: bool(s, "if_not_exists"),
            columns: columns, accessMethod: string(s, "accessMethod"), hasWhere: member(s, "whereClause") != nil))
    }

    func drop(_ s: Ref) -> Statement {
        let kind = objectKind(member(s, "removeType"))
        var objects: [QualifiedName] = []
        var onTable: QualifiedName?
        for object in nodes(s, "objects") {
            if [.trigger, .rule, .policy].contains(kind), let list = body(object, "List") {
                // `DROP TRIGGER name ON schema.table` arrives as [schema, table, name].
                var parts = strings(list, "items")
                let name = parts.popLast() ?? "?"
                onTable = qualified(parts)
                objects.append(QualifiedName(name: name))
            } else if let name = objectName(object) {
                objects.append(name)
            }
        }
        return .drop(Drop(kind: kind, objects: objects, onTable: onTable, ifExists: bool(s, "missing_ok"),
                          isConcurrent: bool(s, "concurrent"),
                          behavior: isEnum(s, "behavior", "DROP_CASCADE") ? .cascade : .restrict))
    }

    func rename(_ s: Ref) -> Statement {
        let kind = objectKind(member(s, "renameType"))
        let object = rangeVar(member(s, "relation")) ?? objectName(member(s, "object")) ?? QualifiedName(name: "?")
        let subname = string(s, "subname")
        return .rename(Rename(kind: kind, object: object, subname: subname.isEmpty ? nil : subname,
                              newName: string(s, "newname"), ifExists: bool(s, "missing_ok")))
    }

    func variableSet(_ s: Ref) -> Statement {
        let kind: VariableSet.Kind
        switch json.string(member(s, "kind")) {
        case "VAR_SET_VALUE": kind = .set
        case "VAR_SET_DEFAULT": kind = .setDefault
        case "VAR_RESET": kind = .reset
        case "VAR_RESET_ALL": kind = .resetAll
        default: kind = .other
        }
        let values = nodes(s, "args").map { node -> String in
            switch expression(node) {
            case .integer(let v, _): return String(v)
            case .float(let v, _), .string(let v, _): return v
            case .boolean(let v, _): return v ? "on" : "off"
            default: return "?"
            }
        }
        return .variableSet(VariableSet(kind: kind, name: string(s, "name").lowercased(),
                                        value: values.isEmpty ? nil : values.joined(separator: ", "), isLocal: bool(s, "is_local")))
    }

    func vacuum(_ s: Ref) -> Statement {
        var full = false
        for option in nodes(s, "options") {
            guard let element = body(option, "DefElem"), string(element, "defname").lowercased() == "full" else { continue }
            // `FULL` alone, or `(FULL true)`; `(FULL false)` turns it off.
            if let arg = member(element, "arg") {
                switch expression(arg) {
                case .boolean(false, _): continue
                case .string(let v, _) where ["false", "off", "0"].contains(v.lowercased()): continue
                default: break
                }
            }
            full = true
        }
        let relations = nodes(s, "rels").compactMap { node in body(node, "VacuumRelation").flatMap { rangeVar(member($0, "relation")) } }
        return .vacuum(full: full, isAnalyzeOnly: !bool(s, "is_vacuumcmd"), relations: relations)
    }

    func reindex(_ s: Ref) -> Statement {
        var concurrently = false
        for option in nodes(s, "params") {
            guard let element = body(option, "DefElem"), string(element, "defname").lowercased() == "concurrently" else { continue }
            if let arg = member(element, "arg"), case .boolean(false, _) = expression(arg) { continue }
            concurrently = true
        }
        let kind: ObjectKind
        switch json.string(member(s, "kind")) {
        case "REINDEX_OBJECT_INDEX": kind = .index
        case "REINDEX_OBJECT_TABLE": kind = .table
        case "REINDEX_OBJECT_SCHEMA": kind = .schema
        default: kind = .database
        }
        let name = string(s, "name")
        return .reindex(kind: kind, name: rangeVar(member(s, "relation")) ?? (name.isEmpty ? nil : QualifiedName(name: name)),
                        concurrently: concurrently)
    }

    // MARK: Clauses

    func columnDefinition(_ c: Ref) -> ColumnDefinition {
        var constraints = nodes(c, "constraints").compactMap(constraintNode)
        if let rawDefault = member(c, "raw_default") {
            constraints.append(Constraint(kind: .defaultValue(expression(rawDefault))))
        }
        if bool(c, "is_not_null"), !constraints.contains(where: { $0.kind == .notNull }) {
            constraints.append(Constraint(kind: .notNull))
        }
        return ColumnDefinition(name: string(c, "colname"), type: member(c, "typeName").map(typeName), constraints: constraints,
                                location: location(of: c))
    }

    func constraintNode(_ node: Ref) -> Constraint? {
        guard let c = body(node, "Constraint") else { return nil }
        let kind: Constraint.Kind
        let type = json.string(member(c, "contype"))
        let expression = member(c, "raw_expr").map(self.expression) ?? .null(location: nil)
        switch type {
        case "CONSTR_NULL": kind = .null
        case "CONSTR_NOTNULL": kind = .notNull
        case "CONSTR_DEFAULT": kind = .defaultValue(expression)
        case "CONSTR_IDENTITY": kind = .identity(always: string(c, "generated_when") == "a")
        case "CONSTR_GENERATED": kind = .generated(expression)
        case "CONSTR_CHECK": kind = .check(expression)
        case "CONSTR_PRIMARY": kind = .primaryKey
        case "CONSTR_UNIQUE": kind = .unique
        case "CONSTR_EXCLUSION": kind = .exclusion
        case "CONSTR_FOREIGN":
            kind = .foreignKey(references: rangeVar(member(c, "pktable")) ?? QualifiedName(name: "?"),
                               referencedColumns: strings(c, "pk_attrs"))
        case "CONSTR_ATTR_DEFERRABLE": kind = .deferrable
        case "CONSTR_ATTR_NOT_DEFERRABLE": kind = .notDeferrable
        case "CONSTR_ATTR_DEFERRED": kind = .initiallyDeferred
        default: kind = .initiallyImmediate
        }
        let columns = type == "CONSTR_FOREIGN" ? strings(c, "fk_attrs") : strings(c, "keys")
        let name = string(c, "conname")
        let index = string(c, "indexname")
        return Constraint(kind: kind, name: name.isEmpty ? nil : name, columns: columns,
                          isNotValid: bool(c, "skip_validation"), usingIndex: index.isEmpty ? nil : index,
                          location: location(of: c))
    }

    func typeName(_ t: Ref) -> TypeName {
        let modifiers = nodes(t, "typmods").map { node -> Int? in
            if case .integer(let v, _) = expression(node) { return v }
            return nil
        }
        return TypeName(names: strings(t, "names"), modifiers: modifiers, isArray: !nodes(t, "arrayBounds").isEmpty,
                        location: location(of: t))
    }

    func expression(_ node: Ref) -> Expression {
        guard let (nameRef, n) = json.node(node) else { return .other(kind: "Unknown", children: [], location: nil) }
        let type = json.string(nameRef)
        switch type {
        case "A_Const":
            let loc = location(of: n)
            if bool(n, "isnull") { return .null(location: loc) }
            if let value = member(n, "ival") { return .integer(integerConstant(member(value, "ival"), at: loc), location: loc) }
            if let value = member(n, "fval") { return .float(string(value, "fval"), location: loc) }
            if let value = member(n, "boolval") { return .boolean(bool(value, "boolval"), location: loc) }
            if let value = member(n, "sval") { return .string(string(value, "sval"), location: loc) }
            if let value = member(n, "bsval") { return .string(string(value, "bsval"), location: loc) }
            return .integer(0, location: loc)
        case "Integer": return .integer(int(n, "ival"), location: nil)
        case "String": return .string(string(n, "sval"), location: nil)
        case "Float": return .float(string(n, "fval"), location: nil)
        case "Boolean": return .boolean(bool(n, "boolval"), location: nil)
        case "FuncCall":
            return .functionCall(name: strings(n, "funcname").map { $0.lowercased() },
                                 arguments: nodes(n, "args").map(expression), location: location(of: n))
        case "SQLValueFunction":
            return .sqlValueFunction(sqlValueFunctionName(member(n, "op")), location: location(of: n))
        case "TypeCast":
            return .typeCast(member(n, "arg").map(expression) ?? .null(location: nil),
                             member(n, "typeName").map(typeName) ?? TypeName(names: []), location: location(of: n))
        case "ColumnRef":
            return .columnReference(strings(n, "fields"), location: location(of: n))
        case "A_Expr":
            if isEnum(n, "kind", "AEXPR_OP") {
                return .binaryOperator(strings(n, "name").joined(separator: "."), member(n, "lexpr").map(expression),
                                       member(n, "rexpr").map(expression), location: location(of: n))
            }
        case "BoolExpr":
            let op = isEnum(n, "boolop", "AND_EXPR") ? "AND" : isEnum(n, "boolop", "OR_EXPR") ? "OR" : "NOT"
            return .bool(op, nodes(n, "args").map(expression), location: location(of: n))
        case "NullTest":
            return .nullTest(member(n, "arg").map(expression) ?? .null(location: nil),
                             isNotNull: isEnum(n, "nulltesttype", "IS_NOT_NULL"), location: location(of: n))
        default:
            break
        }
        return genericExpression(type, n)
    }

    /// An integer constant's value. libpg_query 15-4.0.0 writes a negative one as `{}`, the form
    /// of zero, so an empty value is read back from the statement's text at its location.
    func integerConstant(_ value: Ref?, at location: Int?) -> Int {
        if value != nil { return json.int(value) }
        guard let location else { return 0 }
        var index = location - base
        guard index >= 0, index < text.count, text[index] == UInt8(ascii: "-") else { return 0 }
        index += 1
        while index < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index += 1 } // `- 7`
        var magnitude = 0
        while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { return 0 }
            magnitude = times &+ Int(text[index] - UInt8(ascii: "0"))
            index += 1
        }
        return -magnitude
    }

    /// Any other node: its name, its location, and every expression below it, so that no nested
    /// call goes unseen. Members holding a node are expressions; other objects (a `RangeVar`, a
    /// `TypeName` typed as such) are searched for nodes in turn.
    func genericExpression(_ kind: String, _ body: Ref) -> Expression {
        var children: [Expression] = []
        var loc: Int?
        collectChildren(of: body, into: &children, location: &loc)
        return .other(kind: kind, children: children, location: loc)
    }

    private func collectChildren(of object: Ref, into children: inout [Expression], location loc: inout Int?) {
        for (key, value) in json.members(object) {
            if loc == nil, json.matches(key, "location") {
                loc = location(json.int(value))
                continue
            }
            visit(value, into: &children)
        }
    }

    private func visit(_ value: Ref, into children: inout [Expression]) {
        switch json.entries[value].kind {
        case .object:
            if json.node(value) != nil {
                children.append(expression(value))
            } else {
                var ignored: Int? = -1
                collectChildren(of: value, into: &children, location: &ignored)
            }
        case .array:
            for element in json.elements(value) { visit(element, into: &children) }
        default:
            break
        }
    }

    /// The relations a query names, each once, in the order written: every `RangeVar` below it
    /// except the target of `INTO` and the names of its common table expressions.
    func relationsRead(by query: Ref?) -> [QualifiedName] {
        guard let query else { return [] }
        var found: [QualifiedName] = []
        var cteNames: Set<String> = []
        collectRelations(query, into: &found, cteNames: &cteNames)
        var seen: Set<String> = []
        return found.filter { name in
            !(name.schema == nil && cteNames.contains(name.name)) && seen.insert(name.qualified).inserted
        }
    }

    /// The columns a query names, each once, with the relation each belongs to when the query
    /// shows it: a qualifier naming a relation (or its alias), or the query's only relation when it
    /// has no subquery or common table expression in which a bare name could live. Columns of a
    /// subquery's or common table expression's alias are left out: they are columns of the
    /// relations read inside it, named there.
    func columnsRead(by query: Ref?) -> [CreateView.ColumnRead] {
        guard let query else { return [] }
        var scope = ColumnScope()
        collectColumns(query, into: &scope)
        let relations = relationsRead(by: query)
        let only = relations.count == 1 && scope.derived.isEmpty ? relations.first : nil
        var seen: Set<String> = []
        var found: [CreateView.ColumnRead] = []
        for fields in scope.references {
            guard let column = fields.last else { continue }
            var relation: QualifiedName?
            switch fields.count {
            case 1:
                relation = only
            case 2:
                if scope.derived.contains(fields[0]) { continue }
                relation = scope.aliases[fields[0]]
                if relation == nil { continue }
            default:
                relation = QualifiedName(schema: fields[fields.count - 3], name: fields[fields.count - 2])
            }
            let read = CreateView.ColumnRead(relation: relation, column: column)
            if seen.insert("\(relation?.qualified ?? "")|\(column)").inserted { found.append(read) }
        }
        return found
    }

    /// What `collectColumns` gathers: the column references (their name parts, `*` for a star),
    /// each relation's alias (or name), and the aliases of subqueries and common table expressions.
    struct ColumnScope {
        var references: [[String]] = []
        var aliases: [String: QualifiedName] = [:]
        var derived: Set<String> = []
    }

    private func collectColumns(_ value: Ref, into scope: inout ColumnScope) {
        switch json.entries[value].kind {
        case .object:
            if let (type, nodeBody) = json.node(value) {
                if json.matches(type, "RangeVar") {
                    if let name = rangeVar(nodeBody) {
                        let alias = string(member(nodeBody, "alias"), "aliasname")
                        scope.aliases[alias.isEmpty ? name.name : alias] = name
                    }
                    return
                }
                if json.matches(type, "ColumnRef") {
                    scope.references.append(nodes(nodeBody, "fields").map { field in
                        body(field, "String").map { string($0, "sval") } ?? "*"
                    })
                    return
                }
                if json.matches(type, "CommonTableExpr") { scope.derived.insert(string(nodeBody, "ctename")) }
                if json.matches(type, "RangeSubselect") || json.matches(type, "RangeFunction") {
                    let alias = string(member(nodeBody, "alias"), "aliasname")
                    scope.derived.insert(alias)
                }
            }
            for (_, member) in json.members(value) { collectColumns(member, into: &scope) }
        case .array:
            for element in json.elements(value) { collectColumns(element, into: &scope) }
        default:
            break
        }
    }

    private func collectRelations(_ value: Ref, into found: inout [QualifiedName], cteNames: inout Set<String>) {
        switch json.entries[value].kind {
        case .object:
            if let (type, nodeBody) = json.node(value) {
                if json.matches(type, "RangeVar") {
                    if let name = rangeVar(nodeBody) { found.append(name) }
                    return
                }
                if json.matches(type, "CommonTableExpr") { cteNames.insert(string(nodeBody, "ctename")) }
            }
            for (key, member) in json.members(value) where !json.matches(key, "intoClause") {
                collectRelations(member, into: &found, cteNames: &cteNames)
            }
        case .array:
            for element in json.elements(value) { collectRelations(element, into: &found, cteNames: &cteNames) }
        default:
            break
        }
    }

    // MARK: Names and small values

    func rangeVar(_ r: Ref?) -> QualifiedName? {
        guard let r else { return nil }
        let schema = string(r, "schemaname")
        return QualifiedName(schema: schema.isEmpty ? nil : schema, name: string(r, "relname"), location: location(of: r))
    }

    func rangeVarNode(_ node: Ref) -> QualifiedName? {
        rangeVar(body(node, "RangeVar"))
    }

    /// A dropped or renamed object's name: a list of strings, a function signature, a type name.
    func objectName(_ node: Ref?) -> QualifiedName? {
        guard let node, let (nameRef, n) = json.node(node) else { return nil }
        switch json.string(nameRef) {
        case "List": return qualified(strings(n, "items"))
        case "String": return QualifiedName(name: string(n, "sval"))
        case "ObjectWithArgs": return qualified(strings(n, "objname"))
        case "TypeName": return qualified(typeName(n).names)
        case "RangeVar": return rangeVar(n)
        default: return nil
        }
    }

    func qualified(_ parts: [String]) -> QualifiedName {
        QualifiedName(parts: parts.isEmpty ? ["?"] : parts)
    }

    /// The string values of a list of `String` nodes (names such as `["public", "users"]`).
    func strings(_ object: Ref?, _ key: StaticString) -> [String] {
        nodes(object, key).compactMap { node in body(node, "String").map { string($0, "sval") } }
    }

    /// The object's `location` (statement-relative; -1 when unknown, absent when 0) as a file offset.
    func location(of object: Ref) -> Int? { location(int(object, "location")) }

    func location(_ value: Int) -> Int? { value >= 0 ? base + value : nil }

    func transactionKind(_ kind: Ref?) -> TransactionKind {
        switch json.string(kind) {
        case "TRANS_STMT_BEGIN", "TRANS_STMT_START": return .begin
        case "TRANS_STMT_COMMIT": return .commit
        case "TRANS_STMT_ROLLBACK": return .rollback
        case "TRANS_STMT_SAVEPOINT": return .savepoint
        case "TRANS_STMT_RELEASE": return .release
        case "TRANS_STMT_ROLLBACK_TO": return .rollbackToSavepoint
        case "TRANS_STMT_PREPARE": return .prepare
        case "TRANS_STMT_COMMIT_PREPARED": return .commitPrepared
        default: return .rollbackPrepared
        }
    }

    func relationKind(_ type: Ref?) -> RelationKind {
        switch json.string(type) {
        case "OBJECT_TABLE": return .table
        case "OBJECT_INDEX": return .index
        case "OBJECT_VIEW": return .view
        case "OBJECT_MATVIEW": return .materializedView
        case "OBJECT_SEQUENCE": return .sequence
        case "OBJECT_FOREIGN_TABLE": return .foreignTable
        case "OBJECT_TYPE": return .type
        default: return .other
        }
    }

    func objectKind(_ type: Ref?) -> ObjectKind {
        switch json.string(type) {
        case "OBJECT_TABLE": return .table
        case "OBJECT_INDEX": return .index
        case "OBJECT_VIEW": return .view
        case "OBJECT_MATVIEW": return .materializedView
        case "OBJECT_SEQUENCE": return .sequence
        case "OBJECT_SCHEMA": return .schema
        case "OBJECT_DATABASE": return .database
        case "OBJECT_TYPE": return .type
        case "OBJECT_DOMAIN": return .domain
        case "OBJECT_FUNCTION": return .function
        case "OBJECT_PROCEDURE": return .procedure
        case "OBJECT_ROUTINE": return .routine
        case "OBJECT_AGGREGATE": return .aggregate
        case "OBJECT_TRIGGER": return .trigger
        case "OBJECT_EXTENSION": return .extension
        case "OBJECT_COLUMN": return .column
        case "OBJECT_TABCONSTRAINT", "OBJECT_DOMCONSTRAINT": return .constraint
        case "OBJECT_FOREIGN_TABLE": return .foreignTable
        case "OBJECT_POLICY": return .policy
        case "OBJECT_RULE": return .rule
        case "OBJECT_COLLATION": return .collation
        default: return .other
        }
    }

    func sqlValueFunctionName(_ op: Ref?) -> String {
        switch json.string(op) {
        case "SVFOP_CURRENT_DATE": return "CURRENT_DATE"
        case "SVFOP_CURRENT_TIME", "SVFOP_CURRENT_TIME_N": return "CURRENT_TIME"
        case "SVFOP_CURRENT_TIMESTAMP", "SVFOP_CURRENT_TIMESTAMP_N": return "CURRENT_TIMESTAMP"
        case "SVFOP_LOCALTIME", "SVFOP_LOCALTIME_N": return "LOCALTIME"
        case "SVFOP_LOCALTIMESTAMP", "SVFOP_LOCALTIMESTAMP_N": return "LOCALTIMESTAMP"
        case "SVFOP_CURRENT_ROLE": return "CURRENT_ROLE"
        case "SVFOP_CURRENT_USER": return "CURRENT_USER"
        case "SVFOP_USER": return "USER"
        case "SVFOP_SESSION_USER": return "SESSION_USER"
        case "SVFOP_CURRENT_CATALOG": return "CURRENT_CATALOG"
        default: return "CURRENT_SCHEMA"
        }
    }
}
