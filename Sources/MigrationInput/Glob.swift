import Foundation

/// Shell-style globs: `*` and `?` within one path segment, `**` across segments, `[abc]` classes.
public enum Glob {
    public static func isPattern(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
    }

    public static func matches(_ pattern: String, _ path: String) -> Bool {
        matchSegments(pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)[...],
                      path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)[...])
    }

    static func matchSegments(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var tail = path
            while true {
                if matchSegments(rest, tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        }
        guard let segment = path.first, matchSegment(Array(first)[...], Array(segment)[...]) else { return false }
        return matchSegments(pattern.dropFirst(), path.dropFirst())
    }

    static func matchSegment(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let p = pattern.first else { return text.isEmpty }
        switch p {
        case "*":
            var tail = text
            while true {
                if matchSegment(pattern.dropFirst(), tail) { return true }
                if tail.isEmpty { return false }
                tail = tail.dropFirst()
            }
        case "?":
            return !text.isEmpty && matchSegment(pattern.dropFirst(), text.dropFirst())
        case "[":
            guard let close = pattern.dropFirst().firstIndex(of: "]"), let c = text.first else { return false }
            let set = pattern[pattern.index(after: pattern.startIndex)..<close]
            let negate = set.first == "!" || set.first == "^"
            let members = negate ? set.dropFirst() : set
            var found = false
            var i = members.startIndex
            while i < members.endIndex {
                let next = members.index(after: i)
                if next < members.endIndex, members[next] == "-", members.index(after: next) < members.endIndex {
                    let upper = members[members.index(after: next)]
                    if members[i] <= c && c <= upper { found = true }
                    i = members.index(after: members.index(after: next))
                } else {
                    if members[i] == c { found = true }
                    i = next
                }
            }
            return found != negate && matchSegment(pattern[pattern.index(after: close)...], text.dropFirst())
        default:
            return text.first == p && matchSegment(pattern.dropFirst(), text.dropFirst())
        }
    }

    /// The files a pattern names, walking from its longest literal prefix.
    public static func expand(_ pattern: String) -> [String] {
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var base: [String] = []
        for segment in segments {
            if isPattern(segment) { break }
            base.append(segment)
        }
        let root = base.isEmpty ? "." : (base.joined(separator: "/").isEmpty ? "/" : base.joined(separator: "/"))
        let walker = FileDiscovery()
        // Only SQL files are linted, so only they are candidates.
        let candidates = walker.sqlFiles(under: root)
        let normalizedPattern = FileDiscovery.normalize(pattern)
        return candidates.filter { matches(normalizedPattern, FileDiscovery.normalize($0)) }.sorted()
    }
}
