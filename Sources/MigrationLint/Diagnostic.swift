import PostgresSyntax

/// A finding with its rule and severity, as reporters show it.
public struct Diagnostic: Sendable, Equatable {
    public var ruleID: String
    public var severity: Severity
    public var message: String
    /// UTF-8 byte range in the file.
    public var range: Range<Int>
    public var notes: [String]
    public var help: String?
    public var rewrite: RewritePlan?
    public var fix: Fix?

    public init(ruleID: String, severity: Severity, message: String, range: Range<Int>, notes: [String] = [],
                help: String? = nil, rewrite: RewritePlan? = nil, fix: Fix? = nil) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.help = help
        self.rewrite = rewrite
        self.fix = fix
    }

    public init(ruleID: String, severity: Severity, finding: Finding) {
        self.init(ruleID: ruleID, severity: severity, message: finding.message, range: finding.range,
                  notes: finding.notes, help: finding.help, rewrite: finding.rewrite, fix: finding.fix)
    }
}
