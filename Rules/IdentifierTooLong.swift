import LockModel
import MigrationLint
import PostgresSyntax

/// An identifier longer than PostgreSQL's 63-byte limit.
public struct IdentifierTooLong: Rule {
    public init() {}

    static let limit = 63

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "identifier-too-long",
        category: .hygiene,
        defaultSeverity: .warning,
        summary: "An identifier longer than 63 bytes is silently truncated by PostgreSQL.",
        rationale: """
            PostgreSQL keeps at most 63 bytes of a name (NAMEDATALEN - 1) and truncates longer ones with only a \
            NOTICE. The object then exists under a name that appears nowhere in the code: ORMs and schema-diff \
            tools that compare names see a mismatch on every run, and two long names that share their first 63 \
            bytes collide ("relation already exists") in a later migration. The limit counts bytes, so names \
            with accented or non-Latin letters reach it sooner.
            """,
        safeAlternative: """
            Choose a shorter name. The fix writes the name as PostgreSQL stores it (the first 63 bytes), which \
            changes nothing in the database but makes the migration say what the catalog will hold.
            """,
        badExamples: [
            RuleExample("CREATE INDEX CONCURRENTLY ↓index_subscriptions_on_account_id_and_plan_id_and_status_and_created_at ON subscriptions (account_id);"),
            RuleExample("ALTER TABLE app.\"Orders\" ADD CONSTRAINT ↓\"Orders_customer_reference_must_match_the_customer_accounts_table_key\" CHECK (customer_ref <> '') NOT VALID;"),
            RuleExample("CREATE TABLE ↓überlange_tabelle_für_die_größenprüfung_der_bezeichner_in_postgres (id bigint PRIMARY KEY);"),
        ],
        goodExamples: [
            RuleExample("CREATE INDEX CONCURRENTLY subscriptions_account_plan_status_idx ON subscriptions (account_id);"),
            RuleExample("CREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY, note text NOT NULL DEFAULT 'a string literal that is much longer than sixty-three bytes is fine');"),
            RuleExample("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 AS a_column_alias_inside_a_function_body_that_is_very_long_indeed $$;"),
            RuleExample("CREATE TABLE exactly_sixty_three_bytes_long_table_name_abcdefghijklmnopqrstu (id bigint PRIMARY KEY);"),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE INDEX CONCURRENTLY index_subscriptions_on_account_id_and_plan_id_and_status_and_created_at ON subscriptions (account_id);"),
                       "CREATE INDEX CONCURRENTLY index_subscriptions_on_account_id_and_plan_id_and_status_and_cr ON subscriptions (account_id);"),
            FixExample(RuleExample("ALTER TABLE app.\"Orders\" ADD CONSTRAINT \"Orders_customer_reference_must_match_the_customer_accounts_table_key\" CHECK (customer_ref <> '') NOT VALID;"),
                       "ALTER TABLE app.\"Orders\" ADD CONSTRAINT \"Orders_customer_reference_must_match_the_customer_accounts_tabl\" CHECK (customer_ref <> '') NOT VALID;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        // Almost no statement has a 64-byte word: skip scanning tokens unless one might.
        guard Self.mayHoldLongIdentifier(context.source.bytes, context.statementRange) else { return [] }
        var findings: [Finding] = []
        var reported: Set<String> = []
        for token in context.tokens where token.keyword == nil {
            guard let name = identifier(context.source.text(token.range)), name.utf8.count > Self.limit else { continue }
            let truncated = Self.truncate(name)
            let replacement = spelling(truncated, quoted: context.source.text(token.range).hasPrefix("\""))
            // One finding per name and statement: a name repeated in a statement is the same mistake.
            guard reported.insert(name).inserted else { continue }
            findings.append(Finding(
                message: "identifier is \(name.utf8.count) bytes: PostgreSQL truncates it to \(replacement)",
                range: token.range,
                help: "use a name of at most \(Self.limit) bytes",
                rewrite: RewritePlan([.migration(sql: rewritten(context, name: name, to: replacement),
                                                 note: "the name as PostgreSQL stores it; a shorter, meaningful name is better")]),
                fix: Fix(message: "write the name as PostgreSQL stores it",
                         edits: context.tokens.filter { identifier(context.source.text($0.range)) == name && $0.keyword == nil }
                            .map { Edit(range: $0.range, replacement: replacement) })))
        }
        return findings
    }

    /// False only when no identifier in `range` can exceed the limit: no run of identifier bytes,
    /// and no double-quoted text, longer than it (string literals are skipped).
    static func mayHoldLongIdentifier(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard range.count > limit else { return false }
        return bytes.withUnsafeBufferPointer { text in
            guard let base = UnsafeRawPointer(text.baseAddress) else { return false }
            var scan = LongWordScan()
            var index = range.lowerBound
            while index < range.upperBound {
                // Eight bytes at a time outside quotes, while they hold no quote character.
                if !scan.inString, !scan.inQuotedName, index + 8 <= range.upperBound,
                   let found = scan.plainWord(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))) {
                    if found { return true }
                    index += 8
                    continue
                }
                if scan.step(text[index]) { return true }
                index += 1
            }
            return scan.inQuotedName && scan.run > limit
        }
    }

    /// Where a scan for a word longer than `limit` bytes stands: the length of the current run of
    /// name bytes, and whether it is inside a string or a quoted name.
    struct LongWordScan {
        var run = 0
        var inString = false
        var inQuotedName = false

        /// One byte; true once a name longer than the limit is found.
        mutating func step(_ byte: UInt8) -> Bool {
            if inString {
                if byte == UInt8(ascii: "'") { inString = false }
                return false
            }
            if inQuotedName {
                run += 1
                if byte == UInt8(ascii: "\"") {
                    inQuotedName = false
                    if run > IdentifierTooLong.limit + 2 { return true }
                    run = 0
                }
                return false
            }
            switch IdentifierTooLong.byteClass[Int(byte)] {
            case 1:
                run += 1
                if run > IdentifierTooLong.limit { return true }
            case 2: inString = true; run = 0
            case 3: inQuotedName = true; run = 1
            default: run = 0
            }
            return false
        }

        /// Eight bytes (the first in the low byte) outside quotes, the same as eight `step`s; nil
        /// when one of them is a quote character, which only `step` follows.
        mutating func plainWord(_ word: UInt64) -> Bool? {
            let highs: UInt64 = 0x8080_8080_8080_8080
            let low = word & ~highs
            // The high bit of each byte whose low seven bits are in lower...upper.
            func within(_ lower: UInt8, _ upper: UInt8) -> UInt64 {
                let ones: UInt64 = 0x0101_0101_0101_0101
                return (low &+ ones &* UInt64(0x80 - lower)) & ~(low &+ ones &* UInt64(0x7F - upper)) & highs
            }
            let ascii = ~word & highs
            guard (within(0x27, 0x27) | within(0x22, 0x22)) & ascii == 0 else { return nil }
            let nameBytes = (word & highs) | within(0x61, 0x7A) | within(0x41, 0x5A) | within(0x30, 0x39)
                | within(0x5F, 0x5F) | within(0x24, 0x24)
            let others = ~nameBytes & highs
            if others == 0 {
                run += 8
                return run > IdentifierTooLong.limit
            }
            // A run inside eight bytes is too short to matter: only the ends continue runs.
            run += others.trailingZeroBitCount / 8
            if run > IdentifierTooLong.limit { return true }
            run = others.leadingZeroBitCount / 8
            return false
        }
    }

    private static let byteClass: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "'"): return 2
        case UInt8(ascii: "\""): return 3
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...0xFF:
            return 1
        default: return 0
        }
    }

    /// The name an identifier token denotes: quotes removed, or ASCII down-cased; nil for other tokens.
    func identifier(_ text: String) -> String? {
        guard let first = text.unicodeScalars.first else { return nil }
        if first == "\"" {
            guard text.count >= 2, text.hasSuffix("\"") else { return nil }
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        let startsLikeName = first == "_" || first.properties.isAlphabetic || first.value >= 0x80
        guard startsLikeName, !text.contains("'"), !text.contains("\"") else { return nil }
        return String(text.unicodeScalars.map { $0.isASCII ? Character($0).lowercased() : String($0) }.joined())
    }

    /// PostgreSQL cuts at a character boundary at or below the limit.
    static func truncate(_ name: String) -> String {
        var result = ""
        for character in name {
            if result.utf8.count + String(character).utf8.count > limit { break }
            result.append(character)
        }
        return result
    }

    /// An unquoted name stays unquoted (no keyword is 63 bytes long); a quoted one is quoted where needed.
    func spelling(_ truncated: String, quoted: Bool) -> String {
        quoted ? quoteIdentifier(truncated) : truncated
    }

    func rewritten(_ context: RuleContext, name: String, to replacement: String) -> String {
        let edits = context.tokens.filter { $0.keyword == nil && identifier(context.source.text($0.range)) == name }
            .map { Edit(range: $0.range, replacement: replacement) }
        var text = Hygiene.statementText(context, applying: edits)
        if context.effects.locks.contains(where: { !$0.isNew && $0.mode.blocksWrites }) { text = SQLText.lockTimeout + "\n" + text }
        return text
    }
}
