import SwiftSyntax

/// SQLKit 3.36's builders ending in `.run()` as its PostgreSQL dialect serializes them:
/// `create(index:)`, `drop(index:)`, `create(table:)`, `alter(table:)`, `drop(table:)`,
/// `create(enum:)`, `alter(enum:)`, `drop(enum:)`, and `update(_:)` / `delete(from:)` with
/// `.set` and `.where` / `.orWhere` whose values are literals (each a bind parameter `$n`, as
/// SQLKit sends them) or SQL expressions (`SQLRaw`, `SQLLiteral`, `SQLColumn`, ...). A value
/// whose Swift type decides between a bind and SQL (a variable) is not guessed: the chain is
/// listed as not analyzed. SQLKit 3.36's `create(index:)` has no `.where`: a partial index
/// needs `raw`.
struct SQLKitTranslator {
    let context: TranslationContext

    static let roots: Set<String> = ["create", "alter", "drop", "update", "delete"]

    func translate(_ calls: [ChainCall]) -> BuilderTranslation? {
        guard let terminal = calls.last, terminal.name == "run",
              let rootIndex = calls.firstIndex(where: { Self.roots.contains($0.name) && $0.arguments.first != nil }) else { return nil }
        let root = calls[rootIndex]
        guard let first = root.arguments.first else { return nil }
        let kind = "\(root.name)(\(first.label?.text ?? "_"):)"
        let fluent = FluentSchemaTranslator(context: context)
        let name = SQLPiece(text: identifier(first.expression, fluent), source: root.range)
        let verb = root.nameRange
        let steps = calls[(rootIndex + 1)..<(calls.count - 1)]
        func unknown(_ call: ChainCall) -> BuilderTranslation {
            .notAnalyzed([NotAnalyzed(range: call.range, reason: "`.\(call.name)(...)` on SQLKit's `\(kind)` is not translated by this linter: this builder chain is not analyzed")])
        }
        switch kind {
        case "create(index:)":
            var unique = false
            var table: SQLPiece?
            var columns: [SQLPiece] = []
            for call in steps {
                switch call.name {
                case "unique": unique = true
                case "on": table = call.arguments.first.map { SQLPiece(text: identifier($0.expression, fluent), source: call.range) }
                case "column": columns += call.arguments.map { SQLPiece(text: identifier($0.expression, fluent), source: call.range) }
                default: return unknown(call)
                }
            }
            guard let table else { return nil }
            var pieces = [SQLPiece(text: unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX", source: verb), SQLPiece(text: " ", source: nil), name,
                          SQLPiece(text: " ON ", source: nil), table, SQLPiece(text: " (", source: nil)]
            pieces += joined(columns)
            pieces.append(SQLPiece(text: ")", source: nil))
            return .statements([pieces])
        case "drop(index:)", "drop(table:)", "drop(enum:)":
            var ifExists = false
            var behavior = kind == "drop(enum:)" ? " RESTRICT" : ""
            var owner: SQLPiece?
            for call in steps {
                switch call.name {
                case "ifExists": ifExists = true
                case "cascade": behavior = " CASCADE"
                case "restrict": behavior = " RESTRICT"
                case "on" where kind == "drop(index:)": owner = call.arguments.first.map { SQLPiece(text: identifier($0.expression, fluent), source: call.range) }
                default: return unknown(call)
                }
            }
            let object = kind == "drop(index:)" ? "INDEX" : kind == "drop(table:)" ? "TABLE" : "TYPE"
            var pieces = [SQLPiece(text: "DROP \(object)\(ifExists ? " IF EXISTS" : "")", source: verb), SQLPiece(text: " ", source: nil), name]
            if let owner { pieces += [SQLPiece(text: " ON ", source: nil), owner] }
            pieces.append(SQLPiece(text: behavior, source: nil))
            return .statements([pieces])
        case "create(table:)", "alter(table:)":
            var ifNotExists = false
            var items: [SQLPiece] = []
            for call in steps {
                let arguments = Array(call.arguments)
                switch call.name {
                case "ifNotExists" where kind == "create(table:)": ifNotExists = true
                case "column", "modifyColumn", "update":
                    guard let column = arguments.first?.expression,
                          let typeArgument = arguments.first(where: { $0.label?.text == "type" })?.expression,
                          let type = fluent.sqlDataType(typeArgument) else { return unknown(call) }
                    var constraints: [String] = []
                    for argument in arguments.dropFirst(2) {
                        guard let constraint = fluent.columnConstraintAlgorithm(argument.expression) else { return unknown(call) }
                        constraints.append(constraint)
                    }
                    let columnSQL = identifier(column, fluent)
                    if call.name == "column" {
                        let definition = ([columnSQL, type] + constraints).joined(separator: " ")
                        items.append(SQLPiece(text: kind == "alter(table:)" ? "ADD " + definition : definition, source: call.range, startsColumn: true))
                    } else {
                        items.append(SQLPiece(text: "ALTER COLUMN \(columnSQL) SET DATA TYPE \(type)", source: call.range, startsColumn: true))
                    }
                case "dropColumn" where kind == "alter(table:)":
                    guard let column = arguments.first?.expression else { return unknown(call) }
                    items.append(SQLPiece(text: "DROP \(identifier(column, fluent))", source: call.range, startsColumn: true))
                default:
                    return unknown(call)
                }
            }
            if kind == "create(table:)" {
                var pieces = [SQLPiece(text: ifNotExists ? "CREATE TABLE IF NOT EXISTS" : "CREATE TABLE", source: verb), SQLPiece(text: " ", source: nil), name]
                if !items.isEmpty {
                    pieces.append(SQLPiece(text: " (", source: nil))
                    pieces += joined(items, separator: ",")
                    pieces.append(SQLPiece(text: "\n)", source: nil))
                }
                return .statements([pieces])
            }
            return .statements([[SQLPiece(text: "ALTER TABLE", source: verb), SQLPiece(text: " ", source: nil), name] + joined(items, separator: ",")])
        case "create(enum:)", "alter(enum:)":
            var values: [SQLPiece] = []
            for call in steps {
                guard call.name == (kind == "create(enum:)" ? "value" : "add"), let value = call.arguments.first?.expression else { return unknown(call) }
                values.append(SQLPiece(text: SQLSyntax.literal(fluent.key(value)), source: call.range))
            }
            if kind == "create(enum:)" {
                return .statements([[SQLPiece(text: "CREATE TYPE", source: verb), SQLPiece(text: " ", source: nil), name, SQLPiece(text: " AS ENUM (", source: nil)]
                    + joined(values) + [SQLPiece(text: ")", source: nil)]])
            }
            var pieces = [SQLPiece(text: "ALTER TYPE", source: verb), SQLPiece(text: " ", source: nil), name]
            if let value = values.first { pieces += [SQLPiece(text: " ADD VALUE ", source: nil), value] }
            return .statements([pieces])
        case "update(_:)", "delete(from:)":
            var assignments: [(call: ChainCall, value: SQLValue, column: String)] = []
            var predicates: [(call: ChainCall, predicate: Predicate)] = []
            for call in steps {
                switch call.name {
                case "set" where kind == "update(_:)":
                    let arguments = Array(call.arguments)
                    guard arguments.count == 2, arguments[1].label?.text == "to",
                          let column = columnName(arguments[0].expression, fluent),
                          let value = value(arguments[1].expression, fluent) else { return unknown(call) }
                    assignments.append((call, value, column))
                case "where", "orWhere":
                    guard let predicate = predicate(call, fluent) else { return unknown(call) }
                    predicates.append((call, predicate))
                default:
                    return unknown(call)
                }
            }
            // Binds are numbered as SQLKit serializes: the SET list, then the predicate.
            var binds = 0
            func text(_ value: SQLValue) -> String {
                switch value {
                case .sql(let text): return text
                case .bind: binds += 1; return "$\(binds)"
                case .bindGroup(let count):
                    let list = (0..<count).map { "$\(binds + 1 + $0)" }.joined(separator: ", ")
                    binds += count
                    return "(\(list))"
                }
            }
            var pieces = [SQLPiece(text: kind == "update(_:)" ? "UPDATE" : "DELETE FROM", source: verb), SQLPiece(text: " ", source: nil), name]
            if kind == "update(_:)" {
                pieces.append(SQLPiece(text: " SET ", source: nil))
                pieces += joined(assignments.map { SQLPiece(text: "\($0.column) = \(text($0.value))", source: $0.call.range) })
            }
            for (index, item) in predicates.enumerated() {
                let joiner = index == 0 ? " WHERE " : item.call.name == "orWhere" ? " OR " : " AND "
                pieces.append(SQLPiece(text: joiner, source: nil))
                let sql: String
                switch item.predicate {
                case .expression(let expression): sql = expression
                case .comparison(let left, let op, let right): sql = "\(left) \(op) \(text(right))"
                }
                pieces.append(SQLPiece(text: sql, source: item.call.range))
            }
            return .statements([pieces])
        default:
            return .notAnalyzed([NotAnalyzed(range: root.call.byteRange, reason: "SQLKit's `\(kind)` builder is not translated by this linter: this statement is not analyzed")])
        }
    }

    /// A value of `.set(_:to:)` or the right side of `.where`: a bind parameter or SQL.
    enum SQLValue {
        case bind
        /// `SQLBind.group` of an array: `($1, $2)`.
        case bindGroup(Int)
        case sql(String)
    }

    enum Predicate {
        case comparison(String, String, SQLValue)
        /// `.where(SQLRaw("..."))`: one expression.
        case expression(String)
    }

    /// `.where("col", .equal, 1)`, `.where("a", .equal, column: "b")`, `.where(SQLRaw("..."))`.
    private func predicate(_ call: ChainCall, _ fluent: FluentSchemaTranslator) -> Predicate? {
        let arguments = Array(call.arguments)
        if arguments.count == 1, arguments[0].label == nil {
            return sqlExpression(arguments[0].expression, fluent).map(Predicate.expression)
        }
        guard arguments.count == 3, arguments[0].label == nil, arguments[1].label == nil,
              let left = columnName(arguments[0].expression, fluent),
              let op = binaryOperator(arguments[1].expression, fluent) else { return nil }
        let right: SQLValue?
        switch arguments[2].label?.text {
        case "column": right = columnName(arguments[2].expression, fluent).map(SQLValue.sql)
        case nil: right = value(arguments[2].expression, fluent)
        default: right = nil
        }
        return right.map { .comparison(left, op, $0) }
    }

    /// A column as `SQLColumn` writes it: a string is an identifier, `"*"` is `*`.
    private func columnName(_ expression: ExprSyntax, _ fluent: FluentSchemaTranslator) -> String? {
        if let literal = expression.as(StringLiteralExprSyntax.self) {
            return LiteralValue.plain(literal, file: context.file.bytes).map { $0 == "*" ? "*" : SQLSyntax.identifier($0) }
        }
        if let value = context.resolveString(expression) { return SQLSyntax.identifier(value) }
        return sqlExpression(expression, fluent)
    }

    /// Swift literals are `Encodable` values, which SQLKit sends as bind parameters; SQL
    /// expressions are written out. Anything else could be either: nil.
    private func value(_ expression: ExprSyntax, _ fluent: FluentSchemaTranslator) -> SQLValue? {
        if expression.is(StringLiteralExprSyntax.self) || expression.is(IntegerLiteralExprSyntax.self)
            || expression.is(FloatLiteralExprSyntax.self) || expression.is(BooleanLiteralExprSyntax.self)
            || expression.is(NilLiteralExprSyntax.self) {
            return .bind
        }
        if let prefix = expression.as(PrefixOperatorExprSyntax.self), prefix.operator.text == "-",
           prefix.expression.is(IntegerLiteralExprSyntax.self) || prefix.expression.is(FloatLiteralExprSyntax.self) {
            return .bind
        }
        if let array = expression.as(ArrayExprSyntax.self), !array.elements.isEmpty,
           array.elements.allSatisfy({ if case .bind? = value($0.expression, fluent) { return true } else { return false } }) {
            return .bindGroup(array.elements.count)
        }
        if let call = expression.as(FunctionCallExprSyntax.self), call.calledExpression.trimmedDescription == "SQLBind", call.arguments.count == 1 {
            return .bind
        }
        return sqlExpression(expression, fluent).map(SQLValue.sql)
    }

    /// An `SQLExpression` written in the call: `SQLRaw`, `SQLIdentifier`, `SQLColumn`, `SQLLiteral`, `SQLFunction`.
    private func sqlExpression(_ expression: ExprSyntax, _ fluent: FluentSchemaTranslator) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self) {
            // `.null` alone could be `Optional.none`, a bind; `SQLLiteral.null` cannot.
            guard member.base?.trimmedDescription == "SQLLiteral" else { return nil }
            if member.declName.baseName.text == "default" { return "DEFAULT" }
        }
        if let call = expression.as(FunctionCallExprSyntax.self) {
            let callee = call.calledExpression.trimmedDescription
            if callee == "SQLLiteral.boolean", let value = call.arguments.first?.expression.as(BooleanLiteralExprSyntax.self) {
                return value.literal.text
            }
            if callee == "SQLColumn", call.arguments.count == 2, call.arguments.last?.label?.text == "table",
               let column = call.arguments.first?.expression, let table = call.arguments.last?.expression,
               let columnText = context.resolveString(column), let tableText = context.resolveString(table) {
                return SQLSyntax.identifier(tableText) + "." + SQLSyntax.identifier(columnText)
            }
            guard call.arguments.count == 1 || callee == "SQLFunction" else { return nil }
        }
        return fluent.rawExpression(expression)
    }

    /// `SQLBinaryOperator` as SQLKit writes it.
    private func binaryOperator(_ expression: ExprSyntax, _ fluent: FluentSchemaTranslator) -> String? {
        if let member = expression.as(MemberAccessExprSyntax.self), member.base == nil || member.base?.trimmedDescription == "SQLBinaryOperator" {
            return Self.operators[member.declName.baseName.text]
        }
        if let call = expression.as(FunctionCallExprSyntax.self), call.calledExpression.trimmedDescription == "SQLRaw" {
            return fluent.rawExpression(expression)
        }
        return nil
    }

    static let operators: [String: String] = [
        "equal": "=", "notEqual": "<>", "and": "AND", "or": "OR", "in": "IN", "notIn": "NOT IN",
        "greaterThan": ">", "greaterThanOrEqual": ">=", "lessThan": "<", "lessThanOrEqual": "<=",
        "is": "IS", "isNot": "IS NOT", "like": "LIKE", "notLike": "NOT LIKE",
        "multiply": "*", "divide": "/", "modulo": "%", "add": "+", "subtract": "-",
    ]

    private func identifier(_ expression: ExprSyntax, _ fluent: FluentSchemaTranslator) -> String {
        fluent.rawExpression(expression) ?? SQLSyntax.identifier(fluent.key(expression))
    }

    private func joined(_ pieces: [SQLPiece], separator: String = ", ") -> [SQLPiece] {
        var result: [SQLPiece] = []
        for (index, piece) in pieces.enumerated() {
            if index > 0 { result.append(SQLPiece(text: separator, source: nil)) }
            result.append(piece)
        }
        return result
    }
}
