import Foundation
import Testing
import MigrationInput
#if canImport(Glibc)
import Glibc
#endif

/// `Glob` is `fnmatch(3)` (`FNM_NOESCAPE`) on each `/`-separated segment, plus `**`: compared
/// with the C library on generated patterns and paths. Segment by segment, because `/` always
/// separates in a glob, while glibc's `fnmatch` lets a set such as `[a/b]` span a slash even with
/// `FNM_PATHNAME`.
@Suite struct GlobTests {
    /// Segments from a small alphabet, so that patterns and paths often meet: letters, a dot, a
    /// dash, and the pattern characters.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }

        mutating func pick(_ characters: [Character]) -> Character { characters[next(characters.count)] }

        mutating func segment(_ alphabet: [Character], maxLength: Int) -> String {
            String((0..<(1 + next(maxLength))).map { _ in pick(alphabet) })
        }

        mutating func path() -> [String] {
            (0..<(1 + next(3))).map { _ in segment(["a", "b", ".", "-", "]", "!", "^"], maxLength: 3) }
        }

        /// With `doubleStar`, some segments are `**`; without, none is.
        mutating func pattern(doubleStar: Bool) -> [String] {
            (0..<(1 + next(3))).map { _ in
                if doubleStar && next(4) == 0 { return "**" }
                while true {
                    let segment = segment(["a", "b", ".", "-", "]", "!", "^", "*", "?", "[", "[", "*", "?"], maxLength: 5)
                    if segment != "**" { return segment }
                }
            }
        }
    }

    /// fnmatch on each segment; the segment counts must agree.
    static func fnmatches(_ pattern: [String], _ path: [String]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { fnmatch($0, $1, FNM_NOESCAPE) == 0 }
    }

    @Test func agreesWithFnmatch() {
        var generator = Generator(state: 2026)
        var disagreements: [String] = []
        var matched = 0
        for _ in 0..<200_000 {
            let pattern = generator.pattern(doubleStar: false)
            let path = generator.path()
            let expected = Self.fnmatches(pattern, path)
            if expected { matched += 1 }
            if Glob.matches(pattern.joined(separator: "/"), path.joined(separator: "/")) != expected {
                disagreements.append("\(pattern.joined(separator: "/")) \(path.joined(separator: "/")): fnmatch \(expected)")
            }
        }
        #expect(disagreements.prefix(20) == [], "\(disagreements.count) disagreements")
        // The generated pairs must exercise matches, not only mismatches.
        #expect(matched > 1_000)
    }

    /// `**` as a whole segment is any number of `*` segments, none included.
    @Test func doubleStarIsAnyNumberOfSegments() {
        var generator = Generator(state: 15)
        var disagreements: [String] = []
        for _ in 0..<50_000 {
            let pattern = generator.pattern(doubleStar: true)
            let path = generator.path()
            var expansions = [[String]()]
            for segment in pattern {
                expansions = expansions.flatMap { prefix in
                    segment == "**" ? (0...3).map { prefix + Array(repeating: "*", count: $0) } : [prefix + [segment]]
                }
            }
            let expected = expansions.contains { Self.fnmatches($0, path) }
            if Glob.matches(pattern.joined(separator: "/"), path.joined(separator: "/")) != expected {
                disagreements.append("\(pattern.joined(separator: "/")) \(path.joined(separator: "/")): expected \(expected)")
            }
        }
        #expect(disagreements.prefix(20) == [], "\(disagreements.count) disagreements")
    }

    @Test func bracketsAsFnmatchReadsThem() {
        #expect(Glob.matches("V[0-9]__*.sql", "V2__x.sql"))
        #expect(Glob.matches("[]a]", "]"))
        #expect(Glob.matches("[!]a]", "b"))
        #expect(Glob.matches("a[b", "a[b"))
        #expect(Glob.matches("[a-]", "-"))
        #expect(!Glob.matches("[z-a]", "m"))
    }
}
