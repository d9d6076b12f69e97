import LockModel
import MigrationLint
import PostgresSyntax

/// char(n) / character in a new column.
public struct BanChar: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "ban-char",
        category: .hygiene,
        defaultSeverity: .warning,
        summary: "char(n) pads values with spaces and compares them oddly: use text (or varchar).",
        rationale: """
            character(n) blank-pads every value to n characters, strips the padding again in most operations but \
            not all (LIKE, regular expressions, casts to text and client drivers see it), and is no faster than \
            text: it is stored the same way plus the padding. A bare `char` or `character` means char(1), which \
            silently truncates nothing but errors on longer input. The padding bugs surface long after the \
            migration. The type is not swapped automatically because text compares trailing spaces differently.
            """,
        safeAlternative: """
            Use text, with CHECK (char_length(col) = n) when every value must have exactly n characters.
            """,
        badExamples: [
            RuleExample("CREATE TABLE countries (code ↓char(2) PRIMARY KEY, name text NOT NULL);"),
            RuleExample("CREATE TABLE app.\"Flags\" (id bigint PRIMARY KEY, state ↓character NOT NULL);"),
            RuleExample("ALTER TABLE users ADD COLUMN currency ↓character(3) NOT NULL DEFAULT 'EUR';"),
            RuleExample(#"CREATE TABLE countries (code /* the user's */ ↓char(2) -- don't\#n PRIMARY KEY, note text NOT NULL DEFAULT E'it\'s');"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN currency ↓character(3) NOT NULL DEFAULT $$EUR$$ /* it's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2), name text NOT NULL);"),
            RuleExample("CREATE TABLE app.\"Flags\" (id bigint PRIMARY KEY, state \"char\" NOT NULL);"),
            RuleExample("CREATE TABLE t (id bigint PRIMARY KEY, code character varying(3) NOT NULL);"),
            RuleExample("ALTER TABLE users ALTER COLUMN currency TYPE char(3);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        Hygiene.typeFindings(context) { site in
            let type = site.type
            guard Hygiene.isBuiltIn(type), type.baseName == "bpchar" else { return nil }
            let length = type.modifiers.first.flatMap { $0 } ?? 1
            return TypeSwap(
                spelling: "text",
                message: "\(Hygiene.columnLabel(site)) is char(\(length)): values are blank-padded to \(length) character\(length == 1 ? "" : "s")",
                help: "use text with CHECK (char_length(\(quoteIdentifier(site.column.name))) = \(length)) if the length is fixed",
                isFixable: false)
        }
    }
}
