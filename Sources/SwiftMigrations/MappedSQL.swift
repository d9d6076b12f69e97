import MigrationLint

/// SQL under construction, each byte remembering where in the Swift file it came from.
struct MappedSQL {
    private(set) var bytes: [UInt8] = []
    private(set) var segments: [SourceMap.Segment] = []

    var count: Int { bytes.count }

    /// Bytes of the Swift file copied one for one (a run of a string literal).
    mutating func copy(_ fileRange: Range<Int>, of file: [UInt8]) {
        guard !fileRange.isEmpty else { return }
        let start = bytes.count
        bytes += file[fileRange]
        if let last = segments.last, last.isCopy, last.sqlRange.upperBound == start, last.fileRange.upperBound == fileRange.lowerBound {
            segments[segments.count - 1] = SourceMap.Segment(sql: last.sqlRange.lowerBound..<bytes.count,
                                                             file: last.fileRange.lowerBound..<fileRange.upperBound)
        } else {
            segments.append(SourceMap.Segment(sql: start..<bytes.count, file: fileRange))
        }
    }

    /// Text the front end wrote for the Swift code at `fileRange` (a placeholder, an escape, SQL
    /// serialized from a builder call): it maps as a whole onto that range.
    mutating func generate(_ text: String, for fileRange: Range<Int>, file: [UInt8]) {
        let generated = Array(text.utf8)
        guard !generated.isEmpty else { return }
        let start = bytes.count
        bytes += generated
        var target = fileRange
        // A segment whose two sides have the same length is read as a copy, offset by offset,
        // and a fix inside it would edit the Swift file: only true copies may look like one.
        if target.count == generated.count, Array(file[target]) != generated {
            target = target.lowerBound..<(target.upperBound - 1)
        }
        segments.append(SourceMap.Segment(sql: start..<bytes.count, file: target))
    }

    /// Text that maps to nothing of its own (separators between statements and list items);
    /// it maps to where the text before it ends.
    mutating func plain(_ text: String) {
        bytes += Array(text.utf8)
    }

    var lastNonSpaceByte: UInt8? {
        bytes.last { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    }
}
