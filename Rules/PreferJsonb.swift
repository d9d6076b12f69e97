import LockModel
import MigrationLint
import PostgresSyntax

/// json in a new column.
public struct PreferJsonb: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "prefer-jsonb",
        category: .hygiene,
        defaultSeverity: .info,
        summary: "json stores text that is re-parsed on every access and cannot be indexed or compared: use jsonb.",
        rationale: """
            json keeps the input text verbatim (whitespace, key order, duplicate keys) and parses it again on every \
            operator call. It has no equality operator, so DISTINCT, GROUP BY, UNIQUE and many ORM updates fail on \
            it, and it has no GIN operator class. jsonb stores the parsed form, supports containment (@>) with GIN \
            indexes, and is what almost every application means. Converting later rewrites the table. The type is \
            not swapped automatically: code that relies on key order or duplicate keys would see a difference. \
            Informational: a json column works, it is just slower and less capable, and some projects keep the \
            verbatim text on purpose.
            """,
        safeAlternative: "Use jsonb unless the exact input text must be kept (then text may be clearer).",
        badExamples: [
            RuleExample("CREATE TABLE events (id bigint PRIMARY KEY, payload ↓json NOT NULL);"),
            RuleExample("CREATE TABLE app.\"Hooks\" (id bigint PRIMARY KEY, headers ↓json[] NOT NULL DEFAULT '{}');"),
            RuleExample("ALTER TABLE users ADD COLUMN settings ↓json NOT NULL DEFAULT '{}';"),
            RuleExample(#"CREATE TABLE events (id bigint PRIMARY KEY, payload /* the user's */ ↓json -- don't\#n NOT NULL DEFAULT E'{}');"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN settings ↓json NOT NULL DEFAULT $${}$$ /* it's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);"),
            RuleExample("CREATE TABLE app.\"Hooks\" (id bigint PRIMARY KEY, raw text NOT NULL);"),
            RuleExample("ALTER TABLE users ALTER COLUMN settings TYPE json;"),
            RuleExample("CREATE TYPE app.json AS (v text);\nCREATE TABLE t (id bigint PRIMARY KEY, v app.json NOT NULL);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        Hygiene.typeFindings(context) { site in
            let type = site.type
            guard Hygiene.isBuiltIn(type), type.baseName == "json" else { return nil }
            return TypeSwap(
                spelling: "jsonb",
                message: "\(Hygiene.columnLabel(site)) is json: re-parsed on every access, no equality, no GIN index",
                help: "use jsonb", isFixable: false)
        }
    }
}
