import PostgresSyntax

/// Applies fixes to a file's bytes. Edits that overlap an edit already taken are left out, so a
/// second run picks them up.
public enum FixApplier {
    /// The new bytes, and the indices of the fixes that were applied.
    public static func apply(_ fixes: [Fix], to bytes: [UInt8]) -> (bytes: [UInt8], applied: [Int]) {
        var taken: [Edit] = []
        var applied: [Int] = []
        for (index, fix) in fixes.enumerated() {
            let overlaps = fix.edits.contains { edit in
                taken.contains { $0.range.overlaps(edit.range) || ($0.range.isEmpty && edit.range.isEmpty && $0.range.lowerBound == edit.range.lowerBound) }
            }
            guard !overlaps, fix.edits.allSatisfy({ $0.range.upperBound <= bytes.count }) else { continue }
            taken.append(contentsOf: fix.edits)
            applied.append(index)
        }
        var result = bytes
        for edit in taken.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            result.replaceSubrange(edit.range, with: Array(edit.replacement.utf8))
        }
        return (result, applied)
    }
}

extension LintEngine {
    /// Lints SQL text as one file (for examples, stdin and tests).
    public func lint(text: String, path: String = "<input>.sql", transactionPolicy: TransactionPolicy = .none) -> FileReport {
        let source = SourceText(text)
        return lint(MigrationFile(path: path, source: source, transactionPolicy: transactionPolicy))
    }
}
