import MigrationLint
import PostgresSyntax

/// `file:line:col: warning: message [rule-id]`, the form Xcode, SwiftPM, vim and emacs read.
public struct GCCReporter: Reporter {
    public init() {}

    public func render(_ result: LintResult) -> String {
        var out = ""
        for report in result.reports {
            for diagnostic in report.diagnostics {
                out += line(diagnostic, in: report) + "\n"
            }
        }
        for error in result.errors { out += error.description + "\n" }
        return out
    }

    public func line(_ diagnostic: Diagnostic, in report: FileReport) -> String {
        let position = report.source.position(of: diagnostic.range.lowerBound)
        let severity = diagnostic.severity == .info ? "note" : diagnostic.severity.rawValue
        let message = diagnostic.message.replacingOccurrences(of: "\n", with: " ")
        return "\(report.path):\(position.line):\(position.column): \(severity): \(message) [\(diagnostic.ruleID)]"
    }
}
