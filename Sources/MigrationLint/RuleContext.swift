import Foundation
import LockModel
import PostgresSyntax

/// What a rule sees for one statement: the tree, the file, and the shared analysis context.
public struct RuleContext: Sendable {
    public let statement: Statement
    public let analysis: StatementAnalysis
    public let file: MigrationFile
    /// Every analysed statement of the file, for rules that look back or ahead.
    public let fileAnalyses: [StatementAnalysis]
    /// Which statements of the file name which object: look back or ahead through this, not
    /// through every statement.
    public let fileIndex: FileIndex
    /// What the rules of this statement have asked already: its tokens, which names it created.
    private let memo = StatementMemo()

    public init(statement: Statement, analysis: StatementAnalysis, file: MigrationFile, fileAnalyses: [StatementAnalysis],
                fileIndex: FileIndex? = nil) {
        self.statement = statement
        self.analysis = analysis
        self.file = file
        self.fileAnalyses = fileAnalyses
        self.fileIndex = fileIndex ?? FileIndex(fileAnalyses)
    }

    /// Whether an earlier statement of the file created `name` (`AnalysisState.isCreatedInFile`),
    /// each name looked up once per statement: a dozen rules ask about the table of one ALTER
    /// TABLE, and each lookup built and hashed its `schema.name` (6 to 7 % of a long file's
    /// instructions).
    public func isCreatedInFile(_ name: QualifiedName) -> Bool {
        memo.isCreatedInFile(name) { state.isCreatedInFile($0) }
    }

    /// The statements before this one (O(1): analyses are stored in file order).
    public var earlierStatements: ArraySlice<StatementAnalysis> { fileAnalyses[..<analysis.index] }
    /// The statements after this one.
    public var laterStatements: ArraySlice<StatementAnalysis> { fileAnalyses[(analysis.index + 1)...] }

    /// The earlier statements that name `name` (a table, index, type, ...).
    public func earlierStatements(naming name: QualifiedName) -> StatementSubset {
        let indices = fileIndex.statements(naming: state.resolve(name).qualified)
        return StatementSubset(all: fileAnalyses, indices: indices[..<firstPosition(in: indices, after: analysis.index - 1)])
    }

    /// The later statements that name `name`.
    public func laterStatements(naming name: QualifiedName) -> StatementSubset {
        let indices = fileIndex.statements(naming: state.resolve(name).qualified)
        return StatementSubset(all: fileAnalyses, indices: indices[firstPosition(in: indices, after: analysis.index)...])
    }

    /// The later statements of the file that alter `table` itself or index it, each resolved
    /// through its own search path, in file order. Gathered once per statement and table: the
    /// rules that look ahead for a NOT NULL, a constraint or an index ask for each column of a
    /// CREATE TABLE or ALTER TABLE, and filtered the later statements again each time (the
    /// real-migrations file 893 → 888 M instructions; docs/benchmarks.md, "The first session of
    /// 2026-12-07").
    public func laterChanges(of table: QualifiedName) -> LaterChanges {
        let target = state.resolve(table)
        return memo.laterChanges(of: target) {
            var changes = LaterChanges()
            for analysis in laterStatements(naming: target) {
                switch analysis.statement {
                case .alterTable(let alter)? where analysis.state.resolve(alter.relation) == target: changes.alters.append(alter)
                case .createIndex(let index)? where analysis.state.resolve(index.relation) == target: changes.indexes.append(index)
                default: break
                }
            }
            return changes
        }
    }

    /// The position of the first index greater than `index` in sorted `indices`.
    private func firstPosition(in indices: [Int], after index: Int) -> Int {
        var low = 0, high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if indices[middle] <= index { low = middle + 1 } else { high = middle }
        }
        return low
    }

    @inlinable public var parsed: ParsedStatement { analysis.parsed }
    /// Context before this statement: version, transaction, objects created earlier, settings.
    @inlinable public var state: AnalysisState { analysis.state }
    /// What this statement locks, rewrites and scans.
    @inlinable public var effects: StatementEffects { analysis.effects }
    @inlinable public var source: SourceText { file.source }
    @inlinable public var statementRange: Range<Int> { parsed.range }
    public var statementText: String { source.text(parsed.range) }
    @inlinable public var postgresVersion: Int { analysis.state.settings.postgresVersion }
    /// The migration tool runs this file inside one transaction.
    @inlinable public var fileRunsInTransaction: Bool { analysis.state.settings.fileRunsInTransaction }

    /// Tokens of the statement as PostgreSQL's scanner reads them (`SQLLexer.tokens`), scanned once for all the rules.
    public var tokens: [Token] { memo.tokens(in: parsed.range, of: source) }

    /// Comments on the same line as `offset` or on the line directly above it.
    public func comments(nearLineOf offset: Int) -> [Comment] {
        let line = source.lineIndex(containing: offset)
        return parsed.comments.filter {
            let commentLine = source.lineIndex(containing: $0.range.lowerBound)
            return commentLine == line || commentLine == line - 1
        }
    }
}

/// Some statements of the file, in file order, read only as far as a rule looks: most rules stop
/// at the first match, and copying every match out first cost more than the search.
public struct StatementSubset: RandomAccessCollection, Sendable {
    let all: [StatementAnalysis]
    let indices_: ArraySlice<Int>

    init(all: [StatementAnalysis], indices: ArraySlice<Int>) {
        self.all = all
        self.indices_ = indices
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { indices_.count }
    public subscript(position: Int) -> StatementAnalysis { all[indices_[indices_.startIndex + position]] }
}

/// What later statements of the file do to one table (`RuleContext.laterChanges(of:)`).
public struct LaterChanges: Sendable {
    /// Its ALTER TABLE statements, in file order.
    public var alters: [AlterTable] = []
    /// The indexes created on it, in file order.
    public var indexes: [CreateIndex] = []
}

/// What the rules of one statement share, each computed on first use: the statement's tokens,
/// whether the file created each name asked about, and what later statements do to a table.
private final class StatementMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [Token]?
    private var createdInFile: [(name: QualifiedName, created: Bool)] = []
    private var laterChanges: [(table: QualifiedName, changes: LaterChanges)] = []

    func laterChanges(of table: QualifiedName, _ gather: () -> LaterChanges) -> LaterChanges {
        lock.lock(); defer { lock.unlock() }
        if let known = laterChanges.first(where: { $0.table == table }) { return known.changes }
        let changes = gather()
        laterChanges.append((table, changes))
        return changes
    }

    func tokens(in range: Range<Int>, of source: SourceText) -> [Token] {
        lock.lock(); defer { lock.unlock() }
        if let tokens { return tokens }
        let scanned = SQLLexer.tokens(in: range, of: source)
        tokens = scanned
        return scanned
    }

    func isCreatedInFile(_ name: QualifiedName, _ answer: (QualifiedName) -> Bool) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if let known = createdInFile.first(where: { $0.name == name }) { return known.created }
        let created = answer(name)
        createdInFile.append((name, created))
        return created
    }
}
