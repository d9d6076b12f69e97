import PostgresSyntax

/// The lint result of one file.
public struct FileReport: Sendable {
    public let path: String
    public let source: SourceText
    /// Sorted by position, then rule id.
    public var diagnostics: [Diagnostic]
    public let statementCount: Int
    /// What was analyzed and what was not.
    public var coverage: Coverage

    public init(path: String, source: SourceText, diagnostics: [Diagnostic], statementCount: Int, coverage: Coverage? = nil) {
        self.path = path
        self.source = source
        self.coverage = coverage ?? Coverage(statements: statementCount, analyzed: statementCount)
        self.diagnostics = diagnostics.sorted {
            ($0.range.lowerBound, $0.ruleID, $0.range.upperBound) < ($1.range.lowerBound, $1.ruleID, $1.range.upperBound)
        }
        self.statementCount = statementCount
    }
}
