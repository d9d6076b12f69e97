/// A unified diff of two texts (`--diff`), line based, three lines of context.
public enum UnifiedDiff {
    public static func render(old: String, new: String, path: String) -> String {
        let a = lines(old), b = lines(new)
        let operations = diff(a, b)
        guard operations.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        // Group changes into hunks with up to 3 lines of context around them.
        let context = 3
        var index = 0
        while index < operations.count {
            guard let firstChange = operations[index...].firstIndex(where: { $0.kind != .same }) else { break }
            let hunkStart = max(index, firstChange - context)
            var hunkEnd = firstChange
            var cursor = firstChange
            while cursor < operations.count {
                if operations[cursor].kind != .same { hunkEnd = cursor; cursor += 1; continue }
                let nextChange = operations[cursor...].firstIndex { $0.kind != .same }
                if let nextChange, nextChange - hunkEnd <= context * 2 { cursor = nextChange; continue }
                break
            }
            let stop = min(operations.count, hunkEnd + context + 1)
            let slice = operations[hunkStart..<stop]
            let oldStart = (slice.first?.oldLine ?? 0) + 1
            let newStart = (slice.first?.newLine ?? 0) + 1
            let oldCount = slice.filter { $0.kind != .insert }.count
            let newCount = slice.filter { $0.kind != .delete }.count
            out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for operation in slice {
                switch operation.kind {
                case .same: out += " \(operation.text)\n"
                case .delete: out += "-\(operation.text)\n"
                case .insert: out += "+\(operation.text)\n"
                }
            }
            index = stop
        }
        return out
    }

    /// Lines without their terminators; a final newline does not start another line.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    struct Operation {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var text: String
        /// 0-based line in the old and new text where this operation stands.
        var oldLine: Int
        var newLine: Int
    }

    /// The lines of `a` and `b` as kept, deleted and inserted lines, from the standard library's
    /// `difference(from:)` (Myers: time and memory grow with the lines times the changes, so two
    /// fixes at the ends of a long file cost little). Within a change, deletions come first.
    static func diff(_ a: [String], _ b: [String]) -> [Operation] {
        var deleted = [Bool](repeating: false, count: a.count)
        var inserted = [Bool](repeating: false, count: b.count)
        for change in b.difference(from: a) {
            switch change {
            case .remove(let offset, _, _): deleted[offset] = true
            case .insert(let offset, _, _): inserted[offset] = true
            }
        }
        var operations: [Operation] = []
        operations.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, deleted[i] {
                operations.append(Operation(kind: .delete, text: a[i], oldLine: i, newLine: j)); i += 1
            } else if j < b.count, inserted[j] {
                operations.append(Operation(kind: .insert, text: b[j], oldLine: i, newLine: j)); j += 1
            } else {
                operations.append(Operation(kind: .same, text: a[i], oldLine: i, newLine: j)); i += 1; j += 1
            }
        }
        return operations
    }
}
