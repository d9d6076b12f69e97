import LockModel
import MigrationLint
import PostgresSyntax

/// The formats of `migration-lint explain`.
public enum ExplainFormat: String, CaseIterable, Sendable {
    /// Readable at a glance in a terminal.
    case text
    /// Tables fit for a pull-request comment.
    case markdown
    /// One object per file, keys in a fixed order.
    case json
}

/// One analysed file for `explain`.
public struct ExplainedFile: Sendable {
    public let path: String
    public let source: SourceText
    public let analysis: FileAnalysis
    /// Where the SQL came from, when it is not the file itself (see `MigrationFile.origin`).
    public let origin: MigrationFile.Origin?

    public init(path: String, source: SourceText, analysis: FileAnalysis, origin: MigrationFile.Origin? = nil) {
        self.path = path
        self.source = source
        self.analysis = analysis
        self.origin = origin
    }

    public init(_ file: MigrationFile, analysis: FileAnalysis) {
        self.init(path: file.path, source: file.source, analysis: analysis, origin: file.origin)
    }

    /// The line in the user's file where the SQL at `offset` came from.
    func line(of offset: Int) -> Int {
        guard let origin else { return source.position(of: offset).line }
        return origin.file.position(of: origin.map.fileOffset(offset)).line
    }
}

/// What each statement of each file locks, rewrites and scans, then per transaction the strongest
/// lock held on each table and from which line to which. Text and markdown list only transactions
/// of more than the statement itself (BEGIN ... COMMIT, the migration tool's); JSON lists all.
/// The same input gives the same bytes.
public func renderExplain(_ files: [ExplainedFile], format: ExplainFormat) -> String {
    let explained = files.map(ExplainModel.init)
    switch format {
    case .text: return explained.map(\.text).joined(separator: "\n")
    case .markdown: return explained.map(\.markdown).joined(separator: "\n")
    case .json: return ExplainModel.json(explained)
    }
}

/// A file's explanation as plain values, shared by the three formats.
struct ExplainModel {
    struct Lock {
        var relation: String
        var mode: LockMode
        var isNew: Bool
        /// True for a relation described in words (the table of an index the file does not identify).
        var isIndirect: Bool
    }

    struct Row {
        var line: Int
        var sql: String
        var transaction: Int?
        var locks: [Lock]
        var rewrites: [String]
        var scans: [String]
        var assumptions: [String]
        /// What the schema before the file showed instead, with the earlier file that showed it.
        var known: [String] = []
        var error: String?
    }

    struct Held {
        var relation: String
        var isIndirect = false
        var mode: LockMode
        var fromLine: Int
        var toLine: Int
    }

    struct Transaction {
        var number: Int
        /// "explicit", "implicit" (the migration tool's), "do-block" (a DO block's own) or "autocommit".
        var kind: String
        var fromLine: Int
        var toLine: Int
        var held: [Held]
    }

    var path: String
    var rows: [Row] = []
    var transactions: [Transaction] = []

    init(_ file: ExplainedFile) {
        path = file.path
        let source = file.source
        func line(_ index: Int) -> Int { file.line(of: file.analysis.statements[index].parsed.range.lowerBound) }
        for analysis in file.analysis.statements {
            let parsed = analysis.parsed
            let sql = Self.oneLine(source.text(parsed.range))
            var error = analysis.effects.error
            switch parsed.content {
            case .syntaxError(let message, _): error = "syntax error: \(message)"
            case .psqlMetaCommand: error = "a psql meta-command, not SQL"
            case .psqlVariable: error = "uses a psql variable: only psql can run it"
            case .statement: break
            }
            let effects = analysis.effects
            var locks = effects.strongestLocks.map { Lock(relation: Self.name($0.relation), mode: $0.mode, isNew: $0.isNew, isIndirect: false) }
            locks += Self.grouped(effects.indirectLocks).map { Lock(relation: $0.description, mode: $0.mode, isNew: false, isIndirect: true) }
            rows.append(Row(line: file.line(of: parsed.range.lowerBound), sql: sql,
                            transaction: analysis.statement == nil ? nil : analysis.transactionNumber,
                            locks: locks, rewrites: effects.rewrites.map(Self.name), scans: effects.scans.map(Self.name),
                            assumptions: effects.assumptions.texts, known: effects.facts.map(\.text), error: error))
        }
        // Each transaction's statements, gathered once: looking through the whole file for each
        // transaction made a file of autocommit statements quadratic (2,000 statements: 4.7 s).
        var statementsOf: [Int: [StatementAnalysis]] = [:]
        for analysis in file.analysis.statements where analysis.statement != nil {
            statementsOf[analysis.transactionNumber, default: []].append(analysis)
        }
        for transaction in MigrationAnalyzer.transactions(file.analysis.statements) {
            let first = file.analysis.statements[transaction.firstStatement]
            let kind = transaction.isDoBlock ? "do-block"
                : transaction.isImplicit ? "implicit" : (first.state.transaction != nil ? "explicit" : "autocommit")
            var held = transaction.held.map { Held(relation: Self.name($0.lock.relation), mode: $0.lock.mode,
                                                   fromLine: line($0.fromStatement), toLine: line($0.untilStatement)) }
            // Locks on relations the file does not identify are held until the end too.
            for analysis in statementsOf[transaction.number] ?? [] {
                for indirect in Self.grouped(analysis.effects.indirectLocks) where !held.contains(where: { $0.relation == indirect.description && $0.mode >= indirect.mode }) {
                    held.removeAll { $0.relation == indirect.description }
                    held.append(Held(relation: indirect.description, isIndirect: true, mode: indirect.mode, fromLine: line(analysis.index),
                                     toLine: line(transaction.lastStatement)))
                }
            }
            guard !held.isEmpty else { continue }
            transactions.append(Transaction(number: transaction.number, kind: kind, fromLine: line(transaction.firstStatement),
                                            toLine: line(transaction.lastStatement), held: held))
        }
    }

    /// Indirect locks of one kind and mode merged into one line ("tables referenced by foreign
    /// keys of public.a, public.b"), so that dropping thirty tables reads as one sentence.
    static func grouped(_ locks: [IndirectLock]) -> [(description: String, mode: LockMode)] {
        var order: [String] = []
        var groups: [String: (phrase: String, subjects: [String], mode: LockMode, scanned: Bool, rewritten: Bool)] = [:]
        for lock in locks {
            let phrase: String, subject: String
            switch lock.target {
            case .tableOfIndex(let index): (phrase, subject) = ("the table of index", name(index))
            case .tablesReferencedBy(let table): (phrase, subject) = ("tables referenced by foreign keys of", name(table))
            case .tablesReferencing(let table): (phrase, subject) = ("tables with foreign keys to", name(table))
            case .tablesReadBy(let view): (phrase, subject) = ("tables read by", name(view))
            case .defaultPartitionOf(let table): (phrase, subject) = ("the default partition (if any) of", name(table))
            case .tablesReferencingColumn(let table, let column):
                (phrase, subject) = ("tables with foreign keys to", "\(name(table)) (\(quoteIdentifier(column)))")
            case .tableReferencedByConstraint:
                (phrase, subject) = (lock.description, "")
            }
            let key = "\(phrase)|\(lock.mode)|\(lock.scanned)|\(lock.rewritten)"
            if groups[key] == nil {
                order.append(key)
                groups[key] = (phrase, [], lock.mode, lock.scanned, lock.rewritten)
            }
            if !subject.isEmpty { groups[key]?.subjects.append(subject) }
        }
        return order.compactMap { key in
            guard let group = groups[key] else { return nil }
            var subjects = group.subjects.prefix(3).joined(separator: ", ")
            if group.subjects.count > 3 { subjects += " and \(group.subjects.count - 3) more" }
            var phrase = group.phrase
            if group.subjects.count > 1, phrase == "the table of index" { phrase = "the tables of indexes" }
            let description = (subjects.isEmpty ? phrase : phrase + " " + subjects)
                + (group.rewritten ? " (emptied too)" : group.scanned ? " (read in full)" : "")
            return (description, group.mode)
        }
    }

    /// `public.users`, `public."Orders"`: schema-qualified, quoted where PostgreSQL needs it.
    static func name(_ relation: QualifiedName) -> String {
        quoteIdentifier(relation.schema ?? "public") + "." + quoteIdentifier(relation.name)
    }

    /// The statement on one line: whitespace runs collapsed, the final semicolon dropped.
    static func oneLine(_ text: String) -> String {
        var result = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        while result.hasSuffix(";") { result.removeLast() }
        return result
    }

    static func shortened(_ text: String, to limit: Int = 72) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func blocking(_ mode: LockMode) -> String { mode.blockingSummary }

    // MARK: text

    var text: String {
        var out = "\(path)\n"
        let width = String(rows.map(\.line).max() ?? 1).count
        let indent = String(repeating: " ", count: width + 9)
        for row in rows {
            let number = String(repeating: " ", count: width - String(row.line).count) + String(row.line)
            out += "  line \(number)  \(Self.shortened(row.sql))\n"
            if row.locks.isEmpty, row.error == nil {
                out += indent + "no table locks\n"
            }
            for lock in row.locks {
                out += indent + "\(lock.mode) on \(lock.relation)\(lock.isNew ? " (new in this file)" : ""): \(Self.blocking(lock.mode))\n"
            }
            if !row.rewrites.isEmpty { out += indent + "rewrites \(row.rewrites.joined(separator: ", "))\n" }
            if !row.scans.isEmpty { out += indent + "scans \(row.scans.joined(separator: ", ")) in full\n" }
            for assumption in row.assumptions { out += indent + "assumes: \(assumption)\n" }
            for fact in row.known { out += indent + "known: \(fact)\n" }
            if let error = row.error { out += indent + "error: \(error)\n" }
        }
        let blocks = transactions.filter { $0.kind != "autocommit" }
        if blocks.isEmpty, !transactions.isEmpty {
            out += "\n  every statement runs in autocommit: its locks end with it\n"
        }
        if !blocks.isEmpty {
            out += "\n  locks held until the end of each transaction:\n"
            for transaction in blocks {
                let lines = transaction.fromLine == transaction.toLine ? "line \(transaction.fromLine)"
                    : "lines \(transaction.fromLine)-\(transaction.toLine)"
                out += "  transaction \(transaction.number) (\(Self.kindDescription(transaction.kind)), \(lines))\n"
                for held in transaction.held {
                    let span = held.fromLine == held.toLine ? "at line \(held.fromLine)" : "from line \(held.fromLine) to line \(held.toLine)"
                    out += "    \(held.mode) on \(held.relation) \(span): \(Self.blocking(held.mode))\n"
                }
            }
        }
        return out
    }

    static func kindDescription(_ kind: String) -> String {
        switch kind {
        case "explicit": return "BEGIN ... COMMIT"
        case "implicit": return "the migration tool's transaction"
        case "do-block": return "the DO block's own transaction"
        default: return "autocommit"
        }
    }

    // MARK: markdown

    var markdown: String {
        var out = "### `\(Self.markdownCode(path))`\n\n"
        out += "| line | statement | locks | rewrites | full scans | notes |\n"
        out += "|---:|---|---|---|---|---|\n"
        for row in rows {
            let locks = row.locks.map { lock in
                    let name = lock.isIndirect ? Self.markdownCell(lock.relation) : "`\(Self.markdownCode(lock.relation))`"
                return "**\(lock.mode)** on \(name)\(lock.isNew ? " (new)" : ""): \(Self.blocking(lock.mode))"
            }.joined(separator: "<br>")
            let notes = (row.error.map { ["**error:** " + Self.markdownCell($0)] } ?? [])
                + row.assumptions.map { "assumes: " + Self.markdownCell($0) }
                + row.known.map { "known: " + Self.markdownCell($0) }
            out += "| \(row.line) | `\(Self.markdownCode(Self.shortened(row.sql, to: 60)))` | \(locks.isEmpty ? "—" : locks) | "
                + "\(Self.codeList(row.rewrites)) | \(Self.codeList(row.scans)) | \(notes.isEmpty ? "" : notes.joined(separator: "<br>")) |\n"
        }
        let blocks = transactions.filter { $0.kind != "autocommit" }
        if !blocks.isEmpty {
            out += "\n| transaction | table | strongest lock | held from line | to line |\n"
            out += "|---|---|---|---:|---:|\n"
            for transaction in blocks {
                for held in transaction.held {
                    let name = held.isIndirect ? Self.markdownCell(held.relation) : "`\(Self.markdownCode(held.relation))`"
                    out += "| \(transaction.number) (\(Self.kindDescription(transaction.kind))) | \(name) | "
                        + "**\(held.mode)**: \(Self.blocking(held.mode)) | \(held.fromLine) | \(held.toLine) |\n"
                }
            }
        }
        return out
    }

    static func codeList(_ names: [String]) -> String {
        names.isEmpty ? "—" : names.map { "`\(markdownCode($0))`" }.joined(separator: ", ")
    }

    /// Text inside a code span: backticks cannot be escaped there, pipes must be.
    static func markdownCode(_ text: String) -> String {
        text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|")
    }

    static func markdownCell(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\`*_[]<>|".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    // MARK: JSON

    static func json(_ files: [ExplainModel]) -> String {
        JSONWriter.document(.object([("files", .array(files.map(\.jsonValue)))]))
    }

    var jsonValue: JSONValue {
        .object([
            ("path", .string(path)),
            ("statements", .array(rows.map { row in
                .object([
                    ("line", .int(row.line)),
                    ("sql", .string(row.sql)),
                    ("transaction", row.transaction.map(JSONValue.int) ?? .null),
                    ("locks", .array(row.locks.filter { !$0.isIndirect }.map(Self.lockJSON))),
                    ("rewrites", .array(row.rewrites.map(JSONValue.string))),
                    ("scans", .array(row.scans.map(JSONValue.string))),
                    ("assumptions", .array(row.assumptions.map(JSONValue.string))),
                    ("known", .array(row.known.map(JSONValue.string))),
                    ("error", row.error.map(JSONValue.string) ?? .null),
                    ("indirectLocks", .array(row.locks.filter(\.isIndirect).map(Self.lockJSON))),
                ])
            })),
            ("transactions", .array(transactions.map { transaction in
                .object([
                    ("number", .int(transaction.number)),
                    ("kind", .string(transaction.kind)),
                    ("fromLine", .int(transaction.fromLine)),
                    ("toLine", .int(transaction.toLine)),
                    ("locks", .array(transaction.held.map { held in
                        .object([
                            ("relation", .string(held.relation)),
                            ("mode", .string(held.mode.description)),
                            ("blocksReads", .bool(held.mode.blocksReads)),
                            ("blocksWrites", .bool(held.mode.blocksWrites)),
                            ("fromLine", .int(held.fromLine)),
                            ("toLine", .int(held.toLine)),
                        ])
                    })),
                ])
            })),
        ])
    }

    static func lockJSON(_ lock: Lock) -> JSONValue {
        .object([
            ("relation", .string(lock.relation)),
            ("mode", .string(lock.mode.description)),
            ("blocksReads", .bool(lock.mode.blocksReads)),
            ("blocksWrites", .bool(lock.mode.blocksWrites)),
            ("blocksDDL", .bool(lock.mode.blocksDDL)),
            ("new", .bool(lock.isNew)),
        ])
    }
}
