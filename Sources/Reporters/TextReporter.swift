import MigrationLint
import PostgresSyntax

/// The default, human output: each finding with its source line, a line-number gutter and
/// carets under the offending clause, then notes, help and the suggested rewrite.
public struct TextReporter: PerFileReporter {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    public func renderFile(_ report: FileReport) -> [UInt8] {
        var out = ""
        for diagnostic in report.diagnostics {
            render(diagnostic, in: report, into: &out)
            out += "\n"
        }
        return Array(out.utf8)
    }

    public func frame(_ result: LintResult) -> ReportFrame {
        var tail = ""
        for error in result.errors {
            tail += paint(error.description, .red, bold: true) + "\n"
        }
        tail += paint(result.summary.line, .none, bold: true) + "\n"
        // The coverage line, then every place not analyzed, one line each in the form editors
        // and terminals link (the findings above show the statements with errors in full).
        tail += paint(result.coverage.line, .none, bold: true) + "\n"
        for place in result.unanalyzedPlaces {
            tail += "  \(place.path):\(place.line):\(place.column): \(place.detail ?? place.reason)\n"
        }
        return ReportFrame(head: [], separator: [], tail: Array(tail.utf8))
    }

    func render(_ diagnostic: Diagnostic, in report: FileReport) -> String {
        var out = ""
        render(diagnostic, in: report, into: &out)
        return out
    }

    // Appends to one string: with 30,000 findings, building lines arrays and splitting
    // rewrites by Character was a third of the run.
    func render(_ diagnostic: Diagnostic, in report: FileReport, into out: inout String) {
        let source = report.source
        let start = source.position(of: diagnostic.range.lowerBound)
        let end = source.position(of: max(diagnostic.range.lowerBound, diagnostic.range.upperBound))
        let severityColor: Style = diagnostic.severity == .error ? .red : diagnostic.severity == .warning ? .yellow : .blue
        out += paint("\(diagnostic.severity.rawValue)[\(diagnostic.ruleID)]", severityColor, bold: true)
        out += paint(": \(diagnostic.message)", .none, bold: true)
        out += "\n"
        let lineNumber = String(start.line)
        let pad = String(repeating: " ", count: lineNumber.utf8.count)
        let bar = paint("|", .blue, bold: true)
        let equals = paint("=", .blue, bold: true)
        out += "\(pad)\(paint("-->", .blue, bold: true)) \(report.path):\(start.line):\(start.column)\n"
        out += "\(pad) \(bar)\n"
        let lineRange = source.lineRange(start.line)
        out += "\(paint(lineNumber, .blue, bold: true)) \(bar) \(source.text(lineRange))\n"
        // Carets under the range on its first line; tabs are kept so the carets line up.
        // Columns count code points, so the prefix and the line length do too.
        var prefix = ""
        var lineLength = 0
        for byte in source.bytes[lineRange] where byte & 0xC0 != 0x80 {
            if lineLength < start.column - 1 { prefix.append(byte == UInt8(ascii: "\t") ? "\t" : " ") }
            lineLength += 1
        }
        let caretCount = end.line == start.line ? max(1, end.column - start.column) : max(1, lineLength - start.column + 1)
        out += "\(pad) \(bar) \(prefix)\(paint(String(repeating: "^", count: caretCount), severityColor, bold: true))\n"
        for note in diagnostic.notes {
            out += "\(pad) \(equals) \(paint("note", .none, bold: true)): \(note)\n"
        }
        if let help = diagnostic.help {
            out += "\(pad) \(equals) \(paint("help", .none, bold: true)): \(help)\n"
        }
        if let fix = diagnostic.fix {
            out += "\(pad) \(equals) \(paint("fix", .none, bold: true)): \(fix.message) (apply with --fix)\n"
        }
        if let rewrite = diagnostic.rewrite {
            out += "\(pad) \(equals) \(paint("suggested rewrite", .none, bold: true)):\n"
            let text = rewrite.text.utf8
            var lineStart = text.startIndex
            while true {
                let lineEnd = text[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? text.endIndex
                out += pad
                out += "     "
                out += paint(String(Substring(text[lineStart..<lineEnd])), .green, bold: false)
                out += "\n"
                guard lineEnd < text.endIndex else { break }
                lineStart = text.index(after: lineEnd)
            }
        }
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

