import MigrationLint
import PostgresSyntax

extension MigrationFile {
    /// A file as its layout decides: nil when the layout skips it (a down migration).
    public init?(path: String, source: SourceText, decision: LayoutDecision) {
        guard let ranges = decision.lintRanges else { return nil }
        self.init(path: path, source: source, lintRanges: ranges, layout: decision.layout,
                  transactionPolicy: decision.transactionPolicy)
    }
}
