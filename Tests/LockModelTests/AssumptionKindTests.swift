import Testing
import LockModel
import PostgresSyntax

/// Each assumption the lock model records, as the typed value rules ask for (what, about which
/// relation or column, what rests on it) and as the sentence users read after "assumes:".
@Suite struct AssumptionKindTests {
    func effects(_ sql: String, version: Int = 15, inTransaction: Bool = false, schema: String = "") -> StatementEffects {
        let settings = RunSettings(postgresVersion: version, fileRunsInTransaction: inTransaction,
                                   existingSchema: SchemaCatalog.learning(from: schema))
        return MigrationAnalyzer(settings: settings).analyze(SQLParser().parse(SourceText(sql))).statements.last!.effects
    }

    static let users = QualifiedName(schema: "public", name: "users")
    static let events = QualifiedName(schema: "public", name: "events")

    struct Case: Sendable, CustomStringConvertible {
        var sql: String
        var version = 15
        var schema = ""
        var expected: Assumption
        var stake: Assumption.Stake
        var text: String
        var description: String { sql }
    }

    static let cases: [Case] = [
        Case(sql: "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);",
             expected: .oldColumnTypeUnknown(table: users, column: "email"), stake: .rewrite,
             text: "may rewrite: the old type of users.email is not known"),
        Case(sql: "ALTER TABLE events ALTER COLUMN at TYPE timestamptz;", schema: "CREATE TABLE events (at timestamp);",
             expected: .sessionTimeZoneUnknown(table: events, column: "at", from: "timestamp", to: "timestamptz"), stake: .rewrite,
             text: "may rewrite: the session time zone is not known (timestamp to timestamptz is free only under UTC)"),
        Case(sql: "ALTER TABLE users ADD COLUMN n quantity;",
             expected: .typeIsNoCheckedDomain(table: users, column: "n", type: "quantity"), stake: .rewrite,
             text: "quantity is assumed not to be a domain with a CHECK constraint (that would rewrite the table)"),
        Case(sql: "ALTER TABLE users ADD COLUMN n int DEFAULT next_code();",
             expected: .unknownFunctionIsVolatile(table: users, column: "n", function: "next_code()"), stake: .rewrite,
             text: "next_code() is not a known built-in: treated as volatile"),
        Case(sql: "UPDATE users SET plan = 'free' WHERE id = 1;",
             expected: .whereClauseUsesIndex(table: users), stake: .scan,
             text: "the WHERE clause is assumed to find rows by index, not by reading public.users in full"),
        Case(sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL;",
             expected: .notNullColumnNeedsEmptyTable(table: users, column: "plan"), stake: .failure,
             text: "ADD COLUMN plan ... NOT NULL without a default fails unless public.users is empty"),
        Case(sql: "ALTER TABLE users DROP COLUMN email CASCADE;",
             expected: .cascadeDropsColumnDependents(table: users, column: "email"), stake: .otherObjects,
             text: "CASCADE also drops the views and constraints that use users.email"),
        Case(sql: "DROP TABLE users CASCADE;", expected: .cascadeDropsViews, stake: .otherObjects,
             text: "CASCADE also drops the views on the dropped tables, locking them ACCESS EXCLUSIVE"),
        Case(sql: "ALTER TABLE users SET TABLESPACE fast;", expected: .notInTablespaceAlready(table: users), stake: .rewrite,
             text: "public.users is moved unless it already is in that tablespace"),
        Case(sql: "ALTER TABLE users SET UNLOGGED;", expected: .notLoggedAlready(table: users, logged: false), stake: .rewrite,
             text: "public.users is rewritten unless it already is unlogged"),
        Case(sql: "ALTER TABLE users SET ACCESS METHOD heap2;",
             expected: .notUsingAccessMethodAlready(table: users, method: "heap2"), stake: .rewrite,
             text: "public.users is rewritten unless it already uses the access method heap2"),
        Case(sql: "ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES IN (1);",
             schema: "CREATE TABLE events_1 (id int, CONSTRAINT events_1_bound CHECK (id = 1));",
             expected: .checkImpliesPartitionBound(partition: QualifiedName(schema: "public", name: "events_1"), constraint: "events_1_bound"),
             stake: .scan,
             text: "the CHECK constraint events_1_bound on public.events_1 is assumed to imply the partition bound, which spares the scan"),
        Case(sql: "ALTER TABLE events ATTACH PARTITION events_1 FOR VALUES IN (1);",
             expected: .noCheckImpliesPartitionBound(partition: QualifiedName(schema: "public", name: "events_1")), stake: .scan,
             text: "public.events_1 is scanned unless a valid CHECK constraint implies the partition bound"),
        Case(sql: "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;",
             expected: .primaryKeyColumnsMayBeNullable(table: users), stake: .scan,
             text: "PRIMARY KEY USING INDEX scans public.users unless its columns are NOT NULL already"),
        Case(sql: "CLUSTER;", expected: .everyClusteredTable, stake: .otherObjects,
             text: "no table named: every previously clustered table is rewritten"),
        Case(sql: "VACUUM;", expected: .everyTableOfDatabase, stake: .otherObjects,
             text: "no table named: every table of the database is processed"),
        // A schema is not in a schema: "app", not "public.app".
        Case(sql: "REINDEX SCHEMA app;", expected: .everyTableOf(kind: .schema, object: "app", mode: .share), stake: .otherObjects,
             text: "every table of the schema app is locked SHARE while its indexes are rebuilt"),
        Case(sql: "REINDEX DATABASE CONCURRENTLY shop;",
             expected: .everyTableOf(kind: .database, object: "shop", mode: .shareUpdateExclusive), stake: .otherObjects,
             text: "every table of the database shop is locked SHARE UPDATE EXCLUSIVE while its indexes are rebuilt"),
        Case(sql: "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);", version: 14,
             expected: .concurrentBuildBugBefore14_4(table: users), stake: .corruption,
             text: "on PostgreSQL 14.0 to 14.3 a concurrent build can silently corrupt the index: run 14.4 or later"),
    ]

    @Test(arguments: cases)
    func theModelRecordsTheTypedAssumptionAndRendersItsSentence(_ item: Case) {
        let assumptions = effects(item.sql, version: item.version, schema: item.schema).assumptions
        #expect(assumptions == [item.expected])
        #expect(assumptions.map(\.stake) == [item.stake])
        #expect(assumptions.texts == [item.text])
    }

    @Test func anAssumptionNamesTheRelationAndColumnItIsAbout() {
        let typeChange = Assumption.oldColumnTypeUnknown(table: Self.users, column: "email")
        #expect(typeChange.relation == Self.users)
        #expect(typeChange.column == "email")
        #expect(typeChange.constraint == nil)
        let bound = Assumption.checkImpliesPartitionBound(partition: Self.events, constraint: "events_bound")
        #expect(bound.relation == Self.events && bound.column == nil && bound.constraint == "events_bound")
        #expect(Assumption.everyTableOfDatabase.relation == nil)
    }

    /// Two columns of one unknown type are two assumptions, read as one sentence.
    @Test func theSameSentenceIsReadOnce() {
        let assumptions = effects("ALTER TABLE users ADD COLUMN a quantity, ADD COLUMN b quantity;").assumptions
        #expect(assumptions.map(\.column) == ["a", "b"])
        #expect(assumptions.texts == ["quantity is assumed not to be a domain with a CHECK constraint (that would rewrite the table)"])
    }

    /// What each subcommand of one ALTER TABLE does alone: rules ask it which one rewrites.
    @Test func eachSubcommandHasItsOwnEffects() {
        let parsed = SQLParser().parse(SourceText("ALTER TABLE users SET TABLESPACE fast, ADD COLUMN note text, SET LOGGED;"))
        guard case .alterTable(let alter)? = parsed.first?.statement else {
            Issue.record("not parsed as ALTER TABLE")
            return
        }
        let state = AnalysisState(settings: RunSettings(postgresVersion: 15, fileRunsInTransaction: false))
        let parts = alter.actions.map { (action: $0, effects: LockModel.effects(ofSubcommand: $0, of: alter, in: state)) }
        #expect(parts.map(\.action) == alter.actions)
        #expect(parts.map(\.effects.rewrites) == [[Self.users], [], [Self.users]])
        #expect(parts.map(\.effects.assumptions) == [[.notInTablespaceAlready(table: Self.users)], [],
                                                     [.notLoggedAlready(table: Self.users, logged: true)]])
        #expect(parts.map { $0.effects.lock(on: Self.users)?.mode } == [.accessExclusive, .accessExclusive, .accessExclusive])
        // Together they are the statement's effects.
        let whole = LockModel.effects(of: .alterTable(alter), in: state)
        #expect(whole.assumptions == parts.flatMap(\.effects.assumptions))
    }
}
