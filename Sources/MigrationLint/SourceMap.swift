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
