import MigrationLint
import PostgresSyntax
import SwiftSyntax

/// A piece of SQL a builder call generates, and the call that generated it.
struct SQLPiece {
    var text: String
    /// The Swift code it stands for; nil for separators.
    var source: Range<Int>?
    /// Starts a column definition: it goes on a line of its own, after the `// nullable:`
    /// comments of the call at `source`.
    var startsColumn = false
}

/// Walks the up methods of a file's migration types in source order and writes the SQL they send.
struct MigrationWalker {
    let file: SourceText
    let tree: SourceFileSyntax
    var sql = MappedSQL()
    var analyzedStrings = 0
    var analyzedBuilders = 0
    var notAnalyzed: [NotAnalyzed] = []

    /// `//` comments of the file: byte range and text after the slashes.
    private let comments: [(range: Range<Int>, text: String)]
    private var emittedComments = Set<Int>()
    /// `migration-lint-ignore-file:` comments already written into the current part: each
    /// migration type is linted on its own, and a file-wide suppression speaks for all of them.
    private(set) var partFileSuppressions = Set<Int>()
    /// String values the file defines by name (`static let email: FieldKey = "email"`), for
    /// names used in more than one type.
    private let fileValues: [String: ExprSyntax]

    // The method being walked.
    private var type: MigrationType?
    private var locals: [String: ExprSyntax] = [:]
    private var loopVariables = Set<String>()
    private var parameters = Set<String>()
    /// SQL strings bound to a name and not yet sent: sent where a raw call names them.
    private var pendingStrings: [(name: String, expression: ExprSyntax)] = []
    private var sentStrings = Set<Int>()
    /// Calls made on a schema builder kept in a variable, before its `.create()` / `.update()`.
    private var builderCalls: [String: [ChainCall]] = [:]
    private var inlining = Set<String>()

    init(file: SourceText, tree: SourceFileSyntax) {
        self.file = file
        self.tree = tree
        self.comments = Self.lineComments(in: tree)
        self.fileValues = Self.namedValues(in: tree)
    }

    // MARK: Methods

    mutating func startPart() {
        partFileSuppressions = []
    }

    mutating func walkMethod(_ method: FunctionDeclSyntax, in type: MigrationType) {
        guard let body = method.body else { return }
        self.type = type
        locals = [:]
        loopVariables = []
        parameters = []
        pendingStrings = []
        builderCalls = [:]
        collectLocals(Syntax(body))
        walk(Syntax(body))
        // SQL kept in a constant that no call this walk understood sends: still checked, where it is written.
        for pending in pendingStrings where !sentStrings.contains(pending.expression.position.utf8Offset) {
            if looksLikeSQL(pending.expression) { emitString(pending.expression, anchor: pending.expression) }
        }
        pendingStrings = []
    }

    private mutating func collectLocals(_ node: Syntax) {
        if let binding = node.as(PatternBindingSyntax.self), let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text,
           let value = binding.initializer?.value {
            locals[name] = value
        }
        if let loop = node.as(ForStmtSyntax.self), let name = loop.pattern.as(IdentifierPatternSyntax.self)?.identifier.text {
            loopVariables.insert(name)
        }
        if let closure = node.as(ClosureExprSyntax.self), let signature = closure.signature {
            for name in signature.parameterNames { loopVariables.insert(name) }
        }
        // `future.flatMap { value in ... }`: the closure's parameter is what the future yields
        // (an enum type, for `database.enum(...).create().flatMap { type in ... }`).
        if let call = node.as(FunctionCallExprSyntax.self), let member = call.calledExpression.as(MemberAccessExprSyntax.self),
           ["flatMap", "map", "then", "flatMapThrowing"].contains(member.declName.baseName.text), let base = member.base,
           let closure = call.trailingClosure ?? call.arguments.last?.expression.as(ClosureExprSyntax.self),
           let name = closure.signature?.parameterNames.first {
            locals[name] = base
        }
        for child in node.children(viewMode: .sourceAccurate) { collectLocals(child) }
    }

    private mutating func walk(_ node: Syntax) {
        if node.is(FunctionDeclSyntax.self) { return }
        if let call = node.as(FunctionCallExprSyntax.self), handle(call) { return }
        if let literal = node.as(StringLiteralExprSyntax.self) {
            if !sentStrings.contains(literal.position.utf8Offset), looksLikeSQL(ExprSyntax(literal)) {
                emitString(ExprSyntax(literal), anchor: ExprSyntax(literal))
            }
            return
        }
        if let variable = node.as(VariableDeclSyntax.self), deferStrings(variable) { return }
        if let branch = node.as(IfExprSyntax.self) { walkIf(branch); return }
        if let switchExpression = node.as(SwitchExprSyntax.self) { walkSwitch(switchExpression); return }
        for child in node.children(viewMode: .sourceAccurate) { walk(child) }
    }

    /// `let sql = "..."`: the SQL is sent where a call names it, not where it is written.
    private mutating func deferStrings(_ variable: VariableDeclSyntax) -> Bool {
        var deferred = false
        for binding in variable.bindings {
            guard let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text,
                  let value = binding.initializer?.value, isStringExpression(value) else { continue }
            pendingStrings.append((name, value))
            deferred = true
        }
        return deferred && variable.bindings.count == 1
    }

    private func isStringExpression(_ expression: ExprSyntax) -> Bool {
        if expression.is(StringLiteralExprSyntax.self) { return true }
        if let sequence = expression.as(SequenceExprSyntax.self) {
            return sequence.elements.allSatisfy { $0.is(StringLiteralExprSyntax.self) || $0.as(BinaryOperatorExprSyntax.self)?.operator.text == "+" }
        }
        return false
    }

    // MARK: Branches on the database

    enum Dialect { case postgres, other, unknown }

    /// Which database a condition tests for: the PostgreSQL path is linted, the others are not.
    static func dialect(of condition: String) -> Dialect {
        let text = condition.lowercased()
        let negated = text.hasPrefix("!")
        let other = ["sqlitedatabase", "mysqldatabase", ".sqlite", ".mysql", "\"sqlite\"", "\"mysql\"", "mongo"].contains { text.contains($0) }
        let postgres = ["postgresdatabase", ".psql", ".postgres", "\"postgresql\"", "\"postgres\"", "as? sqldatabase", "as? any sqldatabase", "as? (any sqldatabase)"].contains { text.contains($0) }
        let dialect: Dialect = other ? .other : postgres ? .postgres : .unknown
        guard negated else { return dialect }
        switch dialect {
        case .postgres: return .other
        case .other: return .postgres
        case .unknown: return .unknown
        }
    }

    private mutating func walkIf(_ branch: IfExprSyntax) {
        for condition in branch.conditions { walk(Syntax(condition)) }
        let dialect = Self.dialect(of: branch.conditions.trimmedDescription)
        if dialect != .other { walk(Syntax(branch.body)) }
        guard let elseBody = branch.elseBody, dialect != .postgres else { return }
        switch elseBody {
        case .ifExpr(let nested): walkIf(nested)
        case .codeBlock(let block): walk(Syntax(block))
        }
    }

    private mutating func walkSwitch(_ switchExpression: SwitchExprSyntax) {
        walk(Syntax(switchExpression.subject))
        for item in switchExpression.cases {
            guard case .switchCase(let switchCase) = item else { walk(Syntax(item)); continue }
            if case .case(let label) = switchCase.label, Self.dialect(of: label.caseItems.trimmedDescription) == .other { continue }
            walk(Syntax(switchCase.statements))
        }
    }

    // MARK: Calls

    static let rawCalls: Set<String> = ["raw", "simpleQuery", "unsafeRaw"]
    static let queryCalls: Set<String> = ["query", "execute", "run", "exec", "executeQuery"]
    static let rawTypes: Set<String> = ["SQLQueryString", "PostgresQuery", "SQLRaw"]

    /// Handles a call; true when its arguments need no further walk.
    private mutating func handle(_ call: FunctionCallExprSyntax) -> Bool {
        let chain = ChainCall.flatten(call, file: file)
        guard let last = chain.calls.last else { return false }
        let name = last.name
        if ["create", "update", "delete", "read", "run"].contains(name), call.arguments.isEmpty, call.trailingClosure == nil {
            if let translated = translateBuilder(chain) {
                if translated { return true }
            }
        }
        if let base = chain.base?.as(DeclReferenceExprSyntax.self), let bound = locals[base.baseName.text],
           ChainCall.flatten(bound, file: file).calls.contains(where: { $0.name == "schema" }) {
            // `builder.field(...)` on a schema builder kept in a variable: sent with its `.create()`.
            builderCalls[base.baseName.text, default: []] += chain.calls
            return true
        }
        if name == "transaction" || name == "withTransaction", let closure = call.trailingClosure ?? call.arguments.last?.expression.as(ClosureExprSyntax.self) {
            let at = last.nameRange
            startStatement(lines: lineSpan(at))
            sql.generate("BEGIN", for: at, file: file.bytes)
            sql.plain(";\n")
            walk(Syntax(closure.statements))
            sql.generate("COMMIT", for: closure.rightBrace.positionAfterSkippingLeadingTrivia.utf8Offset..<closure.rightBrace.endPositionBeforeTrailingTrivia.utf8Offset, file: file.bytes)
            sql.plain(";\n")
            return true
        }
        if chain.calls.count == 1, chain.base == nil || chain.base?.trimmedDescription == "self",
           let type, let helper = type.methods.first(where: { $0.methodName == name && !SwiftMigrationReader.upMethods.contains(name) && !SwiftMigrationReader.downMethods.contains(name) }),
           !inlining.contains(name), let body = helper.body {
            // A helper method of the migration: its SQL runs here.
            for argument in call.arguments { walk(Syntax(argument)) }
            inlining.insert(name)
            let savedParameters = parameters
            for parameter in helper.signature.parameterClause.parameters {
                parameters.insert((parameter.secondName ?? parameter.firstName).text)
            }
            collectLocals(Syntax(body))
            walk(Syntax(body))
            parameters = savedParameters
            inlining.remove(name)
            return true
        }
        let isRawCall = Self.rawCalls.contains(name) || (chain.calls.count == 1 && chain.base == nil && Self.rawTypes.contains(name))
        if isRawCall || Self.queryCalls.contains(name), let argument = sqlArgument(of: call, rawCall: isRawCall) {
            let style: InterpolationStyle = (name == "query" || name == "PostgresQuery" || name == "simpleQuery") ? .postgresQuery : .sqlQueryString
            if canRead(argument) {
                emitString(argument, anchor: ExprSyntax(call), style: style)
                for other in call.arguments.dropFirst() { walk(Syntax(other)) }
                if let closure = call.trailingClosure { walk(Syntax(closure)) }
                return true
            }
            if isRawCall || isRunTimeString(argument) {
                if !coveredElsewhere(argument) {
                    let range = argument.positionAfterSkippingLeadingTrivia.utf8Offset..<argument.endPositionBeforeTrailingTrivia.utf8Offset
                    notAnalyzed.append(NotAnalyzed(range: range, reason: "SQL built at run time (`\(Self.shortened(argument.trimmedDescription))`) is not analyzed", kind: .runTimeSQL))
                }
                for other in call.arguments.dropFirst() { walk(Syntax(other)) }
                return true
            }
        }
        return false
    }

    /// The argument that holds the SQL of a raw call: the first unlabelled one, or `query:` / `sql:`.
    private func sqlArgument(of call: FunctionCallExprSyntax, rawCall: Bool) -> ExprSyntax? {
        guard let first = call.arguments.first else { return nil }
        let label = first.label?.text
        guard label == nil || label == "query" || label == "sql" || label == "unsafeSQL" || label == "stringLiteral" || label == "unsafeRaw" else { return nil }
        if first.expression.is(ClosureExprSyntax.self) { return nil }
        if let member = first.expression.as(MemberAccessExprSyntax.self), member.declName.baseName.text == "self" { return nil }
        return first.expression
    }

    /// An argument that is a string made at run time rather than a model type or a closure.
    private func isRunTimeString(_ expression: ExprSyntax) -> Bool {
        if expression.is(DeclReferenceExprSyntax.self) { return true }
        if let member = expression.as(MemberAccessExprSyntax.self) { return member.base != nil && member.declName.baseName.text != "self" }
        if expression.is(StringLiteralExprSyntax.self) || expression.is(SequenceExprSyntax.self) { return true }
        return false
    }

    /// A loop variable or helper parameter whose strings are checked where they are written.
    private func coveredElsewhere(_ expression: ExprSyntax) -> Bool {
        guard let reference = expression.as(DeclReferenceExprSyntax.self) else { return false }
        let name = reference.baseName.text
        return parameters.contains(name) || loopVariables.contains(name)
    }

    static func shortened(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: " \t") }.joined(separator: " ")
        return flat.count > 60 ? String(flat.prefix(60)) + "…" : flat
    }

    // MARK: Strings

    /// The string expression a name stands for.
    private func resolve(_ expression: ExprSyntax) -> ExprSyntax? {
        if let reference = expression.as(DeclReferenceExprSyntax.self) {
            let name = reference.baseName.text
            return locals[name] ?? type?.values[name]
        }
        if let member = expression.as(MemberAccessExprSyntax.self), let base = member.base?.trimmedDescription,
           base == "self" || base == "Self" || base == type?.name {
            return type?.values[member.declName.baseName.text]
        }
        return nil
    }

    private func canRead(_ expression: ExprSyntax, depth: Int = 0) -> Bool {
        var scratch = MappedSQL()
        var binds = 0
        return append(expression, style: .sqlQueryString, to: &scratch, binds: &binds, depth: depth)
    }

    /// Appends a string expression's value; false when part of it is known only at run time.
    private func append(_ expression: ExprSyntax, style: InterpolationStyle, to out: inout MappedSQL, binds: inout Int, depth: Int = 0) -> Bool {
        guard depth < 8 else { return false }
        if let literal = expression.as(StringLiteralExprSyntax.self) {
            StringLiteralReader(file: file.bytes).append(literal, style: style, to: &out, binds: &binds)
            return true
        }
        if let sequence = expression.as(SequenceExprSyntax.self) {
            for element in sequence.elements {
                if let op = element.as(BinaryOperatorExprSyntax.self) {
                    guard op.operator.text == "+" else { return false }
                    continue
                }
                guard append(element, style: style, to: &out, binds: &binds, depth: depth + 1) else { return false }
            }
            return true
        }
        if let tuple = expression.as(TupleExprSyntax.self), tuple.elements.count == 1, let inner = tuple.elements.first?.expression {
            return append(inner, style: style, to: &out, binds: &binds, depth: depth + 1)
        }
        if let call = expression.as(FunctionCallExprSyntax.self), Self.rawTypes.contains(call.calledExpression.trimmedDescription),
           let argument = call.arguments.first?.expression {
            return append(argument, style: style, to: &out, binds: &binds, depth: depth + 1)
        }
        if let resolved = resolve(expression) {
            return append(resolved, style: style, to: &out, binds: &binds, depth: depth + 1)
        }
        return false
    }

    /// The string expressions a name stands for, to be marked as sent.
    private mutating func markSent(_ expression: ExprSyntax, depth: Int = 0) {
        guard depth < 8 else { return }
        sentStrings.insert(expression.position.utf8Offset)
        if let resolved = resolve(expression) { markSent(resolved, depth: depth + 1) }
        if let sequence = expression.as(SequenceExprSyntax.self) {
            for element in sequence.elements { markSent(element, depth: depth + 1) }
        }
    }

    /// Starts with a statement keyword, after comments: SQL, wherever it is passed.
    private func looksLikeSQL(_ expression: ExprSyntax) -> Bool {
        var scratch = MappedSQL()
        var binds = 0
        guard append(expression, style: .sqlQueryString, to: &scratch, binds: &binds) else { return false }
        return Self.startsWithStatementKeyword(String(decoding: scratch.bytes, as: UTF8.self))
    }

    static let statementKeywords: Set<String> = [
        "CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "SELECT", "WITH", "COMMENT", "GRANT", "REVOKE",
        "TRUNCATE", "REFRESH", "BEGIN", "COMMIT", "SET", "DO", "REINDEX", "VACUUM", "ANALYZE", "LOCK", "CLUSTER",
    ]

    static func startsWithStatementKeyword(_ text: String) -> Bool {
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { !$0.isNewline }
                continue
            }
            break
        }
        let word = rest.prefix { $0.isLetter }
        guard !word.isEmpty, statementKeywords.contains(word.uppercased()) else { return false }
        let after = rest.dropFirst(word.count).first
        return after == nil || after!.isWhitespace || after == ";" || after == "("
    }

    /// Sends the SQL of a string expression as one statement (or several, as the string holds).
    private mutating func emitString(_ expression: ExprSyntax, anchor: ExprSyntax, style: InterpolationStyle = .sqlQueryString) {
        markSent(expression)
        startStatement(lines: lineSpan(anchor.positionAfterSkippingLeadingTrivia.utf8Offset..<anchor.positionAfterSkippingLeadingTrivia.utf8Offset))
        var out = sql
        var statementBinds = 0
        _ = append(expression, style: style, to: &out, binds: &statementBinds)
        sql = out
        endStatement()
        analyzedStrings += 1
    }

    private mutating func endStatement() {
        if sql.lastNonSpaceByte != UInt8(ascii: ";") { sql.plain(";") }
        sql.plain("\n")
    }

    // MARK: Comments

    /// The lines (0-based) a call covers, with the line above it.
    private func lineSpan(_ range: Range<Int>) -> ClosedRange<Int> {
        let first = file.lineIndex(containing: range.lowerBound)
        let last = file.lineIndex(containing: max(range.lowerBound, range.upperBound - 1))
        return first...max(first, last)
    }

    /// The suppression comments of the lines of a call, and of the line above it, as the SQL
    /// comments the core reads before a statement.
    private mutating func startStatement(lines: ClosedRange<Int>) {
        for comment in comments(near: lines) {
            guard let converted = Self.suppression(comment.text) else { continue }
            if converted.hasPrefix("migration-lint-ignore-file") {
                guard partFileSuppressions.insert(comment.range.lowerBound).inserted else { continue }
            } else {
                guard emittedComments.insert(comment.range.lowerBound).inserted else { continue }
            }
            if let last = sql.bytes.last, last != 0x0A { sql.plain("\n") }
            sql.generate("-- " + converted, for: comment.range, file: file.bytes)
            sql.plain("\n")
        }
    }

    /// `// nullable: reason` comments of a builder call, as `-- nullable:` lines of SQL.
    private mutating func nullableComments(for range: Range<Int>) {
        for comment in comments(near: lineSpan(range)) {
            let text = comment.text.trimmingCharacters(in: " \t")
            guard text.lowercased().hasPrefix("nullable:") else { continue }
            guard emittedComments.insert(comment.range.lowerBound).inserted else { continue }
            sql.generate("-- " + text, for: comment.range, file: file.bytes)
            sql.plain("\n")
        }
    }

    /// Comments on `lines`, and those alone on the line above the first.
    private func comments(near lines: ClosedRange<Int>) -> [(range: Range<Int>, text: String)] {
        comments.filter { comment in
            let line = file.lineIndex(containing: comment.range.lowerBound)
            if lines.contains(line) { return true }
            guard line == lines.lowerBound - 1 else { return false }
            let lineStart = file.lineStarts[line]
            return file.bytes[lineStart..<comment.range.lowerBound].allSatisfy { $0 == 0x20 || $0 == 0x09 }
        }
    }

    /// `migration-lint-ignore rule-a, rule-b: reason` (or the SQL form, `migration-lint-ignore: rule reason`)
    /// as the SQL comment text; nil for other comments.
    static func suppression(_ text: String) -> String? {
        let trimmed = Substring(text).drop { $0 == " " || $0 == "\t" }
        for prefix in ["migration-lint-ignore-file", "migration-lint-ignore"] where trimmed.hasPrefix(prefix) {
            let rest = trimmed.dropFirst(prefix.count)
            if rest.hasPrefix(":") { return prefix + String(rest) }
            guard rest.first == " " || rest.first == "\t" else { return nil }
            if let colon = rest.firstIndex(of: ":") {
                let ids = rest[..<colon].trimmingCharacters(in: " \t")
                let reason = rest[rest.index(after: colon)...].trimmingCharacters(in: " \t")
                return "\(prefix): \(ids) \(reason)"
            }
            return prefix + ":" + String(rest)
        }
        return nil
    }

    static func lineComments(in tree: SourceFileSyntax) -> [(range: Range<Int>, text: String)] {
        var result: [(range: Range<Int>, text: String)] = []
        for token in tree.tokens(viewMode: .sourceAccurate) {
            var offset = token.position.utf8Offset
            for piece in token.leadingTrivia {
                if case .lineComment(let text) = piece { result.append((offset..<(offset + text.utf8.count), String(text.dropFirst(2)))) }
                offset += piece.sourceLength.utf8Length
            }
            offset = token.endPositionBeforeTrailingTrivia.utf8Offset
            for piece in token.trailingTrivia {
                if case .lineComment(let text) = piece { result.append((offset..<(offset + text.utf8.count), String(text.dropFirst(2)))) }
                offset += piece.sourceLength.utf8Length
            }
        }
        return result
    }

    /// `static let name = "value"` and `static var name: T { "value" }` anywhere in the file.
    static func namedValues(in tree: SourceFileSyntax) -> [String: ExprSyntax] {
        final class Visitor: SyntaxVisitor {
            var values: [String: ExprSyntax] = [:]
            var ambiguous = Set<String>()
            func add(_ name: String, _ value: ExprSyntax) {
                if values[name] != nil { ambiguous.insert(name) }
                values[name] = value
            }
            override func visit(_ node: PatternBindingSyntax) -> SyntaxVisitorContinueKind {
                guard let name = node.pattern.as(IdentifierPatternSyntax.self)?.identifier.text else { return .skipChildren }
                if let value = node.initializer?.value, value.is(StringLiteralExprSyntax.self) {
                    add(name, value)
                } else if let accessor = node.accessorBlock, case .getter(let body) = accessor.accessors, body.count == 1,
                          let expression = body.first?.item.as(ExprSyntax.self), expression.is(StringLiteralExprSyntax.self) {
                    add(name, expression)
                }
                return .skipChildren
            }
            override func visit(_ node: EnumCaseElementSyntax) -> SyntaxVisitorContinueKind {
                if let raw = node.rawValue?.value, raw.is(StringLiteralExprSyntax.self) { add(node.name.text, raw) }
                return .skipChildren
            }
        }
        let visitor = Visitor(viewMode: .sourceAccurate)
        visitor.walk(tree)
        return visitor.values.filter { !visitor.ambiguous.contains($0.key) }
    }

    // MARK: Builders

    /// Translates a Fluent or SQLKit builder chain ending in `create()`, `update()`, `delete()`
    /// or `run()`; nil when the chain is not a builder this front end knows.
    private mutating func translateBuilder(_ chain: ChainCall.Chain) -> Bool? {
        var calls = chain.calls
        // A builder kept in a variable: the calls made on it earlier come first.
        if let base = chain.base?.as(DeclReferenceExprSyntax.self), let bound = locals[base.baseName.text] {
            let earlier = ChainCall.flatten(bound, file: file)
            calls = earlier.calls + (builderCalls[base.baseName.text] ?? []) + calls
        }
        let context = TranslationContext(file: file, resolveString: { [self] expression in self.stringValue(expression) },
                                         resolveEnum: { [self] expression in self.enumName(expression) })
        let result: BuilderTranslation?
        if calls.contains(where: { $0.name == "schema" }) {
            var translator = FluentSchemaTranslator(context: context)
            result = translator.translate(calls)
            if case .statements? = result { notAnalyzed += translator.unknownParts }
        } else if calls.contains(where: { $0.name == "enum" }) {
            result = FluentEnumTranslator(context: context).translate(calls)
        } else {
            result = SQLKitTranslator(context: context).translate(calls)
        }
        guard let result else {
            if chain.base?.is(DeclReferenceExprSyntax.self) == true, ["create", "update", "delete"].contains(calls.last?.name ?? "") {
                // Calls on a builder whose making this walk did not see: `builder.create()`.
                return nil
            }
            return nil
        }
        let whole = (calls.first?.range.lowerBound ?? 0)..<(calls.last?.range.upperBound ?? 0)
        switch result {
        case .notAnalyzed(let items):
            notAnalyzed += items
        case .statements(let statements):
            for statement in statements {
                startStatement(lines: lineSpan(whole))
                for piece in statement {
                    if piece.startsColumn {
                        sql.plain("\n")
                        if let source = piece.source { nullableComments(for: source) }
                    }
                    if let source = piece.source { sql.generate(piece.text, for: source, file: file.bytes) } else { sql.plain(piece.text) }
                }
                endStatement()
            }
            analyzedBuilders += 1
        }
        return true
    }

    /// A string a builder argument stands for: a literal, a constant of the type or the file.
    func stringValue(_ expression: ExprSyntax) -> String? {
        var scratch = MappedSQL()
        var binds = 0
        if expression.is(StringLiteralExprSyntax.self) || resolve(expression) != nil {
            if append(expression, style: .swiftString, to: &scratch, binds: &binds) {
                return String(decoding: scratch.bytes, as: UTF8.self)
            }
        }
        // `Model.FieldKeys.email`, `.email`: a constant declared in this file under that name.
        let lastName: String?
        if let member = expression.as(MemberAccessExprSyntax.self) { lastName = member.declName.baseName.text }
        else if let reference = expression.as(DeclReferenceExprSyntax.self) { lastName = reference.baseName.text }
        else { lastName = nil }
        if let lastName, let value = fileValues[lastName]?.as(StringLiteralExprSyntax.self) {
            return LiteralValue.plain(value, file: file.bytes)
        }
        return nil
    }

    /// The enum type a data-type expression names: `let status = database.enum("status")...`.
    func enumName(_ expression: ExprSyntax, depth: Int = 0) -> String? {
        guard depth < 4, let reference = expression.as(DeclReferenceExprSyntax.self), let bound = locals[reference.baseName.text] else { return nil }
        if bound.is(DeclReferenceExprSyntax.self) { return enumName(bound, depth: depth + 1) }
        let chain = ChainCall.flatten(bound, file: file)
        guard let call = chain.calls.first(where: { $0.name == "enum" }), let argument = call.call.arguments.first?.expression else { return nil }
        return stringValue(argument)
    }
}

extension ClosureSignatureSyntax {
    var parameterNames: [String] {
        switch parameterClause {
        case .simpleInput(let list): return list.map(\.name.text)
        case .parameterClause(let clause): return clause.parameters.map { ($0.secondName ?? $0.firstName).text }
        case nil: return []
        }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(self.drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
