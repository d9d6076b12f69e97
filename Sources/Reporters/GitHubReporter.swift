import MigrationLint
import PostgresSyntax

/// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's
/// diff (`::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=rule-id::message`).
/// GitHub shows only the first few annotations of a step, so the action also writes the
/// markdown summary. Each place not analyzed is a `::notice` with the title `not-analyzed`;
/// the last lines are the plain summary and coverage line for the log.
public struct GitHubReporter: Reporter {
    public init() {}

    public func render(_ result: LintResult) -> String {
        var out = ""
        for report in result.reports {
            for diagnostic in report.diagnostics {
                out += command(diagnostic, in: report) + "\n"
            }
        }
        for error in result.errors {
            var properties = [("file", error.path)]
            if let line = error.line { properties.append(("line", String(line))) }
            if let column = error.column { properties.append(("col", String(column))) }
            out += "::error \(Self.properties(properties))::\(Self.escapeData(error.message))\n"
        }
        // A notice on each place no rule checked (not on a statement that already has its
        // syntax-error annotation), then the coverage line for the log.
        for place in result.unanalyzedPlaces where !place.alreadyReported {
            let properties = Self.properties([("file", place.path), ("line", String(place.line)), ("col", String(place.column)),
                                              ("title", notAnalyzedID)])
            out += "::notice \(properties)::\(Self.escapeData(place.message))\n"
        }
        out += result.summary.line + "\n"
        out += result.coverage.line + "\n"
        return out
    }

    public func command(_ diagnostic: Diagnostic, in report: FileReport) -> String {
        let start = report.source.position(of: diagnostic.range.lowerBound)
        let end = report.source.position(of: max(diagnostic.range.lowerBound, diagnostic.range.upperBound))
        let level: String
        switch diagnostic.severity {
        case .error: level = "error"
        case .warning: level = "warning"
        case .info: level = "notice"
        }
        let properties = Self.properties([
            ("file", report.path),
            ("line", String(start.line)),
            ("col", String(start.column)),
            ("endLine", String(end.line)),
            ("endColumn", String(end.column)),
            ("title", diagnostic.ruleID),
        ])
        // The annotation body is shown expanded on the diff: the message, then why and how.
        var body = [diagnostic.message]
        body += diagnostic.notes.map { "note: \($0)" }
        if let help = diagnostic.help { body.append("help: \(help)") }
        if diagnostic.fix != nil { body.append("fix: run migration-lint lint --fix") }
        return "::\(level) \(properties)::\(Self.escapeData(body.joined(separator: "\n")))"
    }

    static func properties(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
    }

    /// Escaping of the message, as the runner's `toCommandValue` unescapes it.
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Property values additionally escape the separators of the property list.
    public static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
