import Testing
import LockModel
import PostgresSyntax

/// The model's branches for versions the real-server suite cannot check (it runs PostgreSQL 15).
/// Each test names the documentation it rests on.
@Suite struct VersionBranchTests {
    func effects(_ sql: String, version: Int, inTransaction: Bool = false, timeZone: String? = nil,
                 schema: String = "") -> StatementEffects {
        let settings = RunSettings(postgresVersion: version, fileRunsInTransaction: inTransaction, timeZone: timeZone,
                                   existingSchema: SchemaCatalog.learning(from: schema))
        let analysis = MigrationAnalyzer(settings: settings).analyze(SQLParser().parse(SourceText(sql)))
        return analysis.statements.last!.effects
    }

    let users = QualifiedName(schema: "public", name: "users")

    // PostgreSQL 11 release notes, E.x.3.1 "Allow ALTER TABLE to add a column with a non-null
    // default without doing a table rewrite"; ref/alter_table.sgml, Notes.
    @Test func beforeElevenEveryDefaultRewrites() {
        let sql = "ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';"
        #expect(effects(sql, version: 10).rewrites == [users])
        #expect(effects(sql, version: 11).rewrites == [])
        // A volatile default rewrites on every version.
        #expect(effects("ALTER TABLE users ADD COLUMN t timestamptz DEFAULT clock_timestamp();", version: 11).rewrites == [users])
        // DEFAULT NULL is no default at all.
        #expect(effects("ALTER TABLE users ADD COLUMN n text DEFAULT NULL;", version: 10).rewrites == [])
    }

    // PostgreSQL 12 release notes, "Allow ALTER TABLE ... SET NOT NULL to avoid unnecessary table
    // scans"; ref/alter_table.sgml, SET/DROP NOT NULL: "the scan is skipped if a valid CHECK
    // constraint is found which proves no NULL can exist".
    @Test func setNotNullUsesAValidCheckFromTwelve() {
        let sql = """
            ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
            ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
            ALTER TABLE users ALTER COLUMN email SET NOT NULL;
            """
        #expect(effects(sql, version: 12).scans == [])
        #expect(effects(sql, version: 11).scans == [users])
        // Still NOT VALID: the check proves nothing.
        let notValidated = """
            ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
            ALTER TABLE users ALTER COLUMN email SET NOT NULL;
            """
        #expect(effects(notValidated, version: 15).scans == [users])
    }

    // PostgreSQL 12 release notes, "Allow ATTACH PARTITION to be performed with reduced locking";
    // ref/alter_table.sgml, ATTACH PARTITION: "SHARE UPDATE EXCLUSIVE lock on the parent".
    @Test func attachPartitionLocksTheParentLessFromTwelve() {
        let sql = "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        let events = QualifiedName(schema: "public", name: "events"), partition = QualifiedName(schema: "public", name: "events_2025")
        #expect(effects(sql, version: 11).lock(on: events)?.mode == .accessExclusive)
        #expect(effects(sql, version: 12).lock(on: events)?.mode == .shareUpdateExclusive)
        #expect(effects(sql, version: 12).lock(on: partition)?.mode == .accessExclusive)
        #expect(effects(sql, version: 12).scans == [partition])
    }

    // PostgreSQL 12 release notes, "Add REINDEX CONCURRENTLY"; ref/reindex.sgml.
    @Test func reindexConcurrentlyNeedsTwelve() {
        let sql = "REINDEX TABLE CONCURRENTLY users;"
        #expect(effects(sql, version: 11).error == "REINDEX CONCURRENTLY needs PostgreSQL 12 or later")
        #expect(effects(sql, version: 12).error == nil)
        #expect(effects(sql, version: 12, inTransaction: true).error == "REINDEX CONCURRENTLY cannot run inside a transaction block")
    }

    // PostgreSQL 12 release notes, "Allow ALTER TYPE ... ADD VALUE to be run inside a transaction
    // block"; ref/alter_type.sgml, Notes.
    @Test func addEnumValueInATransactionNeedsTwelve() {
        let sql = "ALTER TYPE mood ADD VALUE 'calm';"
        #expect(effects(sql, version: 11, inTransaction: true).error == "ALTER TYPE ... ADD cannot run inside a transaction block")
        #expect(effects(sql, version: 11, inTransaction: false).error == nil)
        #expect(effects(sql, version: 12, inTransaction: true).error == nil)
        // An enum created in the same transaction may get values before 12 too.
        #expect(effects("CREATE TYPE mood AS ENUM ('a');\n" + sql, version: 11, inTransaction: true).error == nil)
    }

    // PostgreSQL 12 release notes, "Allow changing a column from timestamp to timestamptz without
    // a table rewrite when the session time zone is UTC".
    @Test func timestampToTimestamptzIsFreeUnderUTCFromTwelve() {
        let schema = "CREATE TABLE users (id bigint, created_at timestamp);"
        let sql = "ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;"
        #expect(effects(sql, version: 12, timeZone: "UTC", schema: schema).rewrites == [])
        #expect(effects(sql, version: 11, timeZone: "UTC", schema: schema).rewrites == [users])
        #expect(effects(sql, version: 15, timeZone: "Europe/Paris", schema: schema).rewrites == [users])
        // A SET in the file wins over the configuration.
        #expect(effects("SET TIME ZONE 'UTC';\n" + sql, version: 15, timeZone: "Europe/Paris", schema: schema).rewrites == [])
        // Not knowing the zone is the cautious answer, said out loud.
        let unknown = effects(sql, version: 15, schema: schema)
        #expect(unknown.rewrites == [users])
        #expect(unknown.assumptions == [.sessionTimeZoneUnknown(table: users, column: "created_at", from: "timestamp", to: "timestamptz")])
        #expect(unknown.assumptions.texts == ["may rewrite: the session time zone is not known (timestamp to timestamptz is free only under UTC)"])
    }

    // PostgreSQL 12 release notes, "ALTER INDEX ... RENAME now takes a SHARE UPDATE EXCLUSIVE lock";
    // ref/alter_index.sgml.
    @Test func renamingAnIndexTakesLessFromTwelve() {
        let sql = "ALTER INDEX users_name_idx RENAME TO users_name_index;"
        let index = QualifiedName(schema: "public", name: "users_name_idx")
        #expect(effects(sql, version: 11).lock(on: index)?.mode == .accessExclusive)
        #expect(effects(sql, version: 12).lock(on: index)?.mode == .shareUpdateExclusive)
    }

    // PostgreSQL 14 release notes, "Allow partitions to be detached in a non-blocking manner";
    // ref/alter_table.sgml, DETACH PARTITION ... CONCURRENTLY.
    @Test func detachConcurrentlyNeedsFourteen() {
        let sql = "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;"
        #expect(effects(sql, version: 13).error == "DETACH PARTITION CONCURRENTLY needs PostgreSQL 14 or later")
        #expect(effects(sql, version: 14).error == nil)
        #expect(effects(sql, version: 14, inTransaction: true).error == "ALTER TABLE ... DETACH CONCURRENTLY cannot run inside a transaction block")
        #expect(effects(sql, version: 14).strongestLocks.map(\.mode) == [.shareUpdateExclusive, .shareUpdateExclusive])
    }

    // PostgreSQL 14.4 release notes, "Fix CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY
    // to not miss rows in HOT chains" (14.0 to 14.3 could corrupt indexes).
    @Test func concurrentBuildsOnFourteenWarnAboutCorruption() {
        let sql = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);"
        let fourteen = effects(sql, version: 14).assumptions
        #expect(fourteen == [.concurrentBuildBugBefore14_4(table: QualifiedName(schema: "public", name: "users"))])
        #expect(fourteen.map(\.stake) == [.corruption])
        #expect(fourteen.texts == ["on PostgreSQL 14.0 to 14.3 a concurrent build can silently corrupt the index: run 14.4 or later"])
        #expect(effects(sql, version: 15).assumptions.isEmpty)
    }

    // What PostgreSQL 16 to 19 change in a lock, a rewrite or a scan arrives in syntax the bundled
    // PostgreSQL 15.1 grammar cannot read: release notes 17, ALTER COLUMN ... SET EXPRESSION AS
    // (rewrites the table, alter_table.sgml); 18, NOT NULL constraints added NOT VALID and validated
    // under SHARE UPDATE EXCLUSIVE, virtual generated columns (no rewrite) and the default kind when
    // STORED is left out; 19, REPACK and REPACK (CONCURRENTLY) (SHARE UPDATE EXCLUSIVE, ACCESS
    // EXCLUSIVE to swap the files). In the release notes of 16 no item changes a lock level, a
    // rewrite or a scan of a DDL statement. These statements reach the model as nothing;
    // the rules' advice for those versions (`RuleVersionBranchTests`) and the syntax-error warning
    // carry them. When the grammar is upgraded this fails: then give the model these statements.
    @Test func statementsNewerThanTheGrammarAreNotModelled() {
        for sql in ["ALTER TABLE orders ALTER COLUMN total SET EXPRESSION AS (price * 2);",
                    "ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;",
                    "ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (price * 2) VIRTUAL;",
                    "ALTER TABLE orders ADD COLUMN total bigint GENERATED ALWAYS AS (price * 2);",
                    "REPACK (CONCURRENTLY) users;", "REPACK users USING INDEX users_pkey;"] {
            let statement = effects(sql, version: 19)
            #expect(SQLParser().parse(SourceText(sql)).first?.statement == nil, "\(sql)")
            #expect(statement.locks.isEmpty && statement.rewrites.isEmpty && statement.scans.isEmpty, "\(sql)")
        }
        // What the grammar does read keeps its answer on 18 and 19: a STORED generated column
        // still rewrites, VACUUM FULL and CLUSTER still copy under ACCESS EXCLUSIVE (REPACK
        // replaces them in the documentation; both remain, release notes 19), and validating a
        // constraint, a not-null one included, scans under SHARE UPDATE EXCLUSIVE.
        for version in [18, 19] {
            #expect(effects("ALTER TABLE users ADD COLUMN t bigint GENERATED ALWAYS AS (id * 2) STORED;", version: version).rewrites == [users])
            let vacuum = effects("VACUUM FULL users;", version: version)
            #expect(vacuum.lock(on: users)?.mode == .accessExclusive && vacuum.rewrites == [users])
            let cluster = effects("CLUSTER users USING users_pkey;", version: version)
            #expect(cluster.lock(on: users)?.mode == .accessExclusive && cluster.rewrites == [users])
            let validate = effects("ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;", version: version)
            #expect(validate.lock(on: users)?.mode == .shareUpdateExclusive && validate.scans == [users])
        }
    }
}

/// Where the file does not say, the cautious answer and the assumption that goes with it; where
/// the file (or a known schema) does say, the precise answer.
@Suite struct AssumptionTests {
    func analysis(_ sql: String, schema: String = "", inTransaction: Bool = false) -> FileAnalysis {
        let settings = RunSettings(postgresVersion: 15, fileRunsInTransaction: inTransaction,
                                   existingSchema: SchemaCatalog.learning(from: schema))
        return MigrationAnalyzer(settings: settings).analyze(SQLParser().parse(SourceText(sql)))
    }

    func effects(_ sql: String, schema: String = "") -> StatementEffects { analysis(sql, schema: schema).statements.last!.effects }

    let users = QualifiedName(schema: "public", name: "users")
    let accounts = QualifiedName(schema: "public", name: "accounts")

    // alter_table.sgml, ALTER COLUMN TYPE: binary-coercible changes do not rewrite.
    @Test func typeChangeNeedsTheOldType() {
        let unknown = effects("ALTER TABLE users ALTER COLUMN email TYPE varchar(200);")
        #expect(unknown.rewrites == [users])
        #expect(unknown.assumptions == [.oldColumnTypeUnknown(table: users, column: "email")])
        #expect(unknown.assumptions.texts == ["may rewrite: the old type of users.email is not known"])
        let schema = "CREATE TABLE users (email varchar(100), score numeric(10, 2), n integer, body text);"
        #expect(effects("ALTER TABLE users ALTER COLUMN email TYPE varchar(200);", schema: schema).rewrites == [])
        #expect(effects("ALTER TABLE users ALTER COLUMN email TYPE varchar(50);", schema: schema).rewrites == [users])
        #expect(effects("ALTER TABLE users ALTER COLUMN email TYPE text;", schema: schema).rewrites == [])
        #expect(effects("ALTER TABLE users ALTER COLUMN body TYPE varchar(10);", schema: schema).rewrites == [users])
        #expect(effects("ALTER TABLE users ALTER COLUMN score TYPE numeric(12, 2);", schema: schema).rewrites == [])
        #expect(effects("ALTER TABLE users ALTER COLUMN score TYPE numeric(12, 3);", schema: schema).rewrites == [users])
        #expect(effects("ALTER TABLE users ALTER COLUMN n TYPE bigint;", schema: schema).rewrites == [users])
        // The file's own CREATE TABLE tells the old type too (and the table is new: nothing to rewrite).
        let inFile = effects("CREATE TABLE t (a varchar(10));\nALTER TABLE t ALTER COLUMN a TYPE varchar(5);")
        #expect(inFile.rewrites == [])
        #expect(inFile.assumptions == [])
    }

    // alter_table.sgml, DROP CONSTRAINT; observed: dropping a foreign key locks the referenced table.
    @Test func droppingAForeignKeyLocksTheReferencedTable() {
        let unknown = effects("ALTER TABLE users DROP CONSTRAINT users_account_fk;")
        #expect(unknown.indirectLocks == [IndirectLock(.tableReferencedByConstraint(table: users, constraint: "users_account_fk"), .accessExclusive)])
        let known = effects("ALTER TABLE users ADD CONSTRAINT users_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;\n"
                            + "ALTER TABLE users DROP CONSTRAINT users_account_fk;")
        #expect(known.lock(on: accounts)?.mode == .accessExclusive)
        #expect(known.indirectLocks.isEmpty)
        // A CHECK is no foreign key: only the table is locked.
        let check = effects("ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0) NOT VALID;\nALTER TABLE users DROP CONSTRAINT c;")
        #expect(check.strongestLocks.map(\.relation) == [users])
        #expect(check.indirectLocks.isEmpty)
    }

    // mvcc.sgml, ROW SHARE: "ALTER TABLE VALIDATE CONSTRAINT on the referenced table of a foreign key".
    @Test func validatingAForeignKeyReadsTheReferencedTable() {
        let known = effects("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;\n"
                            + "ALTER TABLE users VALIDATE CONSTRAINT fk;")
        #expect(known.lock(on: users)?.mode == .shareUpdateExclusive)
        #expect(known.lock(on: accounts)?.mode == .rowShare)
        #expect(known.scans == [users, accounts])
        let unknown = effects("ALTER TABLE users VALIDATE CONSTRAINT fk;")
        #expect(unknown.indirectLocks.first?.mode == .rowShare)
        #expect(unknown.indirectLocks.first?.scanned == true)
        #expect(unknown.indirectLocks.first?.description == "the table referenced by fk on public.users, if it is a foreign key")
    }

    // The issue: "a foreign key from it still locks the existing table it references".
    @Test func aNewTableStillLocksTheTableItReferences() {
        let invoices = effects("CREATE TABLE invoices (id bigint, user_id bigint REFERENCES users (id));")
        #expect(invoices.strongestLocks == [RelationLock(relation: users, mode: .shareRowExclusive, isNew: false)])
        let both = analysis("CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (a_id bigint REFERENCES a (id));")
        #expect(both.statements[1].effects.strongestLocks.first?.isNew == true)
        // A foreign key to itself locks nothing that exists.
        #expect(effects("CREATE TABLE tree (id bigint PRIMARY KEY, parent bigint REFERENCES tree (id));").locks.isEmpty)
    }

    @Test func droppingATableLocksWhatItsForeignKeysReference() {
        let unknown = effects("DROP TABLE orders;")
        #expect(unknown.indirectLocks.map(\.target) == [.tablesReferencedBy(QualifiedName(schema: "public", name: "orders"))])
        let known = effects("DROP TABLE orders;", schema: "CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));")
        #expect(known.lock(on: users)?.mode == .accessExclusive)
    }

    // create_index.sgml: "Concurrent builds for indexes on partitioned tables are currently not supported."
    @Test func concurrentIndexOnAKnownPartitionedTableIsAnError() {
        let effects = effects("CREATE INDEX CONCURRENTLY events_created_idx ON events (created);",
                              schema: "CREATE TABLE events (created date) PARTITION BY RANGE (created);")
        #expect(effects.error == "cannot create index on partitioned table \"events\" concurrently")
    }

    // alter_table.sgml, ADD COLUMN: a domain with a CHECK constraint is checked on every row.
    @Test func domainsWithACheckRewrite() {
        let schema = "CREATE DOMAIN positive AS integer CHECK (VALUE > 0);\nCREATE TYPE mood AS ENUM ('a');"
        #expect(effects("ALTER TABLE users ADD COLUMN q positive;", schema: schema).rewrites == [users])
        #expect(effects("ALTER TABLE users ADD COLUMN m mood;", schema: schema).rewrites == [])
        let unknown = effects("ALTER TABLE users ADD COLUMN q quantity;")
        #expect(unknown.rewrites == [])
        #expect(unknown.assumptions == [.typeIsNoCheckedDomain(table: users, column: "q", type: "quantity")])
        #expect(unknown.assumptions.texts == ["quantity is assumed not to be a domain with a CHECK constraint (that would rewrite the table)"])
    }

    @Test func locksAreHeldUntilTheEndOfTheTransaction() {
        let file = analysis("""
            BEGIN;
            ALTER TABLE users ADD COLUMN a text;
            CREATE INDEX accounts_name_idx ON accounts (name);
            COMMIT;
            CREATE INDEX users_a_idx ON users (a);
            """)
        let transactions = MigrationAnalyzer.transactions(file.statements)
        #expect(transactions.count == 2)
        #expect(transactions[0].held.map { [$0.lock.relation.qualified, $0.lock.mode.description, "\($0.fromStatement)", "\($0.untilStatement)"] }
                == [["public.users", "ACCESS EXCLUSIVE", "1", "3"], ["public.accounts", "SHARE", "2", "3"]])
        #expect(transactions[1].held.map(\.lock.mode) == [.share])
    }

    @Test func lockSentencesQuoteTheModel() {
        let add = effects("ALTER TABLE users ADD COLUMN a text;")
        #expect(add.lockSentence(for: users) == "takes ACCESS EXCLUSIVE on public.users: blocks reads and writes until commit")
        let refresh = effects("REFRESH MATERIALIZED VIEW CONCURRENTLY user_counts;")
        #expect(refresh.lockSentence(for: QualifiedName(name: "user_counts"), untilCommit: false)
                == "takes EXCLUSIVE on public.user_counts: blocks writes and SELECT ... FOR UPDATE/SHARE")
    }
}
