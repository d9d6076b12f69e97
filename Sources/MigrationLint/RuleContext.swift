import Foundation
import LockModel
import PostgresSyntax

/// How the file being linted is run, from its layout (see `MigrationLayout`).
public struct MigrationFile: Sendable {
    public let path: String
    public let source: SourceText
    /// The byte ranges to lint (the "up" part); the whole file for plain files.
    public let lintRanges: [Range<Int>]
    public let layout: MigrationLayout
    /// How the migration tool runs the file (one transaction, or statement by statement).
    public let transactionPolicy: TransactionPolicy

    public init(path: String, source: SourceText, lintRanges: [Range<Int>]? = nil, layout: MigrationLayout = .plain,
                transactionPolicy: TransactionPolicy = .none) {
        self.path = path
        self.source = source
        self.lintRanges = lintRanges ?? [0..<source.count]
        self.layout = layout
        self.transactionPolicy = transactionPolicy
    }

    /// A file as its layout decides: nil when the layout skips it (a down migration).
    public init?(path: String, source: SourceText, decision: LayoutDecision) {
        guard let ranges = decision.lintRanges else { return nil }
        self.init(path: path, source: source, lintRanges: ranges, layout: decision.layout,
                  transactionPolicy: decision.transactionPolicy)
    }
}

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

    public init(statement: Statement, analysis: StatementAnalysis, file: MigrationFile, fileAnalyses: [StatementAnalysis],
                fileIndex: FileIndex? = nil) {
        self.statement = statement
        self.analysis = analysis
        self.file = file
        self.fileAnalyses = fileAnalyses
        self.fileIndex = fileIndex ?? FileIndex(fileAnalyses)
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

    /// The range of the first keyword `keyword` (upper case) at or after `offset`.
    public func keywordRange(_ keyword: String, after offset: Int? = nil) -> Range<Int>? {
        tokens.first { $0.keyword == keyword && $0.range.lowerBound >= (offset ?? 0) }?.range
    }

    /// A range that covers the clause starting at `location`: up to the next `,` `;` or
    /// unbalanced `)` outside quotes and parentheses, trailing spaces trimmed. Falls back to the
    /// statement when `location` is nil.
    public func clauseRange(at location: Int?) -> Range<Int> {
        guard let start = location, parsed.range.contains(start) else { return statementStartRange }
        let bytes = source.bytes
        var depth = 0
        var index = start
        var quote: UInt8?
        while index < parsed.range.upperBound {
            let byte = bytes[index]
            if let q = quote {
                if byte == q { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                if depth == 0 { break }
                depth -= 1
            } else if depth == 0, byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") {
                break
            }
            index += 1
        }
        while index > start, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index - 1]) { index -= 1 }
        return start..<max(index, start + 1)
    }

    /// A range that covers one expression starting at `location` (a function call with its
    /// arguments, a literal): like `clauseRange`, but also stops at a space outside parentheses.
    public func expressionRange(at location: Int?) -> Range<Int> {
        // Parentheses around the expression are not in PostgreSQL's locations: take them in.
        var start = location
        if var index = location {
            var opened = 0
            var probe = index - 1
            while probe >= parsed.range.lowerBound, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "(")].contains(source.bytes[probe]) {
                if source.bytes[probe] == UInt8(ascii: "(") { opened += 1; index = probe }
                probe -= 1
            }
            // Only when the parentheses open the clause (after DEFAULT), not a call's argument list.
            if opened > 0, probe >= parsed.range.lowerBound, isIdentifierCharacter(source.bytes[probe]) {
                let wordEnd = probe + 1
                var wordStart = probe
                while wordStart > parsed.range.lowerBound, isIdentifierCharacter(source.bytes[wordStart - 1]) { wordStart -= 1 }
                let word = source.text(wordStart..<wordEnd).uppercased()
                if ["DEFAULT", "AS", "USING", "CHECK", "SELECT", "WHERE", "THEN", "ELSE", "AND", "OR", "NOT"].contains(word) { start = index }
            } else if opened > 0 {
                start = index
            }
        }
        let clause = clauseRange(at: start)
        let bytes = source.bytes
        var depth = 0
        var quote: UInt8?
        for index in clause {
            let byte = bytes[index]
            if let q = quote { if byte == q { quote = nil }; continue }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { quote = byte }
            else if byte == UInt8(ascii: "(") { depth += 1 }
            else if byte == UInt8(ascii: ")") { depth -= 1 }
            else if depth == 0, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                return clause.lowerBound..<index
            }
        }
        return clause
    }

    /// The first word of the statement (for findings about a whole statement).
    public var statementStartRange: Range<Int> {
        let bytes = source.bytes
        var end = parsed.range.lowerBound
        while end < parsed.range.upperBound, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ";"), UInt8(ascii: "(")].contains(bytes[end]) { end += 1 }
        return parsed.range.lowerBound..<max(end, parsed.range.lowerBound + 1)
    }

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

/// What a rule sees at the end of a file.
public struct FileContext: Sendable {
    public let file: MigrationFile
    public let analyses: [StatementAnalysis]
    /// The state after the last statement.
    public let finalState: AnalysisState
}

private func isIdentifierCharacter(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte >= 0x80
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
