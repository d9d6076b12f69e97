/// What a rule reports about one statement, before the engine attaches rule id and severity.
public struct Finding: Sendable, Equatable {
    public var message: String
    /// Byte range in the file of the offending clause.
    public var range: Range<Int>
    public var notes: [String]
    public var help: String?
    /// A safer rewrite, built from the user's own statement.
    public var rewrite: RewritePlan?
    public var fix: Fix?

    public init(message: String, range: Range<Int>, notes: [String] = [], help: String? = nil,
                rewrite: RewritePlan? = nil, fix: Fix? = nil) {
        self.message = message
        self.range = range
        self.notes = notes
        self.help = help
        self.rewrite = rewrite
        self.fix = fix
    }
}
