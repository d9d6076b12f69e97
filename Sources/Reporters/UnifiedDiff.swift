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

    /// Longest-common-subsequence diff over the lines between the common prefix and suffix
    /// (fixes touch few lines, so the middle is small).
    static func diff(_ a: [String], _ b: [String]) -> [Operation] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let midA = Array(a[prefix..<(a.count - suffix)])
        let midB = Array(b[prefix..<(b.count - suffix)])
        var operations: [Operation] = (0..<prefix).map { Operation(kind: .same, text: a[$0], oldLine: $0, newLine: $0) }
        var table = Array(repeating: Array(repeating: 0, count: midB.count + 1), count: midA.count + 1)
        if !midA.isEmpty && !midB.isEmpty {
            for i in stride(from: midA.count - 1, through: 0, by: -1) {
                for j in stride(from: midB.count - 1, through: 0, by: -1) {
                    table[i][j] = midA[i] == midB[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
        }
        var i = 0, j = 0
        while i < midA.count || j < midB.count {
            if i < midA.count, j < midB.count, midA[i] == midB[j] {
                operations.append(Operation(kind: .same, text: midA[i], oldLine: prefix + i, newLine: prefix + j)); i += 1; j += 1
            } else if i < midA.count, j == midB.count || table[i + 1][j] >= table[i][j + 1] {
                operations.append(Operation(kind: .delete, text: midA[i], oldLine: prefix + i, newLine: prefix + j)); i += 1
            } else {
                operations.append(Operation(kind: .insert, text: midB[j], oldLine: prefix + i, newLine: prefix + j)); j += 1
            }
        }
        for k in 0..<suffix {
            operations.append(Operation(kind: .same, text: a[a.count - suffix + k], oldLine: a.count - suffix + k, newLine: b.count - suffix + k))
        }
        return operations
    }
}
