import PostgresSyntax

/// The front end for placeholders of migration tools (`${schema}`, `{{ .Namespace }}`,
/// `:'value'`): the parser reads same-length stand-ins, so every offset is the file's own; the
/// findings name each placeholder as written, or by the value the configuration gives it.
struct PlaceholderStandIns: Sendable {
    /// Stand-in text to what a user should read in its place, longest first.
    let display: [(standIn: String, shown: String)]
    /// Where the placeholders are (offsets of the SQL, which keeps the file's).
    let ranges: [Range<Int>]

    /// Whether `range` holds a placeholder.
    func touches(_ range: Range<Int>) -> Bool {
        ranges.contains { $0.overlaps(range) }
    }

    /// The file as the parser should read it, and what to say about its placeholders; the file
    /// unchanged when it holds none or recognition is off.
    static func apply(_ file: MigrationFile, configuration: Configuration) -> (MigrationFile, PlaceholderStandIns?) {
        guard configuration.recognizePlaceholders, let placeholders = Placeholders.substitute(file.source) else { return (file, nil) }
        let count = file.source.count
        let origin = file.origin ?? MigrationFile.Origin(file: file.source, map: SourceMap([SourceMap.Segment(sql: 0..<count, file: 0..<count)]))
        var read = MigrationFile(path: file.path, source: SourceText(bytes: placeholders.bytes), lintRanges: file.lintRanges,
                                 layout: file.layout, transactionPolicy: file.transactionPolicy, origin: origin)
        read.unanalyzed = file.unanalyzed
        var display: [String: String] = [:]
        for found in placeholders.found {
            guard let standIn = found.standIn else {
                read.unanalyzed.append(Coverage.Entry(range: file.userRange(found.range), reason: "Go template action"))
                continue
            }
            let written = file.source.text(found.range)
            let value = configuration.placeholderValues[found.name]
            switch (found.kind, value) {
            case (.psqlVariable, let value?) where written.hasPrefix(":'"):
                display[standIn] = "'" + value + "'"
            case (_, let value?):
                display[standIn] = value
            default:
                display[standIn] = written
            }
            // A quoted name reaches messages without its quotes.
            if standIn.hasPrefix("\"") { display[String(standIn.dropFirst().dropLast())] = display[standIn] }
        }
        let ordered = display.sorted { $0.key.utf8.count != $1.key.utf8.count ? $0.key.utf8.count > $1.key.utf8.count : $0.key < $1.key }
        return (read, PlaceholderStandIns(display: ordered.map { ($0.key, $0.value) }, ranges: placeholders.found.map(\.range)))
    }

    /// The diagnostic with each stand-in named as the user wrote it (or by its configured
    /// value), and a note that says so. A fix that would write a stand-in into the file is dropped.
    func named(_ diagnostic: Diagnostic) -> Diagnostic {
        var named = diagnostic
        var used: [String] = []
        func replace(_ text: String) -> String {
            var text = text
            for (standIn, shown) in display where text.contains(standIn) {
                text = text.replacingEvery(standIn, with: shown)
                if !used.contains(shown) { used.append(shown) }
            }
            return text
        }
        named.message = replace(named.message)
        named.notes = named.notes.map(replace)
        named.help = named.help.map(replace)
        if let rewrite = named.rewrite {
            named.rewrite = RewritePlan(rewrite.steps.map { step in
                switch step {
                case .migration(let sql, let note): return .migration(sql: replace(sql), note: note.map(replace))
                case .migrationNeeding(let version, let sql, let note):
                    return .migrationNeeding(version: version, sql: replace(sql), note: note.map(replace))
                case .backfill(let sql, let note): return .backfill(sql: replace(sql), note: replace(note))
                case .deploy(let text): return .deploy(replace(text))
                }
            })
        }
        if let fix = named.fix, fix.edits.contains(where: { edit in display.contains { edit.replacement.contains($0.standIn) } }) {
            named.fix = nil
        }
        if !used.isEmpty {
            named.notes.append("\(used.map { "`\($0)`" }.joined(separator: ", ")): \(used.count == 1 ? "a placeholder" : "placeholders") the migration tool fills in before PostgreSQL reads the file")
        }
        return named
    }
}

extension String {
    func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
