import Foundation
import MigrationLint
import PostgresSyntax

/// The documented, stable JSON schema (`version` 1), described in the README.
public struct JSONReporter: Reporter {
    public init() {}

    struct Output: Encodable {
        var version = 1
        var files: [File]
        var errors: [Error]
        var summary: Summary
    }
    struct File: Encodable {
        var path: String
        var statements: Int
        var diagnostics: [Item]
    }
    struct Position: Encodable {
        var line: Int
        var column: Int
        var offset: Int
    }
    struct Step: Encodable {
        var kind: String
        var sql: String?
        var note: String?
    }
    struct EditItem: Encodable {
        var start: Position
        var end: Position
        var replacement: String
    }
    struct FixItem: Encodable {
        var message: String
        var edits: [EditItem]
    }
    struct Item: Encodable {
        var rule: String
        var severity: String
        var message: String
        var start: Position
        var end: Position
        var notes: [String]
        var help: String?
        var rewrite: String?
        var rewriteSteps: [Step]
        var fix: FixItem?
    }
    struct Error: Encodable {
        var path: String
        var line: Int?
        var column: Int?
        var message: String
    }
    struct Summary: Encodable {
        var findings, errors, warnings, infos, filesWithFindings, filesChecked: Int
    }

    public func render(_ result: LintResult) -> String {
        let output = self.output(result)
        var writer = ReportJSONWriter()
        // About 1.5 KB per finding with its rewrite; growing the buffer by doubling copied it.
        writer.out.reserveCapacity(4096 + output.files.reduce(0) { $0 + 256 + $1.diagnostics.count * 1536 })
        writer.write(output.json)
        writer.out.append(UInt8(ascii: "\n"))
        return String(decoding: writer.out, as: UTF8.self)
    }

    func output(_ result: LintResult) -> Output {
        let files = result.reports.map { report in
            File(path: report.path, statements: report.statementCount, diagnostics: report.diagnostics.map { item($0, report.source) })
        }
        let s = result.summary
        return Output(files: files,
                            errors: result.errors.map { Error(path: $0.path, line: $0.line, column: $0.column, message: $0.message) },
                            summary: Summary(findings: s.findings, errors: s.errors, warnings: s.warnings, infos: s.infos,
                                             filesWithFindings: s.filesWithFindings, filesChecked: s.filesChecked))
    }

    /// The same bytes as `JSONEncoder` with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`
    /// (a test compares them), written directly: JSONEncoder took over a second for 30,000 findings.
    func encodedWithFoundation(_ result: LintResult) -> String {
        let output = self.output(result)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(output) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func position(_ offset: Int, _ source: SourceText) -> Position {
        let p = source.position(of: offset)
        return Position(line: p.line, column: p.column, offset: offset)
    }

    func item(_ d: Diagnostic, _ source: SourceText) -> Item {
        let steps = d.rewrite?.steps.map { step -> Step in
            switch step {
            case .migration(let sql, let note): return Step(kind: "migration", sql: sql, note: note)
            case .backfill(let sql, let note): return Step(kind: "backfill", sql: sql, note: note)
            case .deploy(let text): return Step(kind: "deploy", sql: nil, note: text)
            }
        } ?? []
        let fix = d.fix.map { fix in
            FixItem(message: fix.message, edits: fix.edits.map {
                EditItem(start: position($0.range.lowerBound, source), end: position($0.range.upperBound, source), replacement: $0.replacement)
            })
        }
        return Item(rule: d.ruleID, severity: d.severity.rawValue, message: d.message,
                    start: position(d.range.lowerBound, source), end: position(d.range.upperBound, source),
                    notes: d.notes, help: d.help, rewrite: d.rewrite?.text, rewriteSteps: steps, fix: fix)
    }
}

// MARK: Writing

/// A JSON value with its keys already in output order (sorted, nil members left out).
enum ReportJSON {
    case string(String)
    case int(Int)
    case array([ReportJSON])
    case object([(String, ReportJSON)])

    static func members(_ members: [(String, ReportJSON?)]) -> ReportJSON {
        .object(members.compactMap { key, value in value.map { (key, $0) } }.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })
    }
}

/// Writes UTF-8 bytes: appending to a `String` piece by piece was most of the cost for large output.
struct ReportJSONWriter {
    var out: [UInt8] = []

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func write(_ value: ReportJSON, indent: Int = 0) {
        switch value {
        case .string(let text): writeString(text)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .array(let items):
            append("[\n")
            for (index, item) in items.enumerated() {
                if index > 0 { append(",\n") }
                pad(indent + 1)
                write(item, indent: indent + 1)
            }
            append("\n")
            pad(indent)
            append("]")
        case .object(let members):
            append("{\n")
            for (index, member) in members.enumerated() {
                if index > 0 { append(",\n") }
                pad(indent + 1)
                writeString(member.0)
                append(" : ")
                write(member.1, indent: indent + 1)
            }
            append("\n")
            pad(indent)
            append("}")
        }
    }

    mutating func pad(_ indent: Int) {
        for _ in 0..<indent { append("  ") }
    }

    mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else {
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            default:
                let hex = Array("0123456789abcdef".utf8)
                append("\\u00")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONReporter.Output {
    var json: ReportJSON {
        .members([("version", .int(version)), ("files", .array(files.map(\.json))), ("errors", .array(errors.map(\.json))),
                 ("summary", summary.json)])
    }
}

extension JSONReporter.File {
    var json: ReportJSON {
        .members([("path", .string(path)), ("statements", .int(statements)), ("diagnostics", .array(diagnostics.map(\.json)))])
    }
}

extension JSONReporter.Position {
    var json: ReportJSON { .members([("line", .int(line)), ("column", .int(column)), ("offset", .int(offset))]) }
}

extension JSONReporter.Step {
    var json: ReportJSON { .members([("kind", .string(kind)), ("sql", sql.map(ReportJSON.string)), ("note", note.map(ReportJSON.string))]) }
}

extension JSONReporter.EditItem {
    var json: ReportJSON { .members([("start", start.json), ("end", end.json), ("replacement", .string(replacement))]) }
}

extension JSONReporter.FixItem {
    var json: ReportJSON { .members([("message", .string(message)), ("edits", .array(edits.map(\.json)))]) }
}

extension JSONReporter.Item {
    var json: ReportJSON {
        .members([("rule", .string(rule)), ("severity", .string(severity)), ("message", .string(message)),
                 ("start", start.json), ("end", end.json), ("notes", .array(notes.map(ReportJSON.string))),
                 ("help", help.map(ReportJSON.string)), ("rewrite", rewrite.map(ReportJSON.string)),
                 ("rewriteSteps", .array(rewriteSteps.map(\.json))), ("fix", fix?.json)])
    }
}

extension JSONReporter.Error {
    var json: ReportJSON {
        .members([("path", .string(path)), ("line", line.map(ReportJSON.int)), ("column", column.map(ReportJSON.int)),
                 ("message", .string(message))])
    }
}

extension JSONReporter.Summary {
    var json: ReportJSON {
        .members([("findings", .int(findings)), ("errors", .int(errors)), ("warnings", .int(warnings)), ("infos", .int(infos)),
                 ("filesWithFindings", .int(filesWithFindings)), ("filesChecked", .int(filesChecked))])
    }
}
