import SwiftSyntax

/// SQLKit 3.36's builders ending in `.run()` as its PostgreSQL dialect serializes them:
/// `create(index:)`, `drop(index:)`, `create(table:)`, `alter(table:)`, `drop(table:)`,
/// `create(enum:)`, `alter(enum:)`, `drop(enum:)`. Builders whose SQL depends on values
/// (`update`, `delete`, `where`) are listed as not analyzed.
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
        default:
            return .notAnalyzed([NotAnalyzed(range: root.call.byteRange, reason: "SQLKit's `\(kind)` builder is not translated by this linter: this statement is not analyzed")])
        }
    }

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
