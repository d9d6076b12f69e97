import PostgresSyntax

/// The front end for SQL a migration runs without writing it as a statement of its own: the
/// statements in the bodies of DO blocks, and the constant strings they `EXECUTE`. The engine
/// calls `expand` once per file, before parsing; the statements found are analysed right after
/// their DO statement, as PostgreSQL runs them, and what cannot be read becomes coverage
/// entries.
///
/// Static SQL in a body is a range of the file itself. An EXECUTE string whose value differs
/// from its bytes (doubled quotes, `format()`, `||`) is built as SQL and appended after the
/// file's text, with a `SourceMap` back to the literals it came from, so every finding still
/// lands in the file the user wrote.
public struct HiddenSQL: Sendable {
    /// Where a statement found in a DO block comes from.
    public struct Provenance: Sendable, Equatable {
        /// The DO statement (SQL offsets).
        public let block: Range<Int>
        /// IF / CASE branches, loops and EXCEPTION handlers around it, innermost last.
        public let enclosures: [PLpgSQLBody.Enclosure]
        /// The EXECUTE string it was read from (SQL offsets), if any.
        public let execute: Range<Int>?
        /// For the body of a function of this file: the function and its CREATE statement
        /// (SQL offsets); `block` is then the CALL or SELECT that runs it.
        public var function: (name: QualifiedName, definition: Range<Int>)? = nil

        public static func == (lhs: Provenance, rhs: Provenance) -> Bool {
            lhs.block == rhs.block && lhs.enclosures == rhs.enclosures && lhs.execute == rhs.execute
                && lhs.function?.name == rhs.function?.name && lhs.function?.definition == rhs.function?.definition
        }
    }

    struct Planned: Sendable {
        let slice: StatementSlice
        let provenance: Provenance
    }

    /// The body statements to analyse right after the DO statement that starts at the key,
    /// nested DO blocks flattened in order.
    var bodies: [Int: [Planned]] = [:]

    /// Nesting deeper than this (a DO that EXECUTEs a DO that...) is left unread.
    static let maxDepth = 8

    /// The file with any SQL built from EXECUTE strings appended, and the plan of what each DO
    /// statement runs. A file without DO blocks comes back unchanged.
    static func expand(_ file: MigrationFile, slices: [StatementSlice], parser: SQLParser) -> (MigrationFile, HiddenSQL) {
        var expander = Expander(source: file.source, parser: parser)
        let bytes = file.source.bytes
        for slice in slices where slice.kind == .sql {
            if Self.startsWithDo(slice, bytes) {
                if let body = expander.body(of: slice, enclosures: [], depth: 0) { expander.plan.bodies[slice.range.lowerBound] = body }
            } else if Self.createsRoutine(slice, file.source) {
                expander.define(slice)
            } else if Self.starts(slice, bytes, with: "call") || Self.starts(slice, bytes, with: "select") {
                expander.call(slice)
            }
        }
        var expanded = file
        if !expander.built.isEmpty {
            expanded = Self.appending(expander.built, to: file)
        }
        expanded.unanalyzed += expander.unread.map { Coverage.Entry(range: file.userRange($0.range), reason: $0.reason) }
        return (expanded, expander.plan)
    }

    /// `DO` followed by a space or a quote: checked on the bytes, so that no other statement is
    /// parsed twice.
    static func startsWithDo(_ slice: StatementSlice, _ bytes: [UInt8]) -> Bool {
        let start = slice.range.lowerBound
        guard slice.range.count > 3, bytes[start] | 0x20 == UInt8(ascii: "d"), bytes[start + 1] | 0x20 == UInt8(ascii: "o") else { return false }
        let next = bytes[start + 2]
        return next == UInt8(ascii: " ") || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
            || next == UInt8(ascii: "$") || next == UInt8(ascii: "'")
    }

    /// `CREATE [OR REPLACE] FUNCTION` or `PROCEDURE`, told from the words: every other CREATE
    /// statement (tables and indexes, most of a long file) is parsed once, not twice.
    static func createsRoutine(_ slice: StatementSlice, _ source: SourceText) -> Bool {
        guard starts(slice, source.bytes, with: "create") else { return false }
        var words = SQLLexer.leadingWords(4, in: slice.range, of: source).dropFirst()
        if words.starts(with: ["or", "replace"]) { words = words.dropFirst(2) }
        return words.first == "function" || words.first == "procedure"
    }

    /// The statement starts with `word` (lower-case ASCII), followed by a space.
    static func starts(_ slice: StatementSlice, _ bytes: [UInt8], with word: StaticString) -> Bool {
        let start = slice.range.lowerBound
        let count = word.utf8CodeUnitCount
        guard slice.range.count > count + 1 else { return false }
        for offset in 0..<count where bytes[start + offset] | 0x20 != word.utf8Start[offset] { return false }
        let next = bytes[start + count]
        return next == UInt8(ascii: " ") || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
    }

    /// The file with `built` texts appended after its SQL, and a map that sends the file's own
    /// bytes where they went before and each built piece to the literal it came from.
    static func appending(_ built: [(offset: Int, pieces: [PLpgSQLBody.Embedded.Piece])], to file: MigrationFile) -> MigrationFile {
        var bytes = file.source.bytes
        var segments = file.origin?.map.segments ?? [SourceMap.Segment(sql: 0..<bytes.count, file: 0..<bytes.count)]
        for (offset, pieces) in built {
            precondition(offset == bytes.count, "built SQL is planned at the end of the text")
            for piece in pieces {
                let start = bytes.count
                bytes += Array(piece.text.utf8)
                let fileRange = file.origin?.map.fileRange(piece.fileRange) ?? piece.fileRange
                segments.append(SourceMap.Segment(sql: start..<bytes.count, file: fileRange))
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        var expanded = MigrationFile(path: file.path, source: SourceText(bytes: bytes), lintRanges: file.lintRanges, layout: file.layout,
                                     transactionPolicy: file.transactionPolicy,
                                     origin: MigrationFile.Origin(file: file.userSource, map: SourceMap(segments)))
        expanded.unanalyzed = file.unanalyzed
        return expanded
    }

    struct Expander {
        let source: SourceText
        let parser: SQLParser
        var plan = HiddenSQL()
        /// Built SQL, each at the offset it will have once appended after the file.
        var built: [(offset: Int, pieces: [PLpgSQLBody.Embedded.Piece])] = []
        var unread: [PLpgSQLBody.Unread] = []
        /// Where the next built text goes.
        var end: Int

        init(source: SourceText, parser: SQLParser) {
            self.source = source
            self.parser = parser
            self.end = source.count
        }

        /// Functions and procedures created so far in the file, by name, with what their body runs.
        var functions: [String: (name: QualifiedName, definition: Range<Int>, body: [Planned], unread: [PLpgSQLBody.Unread])] = [:]
        /// CREATE FUNCTION / PROCEDURE statements not read yet: a body is read when the file first
        /// calls a function (most files of functions never call one in the migration).
        var definitions: [StatementSlice] = []

        /// Remembers a CREATE FUNCTION / PROCEDURE; its body runs only when called.
        mutating func define(_ slice: StatementSlice) {
            definitions.append(slice)
        }

        /// Reads the definitions met so far, in file order: a later one replaces an earlier one.
        mutating func readDefinitions() {
            let pending = definitions
            definitions = []
            for slice in pending { read(slice) }
        }

        /// What a CREATE FUNCTION / PROCEDURE body runs.
        mutating func read(_ slice: StatementSlice) {
            guard let parsed = parser.parse(slice, in: source).first,
                  let (name, body) = PLpgSQL.functionBody(of: parsed, in: source) else { return }
            let found: PLpgSQLBody
            switch body.language {
            case "plpgsql":
                found = PLpgSQL.statements(ofBody: body, in: source, function: slice.range)
            case "sql" where body.bytesAreSQL:
                var statements = PLpgSQLBody()
                statements.statements = [PLpgSQLBody.Embedded(text: .file(body.body), enclosures: [], execute: nil)]
                found = statements
            default:
                return
            }
            // What the body cannot show is said only if it is called.
            let planned = planned(found, block: slice.range, enclosures: [], depth: 1, unreadToo: false)
            functions[name.name] = (name, slice.range, planned, found.unread)
        }

        /// A CALL or SELECT of a function created earlier in the file runs its body now.
        mutating func call(_ slice: StatementSlice) {
            readDefinitions()
            guard !functions.isEmpty, let parsed = parser.parse(slice, in: source).first,
                  let called = PLpgSQL.calledFunction(of: parsed, in: source),
                  let function = functions[called.name], called.schema == nil || function.name.schema == nil || called == function.name
            else { return }
            unread += function.unread
            plan.bodies[slice.range.lowerBound] = function.body.map { item in
                var provenance = Provenance(block: slice.range, enclosures: item.provenance.enclosures, execute: item.provenance.execute)
                provenance.function = (function.name, function.definition)
                return Planned(slice: item.slice, provenance: provenance)
            }
        }

        /// The statements the DO statement `slice` runs, nil when it is not a DO statement.
        mutating func body(of slice: StatementSlice, enclosures: [PLpgSQLBody.Enclosure], depth: Int) -> [Planned]? {
            guard slice.range.upperBound <= source.count,
                  let parsed = parser.parse(slice, in: source).first, let doBody = PLpgSQL.doBody(of: parsed, in: source) else { return nil }
            guard doBody.language == "plpgsql" else {
                unread.append(.init(range: slice.range, reason: "DO block in \(doBody.language)"))
                return []
            }
            guard depth < HiddenSQL.maxDepth else {
                unread.append(.init(range: slice.range, reason: "DO block nested too deep"))
                return []
            }
            return planned(PLpgSQL.statements(ofBody: doBody, in: source), block: slice.range, enclosures: enclosures, depth: depth)
        }

        /// Slices for what a body runs, with nested DO blocks expanded after their statement.
        mutating func planned(_ found: PLpgSQLBody, block: Range<Int>, enclosures: [PLpgSQLBody.Enclosure], depth: Int,
                           unreadToo: Bool = true) -> [Planned] {
            if unreadToo { unread += found.unread }
            var planned: [Planned] = []
            for statement in found.statements {
                let provenance = Provenance(block: block, enclosures: enclosures + statement.enclosures, execute: statement.execute)
                let slices: [StatementSlice]
                switch statement.text {
                case .file(let range):
                    slices = StatementSplitter.split(source.bytes, in: range).map { $0.withCommentLinesAbove(in: source.bytes, after: block.lowerBound) }
                case .built(let pieces):
                    // Built SQL is split on its own; its statements are read from the appended text.
                    let text = Array(pieces.map(\.text).joined().utf8)
                    let offset = end
                    built.append((offset, pieces))
                    end += text.count + 1
                    slices = StatementSplitter.split(text).map { $0.shifted(by: offset) }
                }
                for inner in slices where inner.kind == .sql {
                    planned.append(Planned(slice: inner, provenance: provenance))
                    // A DO block run by a DO block: its statements follow it.
                    if inner.range.upperBound <= source.count, HiddenSQL.startsWithDo(inner, source.bytes),
                       let nested = body(of: inner, enclosures: provenance.enclosures, depth: depth + 1) {
                        planned += nested
                    }
                }
            }
            return planned
        }
    }
}

extension HiddenSQL {
    /// A finding on a statement of a DO block or of a function the file calls, saying where it
    /// runs (the block, or the call and the function): whether it runs at all
    /// depends on the branches around it ("may run"), and an EXECUTE string is named. Fixes are
    /// dropped: an edit inside a body can be wrong for the block (CONCURRENTLY fails there).
    static func placed(_ finding: Finding, _ provenance: Provenance, in file: MigrationFile) -> Finding {
        var placed = finding
        let blockLine = file.position(of: provenance.block.lowerBound).line
        var where_ = "inside the DO block at line \(blockLine)"
        if let function = provenance.function {
            where_ = "when line \(blockLine) calls \(function.name.sql) (created at line \(file.position(of: function.definition.lowerBound).line))"
        }
        if let execute = provenance.execute {
            where_ = "run by the EXECUTE string at line \(file.position(of: execute.lowerBound).line), " + where_
        }
        let note: String
        if provenance.enclosures.isEmpty {
            let unit = provenance.function == nil ? "the block" : "the call"
            note = "\(where_); \(unit) runs as one statement: its locks are held until its transaction ends"
        } else {
            let branches = provenance.enclosures.reversed().map { "in \($0.kind.rawValue) at line \($0.line)" }.joined(separator: ", ")
            note = "may run: \(branches), \(where_)"
        }
        placed.notes.insert(note, at: 0)
        placed.fix = nil
        return placed
    }
}
