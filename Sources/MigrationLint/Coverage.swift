/// How much of a migration was analyzed: every statement a front end found, and each one it, or
/// the parser, could not read, with its place and why. Reporters show it so that nothing passes
/// unchecked in silence.
public struct Coverage: Sendable, Equatable {
    /// One statement (or builder call, or EXECUTE string) that no rule checked.
    public struct Entry: Sendable, Equatable {
        /// Byte range in the user's file.
        public var range: Range<Int>
        /// Why, in a few words a user can act on: "syntax error", "dynamic EXECUTE", ... Entries
        /// with the same reason are counted together in the coverage line.
        public var reason: String
        /// What exactly, when the reason alone does not say it (the Swift expression that builds
        /// the SQL at run time, the builder call not translated).
        public var detail: String?

        public init(range: Range<Int>, reason: String, detail: String? = nil) {
            self.range = range
            self.reason = reason
            self.detail = detail
        }
    }

    /// A statement of an earlier migration that the history replay could not read (a syntax
    /// error, SQL built at run time, a registered Swift migration not found): the file was
    /// checked against a schema that may not show what it did. Already placed in its own file,
    /// which is not the file linted.
    public struct EarlierPlace: Sendable, Hashable {
        public var path: String
        public var line: Int
        public var column: Int
        /// Counted apart from the file's own statements: "syntax error", "SQL built at run time".
        public var reason: String
        public var detail: String?
        /// The text of the place, for a fingerprint that survives edits elsewhere in the file.
        public var text: String

        public init(path: String, line: Int, column: Int, reason: String, detail: String? = nil, text: String = "") {
            self.path = path
            self.line = line
            self.column = column
            self.reason = reason
            self.detail = detail
            self.text = text
        }
    }

    /// Statements found, analyzed or not.
    public var statements: Int
    /// Statements the rules checked.
    public var analyzed: Int
    /// In file order.
    public var unanalyzed: [Entry]
    /// What the replay of the earlier migrations could not read, in the order it replayed them;
    /// each place once, however many files share that history.
    public var history: [EarlierPlace]

    public init(statements: Int = 0, analyzed: Int = 0, unanalyzed: [Entry] = [], history: [EarlierPlace] = []) {
        self.statements = statements
        self.analyzed = analyzed
        self.unanalyzed = unanalyzed.sorted { $0.range.lowerBound < $1.range.lowerBound }
        self.history = history
    }

    /// The coverage of several files together.
    public static func + (lhs: Coverage, rhs: Coverage) -> Coverage {
        Coverage(statements: lhs.statements + rhs.statements, analyzed: lhs.analyzed + rhs.analyzed,
                 unanalyzed: lhs.unanalyzed + rhs.unanalyzed, history: unique(lhs.history + rhs.history))
    }

    /// `places` without repeats, in order.
    public static func unique(_ places: [EarlierPlace]) -> [EarlierPlace] {
        var seen = Set<EarlierPlace>()
        return places.filter { seen.insert($0).inserted }
    }

    /// Whether every statement found was checked.
    public var isComplete: Bool { unanalyzed.isEmpty && analyzed == statements }

    /// "312 statements, 309 analyzed; not analyzed: 2 dynamic EXECUTE, 1 syntax error", the
    /// coverage line every output carries; "; not replayed from earlier migrations: 1 syntax
    /// error" when the history held statements that could not be read.
    public var line: String {
        let counts = "\(statements) statement\(statements == 1 ? "" : "s"), \(analyzed) analyzed"
        let own = unanalyzed.isEmpty ? counts : "\(counts); not analyzed: \(reasonSummary)"
        return history.isEmpty ? own : "\(own); not replayed from earlier migrations: \(Self.summary(history.map(\.reason)))"
    }

    /// "1 syntax error, 2 dynamic EXECUTE": the reasons counted, most frequent first.
    public var reasonSummary: String { Self.summary(unanalyzed.map(\.reason)) }

    static func summary(_ reasons: [String]) -> String {
        var counts: [String: Int] = [:]
        for reason in reasons { counts[reason, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
