/// One statement's place in a file, found by `StatementSplitter`.
public struct StatementSlice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case sql
        /// A psql meta-command line such as `\set`, `\c` or `\i`: not SQL, never parsed.
        case psqlMetaCommand
    }

    /// A construct that was still open when the file ended.
    public enum Unterminated: Sendable, Equatable {
        case string, quotedIdentifier, blockComment
        case dollarQuote(tag: String)
    }

    public let kind: Kind
    /// From the first byte of the statement through its terminating `;` (or the end of input).
    public let range: Range<Int>
    /// Whitespace and comments between the previous statement and this one.
    public let leadingTrivia: Range<Int>
    /// Where an unterminated string, identifier, comment or dollar quote starts, if any.
    public let unterminated: (kind: Unterminated, offset: Int)?
    /// The deepest nesting of parentheses, used to refuse pathological input before parsing.
    public let maxParenDepth: Int
    /// Byte offset of the first psql variable interpolation (`:'var'`, `:"var"`, `:var`).
    public let psqlVariableOffset: Int?
    /// The most binary operators (`+`, `||`, `::`, `COLLATE`, `AT TIME ZONE`...) chained in one
    /// expression: each nests the tree one level deeper, and libpg_query's output code recurses
    /// (and takes quadratic time) on that depth, overflowing even a 64 MiB stack near a million.
    public var maxOperatorChain = 0
    /// The longest identifier or quoted identifier, in bytes as written: a name can only be too
    /// long for PostgreSQL in a statement where this is.
    public var longestName = 0

    public static func == (lhs: StatementSlice, rhs: StatementSlice) -> Bool {
        lhs.kind == rhs.kind && lhs.range == rhs.range && lhs.leadingTrivia == rhs.leadingTrivia
            && lhs.unterminated?.kind == rhs.unterminated?.kind && lhs.unterminated?.offset == rhs.unterminated?.offset
    }
}

