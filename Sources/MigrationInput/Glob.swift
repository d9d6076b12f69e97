import Foundation

/// Shell-style globs over `/`-separated paths. Each segment of the pattern matches one segment
/// of the path as `fnmatch(3)` with `FNM_NOESCAPE` matches it (a test compares the two on
/// generated pairs): `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[!abc]` or
/// `[^abc]` one character of a set, `]` first in a set is a member, a `[` that no `]` closes is
/// itself; no backslash escapes, no classes such as `[[:alpha:]]`. A whole segment `**` matches
/// any number of segments, none included. `/` always separates (glibc's `fnmatch` would let
/// `[a/b]` span it); empty segments do not count: `a//b` is `a/b`.
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
            if let (set, rest) = bracket(pattern) {
                guard let c = text.first, set.contains(c) else { return false }
                return matchSegment(rest, text.dropFirst())
            }
            return text.first == "[" && matchSegment(pattern.dropFirst(), text.dropFirst())
        default:
            return text.first == p && matchSegment(pattern.dropFirst(), text.dropFirst())
        }
    }

    /// A set of characters, `[...]`.
    struct CharacterSet {
        var negated: Bool
        var members: [ClosedRange<Character>]

        func contains(_ c: Character) -> Bool {
            members.contains { $0.contains(c) } != negated
        }
    }

    /// The set that opens `pattern`, and the pattern after it; nil when no `]` closes it.
    static func bracket(_ pattern: ArraySlice<Character>) -> (CharacterSet, ArraySlice<Character>)? {
        var index = pattern.index(after: pattern.startIndex)
        let negated = index < pattern.endIndex && (pattern[index] == "!" || pattern[index] == "^")
        if negated { index += 1 }
        let first = index
        var members: [ClosedRange<Character>] = []
        while index < pattern.endIndex {
            let c = pattern[index]
            if c == "]" && index > first {
                return (CharacterSet(negated: negated, members: members), pattern[(index + 1)...])
            }
            if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                let upper = pattern[index + 2]
                // A range whose end comes before its start holds nothing.
                if c <= upper { members.append(c...upper) }
                index += 3
            } else {
                members.append(c...c)
                index += 1
            }
        }
        return nil
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
