import PostgresSyntax

/// One migration as a front end hands it to the core: the SQL to read, the parts of it to lint,
/// how its migration tool runs it, and where its bytes came from.
///
/// A `.sql` file is its own SQL (`origin` is nil). A front end that finds SQL somewhere else (the
/// string literals of a Swift file, the body of a DO block) hands over the SQL it reconstructed
/// with an `origin`: the file the user wrote and a map from the SQL's bytes back into it. Rules
/// and the lock model only ever see SQL offsets; the engine translates every finding into the
/// user's file, and line and column come from `position(of:)`.
public struct MigrationFile: Sendable {
    public let path: String
    /// The SQL the parser reads; every range a rule sees is a byte range of this text.
    public let source: SourceText
    /// The byte ranges of `source` to lint (the "up" part); all of it for plain files.
    public let lintRanges: [Range<Int>]
    public let layout: MigrationLayout
    /// How the migration tool runs the file (one transaction, or statement by statement).
    public let transactionPolicy: TransactionPolicy
    /// The file the SQL was taken from, when it is not the SQL itself.
    public let origin: Origin?
    /// What the front end found but could not turn into SQL (ranges in the user's file).
    public var unanalyzed: [Coverage.Entry] = []

    public struct Origin: Sendable {
        /// The file as the user wrote it.
        public let file: SourceText
        /// Where each byte of the SQL came from in `file`.
        public let map: SourceMap

        public init(file: SourceText, map: SourceMap) {
            self.file = file
            self.map = map
        }
    }

    public init(path: String, source: SourceText, lintRanges: [Range<Int>]? = nil, layout: MigrationLayout = .plain,
                transactionPolicy: TransactionPolicy = .none, origin: Origin? = nil) {
        self.path = path
        self.source = source
        self.lintRanges = lintRanges ?? [0..<source.count]
        self.layout = layout
        self.transactionPolicy = transactionPolicy
        self.origin = origin
    }

    /// The text the user sees: the file itself, or the file the SQL came from.
    public var userSource: SourceText { origin?.file ?? source }

    /// A byte range of the SQL as a byte range of the user's file.
    public func userRange(_ range: Range<Int>) -> Range<Int> {
        origin?.map.fileRange(range) ?? range
    }

    /// Line and column in the user's file of a byte offset of the SQL: the one place where a
    /// rule's offsets become positions.
    public func position(of offset: Int) -> SourcePosition {
        guard let origin else { return source.position(of: offset) }
        return origin.file.position(of: origin.map.fileOffset(offset))
    }
}
