import PostgresSyntax

/// One statement with what was known before it and what it does.
///
/// A class, not a struct: its state holds a whole schema catalog, and rules that look back or
/// ahead pass analyses around by the thousand. Copying the struct retained and released every
/// collection of the state each time (a fifth of the CPU time on a 20,000-statement file).
public final class StatementAnalysis: Sendable {
    public let index: Int
    public let parsed: ParsedStatement
    /// The context before the statement runs.
    public let state: AnalysisState
    public let effects: StatementEffects
    /// The transaction the statement runs in, numbered from 1 in file order; a statement in
    /// autocommit is a transaction of its own.
    public let transactionNumber: Int

    public init(index: Int, parsed: ParsedStatement, state: AnalysisState, effects: StatementEffects, transactionNumber: Int) {
        self.index = index
        self.parsed = parsed
        self.state = state
        self.effects = effects
        self.transactionNumber = transactionNumber
    }

    public var statement: Statement? { parsed.statement }
}

/// A transaction and the strongest lock it holds on each relation, from which statement until
/// its end (locks are released only at commit or rollback).
public struct TransactionLocks: Sendable, Equatable {
    public struct Held: Sendable, Equatable {
        public var lock: RelationLock
        public var fromStatement: Int
        public var untilStatement: Int
    }
    public var number: Int
    public var isImplicit: Bool
    /// The transaction a DO block opens for itself outside a transaction block.
    public var isDoBlock: Bool = false
    public var firstStatement: Int
    public var lastStatement: Int
    public var held: [Held]
}

/// The analysis of a whole file.
public struct FileAnalysis: Sendable {
    public let statements: [StatementAnalysis]
    /// The context after the last statement (an unfinished transaction shows here).
    public let finalState: AnalysisState
}

/// Walks the statements of one file in order and builds the shared context. Each file is
/// analysed on its own, so results never depend on which other files were linted.
public struct MigrationAnalyzer: Sendable {
    public let settings: RunSettings

    public init(settings: RunSettings) { self.settings = settings }

    public func analyze(_ statements: [ParsedStatement]) -> FileAnalysis {
        var run = Run(analyzer: self)
        run.reserveCapacity(statements.count)
        for parsed in statements { run.append(parsed) }
        return run.finish()
    }

    /// An analysis fed one statement at a time, in file order, so that it can start while the
    /// rest of a long file is still being parsed.
    public struct Run: Sendable {
        let analyzer: MigrationAnalyzer
        var state: AnalysisState
        public private(set) var statements: [StatementAnalysis] = []
        var nextTransaction = 1
        var transactionCount = 0

        /// The file whose statements are walked, and its text: each object learned carries its
        /// line there (`SchemaOrigin`), as the history replay stamps it, so that the schema after
        /// the walk is the one the next migration of the set starts from.
        let learning: (path: String, source: SourceText)?

        public init(analyzer: MigrationAnalyzer, learningFrom path: String? = nil, source: SourceText? = nil) {
            self.analyzer = analyzer
            self.state = AnalysisState(settings: analyzer.settings)
            if let path, let source {
                learning = (path, source)
                state.schema.lintedPath = path
                state.schema.learningSource = source
            } else {
                learning = nil
            }
        }

        public mutating func reserveCapacity(_ count: Int) { statements.reserveCapacity(count) }

        /// The schema unqualified names resolve to before the next statement (nil: `public`).
        public var searchPathSchema: String? { state.searchPathSchema }

        /// Analyses the next statement of the file.
        public mutating func append(_ parsed: ParsedStatement) {
            let index = statements.count
            guard let statement = parsed.statement else {
                // A statement the parser could not read may have made any object, as the replay of
                // an earlier file assumes too: an absent one is no longer known to be absent.
                if parsed.mayMakeUnreadObjects { state.schema.isComplete = false }
                statements.append(StatementAnalysis(index: index, parsed: parsed, state: state, effects: StatementEffects(),
                                                    transactionNumber: state.transaction?.id ?? 0))
                return
            }
            // The tool's implicit transaction opens with the first statement.
            if state.transaction == nil, analyzer.settings.fileRunsInTransaction, transactionCount == 0,
               !analyzer.isTransactionControl(statement) {
                state.transaction = TransactionInfo(id: nextTransaction, isImplicit: true, startIndex: index)
                nextTransaction += 1
                transactionCount += 1
            }
            if case .transaction(.begin) = statement, state.transaction == nil {
                state.transaction = TransactionInfo(id: nextTransaction, isImplicit: false, startIndex: index)
                state.inExplicitTransaction = true
                nextTransaction += 1
                transactionCount += 1
            }
            let effects = LockModel.effects(of: statement, in: state)
            let number: Int
            if let transaction = state.transaction {
                number = transaction.id
            } else {
                number = nextTransaction
                nextTransaction += 1
            }
            // The state before the statement, copied once: through a local copy first it was copied
            // twice, each copy retaining some thirty collections (docs/benchmarks.md, "The seventh session").
            statements.append(StatementAnalysis(index: index, parsed: parsed, state: state, effects: effects, transactionNumber: number))
            if let learning {
                state.schema.learningOrigin = SchemaOrigin(path: learning.path, line: learning.source.line(of: parsed.range.lowerBound))
            }
            analyzer.update(&state, after: statement, effects: effects, index: index)
        }

        public func finish() -> FileAnalysis {
            FileAnalysis(statements: statements, finalState: state)
        }
    }

    func isTransactionControl(_ statement: Statement) -> Bool {
        if case .transaction = statement { return true }
        return false
    }

    /// Folds a statement into the context the next statement sees.
    func update(_ state: inout AnalysisState, after statement: Statement, effects: StatementEffects, index: Int) {
        // Resolve through the search path alone: `state.resolve` as a closure would copy the
        // whole state for every statement.
        let searchPathSchema = state.searchPathSchema
        // Asked before the schema learns the statement: an object it creates is not new when
        // PostgreSQL skips its CREATE ... IF NOT EXISTS because the object exists.
        let skipped = state.skips(statement)
        // A statement PostgreSQL passes over (IF EXISTS of an absent table) does nothing: nothing to learn.
        if !state.passesOver(statement) {
            state.schema.learn(statement) { AnalysisState.resolve($0, searchPathSchema: searchPathSchema) }
        }
        if state.transaction != nil {
            for lock in effects.strongestLocks where lock.mode == .accessExclusive && !lock.isNew {
                if state.accessExclusiveHeldSince[lock.relation.qualified] == nil {
                    state.accessExclusiveHeldSince[lock.relation.qualified] = index
                }
            }
            // A renamed table is the same table, and its lock is held under the new name.
            if case .rename(let rename) = statement, rename.kind == .table || rename.kind == .view || rename.kind == .materializedView,
               rename.subname == nil {
                let old = AnalysisState.resolve(rename.object, searchPathSchema: searchPathSchema)
                var new = old
                new.name = rename.newName
                if let since = state.accessExclusiveHeldSince[old.qualified] {
                    state.accessExclusiveHeldSince[old.qualified] = nil
                    state.accessExclusiveHeldSince[new.qualified] = since
                }
            }
        }
        switch statement {
        case .transaction(let kind):
            switch kind {
            case .commit, .rollback, .prepare:
                state.transaction = nil
                state.inExplicitTransaction = false
                state.notValidConstraintsInTransaction = [:]
                state.accessExclusiveHeldSince = [:]
                // SET LOCAL lasts until the end of the transaction.
                for (key, previous) in state.settingsBeforeSetLocal { state.sessionSettings[key] = previous }
                state.settingsBeforeSetLocal = [:]
            default:
                break
            }
        case .variableSet(let set):
            switch set.kind {
            case .set where set.isLocal:
                // Outside a transaction block SET LOCAL has no effect (PostgreSQL warns).
                guard state.transaction != nil else { break }
                if state.settingsBeforeSetLocal[set.name] == nil {
                    state.settingsBeforeSetLocal[set.name] = .some(state.sessionSettings[set.name])
                }
                state.sessionSettings[set.name] = set.value
            case .set: state.sessionSettings[set.name] = set.value
            case .setDefault, .reset: state.sessionSettings[set.name] = nil
            case .resetAll: state.sessionSettings = [:]
            case .other: break
            }
        case .createTable(let create):
            if !skipped { state.createdInFile.insert(state.resolve(create.relation).qualified) }
        case .createIndex(let index):
            if !skipped, let name = index.name {
                state.createdInFile.insert(state.resolve(QualifiedName(schema: index.relation.schema, name: name)).qualified)
            }
        case .createView(let view):
            state.createdInFile.insert(state.resolve(view.relation).qualified)
        case .createSequence(let name):
            state.createdInFile.insert(state.resolve(name).qualified)
        case .createTableAs(let create):
            let name = state.resolve(create.relation).qualified
            state.createdInFile.insert(name)
            if create.withData { state.filledInFile.insert(name) }
        case .createEnum(let name):
            state.createdEnums.insert(state.resolve(name).qualified)
        case .other("DoStmt"):
            // What a DO block runs is not followed: objects it creates are not known.
            state.schema.isComplete = false
        case .insert(let relation) where state.isCreatedInFile(relation):
            // Rows in a table created here: a later scan of it reads them.
            state.filledInFile.insert(state.resolve(relation).qualified)
        case .rename(let rename) where rename.kind == .table && state.isCreatedInFile(rename.object):
            var renamed = state.resolve(rename.object)
            renamed.name = rename.newName
            state.createdInFile.insert(renamed.qualified)
            if state.filledInFile.contains(state.resolve(rename.object).qualified) { state.filledInFile.insert(renamed.qualified) }
        case .alterTable(let alter):
            let table = state.resolve(alter.relation).qualified
            for action in alter.actions {
                switch action {
                case .addConstraint(let constraint):
                    if case .check(let expression) = constraint.kind, let column = Self.notNullColumn(expression) {
                        if constraint.isNotValid {
                            if let name = constraint.name { state.pendingNotNullChecks[name] = (table, column) }
                        } else {
                            state.notNullChecks[table, default: []].insert(column)
                        }
                    }
                    if constraint.isNotValid, let name = constraint.name, state.transaction != nil {
                        state.notValidConstraintsInTransaction[name] = table
                    }
                case .validateConstraint(let name):
                    if let pending = state.pendingNotNullChecks[name] {
                        state.notNullChecks[pending.table, default: []].insert(pending.column)
                    }
                default:
                    break
                }
            }
        default:
            break
        }
    }

    /// The column of `CHECK (col IS NOT NULL)`.
    /// The column of a `col IS NOT NULL` check, which lets PostgreSQL 12+ skip SET NOT NULL's scan.
    public static func notNullColumn(_ expression: Expression) -> String? {
        if case .nullTest(.columnReference(let names, _), true, _) = expression { return names.last }
        return nil
    }

    /// Per transaction, the strongest lock held on each relation and from which statement to
    /// which (the end of the transaction).
    public static func transactions(_ analyses: [StatementAnalysis]) -> [TransactionLocks] {
        var order: [Int] = []
        var byNumber: [Int: TransactionLocks] = [:]
        for analysis in analyses where analysis.statement != nil {
            let number = analysis.transactionNumber
            if byNumber[number] == nil {
                order.append(number)
                byNumber[number] = TransactionLocks(number: number, isImplicit: analysis.state.transaction?.isImplicit ?? false,
                                                    isDoBlock: analysis.state.transaction?.isDoBlock ?? false,
                                                    firstStatement: analysis.index, lastStatement: analysis.index, held: [])
            }
            byNumber[number]!.lastStatement = analysis.index
            for lock in analysis.effects.strongestLocks {
                if let existing = byNumber[number]!.held.firstIndex(where: { $0.lock.relation == lock.relation }) {
                    if lock.mode > byNumber[number]!.held[existing].lock.mode {
                        byNumber[number]!.held[existing].lock = lock
                        byNumber[number]!.held[existing].fromStatement = analysis.index
                    }
                } else {
                    byNumber[number]!.held.append(.init(lock: lock, fromStatement: analysis.index, untilStatement: analysis.index))
                }
            }
        }
        return order.compactMap { number in
            guard var transaction = byNumber[number] else { return nil }
            for index in transaction.held.indices { transaction.held[index].untilStatement = transaction.lastStatement }
            return transaction
        }
    }
}
