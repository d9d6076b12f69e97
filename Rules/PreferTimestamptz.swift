import LockModel
import MigrationLint
import PostgresSyntax

/// timestamp without time zone in a new column.
public struct PreferTimestamptz: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "prefer-timestamptz",
        category: .hygiene,
        defaultSeverity: nil,
        summary: "timestamp (without time zone) stores a wall-clock time with no zone: use timestamptz.",
        rationale: """
            timestamp without time zone keeps whatever wall-clock value it is given and forgets the zone. Two \
            clients in different session time zones write different instants as the same value, now() is silently \
            converted to the session's local time, and daylight-saving changes produce duplicate or missing hours. \
            timestamptz stores an instant (UTC internally) and converts on output, at the same 8 bytes. Converting \
            a populated column later rewrites the table unless the session time zone is UTC (PostgreSQL 12+). \
            Off by default: ORMs generate timestamp for their date type (Prisma's DateTime is timestamp(3)) and \
            consistently write UTC, and editing generated SQL makes it drift from the ORM's schema. On a real \
            project history it reported 712 columns in 221 of 1,453 files, two thirds of them generated. \
            Turn it on for hand-written schemas.
            """,
        safeAlternative: """
            Use timestamptz. In a table created in the same migration the type is swapped automatically (not under CREATE TABLE IF NOT EXISTS, whose table may already exist) (precision \
            kept); for an existing table the suggestion is the same statement with timestamptz.
            """,
        versionNotes: "PostgreSQL 12+ converts timestamp to timestamptz without a rewrite only when the session time zone is UTC.",
        badExamples: [
            RuleExample("CREATE TABLE events (id bigint PRIMARY KEY, created_at ↓timestamp NOT NULL DEFAULT now());"),
            RuleExample("CREATE TABLE app.\"Log\" (id bigint PRIMARY KEY, at ↓timestamp(3) without time zone NOT NULL);"),
            RuleExample("ALTER TABLE users ADD COLUMN seen_at ↓timestamp NOT NULL DEFAULT now();"),
            RuleExample(#"CREATE TABLE stamps (id bigint PRIMARY KEY, note text NOT NULL DEFAULT E'it\'s', at ↓timestamp -- don't\#n NOT NULL);"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN seen_at ↓timestamp NOT NULL DEFAULT $$2024-01-01$$ /* it's */;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());"),
            RuleExample("CREATE TABLE app.\"Log\" (id bigint PRIMARY KEY, at timestamp(3) with time zone NOT NULL);"),
            RuleExample("ALTER TABLE users ALTER COLUMN seen_at TYPE timestamp;"),
            RuleExample("CREATE TABLE shifts (id bigint PRIMARY KEY, starts time NOT NULL, day date NOT NULL);"),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamp NOT NULL DEFAULT now());"),
                       "CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());"),
            FixExample(RuleExample("CREATE TABLE app.\"Log\" (id bigint PRIMARY KEY, at timestamp(3) without time zone NOT NULL);"),
                       "CREATE TABLE app.\"Log\" (id bigint PRIMARY KEY, at timestamptz(3) NOT NULL);"),
            FixExample(RuleExample("CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN seen_at timestamp NOT NULL;"),
                       "CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN seen_at timestamptz NOT NULL;"),
            FixExample(RuleExample(#"CREATE TABLE stamps (id bigint PRIMARY KEY, note text NOT NULL DEFAULT E'it\'s', at timestamp -- don't\#n NOT NULL);"#),
                       #"CREATE TABLE stamps (id bigint PRIMARY KEY, note text NOT NULL DEFAULT E'it\'s', at timestamptz -- don't\#n NOT NULL);"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        Hygiene.typeFindings(context) { site in
            let type = site.type
            guard Hygiene.isBuiltIn(type), type.baseName == "timestamp" else { return nil }
            let replacement = "timestamptz" + Hygiene.modifierText(type)
            return TypeSwap(
                spelling: replacement,
                message: "\(Hygiene.columnLabel(site)) is timestamp without time zone: the instant depends on each session's time zone",
                help: "use \(replacement)", isFixable: true)
        }
    }
}
