import MigrationLint
import PostgresSyntax

/// The default, human output: each finding with its source line, a line-number gutter and
/// carets under the offending clause, then notes, help and the suggested rewrite.
public struct TextReporter: Reporter {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    public func render(_ result: LintResult) -> String {
        var out = ""
        for report in result.reports {
            for diagnostic in report.diagnostics {
                out += render(diagnostic, in: report)
                out += "\n"
            }
        }
        for error in result.errors {
            out += paint(error.description, .red, bold: true) + "\n"
        }
        out += paint(result.summary.line, .none, bold: true) + "\n"
        return out
    }

    func render(_ diagnostic: Diagnostic, in report: FileReport) -> String {
        let source = report.source
        let start = source.position(of: diagnostic.range.lowerBound)
        let end = source.position(of: max(diagnostic.range.lowerBound, diagnostic.range.upperBound))
        let severityColor: Style = diagnostic.severity == .error ? .red : diagnostic.severity == .warning ? .yellow : .blue
        var lines: [String] = []
        lines.append(paint("\(diagnostic.severity.rawValue)[\(diagnostic.ruleID)]", severityColor, bold: true)
                     + paint(": \(diagnostic.message)", .none, bold: true))
        let gutterWidth = String(start.line).count
        let pad = String(repeating: " ", count: gutterWidth)
        lines.append("\(pad)\(paint("-->", .blue, bold: true)) \(report.path):\(start.line):\(start.column)")
        lines.append("\(pad) \(paint("|", .blue, bold: true))")
        let lineText = source.text(source.lineRange(start.line))
        lines.append("\(paint(String(start.line), .blue, bold: true)) \(paint("|", .blue, bold: true)) \(lineText)")
        // Carets under the range on its first line; tabs are kept so the carets line up.
        let prefix = lineText.prefix(start.column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
        let lineLength = lineText.count
        let caretCount = end.line == start.line ? max(1, end.column - start.column) : max(1, lineLength - start.column + 1)
        lines.append("\(pad) \(paint("|", .blue, bold: true)) \(prefix)\(paint(String(repeating: "^", count: caretCount), severityColor, bold: true))")
        for note in diagnostic.notes {
            lines.append("\(pad) \(paint("=", .blue, bold: true)) \(paint("note", .none, bold: true)): \(note)")
        }
        if let help = diagnostic.help {
            lines.append("\(pad) \(paint("=", .blue, bold: true)) \(paint("help", .none, bold: true)): \(help)")
        }
        if let fix = diagnostic.fix {
            lines.append("\(pad) \(paint("=", .blue, bold: true)) \(paint("fix", .none, bold: true)): \(fix.message) (apply with --fix)")
        }
        if let rewrite = diagnostic.rewrite {
            lines.append("\(pad) \(paint("=", .blue, bold: true)) \(paint("suggested rewrite", .none, bold: true)):")
            for line in rewrite.text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("\(pad)     \(paint(String(line), .green, bold: false))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    enum Style { case none, red, yellow, blue, green }

    func paint(_ text: String, _ style: Style, bold: Bool) -> String {
        guard color else { return text }
        var codes: [String] = []
        if bold { codes.append("1") }
        switch style {
        case .none: break
        case .red: codes.append("31")
        case .yellow: codes.append("33")
        case .blue: codes.append("34")
        case .green: codes.append("32")
        }
        guard !codes.isEmpty else { return text }
        return "\u{1B}[\(codes.joined(separator: ";"))m\(text)\u{1B}[0m"
    }
}

