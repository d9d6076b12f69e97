/// How much of a migration was analyzed: every statement a front end found, and each one it, or
/// the parser, could not read, with its place and why. Reporters show it so that nothing passes
/// unchecked in silence.
public struct Coverage: Sendable, Equatable {
    /// One statement (or builder call, or EXECUTE string) that no rule checked.
    public struct Entry: Sendable, Equatable {
        /// Byte range in the user's file.
        public var range: Range<Int>
        /// Why, in a few words a user can act on: "syntax error", "dynamic EXECUTE", ...
        public var reason: String

        public init(range: Range<Int>, reason: String) {
            self.range = range
            self.reason = reason
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

    /// "2 syntax errors, 1 dynamic EXECUTE": the reasons counted, most frequent first.
    public var reasonSummary: String {
        var counts: [String: Int] = [:]
        for entry in unanalyzed { counts[entry.reason, default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
