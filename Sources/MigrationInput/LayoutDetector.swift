import MigrationLint
import PostgresSyntax

/// What the layout says about one file: skip it, or lint these ranges under this policy.
public struct LayoutDecision: Sendable, Equatable {
    public var layout: MigrationLayout
    /// Nil when the file is a down / revert / undo migration that is not linted.
    public var lintRanges: [Range<Int>]?
    public var transactionPolicy: TransactionPolicy
    /// Why the file is not linted; `LintRunner` puts it in `FileOutcome.skipped`, which no
    /// output shows today.
    public var skipReason: String?
}

public enum LayoutDetector {
    /// Classifies a file by its path and annotations. `override` forces a layout (configuration
    /// `layout:`); `includeDown` lints down parts too; plain files follow `assumeInTransaction`.
    /// `dieselMetadata` is the text of the `metadata.toml` beside a diesel migration, if it has one.
    public static func decide(path: String, source: SourceText, override: MigrationLayout? = nil,
                              includeDown: Bool = false, assumeInTransaction: Bool = false,
                              dieselMetadata: String? = nil) -> LayoutDecision {
        let whole = [0..<source.count]
        let components = PathComponents(path)
        let layout = override ?? detect(path: path, components: components, source: source)
        let fileName = components.fileName

        switch layout {
        case .goose:
            let sections = annotatedSections(source, up: "+goose up", down: "+goose down")
            let noTransaction = hasAnnotation(source) { $0.hasPrefix("+goose no transaction") }
            return LayoutDecision(layout: .goose, lintRanges: includeDown ? whole : sections,
                                  transactionPolicy: noTransaction ? .none : .whole)
        case .dbmate:
            let sections = annotatedSections(source, up: "migrate:up", down: "migrate:down")
            let noTransaction = hasAnnotation(source) { $0.hasPrefix("migrate:up") && $0.contains("transaction:false") }
            return LayoutDecision(layout: .dbmate, lintRanges: includeDown ? whole : sections,
                                  transactionPolicy: noTransaction ? .none : .whole)
        case .upDownFiles:
            let isDown = fileName == "down.sql" || fileName.hasSuffix(".down.sql")
            return LayoutDecision(layout: .upDownFiles, lintRanges: isDown && !includeDown ? nil : whole,
                                  transactionPolicy: .ifMultipleStatements,
                                  skipReason: isDown && !includeDown ? "down migration" : nil)
        case .diesel:
            // diesel runs each migration in its own transaction unless its metadata.toml says
            // `run_in_transaction = false` (diesel_migrations: "Transactions"; MigrationMetadata).
            let isDown = fileName == "down.sql"
            let transaction = dieselMetadata.map(Self.dieselRunsInTransaction(metadata:)) ?? true
            return LayoutDecision(layout: .diesel, lintRanges: isDown && !includeDown ? nil : whole,
                                  transactionPolicy: transaction ? .whole : .none,
                                  skipReason: isDown && !includeDown ? "down migration" : nil)
        case .flyway:
            let isUndo = fileName.hasPrefix("U")
            return LayoutDecision(layout: .flyway, lintRanges: isUndo && !includeDown ? nil : whole, transactionPolicy: .whole,
                                  skipReason: isUndo && !includeDown ? "Flyway undo migration" : nil)
        case .prisma:
            return LayoutDecision(layout: .prisma, lintRanges: whole, transactionPolicy: .ifMultipleStatements)
        case .sqitch:
            let isRevert = components.contains("revert") || components.contains("verify")
            return LayoutDecision(layout: .sqitch, lintRanges: isRevert && !includeDown ? nil : whole, transactionPolicy: .none,
                                  skipReason: isRevert && !includeDown ? "Sqitch revert or verify script" : nil)
        case .plain:
            return LayoutDecision(layout: .plain, lintRanges: whole, transactionPolicy: assumeInTransaction ? .whole : .none)
        }
    }

    /// Annotations first (they are explicit), then file and folder names.
    public static func detect(path: String, source: SourceText) -> MigrationLayout {
        detect(path: path, components: PathComponents(path), source: source)
    }

    static func detect(path: String, components: PathComponents, source: SourceText) -> MigrationLayout {
        let notes = source.bytes.contains(UInt8(ascii: "-")) ? annotations(source).map(\.text) : []
        if notes.contains(where: { $0.hasPrefix("+goose ") }) { return .goose }
        if notes.contains(where: { $0.hasPrefix("migrate:up") || $0.hasPrefix("migrate:down") }) { return .dbmate }
        let fileName = components.fileName
        // diesel's folder per migration ({version}_{name}/up.sql); golang-migrate and dbmate-style
        // pairs name the version in the file ({version}_{title}.up.sql).
        if fileName == "up.sql" || fileName == "down.sql" { return .diesel }
        if fileName.hasSuffix(".up.sql") || fileName.hasSuffix(".down.sql") {
            return .upDownFiles
        }
        if fileName == "migration.sql", components.count >= 3, components.is(components.count - 3, "migrations") { return .prisma }
        if isFlywayName(fileName) { return .flyway }
        if components.folders.contains(where: { PathComponents.equal($0, "deploy") || PathComponents.equal($0, "revert") || PathComponents.equal($0, "verify") }) {
            return .sqitch
        }
        return .plain
    }

    /// Whether a diesel `metadata.toml` leaves the migration in a transaction: false only for a
    /// top-level `run_in_transaction = false` (comments and other keys ignored).
    public static func dieselRunsInTransaction(metadata: String) -> Bool {
        for line in metadata.split(whereSeparator: \.isNewline) {
            let code = line.prefix { $0 != "#" }
            let parts = code.split(separator: "=", maxSplits: 1).map { part in
                String(part.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            }
            if parts.count == 2, parts[0] == "run_in_transaction" || parts[0] == "\"run_in_transaction\"" {
                return parts[1] != "false"
            }
        }
        return true
    }

    /// The folder and file names of a path, as bytes: splitting into strings (or by `Character`)
    /// cost more than the rest of layout detection.
    struct PathComponents {
        let parts: [ArraySlice<UInt8>]
        let fileName: String

        init(_ path: String) {
            // Cut by hand: `split` on the path's UTF-8 view took 10,000 instructions a path, 1 % of
            // the corpus run.
            let bytes = Array(path.utf8)
            var parts: [ArraySlice<UInt8>] = []
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
                if index > start { parts.append(bytes[start..<index]) }
                start = index + 1
            }
            if bytes.count > start { parts.append(bytes[start...]) }
            self.parts = parts
            fileName = parts.last.map { String(decoding: $0, as: UTF8.self) } ?? path
        }

        var count: Int { parts.count }
        var folders: ArraySlice<ArraySlice<UInt8>> { parts.dropLast() }
        func `is`(_ index: Int, _ name: String) -> Bool { Self.equal(parts[index], name) }
        func contains(_ name: String) -> Bool { parts.contains { Self.equal($0, name) } }
        static func equal(_ part: ArraySlice<UInt8>, _ name: String) -> Bool { part.elementsEqual(name.utf8) }
    }

    static func isFlywayName(_ fileName: String) -> Bool {
        guard let first = fileName.first, ["V", "U", "R"].contains(first), hasDoubled(UInt8(ascii: "_"), in: fileName),
              fileName.hasSuffix(".sql") else { return false }
        let version = fileName.dropFirst().prefix { $0 != "_" }
        return first == "R" ? version.isEmpty : !version.isEmpty && version.allSatisfy { $0.isNumber || $0 == "." || $0 == "_" }
    }

    /// Line comments that are annotations, lowercased and trimmed, with the offset of their line.
    static func annotations(_ source: SourceText) -> [(text: String, lineStart: Int, lineEnd: Int)] {
        var result: [(String, Int, Int)] = []
        let bytes = source.bytes
        for line in 1...source.lineCount {
            let range = source.lineRange(line)
            var index = range.lowerBound
            while index < range.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            guard index + 1 < range.upperBound, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-") else { continue }
            // Every annotation starts with `+` (goose) or `migrate:` (dbmate): other comments are
            // not lowercased into strings, which was most of the cost of layout detection.
            var first = index + 2
            while first < range.upperBound, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
            guard first < range.upperBound, bytes[first] == UInt8(ascii: "+") || bytes[first] | 0x20 == UInt8(ascii: "m") else { continue }
            let text = source.text(index + 2..<range.upperBound).lowercased()
            let trimmed = String(text.drop { $0 == " " || $0 == "\t" })
            let lineEnd = line < source.lineCount ? source.lineStarts[line] : source.count
            result.append((trimmed, range.lowerBound, lineEnd))
        }
        return result
    }

    static func hasAnnotation(_ source: SourceText, _ predicate: (String) -> Bool) -> Bool {
        // Cheap check before walking lines: annotations need a "--".
        guard source.bytes.contains(UInt8(ascii: "-")) else { return false }
        return annotations(source).contains { predicate($0.text) }
    }

    /// The byte ranges between an "up" annotation and the next "down" annotation. Text before the
    /// first annotation is not run by either tool.
    static func annotatedSections(_ source: SourceText, up: String, down: String) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var openStart: Int?
        for annotation in annotations(source) {
            if annotation.text.hasPrefix(up) {
                if openStart == nil { openStart = annotation.lineEnd }
            } else if annotation.text.hasPrefix(down) {
                if let start = openStart { ranges.append(start..<annotation.lineStart) }
                openStart = nil
            }
        }
        if let start = openStart { ranges.append(start..<source.count) }
        return ranges
    }
}
