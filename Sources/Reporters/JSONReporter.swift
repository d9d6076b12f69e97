import Foundation
import MigrationLint
import PostgresSyntax

/// The documented, stable JSON schema (`version` 1), described in the README.
public struct JSONReporter: PerFileReporter {
    public init() {}

    struct Output: Encodable {
        var version = 1
        var coverage: CoverageItem
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
        /// For a migration in syntax newer than the bundled grammar: the version it needs.
        var needsPostgres: Int? = nil
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
    /// The coverage of the whole run (`LintResult.coverage`), each place with its file.
    struct CoverageItem: Encodable {
        var statements: Int
        var analyzed: Int
        var unanalyzed: [Place]
    }
    struct Place: Encodable {
        var path: String
        var line: Int
        var column: Int
        var reason: String
        var detail: String?
    }
    struct Summary: Encodable {
        var findings, errors, warnings, infos, filesWithFindings, filesChecked: Int
    }

    public func renderFile(_ report: FileReport) -> [UInt8] {
        var writer = JSONWriter(depth: 2)
        // Room for everything up front (the rewrite is written twice, as text and as steps):
        // growing the buffer by doubling copied it again and again.
        writer.reserveCapacity(report.diagnostics.reduce(256 + report.path.utf8.count) { size, d in
            size + 900 + d.message.utf8.count + (d.help?.utf8.count ?? 0) + d.notes.reduce(0) { $0 + $1.utf8.count + 16 }
                + 3 * (d.rewrite?.steps.reduce(0) { $0 + $1.estimatedLength } ?? 0)
        })
        writer.pad(2)
        file(report).write(into: &writer)
        return writer.out
    }

    public func frame(_ result: LintResult) -> ReportFrame {
        let output = Output(coverage: coverage(result), files: [], errors: errors(result), summary: summary(result))
        var head = JSONWriter()
        head.openObject()
        head.key("coverage")
        output.coverage.write(into: &head)
        head.key("errors")
        head.array(output.errors) { $1.write(into: &$0) }
        head.key("files")
        head.openArray()
        var tail = JSONWriter(depth: 2)
        tail.closeArray()
        tail.key("summary")
        output.summary.write(into: &tail)
        tail.key("version")
        tail.int(output.version)
        tail.closeObject()
        tail.append("\n")
        // The tail closes the `files` array and the root object, which the head opened.
        return ReportFrame(head: head.out, separator: Array(",\n".utf8), tail: tail.out)
    }

    func output(_ result: LintResult) -> Output {
        Output(coverage: coverage(result), files: result.reports.map(file), errors: errors(result), summary: summary(result))
    }

    func coverage(_ result: LintResult) -> CoverageItem {
        let total = result.coverage
        return CoverageItem(statements: total.statements, analyzed: total.analyzed, unanalyzed: result.unanalyzedPlaces.map {
            Place(path: $0.path, line: $0.line, column: $0.column, reason: $0.reason, detail: $0.detail)
        })
    }

    func file(_ report: FileReport) -> File {
        File(path: report.path, statements: report.statementCount, diagnostics: report.diagnostics.map { item($0, report.source) })
    }

    func errors(_ result: LintResult) -> [Error] {
        result.errors.map { Error(path: $0.path, line: $0.line, column: $0.column, message: $0.message) }
    }

    func summary(_ result: LintResult) -> Summary {
        let s = result.summary
        return Summary(findings: s.findings, errors: s.errors, warnings: s.warnings, infos: s.infos,
                       filesWithFindings: s.filesWithFindings, filesChecked: s.filesChecked)
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
            case .migrationNeeding(let version, let sql, let note): return Step(kind: "migration", needsPostgres: version, sql: sql, note: note)
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

extension JSONReporter.File {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("diagnostics"); w.array(diagnostics) { $1.write(into: &$0) }
        w.key("path"); w.writeString(path)
        w.key("statements"); w.int(statements)
        w.closeObject()
    }
}

extension JSONReporter.Position {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("column"); w.int(column)
        w.key("line"); w.int(line)
        w.key("offset"); w.int(offset)
        w.closeObject()
    }
}

extension JSONReporter.Step {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("kind"); w.writeString(kind)
        if let needsPostgres { w.key("needsPostgres"); w.int(needsPostgres) }
        if let note { w.key("note"); w.writeString(note) }
        if let sql { w.key("sql"); w.writeString(sql) }
        w.closeObject()
    }
}

extension JSONReporter.EditItem {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("end"); end.write(into: &w)
        w.key("replacement"); w.writeString(replacement)
        w.key("start"); start.write(into: &w)
        w.closeObject()
    }
}

extension JSONReporter.FixItem {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("edits"); w.array(edits) { $1.write(into: &$0) }
        w.key("message"); w.writeString(message)
        w.closeObject()
    }
}

extension JSONReporter.Item {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("end"); end.write(into: &w)
        if let fix { w.key("fix"); fix.write(into: &w) }
        if let help { w.key("help"); w.writeString(help) }
        w.key("message"); w.writeString(message)
        w.key("notes"); w.array(notes) { $0.writeString($1) }
        if let rewrite { w.key("rewrite"); w.writeString(rewrite) }
        w.key("rewriteSteps"); w.array(rewriteSteps) { $1.write(into: &$0) }
        w.key("rule"); w.writeString(rule)
        w.key("severity"); w.writeString(severity)
        w.key("start"); start.write(into: &w)
        w.closeObject()
    }
}

extension JSONReporter.Error {
    func write(into w: inout JSONWriter) {
        w.openObject()
        if let column { w.key("column"); w.int(column) }
        if let line { w.key("line"); w.int(line) }
        w.key("message"); w.writeString(message)
        w.key("path"); w.writeString(path)
        w.closeObject()
    }
}

extension JSONReporter.CoverageItem {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("analyzed"); w.int(analyzed)
        w.key("statements"); w.int(statements)
        w.key("unanalyzed"); w.array(unanalyzed) { $1.write(into: &$0) }
        w.closeObject()
    }
}

extension JSONReporter.Place {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("column"); w.int(column)
        if let detail { w.key("detail"); w.writeString(detail) }
        w.key("line"); w.int(line)
        w.key("path"); w.writeString(path)
        w.key("reason"); w.writeString(reason)
        w.closeObject()
    }
}

extension JSONReporter.Summary {
    func write(into w: inout JSONWriter) {
        w.openObject()
        w.key("errors"); w.int(errors)
        w.key("filesChecked"); w.int(filesChecked)
        w.key("filesWithFindings"); w.int(filesWithFindings)
        w.key("findings"); w.int(findings)
        w.key("infos"); w.int(infos)
        w.key("warnings"); w.int(warnings)
        w.closeObject()
    }
}
