import MigrationLint
import PostgresSyntax

/// `file:line:col: warning: message [rule-id]`, the form Xcode, SwiftPM, vim and emacs read.
/// Places not analyzed are `note: not analyzed: reason [not-analyzed]` lines; there is no
/// summary or coverage line, which those readers would not understand.
public struct GCCReporter: PerFileReporter {
    public init() {}

    public func renderFile(_ report: FileReport) -> [UInt8] {
        var out = ""
        for diagnostic in report.diagnostics {
            out += line(diagnostic, in: report) + "\n"
        }
        // Each place no rule checked, as a note an editor lists with the findings; a statement
        // with a syntax-error finding is not listed twice.
        for place in report.unanalyzedPlaces where !place.alreadyReported { out += note(place) }
        return Array(out.utf8)
    }

    /// The places in earlier files that the history replay could not read come once, after
    /// every file.
    public func frame(_ result: LintResult) -> ReportFrame {
        let tail = result.historyPlaces.map(note).joined() + result.errors.map { $0.description + "\n" }.joined()
        return ReportFrame(head: [], separator: [], tail: Array(tail.utf8))
    }

    func note(_ place: UnanalyzedPlace) -> String {
        "\(place.path):\(place.line):\(place.column): note: \(place.message.replacingOccurrences(of: "\n", with: " ")) [\(notAnalyzedID)]\n"
    }

    public func line(_ diagnostic: Diagnostic, in report: FileReport) -> String {
        let position = report.source.position(of: diagnostic.range.lowerBound)
        let severity = diagnostic.severity == .info ? "note" : diagnostic.severity.rawValue
        let message = diagnostic.message.replacingOccurrences(of: "\n", with: " ")
        return "\(report.path):\(position.line):\(position.column): \(severity): \(message) [\(diagnostic.ruleID)]"
    }
}
