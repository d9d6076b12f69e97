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
        let files = result.reports.map { report in
            File(path: report.path, statements: report.statementCount, diagnostics: report.diagnostics.map { item($0, report.source) })
        }
        let s = result.summary
        let output = Output(files: files,
                            errors: result.errors.map { Error(path: $0.path, line: $0.line, column: $0.column, message: $0.message) },
                            summary: Summary(findings: s.findings, errors: s.errors, warnings: s.warnings, infos: s.infos,
                                             filesWithFindings: s.filesWithFindings, filesChecked: s.filesChecked))
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
