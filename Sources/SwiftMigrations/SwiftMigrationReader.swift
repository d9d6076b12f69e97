import MigrationLint
import PostgresSyntax
import SwiftParser
import SwiftSyntax

/// Something in a migration whose SQL the front end cannot know, and why.
public struct NotAnalyzed: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A raw SQL call whose string is made at run time.
        case runTimeSQL
        /// A builder chain with a call this linter does not translate.
        case builderChain
        /// A part of a translated builder call standing for something unknown (a data type
        /// defined in another file); the statement is checked.
        case unknownPart
        /// Where the Swift parser gave up.
        case swiftSyntax
    }

    /// Byte range in the Swift file.
    public let range: Range<Int>
    public let reason: String
    public let kind: Kind
    /// For an unknown part, the name the SQL uses in its place (`.varchar(100)`, a quoted
    /// identifier), so that a replay can tell a stand-in from a real type.
    public let standIn: String?

    public init(range: Range<Int>, reason: String, kind: Kind = .builderChain, standIn: String? = nil) {
        self.range = range
        self.reason = reason
        self.kind = kind
        self.standIn = standIn
    }

    /// The coverage entry: what no rule checked, in the few words coverage counts by. A part
    /// standing for something unknown is not one: its statement is checked.
    public var coverageEntry: Coverage.Entry? {
        switch kind {
        case .runTimeSQL: return Coverage.Entry(range: range, reason: "SQL built at run time", detail: reason)
        case .builderChain: return Coverage.Entry(range: range, reason: "builder call not translated", detail: reason)
        case .swiftSyntax: return Coverage.Entry(range: range, reason: "Swift syntax error", detail: reason)
        case .unknownPart: return nil
        }
    }
}

/// The SQL a Swift file's migrations send to PostgreSQL, with a map back into the file.
public struct SwiftMigrationSQL: Sendable {
    /// The SQL, statement after statement, in the order the up methods run them.
    public let sql: SourceText
    public let map: SourceMap
    /// The migration types found (`struct CreateUser: AsyncMigration`).
    public let migrationTypes: [String]
    /// Raw SQL strings turned into SQL.
    public let analyzedStrings: Int
    /// Builder chains (Fluent, SQLKit) turned into SQL.
    public let analyzedBuilders: Int
    /// Calls and literals turned into SQL: raw SQL strings and builder chains.
    public var analyzed: Int { analyzedStrings + analyzedBuilders }
    /// Code whose SQL is not known before it runs.
    public let notAnalyzed: [NotAnalyzed]
    /// Where the Swift parser gave up, and what it expected.
    public let syntaxError: NotAnalyzed?
    /// Qualified names of every migration type declared (`User.CreateUsers`), with SQL or not.
    public let declaredTypes: [String]
    /// The migrations the file registers, in source order (`app.migrations.add(...)`).
    public let registrations: [MigrationRegistration]

    /// The SQL of one migration type, as a byte range of `sql`.
    public struct Part: Sendable {
        public let typeName: String
        /// The name with the types and extensions around the declaration (`User.CreateUsers`),
        /// as a registration call may spell it.
        public let qualifiedName: String
        /// The type's declaration in the Swift file.
        public let typeRange: Range<Int>
        public let sqlRange: Range<Int>
        /// Where the `// migration-lint-ignore-file:` comments this part carries start in the Swift file.
        public let fileSuppressions: Set<Int>
    }

    /// One part per migration type that sends SQL or holds code whose SQL is not known, in file order.
    public let parts: [Part]

    /// What no rule checks, in file order: each piece of SQL not known before run time, each
    /// builder call not translated, and where the Swift parser gave up.
    public var unanalyzed: [Coverage.Entry] {
        (notAnalyzed + (syntaxError.map { [$0] } ?? [])).compactMap(\.coverageEntry).sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The whole file's SQL as one migration (what `explain` shows).
    public func migrationFile(path: String, file: SourceText) -> MigrationFile {
        var migration = MigrationFile(path: path, source: sql, layout: .plain, transactionPolicy: .none,
                                      origin: MigrationFile.Origin(file: file, map: map))
        migration.unanalyzed = unanalyzed
        return migration
    }

    /// Each migration type as a migration of its own: each runs at its own time, so a table one
    /// creates is an existing table, with rows, for the next. Fluent's migrator and PostgresNIO
    /// run statement by statement, outside any transaction, unless the code opens one (`BEGIN`
    /// in the SQL, which `database.transaction { }` adds).
    public func migrationFiles(path: String, file: SourceText) -> [MigrationFile] {
        parts.map { part in
            let shift = part.sqlRange.lowerBound
            let segments = map.segments.filter { part.sqlRange.contains($0.sqlRange.lowerBound) }.map {
                SourceMap.Segment(sql: ($0.sqlRange.lowerBound - shift)..<($0.sqlRange.upperBound - shift), file: $0.fileRange)
            }
            var migration = MigrationFile(path: path, source: SourceText(bytes: Array(sql.bytes[part.sqlRange])), layout: .plain,
                                          transactionPolicy: .none, origin: MigrationFile.Origin(file: file, map: SourceMap(segments)))
            migration.unanalyzed = unanalyzed(of: part)
            return migration
        }
    }

    /// The names that stand for data types defined outside the file in the part's SQL.
    public func standIns(of part: Part) -> Set<String> {
        Set(notAnalyzed.filter { $0.kind == .unknownPart && part.typeRange.contains($0.range.lowerBound) }.compactMap(\.standIn))
    }

    /// The coverage entries inside the part's type; the first part also takes those outside
    /// every part's type (where the Swift parser gave up between types).
    func unanalyzed(of part: Part) -> [Coverage.Entry] {
        let isFirst = parts.first?.typeRange == part.typeRange
        return unanalyzed.filter { entry in
            part.typeRange.contains(entry.range.lowerBound)
                || (isFirst && !parts.contains { $0.typeRange.contains(entry.range.lowerBound) })
        }
    }
}

/// The Swift front end: reads a Swift file with the Swift parser and finds the SQL its
/// migrations send.
public enum SwiftMigrationReader {
    /// Protocols a migration type conforms to: Fluent's `Migration` and `AsyncMigration`,
    /// hummingbird-postgres' and FeatherDatabase's `DatabaseMigration`, and their kin.
    static func isMigrationProtocol(_ name: String) -> Bool {
        let last = name.split(separator: ".").last.map(String.init) ?? name
        return last.hasSuffix("Migration") || last.hasSuffix("Migrating")
    }

    /// Methods that migrate up: Fluent's `prepare`, hummingbird-postgres' and Feather's `apply`.
    static let upMethods: Set<String> = ["prepare", "apply", "up", "migrate"]
    /// Methods that migrate down.
    static let downMethods: Set<String> = ["revert", "down", "rollback", "undo"]

    /// Whether a Swift file declares a migration: a type conforming to a migration protocol, or
    /// a type with an up method that sends SQL. Cheap text checks first: a directory walk asks
    /// this of every Swift file.
    public static func holdsMigration(_ source: SourceText) -> Bool {
        guard mayMentionMigrations(source) else { return false }
        let tree = source.bytes.withUnsafeBufferPointer { Parser.parse(source: $0) }
        return !MigrationTypeFinder.find(in: tree).isEmpty
    }


    /// Whether the text could declare or register a migration: the cheap check before a parse.
    public static func mayMentionMigrations(_ source: SourceText) -> Bool {
        contains(source.bytes, "igration") || contains(source.bytes, "func prepare") || contains(source.bytes, "func apply")
    }

    /// The SQL of the file's up methods (and down methods with `includeDown`).
    public static func read(_ source: SourceText, includeDown: Bool = false) -> SwiftMigrationSQL {
        let tree = source.bytes.withUnsafeBufferPointer { Parser.parse(source: $0) }
        let file = source.bytes
        let syntaxError = SyntaxErrorFinder.firstError(in: tree, file: source)
        let types = MigrationTypeFinder.find(in: tree)
        var walker = MigrationWalker(file: source, tree: tree)
        var parts: [SwiftMigrationSQL.Part] = []
        for type in types {
            let start = walker.sql.count
            let unknown = walker.notAnalyzed.count
            walker.startPart()
            for method in type.methods where upMethods.contains(method.methodName) || (includeDown && downMethods.contains(method.methodName)) {
                walker.walkMethod(method, in: type)
            }
            if walker.sql.count > start || walker.notAnalyzed[unknown...].contains(where: { $0.coverageEntry != nil }) {
                parts.append(.init(typeName: type.name, qualifiedName: type.qualifiedName, typeRange: type.range, sqlRange: start..<walker.sql.count,
                                   fileSuppressions: walker.partFileSuppressions))
            }
        }
        if parts.isEmpty, syntaxError != nil || !walker.notAnalyzed.isEmpty {
            // Nothing read, and something not: the file's coverage still says so.
            parts.append(.init(typeName: types.first?.name ?? "", qualifiedName: types.first?.qualifiedName ?? "", typeRange: 0..<source.count, sqlRange: 0..<0, fileSuppressions: []))
        }
        let sql = walker.sql
        _ = file
        return SwiftMigrationSQL(sql: SourceText(bytes: sql.bytes), map: SourceMap(sql.segments),
                                 migrationTypes: types.map(\.name), analyzedStrings: walker.analyzedStrings, analyzedBuilders: walker.analyzedBuilders,
                                 notAnalyzed: walker.notAnalyzed, syntaxError: syntaxError,
                                 declaredTypes: types.map(\.qualifiedName), registrations: MigrationRegistration.find(in: tree), parts: parts)
    }

    static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var index = 0
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}

/// A type that holds a migration, with its methods and stored values.
struct MigrationType {
    let name: String
    /// With the names of the types and extensions it is declared in (`User.CreateUsers`).
    let qualifiedName: String
    /// The declaration in the Swift file.
    let range: Range<Int>
    let methods: [FunctionDeclSyntax]
    /// `let name = <expression>` members (`let dropSQL: SQLQueryString = "..."`).
    let values: [String: ExprSyntax]
}

extension FunctionDeclSyntax {
    var methodName: String { name.text }
}

enum MigrationTypeFinder {
    static func find(in tree: SourceFileSyntax) -> [MigrationType] {
        final class Visitor: SyntaxVisitor {
            var types: [MigrationType] = []
            /// The types and extensions the visitor is inside, outermost first.
            var scope: [String] = []
            func record(_ name: String, _ inheritance: InheritanceClauseSyntax?, _ members: MemberBlockSyntax, _ range: Range<Int>) {
                let conforms = inheritance?.inheritedTypes.contains { SwiftMigrationReader.isMigrationProtocol($0.type.trimmedDescription) } ?? false
                var methods: [FunctionDeclSyntax] = []
                var values: [String: ExprSyntax] = [:]
                for member in members.members {
                    if let function = member.decl.as(FunctionDeclSyntax.self), function.body != nil { methods.append(function) }
                    if let variable = member.decl.as(VariableDeclSyntax.self) {
                        for binding in variable.bindings {
                            guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                            if let value = binding.initializer?.value {
                                values[pattern.identifier.text] = value
                            } else if let accessor = binding.accessorBlock, case .getter(let body) = accessor.accessors,
                                      body.count == 1, let item = body.first, let expression = item.item.as(ExprSyntax.self) {
                                values[pattern.identifier.text] = expression
                            }
                        }
                    }
                }
                let hasUp = methods.contains { SwiftMigrationReader.upMethods.contains($0.methodName) }
                // A type with a `prepare(on:)`-like method but no declared conformance (the
                // conformance is in another file) still counts when its name says migration.
                if conforms || (hasUp && (name.contains("Migration") || methods.contains { $0.methodName == "revert" })) {
                    types.append(MigrationType(name: name, qualifiedName: (scope + [name]).joined(separator: "."), range: range,
                                               methods: methods, values: values))
                }
            }
            override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
                record(node.name.text, node.inheritanceClause, node.memberBlock, node.byteRange)
                scope.append(node.name.text)
                return .visitChildren
            }
            override func visitPost(_ node: StructDeclSyntax) { scope.removeLast() }
            override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
                record(node.name.text, node.inheritanceClause, node.memberBlock, node.byteRange)
                scope.append(node.name.text)
                return .visitChildren
            }
            override func visitPost(_ node: ClassDeclSyntax) { scope.removeLast() }
            override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
                record(node.name.text, node.inheritanceClause, node.memberBlock, node.byteRange)
                scope.append(node.name.text)
                return .visitChildren
            }
            override func visitPost(_ node: EnumDeclSyntax) { scope.removeLast() }
            override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
                record(node.name.text, node.inheritanceClause, node.memberBlock, node.byteRange)
                scope.append(node.name.text)
                return .visitChildren
            }
            override func visitPost(_ node: ActorDeclSyntax) { scope.removeLast() }
            override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
                record(node.extendedType.trimmedDescription, node.inheritanceClause, node.memberBlock, node.byteRange)
                scope.append(node.extendedType.trimmedDescription)
                return .visitChildren
            }
            override func visitPost(_ node: ExtensionDeclSyntax) { scope.removeLast() }
        }
        let visitor = Visitor(viewMode: .sourceAccurate)
        visitor.walk(tree)
        return visitor.types
    }
}

/// The first place the Swift parser could not read, as one finding. The parser recovers, so the
/// SQL found around it is still checked.
enum SyntaxErrorFinder {
    static func firstError(in tree: SourceFileSyntax, file: SourceText) -> NotAnalyzed? {
        guard tree.hasError else { return nil }
        return search(Syntax(tree)) ?? NotAnalyzed(range: 0..<0, reason: "the Swift parser cannot read this file", kind: .swiftSyntax)
    }

    static func search(_ node: Syntax) -> NotAnalyzed? {
        if let unexpected = node.as(UnexpectedNodesSyntax.self) {
            let start = unexpected.positionAfterSkippingLeadingTrivia.utf8Offset
            let end = max(start, unexpected.endPositionBeforeTrailingTrivia.utf8Offset)
            let text = unexpected.trimmedDescription
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return NotAnalyzed(range: start..<end, reason: "the Swift parser cannot read `\(shown)`: SQL in the code around it may be missed", kind: .swiftSyntax)
        }
        if let token = node.as(TokenSyntax.self) {
            guard token.presence == .missing else { return nil }
            let at = token.positionAfterSkippingLeadingTrivia.utf8Offset
            let what: String
            switch token.tokenKind {
            case .identifier: what = "a name"
            default: what = "`\(token.text)`"
            }
            return NotAnalyzed(range: at..<at, reason: "the Swift parser expected \(what) here: SQL in the code around it may be missed", kind: .swiftSyntax)
        }
        guard node.hasError else { return nil }
        for child in node.children(viewMode: .all) {
            if let found = search(child) { return found }
        }
        return nil
    }
}
