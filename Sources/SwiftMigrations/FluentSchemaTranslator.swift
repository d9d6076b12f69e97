import SwiftSyntax

/// Fluent's schema builder (`database.schema("users")...create()`) as the SQL that FluentKit
/// 1.57's `SQLSchemaConverter` with FluentPostgresDriver 2.14's `PostgresConverterDelegate` and
/// PostgresKit's dialect sends: identifiers in double quotes, data types from the delegate,
/// constraint names `uq:<table>.<field>` and `fk:<table>.<field>+<table>.<field>`.
struct FluentSchemaTranslator {
    let context: TranslationContext
    private var failures: [NotAnalyzed] = []
    /// Parts of a translated chain that stand in for something unknown (a data type defined
    /// in another file): the statement is checked, these parts are listed.
    private(set) var unknownParts: [NotAnalyzed] = []

    init(context: TranslationContext) { self.context = context }

    private struct Schema {
        var table = ""
        var tableKnown = true
        var tableSQL = ""
        var ifNotExists = false
        var createFields: [SQLPiece] = []
        var createConstraints: [SQLPiece] = []
        var deleteFields: [SQLPiece] = []
        var deleteConstraints: [SQLPiece] = []
        var updateFields: [SQLPiece] = []
    }

    mutating func translate(_ calls: [ChainCall]) -> BuilderTranslation? {
        guard let schemaIndex = calls.firstIndex(where: { $0.name == "schema" }), let terminal = calls.last,
              ["create", "update", "delete"].contains(terminal.name), schemaIndex < calls.count - 1 else { return nil }
        let schemaCall = calls[schemaIndex]
        var schema = Schema()
        guard let nameArgument = schemaCall.arguments.first?.expression else { return nil }
        schema.table = key(nameArgument)
        schema.tableKnown = isKnownKey(nameArgument)
        let space = schemaCall.arguments.first { $0.label?.text == "space" }.map { key($0.expression) }
        schema.tableSQL = (space.map { SQLSyntax.identifier($0) + "." } ?? "") + SQLSyntax.identifier(schema.table)
        for call in calls[(schemaIndex + 1)..<(calls.count - 1)] {
            apply(call, to: &schema)
        }
        if !failures.isEmpty { return .notAnalyzed(failures) }
        let verbRange = terminal.range
        let table = SQLPiece(text: schema.tableSQL, source: schemaCall.range)
        var pieces: [SQLPiece] = []
        switch terminal.name {
        case "create":
            pieces.append(SQLPiece(text: schema.ifNotExists ? "CREATE TABLE IF NOT EXISTS" : "CREATE TABLE", source: verbRange))
            pieces.append(SQLPiece(text: " ", source: nil))
            pieces.append(table)
            let items = schema.createFields + schema.createConstraints
            if !items.isEmpty {
                pieces.append(SQLPiece(text: " (", source: nil))
                for (index, item) in items.enumerated() {
                    if index > 0 { pieces.append(SQLPiece(text: ",", source: nil)) }
                    pieces.append(item)
                }
                pieces.append(SQLPiece(text: "\n)", source: nil))
            }
        case "update":
            pieces.append(SQLPiece(text: "ALTER TABLE", source: verbRange))
            pieces.append(SQLPiece(text: " ", source: nil))
            pieces.append(table)
            let alterations = schema.createFields.map { prefixed("ADD ", $0) } + schema.createConstraints.map { prefixed("ADD ", $0) }
                + schema.deleteFields.map { prefixed("DROP ", $0) } + schema.deleteConstraints.map { prefixed("DROP ", $0) }
                + schema.updateFields.map { prefixed("ALTER COLUMN ", $0) }
            for (index, item) in alterations.enumerated() {
                if index > 0 { pieces.append(SQLPiece(text: ",", source: nil)) }
                pieces.append(item)
            }
        default:
            pieces.append(SQLPiece(text: "DROP TABLE", source: verbRange))
            pieces.append(SQLPiece(text: " ", source: nil))
            pieces.append(table)
        }
        return .statements([pieces])
    }

    private func prefixed(_ verb: String, _ piece: SQLPiece) -> SQLPiece {
        SQLPiece(text: verb + piece.text, source: piece.source, startsColumn: true)
    }

    private mutating func failCall(_ call: ChainCall, _ reason: String) {
        failures.append(NotAnalyzed(range: call.range, reason: reason))
    }

    private mutating func fail(_ node: some SyntaxProtocol, _ reason: String) {
        failures.append(NotAnalyzed(range: node.byteRange, reason: reason))
    }

    private mutating func apply(_ call: ChainCall, to schema: inout Schema) {
        let arguments = Array(call.arguments)
        let unlabeled = arguments.filter { $0.label == nil }.map(\.expression)
        func labeled(_ name: String) -> ExprSyntax? { arguments.first { $0.label?.text == name }?.expression }
        let column = { (text: String) in SQLPiece(text: text, source: call.range, startsColumn: true) }
        switch call.name {
        case "id":
            schema.createFields.append(column("\"id\" UUID PRIMARY KEY"))
        case "field":
            if unlabeled.count == 1 {
                // `.field(.definition(name:dataType:constraints:))`, `.field(.sql(...))`, `.field(.custom(...))`.
                guard let sql = custom(unlabeled[0]) ?? definition(unlabeled[0]) else {
                    return failCall(call, "`\(shortened(call))` is a field this linter cannot translate: this builder chain is not analyzed")
                }
                schema.createFields.append(column(sql))
                return
            }
            guard unlabeled.count >= 2 else { return failCall(call, "`\(shortened(call))`: a field needs a name and a data type") }
            guard let sql = fieldDefinition(name: unlabeled[0], type: unlabeled[1], constraints: Array(unlabeled.dropFirst(2))) else { return }
            schema.createFields.append(column(sql))
        case "unique":
            let fieldExpressions = arguments.filter { $0.label == nil || $0.label?.text == "on" }.map(\.expression)
            let fields = fieldExpressions.map(key)
            let name = labeled("name").map(key) ?? constraintName("uq", table: schema.table, tableKnown: schema.tableKnown, fields: fieldExpressions)
            schema.createConstraints.append(column("CONSTRAINT \(SQLSyntax.identifier(name)) UNIQUE (\(fields.map(SQLSyntax.identifier).joined(separator: ", ")))"))
        case "compositeIdentifier":
            let fields = arguments.map { key($0.expression) }
            schema.createConstraints.append(column("PRIMARY KEY (\(fields.map(SQLSyntax.identifier).joined(separator: ", ")))"))
        case "foreignKey":
            guard unlabeled.count >= 2, let foreignSchema = labeled("references") else {
                return failCall(call, "`\(shortened(call))` is a foreign key this linter cannot translate")
            }
            let local = keys(unlabeled[0])
            let foreign = keys(unlabeled[1])
            let space = labeled("inSpace").flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : key($0) }
            let foreignTable = (space.map { SQLSyntax.identifier($0) + "." } ?? "") + SQLSyntax.identifier(key(foreignSchema))
            guard let onDelete = action(labeled("onDelete")), let onUpdate = action(labeled("onUpdate")) else {
                return failCall(call, "`\(shortened(call))`: a foreign-key action this linter does not know")
            }
            let keyExpressions = [unlabeled[0], unlabeled[1]].flatMap { $0.as(ArrayExprSyntax.self)?.elements.map(\.expression) ?? [$0] }
            let name = labeled("name").flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : key($0) }
                ?? constraintName("fk", table: schema.table, tableKnown: schema.tableKnown, fields: keyExpressions)
            schema.createConstraints.append(column("CONSTRAINT \(SQLSyntax.identifier(name)) FOREIGN KEY (\(local.map(SQLSyntax.identifier).joined(separator: ", "))) REFERENCES \(foreignTable) (\(foreign.map(SQLSyntax.identifier).joined(separator: ", "))) ON DELETE \(onDelete) ON UPDATE \(onUpdate)"))
        case "constraint":
            guard let argument = unlabeled.first, let sql = custom(argument) ?? constraintValue(argument, table: schema.table) else {
                return failCall(call, "`\(shortened(call))` is a constraint this linter cannot translate: this builder chain is not analyzed")
            }
            schema.createConstraints.append(column(sql))
        case "deleteField":
            guard let argument = unlabeled.first else { return failCall(call, "`\(shortened(call))`: no field") }
            schema.deleteFields.append(column(custom(argument) ?? SQLSyntax.identifier(key(argument))))
        case "updateField":
            if unlabeled.count == 1, let sql = custom(unlabeled[0]) {
                schema.updateFields.append(SQLPiece(text: sql, source: call.range, startsColumn: true))
                return
            }
            guard unlabeled.count == 2 else { return failCall(call, "`\(shortened(call))` is a field update this linter cannot translate") }
            guard let type = dataType(unlabeled[1]) else { return }
            schema.updateFields.append(column("\(SQLSyntax.identifier(key(unlabeled[0]))) SET DATA TYPE \(type)"))
        case "deleteConstraint":
            if let name = labeled("name") {
                schema.deleteConstraints.append(column("CONSTRAINT \(SQLSyntax.identifier(key(name)))"))
            } else if let argument = unlabeled.first, let sql = custom(argument) {
                schema.deleteConstraints.append(column(sql))
            } else if let argument = unlabeled.first?.as(FunctionCallExprSyntax.self), memberName(argument.calledExpression) == "name",
                      let name = argument.arguments.first?.expression {
                schema.deleteConstraints.append(column("CONSTRAINT \(SQLSyntax.identifier(key(name)))"))
            } else {
                failCall(call, "`\(shortened(call))` is a constraint deletion this linter cannot translate")
            }
        case "deleteUnique":
            let name = constraintName("uq", table: schema.table, tableKnown: schema.tableKnown, fields: arguments.map(\.expression))
            schema.deleteConstraints.append(column("CONSTRAINT \(SQLSyntax.identifier(name))"))
        case "deleteForeignKey":
            guard let name = labeled("name") else { return failCall(call, "`\(shortened(call))`: no name") }
            schema.deleteConstraints.append(column("CONSTRAINT \(SQLSyntax.identifier(key(name)))"))
        case "ignoreExisting":
            schema.ifNotExists = true
        default:
            failCall(call, "`.\(call.name)(...)` is not a schema builder call this linter knows: this builder chain is not analyzed")
        }
    }

    private func shortened(_ call: ChainCall) -> String { MigrationWalker.shortened(call.call.trimmedDescription) }

    // MARK: Values

    /// A field or table name: a literal, `.id`, `.string("x")`, a constant of this file, or, when
    /// its value is not in this file, the Swift expression itself as the name.
    /// Whether `key(_:)` finds the name's value in this file.
    func isKnownKey(_ expression: ExprSyntax) -> Bool {
        key(expression) != expression.trimmedDescription || expression.is(StringLiteralExprSyntax.self)
            || (expression.as(MemberAccessExprSyntax.self).map { $0.base == nil && $0.declName.baseName.text == "id" } ?? false)
    }

    /// Fluent's generated constraint name (`uq:users.email`); when a name it is made of is set
    /// in another file, the name is not known here and is not invented.
    func constraintName(_ prefix: String, table: String, tableKnown: Bool, fields: [ExprSyntax]) -> String {
        guard tableKnown, fields.allSatisfy(isKnownKey) else { return prefix + ":(name made at run time)" }
        return prefix + ":" + fields.map { "\(table).\(key($0))" }.joined(separator: "+")
    }

    func key(_ expression: ExprSyntax) -> String {
        if let member = expression.as(MemberAccessExprSyntax.self), member.base == nil, member.declName.baseName.text == "id" { return "id" }
        if let call = expression.as(FunctionCallExprSyntax.self),
           ["string", "FieldKey", "init", "key"].contains(memberName(call.calledExpression) ?? ""), let argument = call.arguments.first?.expression {
            return key(argument)
        }
        if let value = context.resolveString(expression) { return value }
        return expression.trimmedDescription
    }

    /// `"a"` or `["a", "b"]`.
    func keys(_ expression: ExprSyntax) -> [String] {
        if let array = expression.as(ArrayExprSyntax.self) { return array.elements.map { key($0.expression) } }
        return [key(expression)]
    }

    func memberName(_ expression: ExprSyntax) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self) { return member.declName.baseName.text }
        if let reference = expression.as(DeclReferenceExprSyntax.self) { return reference.baseName.text }
        return nil
    }

    /// `.cascade` as `CASCADE`; a missing argument is Fluent's default, `NO ACTION`.
    func action(_ expression: ExprSyntax?) -> String? {
        guard let expression else { return "NO ACTION" }
        switch memberName(expression) {
        case "noAction": return "NO ACTION"
        case "restrict": return "RESTRICT"
        case "cascade": return "CASCADE"
        case "setNull": return "SET NULL"
        case "setDefault": return "SET DEFAULT"
        default: return nil
        }
    }

    /// `.sql(unsafeRaw: "...")`, `.sql(embed: "...")`, `.custom("...")`, `.sql(SQLRaw("..."))`: the SQL itself.
    func custom(_ expression: ExprSyntax) -> String? {
        guard let call = expression.as(FunctionCallExprSyntax.self), let name = memberName(call.calledExpression),
              name == "sql" || name == "custom", let first = call.arguments.first else { return nil }
        let label = first.label?.text
        if ["unsafeRaw", "raw", "embed"].contains(label ?? "") || (name == "custom" && label == nil) {
            return context.resolveString(first.expression) ?? rawExpression(first.expression)
        }
        if label == nil, let raw = rawExpression(first.expression) { return raw }
        return nil
    }

    /// `SQLRaw("x")`, `SQLIdentifier("x")`, `SQLLiteral.string("x")`, `SQLFunction("now")` as SQL.
    func rawExpression(_ expression: ExprSyntax) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self) {
            switch member.declName.baseName.text {
            case "null": return "NULL"
            case "all": return "*"
            case "default": return "DEFAULT"
            default: return nil
            }
        }
        guard let call = expression.as(FunctionCallExprSyntax.self) else { return nil }
        let callee = call.calledExpression.trimmedDescription
        let arguments = Array(call.arguments)
        func string(_ index: Int) -> String? { index < arguments.count ? context.resolveString(arguments[index].expression) : nil }
        switch callee {
        case "SQLRaw", "SQLQueryString": return string(0)
        case "SQLIdentifier", "SQLColumn": return string(0).map(SQLSyntax.identifier)
        case "SQLLiteral.string", ".string": return string(0).map(SQLSyntax.literal)
        case "SQLLiteral.numeric", ".numeric": return string(0)
        case "SQLFunction":
            guard let name = string(0) else { return nil }
            var parameters: [String] = []
            if let args = arguments.first(where: { $0.label?.text == "args" })?.expression {
                let list = args.as(ArrayExprSyntax.self).map { $0.elements.map(\.expression) } ?? [args]
                for item in list {
                    guard let value = rawExpression(item) ?? defaultLiteral(item) else { return nil }
                    parameters.append(value)
                }
            }
            return "\(name)(\(parameters.joined(separator: ", ")))"
        default: return nil
        }
    }

    /// A value as SQLKit writes it as a literal: strings quoted, numbers and booleans bare.
    func defaultLiteral(_ expression: ExprSyntax) -> String? {
        if let literal = expression.as(StringLiteralExprSyntax.self) { return LiteralValue.plain(literal, file: context.file.bytes).map(SQLSyntax.literal) }
        if expression.is(IntegerLiteralExprSyntax.self) { return expression.trimmedDescription.replacingAll("_", with: "") }
        if let float = expression.as(FloatLiteralExprSyntax.self) {
            return Double(float.literal.text.replacingAll("_", with: "")).map { "\($0)" }
        }
        if let prefix = expression.as(PrefixOperatorExprSyntax.self), prefix.operator.text == "-", let value = defaultLiteral(prefix.expression) { return "-" + value }
        if let boolean = expression.as(BooleanLiteralExprSyntax.self) { return boolean.literal.text }
        if let call = expression.as(FunctionCallExprSyntax.self), call.calledExpression.trimmedDescription.hasSuffix("boolean"),
           let value = call.arguments.first?.expression.as(BooleanLiteralExprSyntax.self) {
            return value.literal.text
        }
        if let value = context.resolveString(expression) { return SQLSyntax.literal(value) }
        return rawExpression(expression)
    }

    /// `name TYPE constraints` as `SQLColumnDefinition` writes it.
    private mutating func fieldDefinition(name: ExprSyntax, type: ExprSyntax, constraints: [ExprSyntax]) -> String? {
        let columnName = custom(name) ?? SQLSyntax.identifier(key(name))
        guard let typeSQL = dataType(type) else { return nil }
        var parts = [columnName, typeSQL]
        for constraint in constraints {
            guard let sql = fieldConstraint(constraint) else {
                fail(constraint, "`\(MigrationWalker.shortened(constraint.trimmedDescription))` is a field constraint this linter cannot translate: this builder chain is not analyzed")
                return nil
            }
            parts.append(sql)
        }
        return parts.joined(separator: " ")
    }

    /// `.definition(name:dataType:constraints:)`.
    private mutating func definition(_ expression: ExprSyntax) -> String? {
        guard let call = expression.as(FunctionCallExprSyntax.self), memberName(call.calledExpression) == "definition" else { return nil }
        let arguments = Array(call.arguments)
        guard let name = arguments.first(where: { $0.label?.text == "name" })?.expression,
              let type = arguments.first(where: { $0.label?.text == "dataType" })?.expression else { return nil }
        var nameExpression = name
        if let keyCall = name.as(FunctionCallExprSyntax.self), memberName(keyCall.calledExpression) == "key", let inner = keyCall.arguments.first?.expression {
            nameExpression = inner
        }
        let constraints = arguments.first { $0.label?.text == "constraints" }?.expression.as(ArrayExprSyntax.self)?.elements.map(\.expression) ?? []
        return fieldDefinition(name: nameExpression, type: type, constraints: constraints)
    }

    /// A `DatabaseSchema.DataType` as FluentPostgresDriver's converter delegate writes it.
    mutating func dataType(_ expression: ExprSyntax) -> String? {
        if let name = memberName(expression), expression.is(MemberAccessExprSyntax.self), let sql = Self.simpleTypes[name] { return sql }
        if let enumName = context.resolveEnum(expression) { return SQLSyntax.identifier(enumName) }
        if let call = expression.as(FunctionCallExprSyntax.self), let name = memberName(call.calledExpression) {
            switch name {
            case "array":
                guard let element = call.arguments.first?.expression, !element.is(NilLiteralExprSyntax.self) else { return "JSONB" }
                // The delegate writes `T[]` for a type it knows, JSONB for `.custom` / `.sql`.
                if let inner = custom(element) { _ = inner; return "JSONB" }
                guard let inner = dataType(element) else { return nil }
                return inner + "[]"
            case "dictionary":
                return "JSONB"
            case "enum":
                if let argument = call.arguments.first?.expression {
                    if let enumCall = argument.as(FunctionCallExprSyntax.self),
                       let nameArgument = enumCall.arguments.first(where: { $0.label?.text == "name" })?.expression {
                        return SQLSyntax.identifier(key(nameArgument))
                    }
                    if let enumName = context.resolveEnum(argument) { return SQLSyntax.identifier(enumName) }
                }
            case "sql", "custom":
                if let sql = custom(expression) { return sql }
                if let argument = call.arguments.first?.expression, let sql = sqlDataType(argument) { return sql }
            default:
                break
            }
        }
        // A data type this file does not define (`.varchar(100)` from an extension elsewhere):
        // the column is checked under the Swift expression's name, and the type is listed.
        let text = MigrationWalker.shortened(expression.trimmedDescription)
        unknownParts.append(NotAnalyzed(range: expression.byteRange, reason: "`\(text)` is a data type defined outside this file: the column is checked with its type unknown", kind: .unknownPart, standIn: text))
        return SQLSyntax.identifier(text)
    }

    static let simpleTypes: [String: String] = [
        "string": "TEXT", "int": "BIGINT", "int64": "BIGINT", "uint": "BIGINT", "uint64": "BIGINT",
        "int32": "INT", "uint32": "INT", "int16": "SMALLINT", "uint16": "SMALLINT", "int8": "\"char\"", "uint8": "\"char\"",
        "bool": "BOOL", "uuid": "UUID", "date": "DATE", "datetime": "TIMESTAMPTZ", "time": "TIME", "float": "FLOAT",
        "double": "DOUBLE PRECISION", "data": "BYTEA", "json": "JSONB", "dictionary": "JSONB", "array": "JSONB",
    ]

    /// SQLKit's `SQLDataType` as PostgresKit's dialect writes it.
    func sqlDataType(_ expression: ExprSyntax) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self) {
            switch member.declName.baseName.text {
            case "smallint": return "SMALLINT"
            case "int": return "INTEGER"
            case "bigint": return "BIGINT"
            case "text": return "TEXT"
            case "real": return "REAL"
            case "blob": return "BYTEA"
            default: return nil
            }
        }
        if let call = expression.as(FunctionCallExprSyntax.self), memberName(call.calledExpression) == "custom",
           let argument = call.arguments.first?.expression {
            let sql = rawExpression(argument)
            return sql == "TIMESTAMP" ? "TIMESTAMPTZ" : sql
        }
        return rawExpression(expression)
    }

    /// A `DatabaseSchema.FieldConstraint`.
    func fieldConstraint(_ expression: ExprSyntax) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self), member.declName.baseName.text == "required" { return "NOT NULL" }
        guard let call = expression.as(FunctionCallExprSyntax.self), let name = memberName(call.calledExpression) else { return nil }
        let arguments = Array(call.arguments)
        func labeled(_ label: String) -> ExprSyntax? { arguments.first { $0.label?.text == label }?.expression }
        let unlabeled = arguments.filter { $0.label == nil }.map(\.expression)
        switch name {
        case "identifier":
            let auto = labeled("auto")?.as(BooleanLiteralExprSyntax.self)?.literal.text
            if auto == "true" { return "PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY" }
            return auto == "false" ? "PRIMARY KEY" : nil
        case "references", "foreignKey":
            guard unlabeled.count >= 2, let onDelete = action(labeled("onDelete")), let onUpdate = action(labeled("onUpdate")) else { return nil }
            let space = labeled("space").flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : key($0) }
            var field = unlabeled[1]
            if let keyCall = field.as(FunctionCallExprSyntax.self), memberName(keyCall.calledExpression) == "key", let inner = keyCall.arguments.first?.expression {
                field = inner
            }
            let table = (space.map { SQLSyntax.identifier($0) + "." } ?? "") + SQLSyntax.identifier(key(unlabeled[0]))
            return "REFERENCES \(table) (\(SQLSyntax.identifier(key(field)))) ON DELETE \(onDelete) ON UPDATE \(onUpdate)"
        case "sql", "custom":
            if let sql = custom(expression) { return sql }
            guard let argument = unlabeled.first else { return nil }
            return columnConstraintAlgorithm(argument)
        default:
            return nil
        }
    }

    /// SQLKit's `SQLColumnConstraintAlgorithm`.
    func columnConstraintAlgorithm(_ expression: ExprSyntax) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self) {
            switch member.declName.baseName.text {
            case "notNull": return "NOT NULL"
            case "unique": return "UNIQUE"
            case "primaryKey": return "PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY"
            default: return nil
            }
        }
        guard let call = expression.as(FunctionCallExprSyntax.self), let name = memberName(call.calledExpression) else { return nil }
        let arguments = Array(call.arguments)
        guard let first = arguments.first?.expression else { return nil }
        switch name {
        case "default": return defaultLiteral(first).map { "DEFAULT \($0)" }
        case "check": return rawExpression(first).map { "CHECK (\($0))" }
        case "collate": return context.resolveString(first).map { "COLLATE \(SQLSyntax.identifier($0))" }
        case "generated": return rawExpression(first).map { "GENERATED ALWAYS AS (\($0)) STORED" }
        case "primaryKey":
            let auto = arguments.first { $0.label?.text == "autoIncrement" }?.expression.as(BooleanLiteralExprSyntax.self)?.literal.text
            return auto == "false" ? "PRIMARY KEY" : "PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY"
        case "references":
            guard arguments.count >= 2 else { return nil }
            var sql = "REFERENCES \(SQLSyntax.identifier(key(arguments[0].expression))) (\(SQLSyntax.identifier(key(arguments[1].expression))))"
            if let onDelete = arguments.first(where: { $0.label?.text == "onDelete" })?.expression {
                guard let action = action(onDelete) else { return nil }
                sql += " ON DELETE \(action)"
            }
            if let onUpdate = arguments.first(where: { $0.label?.text == "onUpdate" })?.expression {
                guard let action = action(onUpdate) else { return nil }
                sql += " ON UPDATE \(action)"
            }
            return sql
        case "custom": return rawExpression(first) ?? context.resolveString(first)
        default: return nil
        }
    }

    /// `.constraint(.unique(fields: [...]), name: ...)` and `.constraint(.foreignKey(...), name: ...)`.
    func constraintValue(_ expression: ExprSyntax, table: String) -> String? {
        guard let call = expression.as(FunctionCallExprSyntax.self), memberName(call.calledExpression) == "constraint",
              let algorithm = call.arguments.first?.expression.as(FunctionCallExprSyntax.self) else { return nil }
        let customName = call.arguments.first { $0.label?.text == "name" }?.expression
        let fieldKeys = { (expression: ExprSyntax) -> [String] in
            (expression.as(ArrayExprSyntax.self)?.elements.map(\.expression) ?? [expression]).map { item -> String in
                if let keyCall = item.as(FunctionCallExprSyntax.self), memberName(keyCall.calledExpression) == "key", let inner = keyCall.arguments.first?.expression {
                    return key(inner)
                }
                return key(item)
            }
        }
        switch memberName(algorithm.calledExpression) {
        case "unique":
            guard let fields = algorithm.arguments.first?.expression else { return nil }
            let names = fieldKeys(fields)
            let name = customName.flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : key($0) } ?? "uq:" + names.map { "\(table).\($0)" }.joined(separator: "+")
            return "CONSTRAINT \(SQLSyntax.identifier(name)) UNIQUE (\(names.map(SQLSyntax.identifier).joined(separator: ", ")))"
        case "compositeIdentifier":
            guard let fields = algorithm.arguments.first?.expression else { return nil }
            return "PRIMARY KEY (\(fieldKeys(fields).map(SQLSyntax.identifier).joined(separator: ", ")))"
        default:
            return nil
        }
    }
}

/// Fluent's enum builder (`database.enum("status").case("active").create()`) as FluentPostgresDriver
/// runs it: `CREATE TYPE ... AS ENUM`, one `ALTER TYPE ... ADD VALUE` per new case, `DROP TYPE`.
struct FluentEnumTranslator {
    let context: TranslationContext

    func translate(_ calls: [ChainCall]) -> BuilderTranslation? {
        guard let enumIndex = calls.firstIndex(where: { $0.name == "enum" }), let terminal = calls.last,
              ["create", "update", "delete", "read"].contains(terminal.name), enumIndex < calls.count - 1,
              let nameArgument = calls[enumIndex].arguments.first?.expression else { return nil }
        let schema = FluentSchemaTranslator(context: context)
        let name = SQLPiece(text: SQLSyntax.identifier(schema.key(nameArgument)), source: calls[enumIndex].range)
        var cases: [SQLPiece] = []
        for call in calls[(enumIndex + 1)..<(calls.count - 1)] {
            switch call.name {
            case "case":
                guard let value = call.arguments.first?.expression else { continue }
                cases.append(SQLPiece(text: SQLSyntax.literal(schema.key(value)), source: call.range))
            case "deleteCase":
                // PostgreSQL cannot drop an enum value; FluentPostgresDriver only logs it.
                continue
            default:
                return .notAnalyzed([NotAnalyzed(range: call.range, reason: "`.\(call.name)(...)` is not an enum builder call this linter knows: this builder chain is not analyzed")])
            }
        }
        let verb = terminal.range
        switch terminal.name {
        case "create":
            var pieces = [SQLPiece(text: "CREATE TYPE", source: verb), SQLPiece(text: " ", source: nil), name,
                          SQLPiece(text: " AS ENUM (", source: nil)]
            for (index, value) in cases.enumerated() {
                if index > 0 { pieces.append(SQLPiece(text: ", ", source: nil)) }
                pieces.append(value)
            }
            pieces.append(SQLPiece(text: ")", source: nil))
            return .statements([pieces])
        case "update":
            return .statements(cases.map { value in
                [SQLPiece(text: "ALTER TYPE", source: verb), SQLPiece(text: " ", source: nil), name,
                 SQLPiece(text: " ADD VALUE ", source: nil), value]
            })
        case "delete":
            return .statements([[SQLPiece(text: "DROP TYPE", source: verb), SQLPiece(text: " ", source: nil), name,
                                 SQLPiece(text: " RESTRICT", source: nil)]])
        default:
            return .statements([])
        }
    }
}
