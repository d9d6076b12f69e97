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

/// Where the bytes of reconstructed SQL came from in the file the user wrote.
///
/// A segment either copies bytes one for one (a run of a string literal) or stands for text the
/// front end generated (a placeholder for an interpolation, SQL serialized from a builder call),
/// which maps as a whole onto the file range that produced it.
public struct SourceMap: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public let sqlRange: Range<Int>
        public let fileRange: Range<Int>

        public init(sql: Range<Int>, file: Range<Int>) {
            self.sqlRange = sql
            self.fileRange = file
        }

        /// Bytes copied one for one, so every offset maps on its own.
        public var isCopy: Bool { sqlRange.count == fileRange.count }
    }

    /// Sorted by `sqlRange`, not overlapping.
    public let segments: [Segment]

    public init(_ segments: [Segment]) {
        self.segments = segments.sorted { $0.sqlRange.lowerBound < $1.sqlRange.lowerBound }
    }

    /// The segment holding `offset`, or the last one before it (SQL between segments, such as
    /// the separator between two literals, maps to where the previous one ends).
    private func segmentIndex(atOrBefore offset: Int) -> Int? {
        var low = 0, high = segments.count
        while low < high {
            let middle = (low + high) / 2
            if segments[middle].sqlRange.lowerBound <= offset { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// The file offset of an SQL offset, read as the start of something.
    public func fileOffset(_ offset: Int) -> Int {
        guard let index = segmentIndex(atOrBefore: offset) else { return segments.first?.fileRange.lowerBound ?? offset }
        let segment = segments[index]
        if segment.sqlRange.contains(offset) {
            return segment.isCopy ? segment.fileRange.lowerBound + (offset - segment.sqlRange.lowerBound) : segment.fileRange.lowerBound
        }
        return segment.fileRange.upperBound
    }

    /// The file offset of an SQL offset, read as the end of something.
    func fileEndOffset(_ offset: Int) -> Int {
        guard offset > 0, let index = segmentIndex(atOrBefore: offset - 1) else { return fileOffset(offset) }
        let segment = segments[index]
        if segment.sqlRange.contains(offset - 1), segment.isCopy {
            return segment.fileRange.lowerBound + (offset - segment.sqlRange.lowerBound)
        }
        return segment.fileRange.upperBound
    }

    /// The file range of an SQL range; a range that touches generated text covers all of what
    /// generated it.
    public func fileRange(_ range: Range<Int>) -> Range<Int> {
        let lower = fileOffset(range.lowerBound)
        let upper = range.isEmpty ? lower : fileEndOffset(range.upperBound)
        return lower..<max(lower, upper)
    }

    /// The file range of an SQL range when every byte of it was copied from one run of the file,
    /// so that an edit of those bytes is an edit of the file; nil otherwise.
    public func copiedFileRange(_ range: Range<Int>) -> Range<Int>? {
        guard let index = segmentIndex(atOrBefore: range.lowerBound) else { return nil }
        let segment = segments[index]
        guard segment.isCopy, segment.sqlRange.lowerBound <= range.lowerBound, range.upperBound <= segment.sqlRange.upperBound else {
            return nil
        }
        let shift = segment.fileRange.lowerBound - segment.sqlRange.lowerBound
        return (range.lowerBound + shift)..<(range.upperBound + shift)
    }
}

extension SourceMap {
    /// A diagnostic about the SQL as a diagnostic about the user's file. A fix survives only
    /// when each of its edits replaces bytes copied from the file, so that applying it to the
    /// file does what applying it to the SQL would.
    public func translate(_ diagnostic: Diagnostic) -> Diagnostic {
        var translated = diagnostic
        translated.range = fileRange(diagnostic.range)
        if let fix = diagnostic.fix {
            let edits = fix.edits.map { edit in copiedFileRange(edit.range).map { Edit(range: $0, replacement: edit.replacement) } }
            translated.fix = edits.contains { $0 == nil } ? nil : Fix(message: fix.message, edits: edits.compactMap { $0 })
        }
        return translated
    }
}
