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

    /// Statements found, analyzed or not.
    public var statements: Int
    /// Statements the rules checked.
    public var analyzed: Int
    /// In file order.
    public var unanalyzed: [Entry]

    public init(statements: Int = 0, analyzed: Int = 0, unanalyzed: [Entry] = []) {
        self.statements = statements
        self.analyzed = analyzed
        self.unanalyzed = unanalyzed.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The coverage of several files together.
    public static func + (lhs: Coverage, rhs: Coverage) -> Coverage {
        Coverage(statements: lhs.statements + rhs.statements, analyzed: lhs.analyzed + rhs.analyzed,
                 unanalyzed: lhs.unanalyzed + rhs.unanalyzed)
    }

    /// Whether every statement found was checked.
    public var isComplete: Bool { unanalyzed.isEmpty && analyzed == statements }

    /// "312 statements, 309 analyzed; not analyzed: 2 dynamic EXECUTE, 1 syntax error", the
    /// coverage line every output carries.
    public var line: String {
        let counts = "\(statements) statement\(statements == 1 ? "" : "s"), \(analyzed) analyzed"
        return unanalyzed.isEmpty ? counts : "\(counts); not analyzed: \(reasonSummary)"
    }

    /// "1 syntax error, 2 dynamic EXECUTE": the reasons counted, most frequent first.
    public var reasonSummary: String {
        var counts: [String: Int] = [:]
        for entry in unanalyzed { counts[entry.reason, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
