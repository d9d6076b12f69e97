import MigrationLint
import PostgresSyntax

/// A compact summary for a pull-request comment or the job summary: a table of findings per
/// file, each suggested rewrite folded under `<details>`.
public struct MarkdownReporter: Reporter {
    /// GitHub refuses comments over 65,536 characters; the list stops before that.
    public var characterLimit: Int

    public init(characterLimit: Int = 60_000) { self.characterLimit = characterLimit }

    public func render(_ result: LintResult) -> String {
        let summary = result.summary
        var out = "### MigrationLint: \(summary.line)\n\n**Coverage:** \(Self.cell(result.coverage.line))\n"
        var omitted = 0
        for report in result.reports where !report.diagnostics.isEmpty {
            let section = self.section(report)
            if out.utf8.count + section.utf8.count > characterLimit {
                omitted += report.diagnostics.count
                continue
            }
            out += section
        }
        if omitted > 0 {
            out += "\n_\(plural(omitted, "more finding")) not shown; run `migration-lint lint` locally for the full list._\n"
        }
        let places = result.unanalyzedPlaces
        if !places.isEmpty {
            out += "\n**Not analyzed:**\n\n"
            for (shown, place) in places.enumerated() {
                let item = "- `\(Self.code(place.path))` line \(place.line): \(Self.cell(place.detail ?? place.reason))\n"
                if out.utf8.count + item.utf8.count > characterLimit {
                    out += "- _\(plural(places.count - shown, "more place")) not shown_\n"
                    break
                }
                out += item
            }
        }
        if !result.errors.isEmpty {
            out += "\n**Not checked:**\n\n"
            for error in result.errors {
                out += "- `\(Self.code(error.path))`\(error.line.map { " line \($0)" } ?? ""): \(Self.cell(error.message))\n"
            }
        }
        return out
    }

    func section(_ report: FileReport) -> String {
        var out = "\n#### `\(Self.code(report.path))`\n\n| Line | Severity | Rule | Message |\n| ---: | --- | --- | --- |\n"
        var folded = ""
        for diagnostic in report.diagnostics {
            let line = report.source.position(of: diagnostic.range.lowerBound).line
            out += "| \(line) | \(diagnostic.severity.rawValue) | `\(diagnostic.ruleID)` | \(Self.cell(diagnostic.message)) |\n"
            guard let rewrite = diagnostic.rewrite else { continue }
            let fence = Self.fence(for: rewrite.text)
            folded += "\n<details><summary>Suggested rewrite for line \(line) (<code>\(Self.html(diagnostic.ruleID))</code>)</summary>\n\n"
            folded += "\(fence)sql\n\(rewrite.text)\n\(fence)\n\n</details>\n"
        }
        return out + folded
    }

    /// A table cell: one line, no column separator, no raw HTML.
    static func cell(_ text: String) -> String {
        html(text)
            .replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: "<br>")
            .replacingOccurrences(of: "\n", with: "<br>")
            .replacingOccurrences(of: "\r", with: "<br>")
    }

    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Inside a code span a backtick would end it; paths with one are rare, so it is dropped.
    static func code(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'")
    }

    /// A code fence longer than any backtick run in the text.
    static func fence(for text: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            if character == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}
