import PostgresSyntax

/// A file's statements as the parser read them (placeholders stood in for), with the text and
/// ranges they were read from. The history replay parses each earlier file once into this, and a
/// lint of the same file reuses it, so that linting a whole folder does not parse it twice.
public struct ParsedMigration: Sendable {
    public let path: String
    public let source: SourceText
    public let ranges: [Range<Int>]
    /// The statements' text as the splitter cut it, before parsing.
    let slices: [StatementSlice]
    public let statements: [ParsedStatement]

    /// Whether these are the statements of `source`'s `ranges`: a file changed between the two
    /// reads, or linted with its down part while the replay skipped it, is parsed again.
    func reads(_ source: SourceText, ranges: [Range<Int>]) -> Bool {
        self.ranges == ranges && self.source.bytes == source.bytes
    }
}
