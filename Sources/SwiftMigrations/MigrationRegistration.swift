import SwiftSyntax

/// One migration a Swift file registers, in the order the migrator applies them: an argument of
/// `app.migrations.add(CreateUser(), to: .psql)` or hummingbird-postgres'
/// `await migrations.add(CreateUserTable())`, or an element of a list typed as migrations
/// (`let migrationList: [Migration] = [...]`, `func buildMigrations() -> [Migration] { [...] }`)
/// that the code hands to the migrator in a loop.
public struct MigrationRegistration: Sendable, Equatable {
    /// The migration as the call names it: a type (`CreateUser`, `User.CreateUsers`,
    /// `UserInfrastructure.TableMigration`) or a value a library provides (`SessionRecord.migration`).
    public let name: String
    /// Byte range of the argument in the registering file.
    public let range: Range<Int>

    public init(name: String, range: Range<Int>) {
        self.name = name
        self.range = range
    }

    /// The registrations of a file, in source order.
    static func find(in tree: SourceFileSyntax) -> [MigrationRegistration] {
        final class Visitor: SyntaxVisitor {
            var found: [MigrationRegistration] = []

            override func visit(_ node: FunctionCallExprSyntax) -> SyntaxVisitorContinueKind {
                guard let member = node.calledExpression.as(MemberAccessExprSyntax.self), member.declName.baseName.text == "add",
                      let base = member.base, Visitor.namesMigrations(base) else { return .visitChildren }
                // `to: .psql` names the database, not a migration.
                for argument in node.arguments where argument.label == nil { collect(argument.expression) }
                return .skipChildren
            }

            override func visit(_ node: ArrayExprSyntax) -> SyntaxVisitorContinueKind {
                guard Visitor.isTypedAsMigrations(node) else { return .visitChildren }
                for element in node.elements { collect(element.expression) }
                return .skipChildren
            }

            /// `migrations`, `app.migrations`, `self.migrations`.
            static func namesMigrations(_ expression: ExprSyntax) -> Bool {
                if let reference = expression.as(DeclReferenceExprSyntax.self) { return reference.baseName.text == "migrations" }
                return expression.as(MemberAccessExprSyntax.self)?.declName.baseName.text == "migrations"
            }

            /// An array literal that is the value of a variable, property or function whose
            /// declared type is a list of migrations.
            static func isTypedAsMigrations(_ node: ArrayExprSyntax) -> Bool {
                var parent = node.parent
                while let current = parent {
                    if let binding = current.as(PatternBindingSyntax.self) {
                        return binding.typeAnnotation.map { isMigrationList($0.type) } ?? false
                    }
                    if let function = current.as(FunctionDeclSyntax.self) {
                        return function.signature.returnClause.map { isMigrationList($0.type) } ?? false
                    }
                    if current.is(FunctionCallExprSyntax.self) || current.is(ClosureExprSyntax.self) || current.is(ArrayExprSyntax.self) {
                        return false
                    }
                    parent = current.parent
                }
                return false
            }

            static func isMigrationList(_ type: TypeSyntax) -> Bool {
                guard let array = type.as(ArrayTypeSyntax.self) else { return false }
                return SwiftMigrationReader.isMigrationProtocol(array.element.trimmedDescription.replacingOccurrences(of: "any ", with: ""))
            }

            func collect(_ expression: ExprSyntax) {
                let expression = ChainCall.unwrap(expression)
                if let array = expression.as(ArrayExprSyntax.self) {
                    for element in array.elements { collect(element.expression) }
                } else if let call = expression.as(FunctionCallExprSyntax.self), Visitor.isTypeName(call.calledExpression.trimmedDescription) {
                    found.append(MigrationRegistration(name: call.calledExpression.trimmedDescription, range: expression.byteRange))
                } else if let member = expression.as(MemberAccessExprSyntax.self), member.base != nil {
                    // A value from elsewhere (`SessionRecord.migration`): registered, never found.
                    found.append(MigrationRegistration(name: member.trimmedDescription, range: expression.byteRange))
                }
                // A plain variable (`app.migrations.add(migration)` in a loop) names what a
                // typed list registered already.
            }

            /// `CreateUser`, `DB.OpenAPISource.Migrations.Create`: dotted names ending in a capital.
            static func isTypeName(_ text: String) -> Bool {
                guard let last = text.split(separator: ".").last, let first = last.first, first.isUppercase else { return false }
                return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
            }
        }
        let visitor = Visitor(viewMode: .sourceAccurate)
        visitor.walk(tree)
        return visitor.found
    }
}
