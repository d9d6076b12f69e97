import LockModel
import MigrationLint
import PostgresSyntax

/// The user's own text, as rewrites and fixes reuse it: always cut at token boundaries (see
/// `RuleContext.clauseEnd`), so that comments, dollar quotes and `E''` strings stay whole.
extension RuleContext {
    /// The statement as the user wrote it, with `edits` (file offsets inside the statement)
    /// applied, ending with `;`. A statement without one gets it after its last token, so that a
    /// comment after that token stays a comment.
    func statementSQL(applying edits: [Edit] = []) -> String {
        let range = statementRange
        var pending = edits.filter { $0.range.lowerBound >= range.lowerBound && $0.range.upperBound <= range.upperBound }
            .map { (edit: $0, isTerminator: false) }
        if !isTerminated {
            pending.append((Edit(range: bodyEnd..<bodyEnd, replacement: ";"), true))
        }
        // From the end, so that offsets stay valid; at one offset the `;` goes in first and so
        // ends up after text the other edits insert there.
        pending.sort { $0.edit.range.lowerBound != $1.edit.range.lowerBound ? $0.edit.range.lowerBound > $1.edit.range.lowerBound
                                                                             : $0.isTerminator && !$1.isTerminator }
        var bytes = Array(source.bytes[range])
        for (edit, _) in pending {
            bytes.replaceSubrange((edit.range.lowerBound - range.lowerBound)..<(edit.range.upperBound - range.lowerBound),
                                  with: Array(edit.replacement.utf8))
        }
        var text = String(decoding: bytes, as: UTF8.self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }

    /// The statement with `insertion` placed at `offset` (a file offset inside the statement).
    func statementSQL(inserting insertion: String, at offset: Int) -> String {
        statementSQL(applying: [Edit(range: offset..<offset, replacement: insertion)])
    }

    /// The text of a clause as the user wrote it (see `clauseRange`).
    func clauseText(at location: Int?) -> String {
        source.text(clauseRange(at: location))
    }

    /// The text of an expression as the user wrote it.
    func expressionText(_ expression: Expression) -> String {
        source.text(expressionRange(at: expression.location))
    }

    /// The text inside the first balanced parentheses at or after `offset`.
    func parenthesizedText(from offset: Int) -> String? {
        balancedGroup(from: offset).map { source.text($0.lowerBound + 1..<$0.upperBound - 1) }
    }

    /// `sql` after `SET lock_timeout` when this statement takes a lock that blocks writes on a
    /// table that exists before it.
    func withLockTimeoutIfBlocking(_ sql: String) -> String {
        effects.locks.contains(where: { !$0.isNew && $0.mode.blocksWrites }) ? SQLText.withLockTimeout(sql) : sql
    }

    /// An edit that inserts a `SET lock_timeout` line before the statement.
    var lockTimeoutEdit: Edit {
        let start = statementRange.lowerBound
        return Edit(range: start..<start, replacement: "\(SQLText.lockTimeout)\n")
    }
}

extension RuleContext {
    /// The text of `range` without the part `omitting` (a clause taken out of a column
    /// definition), one space for every run of spaces between its tokens: the tokens themselves,
    /// strings and comments included, are kept as written.
    func compactText(_ range: Range<Int>, omitting: Range<Int>? = nil) -> String {
        let omitted = omitting ?? range.upperBound..<range.upperBound
        let kept = tokens[tokenIndex(at: range.lowerBound)...].prefix { $0.range.upperBound <= range.upperBound }
            .filter { !omitted.contains($0.range.lowerBound) }
        var text = ""
        var previousEnd: Int?
        for token in kept {
            if let previousEnd {
                var gap = previousEnd < omitted.lowerBound && token.range.lowerBound >= omitted.upperBound
                    ? source.text(previousEnd..<omitted.lowerBound) + source.text(omitted.upperBound..<token.range.lowerBound)
                    : source.text(previousEnd..<token.range.lowerBound)
                while gap.contains("  ") { gap = gap.replacingOccurrences(of: "  ", with: " ") }
                text += gap
            }
            text += source.text(token.range)
            previousEnd = token.range.upperBound
        }
        return text
    }
}
