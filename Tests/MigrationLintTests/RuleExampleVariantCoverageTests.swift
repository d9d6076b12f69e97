import Testing
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// Which rules show, among their own bad examples, a comment holding a quote, a dollar quote and
/// an `E''` escape string beside a place their finding, fix or rewrite cuts the user's text: the
/// variants that broke rewrites when clauses were found by scanning bytes (issue 11). Beside a
/// finding's or a fix's boundary means within `reach` tokens of it; for a rewrite, which is built
/// from the statement's text or clauses cut from it, anywhere in that statement.
/// `RuleExampleTests` then checks, for every such example, that each rewrite step parses and each
/// fix applies. A rule missing a variant must be listed in `noSuchBoundary` with the reason.
@Suite struct RuleExampleVariantCoverageTests {
    enum Variant: String, CaseIterable, Comparable {
        case commentWithQuote = "a comment holding a quote"
        case dollarQuote = "a dollar quote"
        case escapeString = "an E'' string"

        static func < (a: Variant, b: Variant) -> Bool { a.rawValue < b.rawValue }
    }

    /// Rules that offer a fix or a rewrite, yet can have no such variant beside the places they
    /// cut: the statement they report has no literal (or nothing of the user's text is copied).
    static let noSuchBoundary: [String: (variants: Set<Variant>, reason: String)] = {
        let literals: Set<Variant> = [.dollarQuote, .escapeString]
        let noLiteral = "the statement it reports takes names only and cannot share its ALTER with a clause that holds a literal"
        return [
            "drop-index-concurrently": (literals, noLiteral),
            "reindex-concurrently": (literals, noLiteral),
            "refresh-materialized-view-concurrently": (literals, noLiteral),
            "detach-partition-concurrently": (literals, noLiteral),
            "drop-table": (literals, noLiteral),
            "drop-schema": (literals, noLiteral),
            "drop-database": (literals, noLiteral),
            "drop-type": (literals, noLiteral),
            "drop-view": (literals, noLiteral),
            "drop-function": (literals, noLiteral),
            "drop-sequence": (literals, noLiteral),
            "truncate": (literals, noLiteral),
            "rename-column": (literals, noLiteral),
            "rename-table": (literals, noLiteral),
            "rename-object": (literals, noLiteral),
            "set-schema": (literals, noLiteral),
        ]
    }()

    /// How many tokens either side of a boundary count as beside it.
    static let reach = 3

    /// The variants found beside the boundaries of `rule`'s findings, fixes and rewrites on its
    /// bad examples; nil when no example gets a fix or a rewrite.
    static func variants(of rule: any Rule) -> Set<Variant>? {
        var found: Set<Variant> = []
        var cuts = false
        for example in rule.description.badExamples {
            var configuration = Configuration()
            configuration.postgresVersion = example.postgresVersion ?? 15
            configuration.ruleSettings[rule.id] = RuleSetting(rule.description.defaultSeverity ?? .warning)
            let sql = example.withoutMarkers.sql
            let report = LintEngine(rules: [rule], configuration: configuration).lint(example, text: sql)
            let source = SourceText(sql)
            let tokens = SQLLexer.tokens(in: 0..<source.count, of: source)
            for diagnostic in report.diagnostics where diagnostic.ruleID == rule.id {
                guard diagnostic.fix != nil || diagnostic.rewrite != nil else { continue }
                cuts = true
                var boundaries = [diagnostic.range.lowerBound, diagnostic.range.upperBound]
                for edit in diagnostic.fix?.edits ?? [] { boundaries += [edit.range.lowerBound, edit.range.upperBound] }
                for boundary in boundaries {
                    found.formUnion(variants(around: boundary, tokens: tokens, source: source))
                }
                // A rewrite is built from the statement (its text, or clauses cut from it): a
                // variant anywhere in it sits at a boundary the rewrite may cut.
                if diagnostic.rewrite != nil,
                   let statement = StatementSplitter.split(source.bytes).first(where: { $0.range.contains(diagnostic.range.lowerBound) }) {
                    let inside = tokens.indices.filter { statement.range.contains(tokens[$0].range.lowerBound) }
                    if let first = inside.first, let last = inside.last {
                        found.formUnion(variants(in: first..<last + 1, tokens: tokens, source: source))
                    }
                }
            }
        }
        return cuts ? found : nil
    }

    /// The variants among the `reach` tokens either side of `offset` and the gaps between them.
    static func variants(around offset: Int, tokens: [Token], source: SourceText) -> Set<Variant> {
        let index = tokens.firstIndex { $0.range.upperBound > offset } ?? tokens.count
        return variants(in: max(index - reach, 0)..<min(index + reach, tokens.count), tokens: tokens, source: source)
    }

    /// The variants among `tokens[window]` and the gaps around and between them.
    static func variants(in window: Range<Int>, tokens: [Token], source: SourceText) -> Set<Variant> {
        let low = window.lowerBound, high = window.upperBound
        var found: Set<Variant> = []
        // The gaps: before the first token of the window, between its tokens, after its last.
        let gapStarts = [low > 0 ? tokens[low - 1].range.upperBound : 0] + tokens[low..<high].map(\.range.upperBound)
        let gapEnds = tokens[low..<high].map(\.range.lowerBound) + [high < tokens.count ? tokens[high].range.lowerBound : source.count]
        for (start, end) in zip(gapStarts, gapEnds) where start < end {
            let gap = source.text(start..<end)
            if (gap.contains("--") || gap.contains("/*")) && gap.contains("'") { found.insert(.commentWithQuote) }
        }
        for token in tokens[low..<high] {
            let text = source.text(token.range)
            if text.hasPrefix("$"), let second = text.dropFirst().first, !second.isNumber { found.insert(.dollarQuote) }
            if text.hasPrefix("E'") || text.hasPrefix("e'") { found.insert(.escapeString) }
        }
        return found
    }

    @Test func everyRuleThatCutsTheUsersTextShowsTheVariants() {
        var gaps: [String] = []
        for rule in allRules {
            guard let found = Self.variants(of: rule) else { continue }
            let missing = Set(Variant.allCases).subtracting(found).subtracting(Self.noSuchBoundary[rule.id]?.variants ?? [])
            if !missing.isEmpty { gaps.append("\(rule.id): no example with \(missing.sorted().map(\.rawValue).joined(separator: ", "))") }
        }
        #expect(gaps.isEmpty, "bad examples missing a variant beside a place the rule cuts:\n\(gaps.joined(separator: "\n"))")
    }

    /// An exemption names a rule that exists and a variant its examples really lack.
    @Test func exemptionsAreNeeded() {
        for (id, exemption) in Self.noSuchBoundary {
            let rule = allRules.first { $0.id == id }
            #expect(rule != nil, "\(id) is not a rule")
            if let rule, let found = Self.variants(of: rule) {
                #expect(found.isDisjoint(with: exemption.variants), "\(id): exempt from a variant its examples show")
            }
        }
    }
}
