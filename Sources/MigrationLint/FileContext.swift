import LockModel

/// What a rule sees at the end of a file.
public struct FileContext: Sendable {
    public let file: MigrationFile
    public let analyses: [StatementAnalysis]
    /// The state after the last statement.
    public let finalState: AnalysisState
}
