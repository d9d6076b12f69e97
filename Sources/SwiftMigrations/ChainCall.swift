import PostgresSyntax
import SwiftSyntax

/// One call of a method chain: `.field("email", .string, .required)`.
struct ChainCall {
    let name: String
    let call: FunctionCallExprSyntax
    /// From the `.` before the name to the closing parenthesis.
    let range: Range<Int>
    /// The name alone.
    let nameRange: Range<Int>

    var arguments: LabeledExprListSyntax { call.arguments }

    struct Chain {
        /// What the first call is made on (`database`, `sql`); nil for a free function.
        let base: ExprSyntax?
        /// The calls from the first to the last.
        let calls: [ChainCall]
    }

    /// The calls of `try await database.schema("a").field(...).create()`, first to last.
    static func flatten(_ expression: ExprSyntax, file: SourceText) -> Chain {
        guard let call = unwrap(expression).as(FunctionCallExprSyntax.self) else { return Chain(base: unwrap(expression), calls: []) }
        return flatten(call, file: file)
    }

    static func flatten(_ call: FunctionCallExprSyntax, file: SourceText) -> Chain {
        var calls: [ChainCall] = []
        var current: ExprSyntax? = ExprSyntax(call)
        var base: ExprSyntax?
        while let expression = current.map(unwrap) {
            guard let call = expression.as(FunctionCallExprSyntax.self) else { base = expression; break }
            let end = call.endPositionBeforeTrailingTrivia.utf8Offset
            if let member = call.calledExpression.as(MemberAccessExprSyntax.self) {
                let nameStart = member.declName.positionAfterSkippingLeadingTrivia.utf8Offset
                let start = member.base == nil ? member.period.positionAfterSkippingLeadingTrivia.utf8Offset
                    : member.period.positionAfterSkippingLeadingTrivia.utf8Offset
                // `` .`where`(...) `` and `.where(...)` are the same call.
                calls.append(ChainCall(name: member.declName.baseName.text.trimmingCharacters(in: "`"), call: call, range: start..<end,
                                       nameRange: nameStart..<member.declName.endPositionBeforeTrailingTrivia.utf8Offset))
                current = member.base
                if member.base == nil { base = nil; break }
            } else if let reference = call.calledExpression.as(DeclReferenceExprSyntax.self) {
                let start = reference.positionAfterSkippingLeadingTrivia.utf8Offset
                calls.append(ChainCall(name: reference.baseName.text, call: call, range: start..<end,
                                       nameRange: start..<reference.endPositionBeforeTrailingTrivia.utf8Offset))
                base = nil
                break
            } else {
                base = call.calledExpression
                break
            }
        }
        return Chain(base: base, calls: calls.reversed())
    }

    /// `try`, `await`, parentheses, `!` and `?` do not change which call it is.
    static func unwrap(_ expression: ExprSyntax) -> ExprSyntax {
        if let wrapped = expression.as(TryExprSyntax.self) { return unwrap(wrapped.expression) }
        if let wrapped = expression.as(AwaitExprSyntax.self) { return unwrap(wrapped.expression) }
        if let wrapped = expression.as(ForceUnwrapExprSyntax.self) { return unwrap(wrapped.expression) }
        if let wrapped = expression.as(OptionalChainingExprSyntax.self) { return unwrap(wrapped.expression) }
        if let tuple = expression.as(TupleExprSyntax.self), tuple.elements.count == 1, let inner = tuple.elements.first,
           inner.label == nil {
            return unwrap(inner.expression)
        }
        return expression
    }
}

/// What the walker knows that a translator needs: the values of names.
struct TranslationContext {
    let file: SourceText
    let resolveString: (ExprSyntax) -> String?
    let resolveEnum: (ExprSyntax) -> String?
}

enum BuilderTranslation {
    /// The statements the chain sends, each a list of pieces of SQL.
    case statements([[SQLPiece]])
    case notAnalyzed([NotAnalyzed])
}

extension SyntaxProtocol {
    var byteRange: Range<Int> {
        positionAfterSkippingLeadingTrivia.utf8Offset..<max(positionAfterSkippingLeadingTrivia.utf8Offset, endPositionBeforeTrailingTrivia.utf8Offset)
    }
}
