import Foundation
import MigrationLint
import PostgresSyntax

/// The documented, stable JSON schema (`version` 1), described in the README.
public struct JSONReporter: PerFileReporter {
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

    public func renderFile(_ report: FileReport) -> [UInt8] {
        var writer = JSONWriter(depth: 2)
        // Room for everything up front (the rewrite is written twice, as text and as steps):
        // growing the buffer by doubling copied it again and again.
        writer.out.reserveCapacity(report.diagnostics.reduce(256 + report.path.utf8.count) { size, d in
            size + 900 + d.message.utf8.count + (d.help?.utf8.count ?? 0) + d.notes.reduce(0) { $0 + $1.utf8.count + 16 }
                + 3 * (d.rewrite?.steps.reduce(0) { $0 + Self.length(of: $1) } ?? 0)
        })
        writer.pad(2)
        file(report).write(into: &writer)
        return writer.out
    }

    static func length(of step: RewritePlan.Step) -> Int {
        switch step {
        case .migration(let sql, let note): return sql.utf8.count + (note?.utf8.count ?? 0) + 64
        case .backfill(let sql, let note): return sql.utf8.count + note.utf8.count + 64
        case .deploy(let text): return text.utf8.count + 64
        }
    }

    public func frame(_ result: LintResult) -> ReportFrame {
        let output = Output(files: [], errors: errors(result), summary: summary(result))
        var head = JSONWriter()
        head.openObject()
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
        tail.out.append(UInt8(ascii: "\n"))
        // The tail closes the `files` array and the root object, which the head opened.
        return ReportFrame(head: head.out, separator: Array(",\n".utf8), tail: tail.out)
    }

    func output(_ result: LintResult) -> Output {
        Output(files: result.reports.map(file), errors: errors(result), summary: summary(result))
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

/// Writes pretty-printed JSON as UTF-8 bytes, straight from the values: building a tree of
/// values first, or appending to a `String` piece by piece, was most of the cost for large output.
/// Members must be written in sorted key order, as `JSONEncoder` with `.sortedKeys` does.
struct JSONWriter {
    var out: [UInt8] = []
    /// Members or elements written so far at each open level; the count is the nesting depth.
    private var written: [Int]

    /// A writer whose output sits `depth` levels deep in a larger document.
    init(depth: Int = 0) { written = Array(repeating: 1, count: depth) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func openObject() { append("{\n"); written.append(0) }
    mutating func closeObject() { close("}") }
    mutating func openArray() { append("[\n"); written.append(0) }
    mutating func closeArray() { close("]") }

    /// An empty container comes out as its brackets around an empty line, as `JSONEncoder` has it.
    private mutating func close(_ bracket: StaticString) {
        written.removeLast()
        append("\n")
        pad(written.count)
        append(bracket)
    }

    /// Starts the next member of the open object.
    mutating func key(_ name: StaticString) {
        next()
        append("\"")
        append(name)
        append("\" : ")
    }

    /// Starts the next element of the open array.
    mutating func next() {
        if let last = written.indices.last {
            if written[last] > 0 { append(",\n") }
            written[last] += 1
        }
        pad(written.count)
    }

    mutating func array<T>(_ items: [T], _ write: (inout JSONWriter, T) -> Void) {
        openArray()
        for item in items {
            next()
            write(&self, item)
        }
        closeArray()
    }

    mutating func int(_ value: Int) {
        guard value >= 0 else { out.append(contentsOf: String(value).utf8); return }
        // Digits straight into the buffer: lines, columns and offsets are most of the numbers.
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            var rest = value
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    mutating func pad(_ indent: Int) {
        let count = 2 * indent
        if count <= Self.spaces.count { out.append(contentsOf: Self.spaces[0..<count]) } else {
            out.append(contentsOf: [UInt8](repeating: 0x20, count: count))
        }
    }

    mutating func writeString(_ text: String) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time while none needs escaping: rewrites are long plain SQL.
                if index + 8 <= bytes.count, let base = UnsafeRawPointer(bytes.baseAddress),
                   !Self.mayNeedEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                index += 1
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                let escaped = index - 1
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<escaped]))
                runStart = index
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                default:
                    let hex: StaticString = "0123456789abcdef"
                    append("\\u00")
                    out.append(hex.utf8Start[Int(byte >> 4)])
                    out.append(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is a control character, `"` or `\` (may report a byte
    /// that is none of them; never misses one).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let control = (word &- 0x2020_2020_2020_2020) & ~word & highs != 0
        return control || hasZeroByte(word ^ 0x2222_2222_2222_2222) || hasZeroByte(word ^ 0x5C5C_5C5C_5C5C_5C5C)
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
