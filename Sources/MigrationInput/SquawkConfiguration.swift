import MigrationLint

/// A squawk configuration (`.squawk.toml`) and the `.migration-lint.yml` that keeps its intent:
/// what `migration-lint init --from-squawk` writes.
///
/// squawk's file uses a handful of TOML keys (its docs: `excluded_rules`, `included_rules`,
/// `pg_version`, `assume_in_transaction`, `excluded_paths`, and `[upload_to_github]`
/// `fail_on_violations`). They are read by a strict reader of that subset of TOML (strings,
/// booleans, numbers, arrays of strings, tables, comments): a TOML library would add a C++
/// dependency to every user's build for a command run once. Anything outside the subset is an
/// error with its line and column, never a guess.
public struct SquawkConfiguration: Sendable, Equatable {
    public var excludedRules: [String] = []
    public var includedRules: [String] = []
    public var pgVersion: String?
    public var assumeInTransaction: Bool?
    public var excludedPaths: [String] = []
    public var failOnViolations: Bool?

    public init() {}

    /// Reads squawk's configuration text; errors name the file, line and column.
    public static func parse(_ text: String, path: String) throws -> SquawkConfiguration {
        var configuration = SquawkConfiguration()
        var table = ""
        var reader = TOMLSubsetReader(text: text, path: path)
        while let entry = try reader.next() {
            switch entry {
            case .table(let name):
                table = name
            case .pair(let key, let value, let line, let column):
                let qualified = table.isEmpty ? key : "\(table).\(key)"
                func fail(_ message: String) -> InputError { InputError(path: path, line: line, column: column, message: message) }
                switch (qualified, value) {
                case ("excluded_rules", .strings(let names)): configuration.excludedRules = names
                case ("included_rules", .strings(let names)): configuration.includedRules = names
                case ("excluded_paths", .strings(let paths)): configuration.excludedPaths = paths
                case ("pg_version", .string(let version)): configuration.pgVersion = version
                case ("pg_version", .number(let version)): configuration.pgVersion = version
                case ("assume_in_transaction", .bool(let flag)): configuration.assumeInTransaction = flag
                case ("upload_to_github.fail_on_violations", .bool(let flag)): configuration.failOnViolations = flag
                case ("excluded_rules", _), ("included_rules", _), ("excluded_paths", _):
                    throw fail("`\(key)` must be an array of strings")
                case ("pg_version", _): throw fail("`pg_version` must be a version such as \"15.0\"")
                case ("assume_in_transaction", _), ("upload_to_github.fail_on_violations", _):
                    throw fail("`\(key)` must be true or false")
                default:
                    throw fail("`\(qualified)` is not a squawk setting this command knows")
                }
            }
        }
        return configuration
    }

    /// The major version of `pg_version` ("13.0" → 13), if it is one MigrationLint supports.
    public var postgresMajorVersion: Int? {
        guard let text = pgVersion, let major = Int(text.split(separator: ".").first ?? "") else { return nil }
        return Configuration.supportedPostgresVersions.contains(major) ? major : nil
    }

    /// The `.migration-lint.yml` text that keeps this configuration's intent, with a comment for
    /// everything that could not be carried over. `rules` are MigrationLint's rule descriptions.
    public func migrationLintConfiguration(rules: [RuleDescription], source: String) -> String {
        var lines = ["# Converted from \(source) by `migration-lint init --from-squawk`.",
                     "# squawk-compat: `-- squawk-ignore` and `-- squawk-ignore-file` comments keep working.",
                     "squawk-compat: true"]
        var notes: [String] = []
        if let pgVersion {
            if let major = postgresMajorVersion {
                lines.append("postgres-version: \(major)")
            } else {
                notes.append("pg_version \"\(pgVersion)\" is not a major version MigrationLint supports (\(Configuration.supportedPostgresVersions.lowerBound) to \(Configuration.supportedPostgresVersions.upperBound)); the default, 15, applies")
            }
        }
        if let assumeInTransaction { lines.append("assume-in-transaction: \(assumeInTransaction)") }
        if !excludedPaths.isEmpty {
            lines.append("exclude:")
            lines += excludedPaths.map { "  - \(Self.yamlString($0))" }
        }
        // A MigrationLint rule goes off only when every squawk rule that maps onto it is excluded:
        // excluding prefer-bigint-over-int alone must not silence smallint columns.
        var severities: [(id: String, value: String, why: String)] = []
        let excluded = Set(excludedRules)
        let byID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for name in excludedRules + includedRules where SquawkRules.counterpart(of: name) == nil {
            notes.append("`\(name)` is not a squawk rule name (squawk-cli 2.70); ignored")
        }
        for name in (excludedRules + includedRules) {
            if SquawkRules.counterpart(of: name)?.isEmpty == true {
                notes.append("squawk's `\(name)` has no MigrationLint counterpart")
            }
        }
        for name in excludedRules {
            for id in SquawkRules.counterpart(of: name) ?? [] where !severities.contains(where: { $0.id == id }) {
                let others = SquawkRules.squawkNames(for: id).filter { !excluded.contains($0) }
                if others.isEmpty {
                    severities.append((id, "off", "squawk's \(SquawkRules.squawkNames(for: id).joined(separator: ", ")) excluded"))
                } else {
                    notes.append("`\(id)` stays on: it also checks what squawk's \(others.joined(separator: ", ")) checks, which was not excluded")
                }
            }
        }
        for name in includedRules where !excluded.contains(name) {
            for id in SquawkRules.counterpart(of: name) ?? [] where !severities.contains(where: { $0.id == id }) {
                guard let rule = byID[id], rule.defaultSeverity == nil else { continue }
                severities.append((id, "warning", "squawk's \(name) included"))
            }
        }
        if !severities.isEmpty {
            lines.append("rules:")
            lines += severities.map { "  \($0.id): \($0.value)  # \($0.why)" }
        }
        if failOnViolations != nil {
            notes.append("[upload_to_github] fail_on_violations: use `fail-on` (error, warning or never) or the exit code instead")
        }
        let header = notes.isEmpty ? [] : ["# Not carried over:"] + notes.map { "#   - \($0)" }
        return (lines.prefix(2) + header + lines.dropFirst(2)).joined(separator: "\n") + "\n"
    }

    static func yamlString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// Reads `key = value` pairs and `[table]` headers of the TOML subset squawk's file uses.
struct TOMLSubsetReader {
    enum Value: Equatable { case string(String), number(String), bool(Bool), strings([String]) }
    enum Entry: Equatable { case table(String), pair(key: String, value: Value, line: Int, column: Int) }

    let bytes: [UInt8]
    let path: String
    var offset = 0
    var line = 1
    var lineStart = 0

    init(text: String, path: String) {
        bytes = Array(text.utf8)
        self.path = path
    }

    var column: Int { String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1 }

    func error(_ message: String) -> InputError { InputError(path: path, line: line, column: column, message: message) }

    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func advance() {
        if current == UInt8(ascii: "\n") { line += 1; lineStart = offset + 1 }
        offset += 1
    }

    /// Skips spaces, tabs, comments and (when `newlines`) line breaks.
    mutating func skipTrivia(newlines: Bool) {
        while let byte = current {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") { advance() }
            else if newlines, byte == UInt8(ascii: "\n") { advance() }
            else if byte == UInt8(ascii: "#") { while let b = current, b != UInt8(ascii: "\n") { advance() } }
            else { return }
        }
    }

    mutating func next() throws -> Entry? {
        skipTrivia(newlines: true)
        guard let byte = current else { return nil }
        if byte == UInt8(ascii: "[") {
            advance()
            let name = try bareKey()
            guard current == UInt8(ascii: "]") else { throw error("expected `]` after the table name") }
            advance()
            try endOfLine()
            return .table(name)
        }
        let (keyLine, keyColumn) = (line, column)
        let key = try bareKey()
        skipTrivia(newlines: false)
        guard current == UInt8(ascii: "=") else { throw error("expected `=` after `\(key)`") }
        advance()
        skipTrivia(newlines: false)
        let value = try self.value()
        try endOfLine()
        return .pair(key: key, value: value, line: keyLine, column: keyColumn)
    }

    mutating func endOfLine() throws {
        skipTrivia(newlines: false)
        guard current == nil || current == UInt8(ascii: "\n") else { throw error("unexpected text after the value") }
    }

    mutating func bareKey() throws -> String {
        skipTrivia(newlines: false)
        let start = offset
        while let byte = current, byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) { advance() }
        guard offset > start else { throw error("expected a key") }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    mutating func value() throws -> Value {
        guard let byte = current else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "["):
            advance()
            var items: [String] = []
            while true {
                skipTrivia(newlines: true)
                if current == UInt8(ascii: "]") { advance(); return .strings(items) }
                guard current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") else {
                    throw error("expected a string in the array")
                }
                items.append(try string())
                skipTrivia(newlines: true)
                if current == UInt8(ascii: ",") { advance() }
                else if current != UInt8(ascii: "]") { throw error("expected `,` or `]` in the array") }
            }
        default:
            let start = offset
            while let b = current, b != UInt8(ascii: " "), b != UInt8(ascii: "\t"), b != UInt8(ascii: "\n"),
                  b != UInt8(ascii: "\r"), b != UInt8(ascii: "#") { advance() }
            let word = String(decoding: bytes[start..<offset], as: UTF8.self)
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            if !word.isEmpty, word.allSatisfy({ $0.isNumber || $0 == "." }) { return .number(word) }
            offset = start
            throw error("expected a string, a number, true, false or an array")
        }
    }

    /// A basic ("...", with \\ escapes) or literal ('...') string on one line.
    mutating func string() throws -> String {
        let quote = current!
        advance()
        var result: [UInt8] = []
        while let byte = current {
            if byte == quote { advance(); return String(decoding: result, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                advance()
                guard let escaped = current else { break }
                switch escaped {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): result.append(escaped)
                default: throw error("unsupported escape `\\\(Character(Unicode.Scalar(escaped)))` in a string")
                }
                advance()
                continue
            }
            result.append(byte)
            advance()
        }
        throw error("unterminated string")
    }
}
