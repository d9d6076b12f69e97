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
    private let createdInFileAnswers = CreatedInFileAnswers()

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
        if let known = createdInFileAnswers.answers.first(where: { $0.name == name }) { return known.created }
        let created = state.isCreatedInFile(name)
        createdInFileAnswers.answers.append((name, created))
        return created
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
    public var tokens: [Token] { tokenCache.tokens(in: parsed.range, of: source) }
    private let tokenCache = TokenCache()

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

/// The statement's tokens, scanned on first use and shared by every rule that asks.
private final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: [Token]?

    func tokens(in range: Range<Int>, of source: SourceText) -> [Token] {
        lock.lock(); defer { lock.unlock() }
        if let cached { return cached }
        let tokens = SQLLexer.tokens(in: range, of: source)
        cached = tokens
        return tokens
    }
}

/// The answers `RuleContext.isCreatedInFile` has given. A context lives on the thread that
/// checks its statement and is not shared, so the box needs no lock.
private final class CreatedInFileAnswers: @unchecked Sendable {
    var answers: [(name: QualifiedName, created: Bool)] = []
}
