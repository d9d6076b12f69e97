import LockModel
import MigrationLint
import PostgresSyntax

/// varchar(n) in a new column.
public struct PreferText: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "prefer-text",
        category: .hygiene,
        defaultSeverity: nil,
        summary: "varchar(n) sets a length limit that is costly to change; text with a CHECK is easier to evolve.",
        rationale: """
            In PostgreSQL varchar(n) is stored exactly like text: the limit buys no space or speed. The limit is an \
            application rule frozen into the type. Raising it is cheap since PostgreSQL 9.2 (no rewrite) but still \
            takes ACCESS EXCLUSIVE; lowering it rewrites the table. A CHECK (char_length(col) <= n) says the same thing \
            and can be replaced with NOT VALID and VALIDATE without blocking reads or writes. Many limits are \
            deliberate (a schema shared with MySQL, an external format), and nothing here is a danger to a live \
            system, so the rule is off by default: on a real project history it reported 101 varchar(n) \
            columns, 99 of them in one project that sizes every column on purpose.
            """,
        safeAlternative: """
            Use text, with CHECK (char_length(col) <= n) where the limit matters. In a table created in the same \
            migration the type is swapped automatically (not under CREATE TABLE IF NOT EXISTS, whose table may already exist).
            """,
        badExamples: [
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email ↓varchar(255) NOT NULL);"),
            RuleExample("CREATE TABLE app.\"Users\" (id bigint PRIMARY KEY, name ↓character varying(100) NOT NULL, tags ↓varchar(20)[] NOT NULL);"),
            RuleExample("ALTER TABLE users ADD COLUMN nickname ↓varchar(40) NOT NULL DEFAULT '';"),
            RuleExample(#"CREATE TABLE stamps (id bigint PRIMARY KEY, label ↓varchar(20) /* it's */ NOT NULL DEFAULT $$it's$$);"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN nickname ↓varchar(40) NOT NULL DEFAULT E'it\'s' /* the user's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL CHECK (char_length(email) <= 255));"),
            RuleExample("CREATE TABLE app.\"Users\" (id bigint PRIMARY KEY, name varchar NOT NULL);"),
            RuleExample("ALTER TABLE users ALTER COLUMN email TYPE varchar(320);"),
            RuleExample("CREATE DOMAIN app.varchar AS text;\nCREATE TABLE t (id bigint PRIMARY KEY, v app.varchar NOT NULL);"),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL);"),
                       "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"),
            FixExample(RuleExample("CREATE TABLE app.\"Users\" (id bigint PRIMARY KEY, tags character varying(20)[] NOT NULL);"),
                       "CREATE TABLE app.\"Users\" (id bigint PRIMARY KEY, tags text[] NOT NULL);"),
            FixExample(RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN email varchar(255) NOT NULL;"),
                       "CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN email text NOT NULL;"),
            FixExample(RuleExample(#"CREATE TABLE stamps (id bigint PRIMARY KEY, label varchar(20) /* it's */ NOT NULL DEFAULT $$it's$$);"#),
                       #"CREATE TABLE stamps (id bigint PRIMARY KEY, label text /* it's */ NOT NULL DEFAULT $$it's$$);"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        Hygiene.typeFindings(context) { site in
            let type = site.type
            guard Hygiene.isBuiltIn(type), type.baseName == "varchar", let limit = type.modifiers.first ?? nil else { return nil }
            return TypeSwap(
                spelling: "text",
                message: "\(Hygiene.columnLabel(site)) is varchar(\(limit)): stored like text, but the limit is costly to change",
                help: "use text, with CHECK (char_length(\(quoteIdentifier(site.column.name))) <= \(limit)) if the limit matters",
                isFixable: true)
        }
    }
}
