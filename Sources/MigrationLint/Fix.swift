/// A replacement of a byte range of the file. Edits of one fix never overlap.
public struct Edit: Sendable, Equatable, Codable {
    public var range: Range<Int>
    public var replacement: String

    public init(range: Range<Int>, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// A machine-applicable change: a message plus at least one edit.
public struct Fix: Sendable, Equatable {
    public var message: String
    public var edits: [Edit]

    public init(message: String, edits: [Edit]) {
        self.message = message
        self.edits = edits
    }
}
