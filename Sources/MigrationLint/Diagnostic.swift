import PostgresSyntax

public enum Severity: String, Sendable, Comparable, CaseIterable, Codable {
    case info, warning, error

    var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

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

/// The lint result of one file.
public struct FileReport: Sendable {
    public let path: String
    public let source: SourceText
    /// Sorted by position, then rule id.
    public var diagnostics: [Diagnostic]
    public let statementCount: Int
    /// What was analyzed and what was not.
    public var coverage: Coverage

    public init(path: String, source: SourceText, diagnostics: [Diagnostic], statementCount: Int, coverage: Coverage? = nil) {
        self.path = path
        self.source = source
        self.coverage = coverage ?? Coverage(statements: statementCount, analyzed: statementCount)
        self.diagnostics = diagnostics.sorted {
            ($0.range.lowerBound, $0.ruleID, $0.range.upperBound) < ($1.range.lowerBound, $1.ruleID, $1.range.upperBound)
        }
        self.statementCount = statementCount
    }
}
