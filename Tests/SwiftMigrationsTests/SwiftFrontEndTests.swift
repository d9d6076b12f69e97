import Testing
import MigrationInput
import MigrationLint
import MigrationLintRules
import PostgresSyntax
@testable import SwiftMigrations

/// Lints Swift source as `migration-lint lint` does a `.swift` file.
func lintSwift(_ swift: String, path: String = "Sources/App/Migrations/Migration.swift",
               configure: (inout Configuration) -> Void = { _ in }) -> FileReport? {
    var configuration = Configuration()
    configure(&configuration)
    let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration), threadCount: 1)
    guard case .linted(let report) = runner.lint(path: path, source: SourceText(swift)) else { return nil }
    return report
}

/// Line and column (1-based, columns in characters) of each finding of `rule`.
func positions(_ report: FileReport?, _ rule: String) -> [[Int]] {
    guard let report else { return [] }
    return report.diagnostics.filter { $0.ruleID == rule }.map {
        let position = report.source.position(of: $0.range.lowerBound)
        return [position.line, position.column]
    }
}

/// Where the coverage report lists places no rule checked, as line and column.
func notAnalyzedPositions(_ report: FileReport?) -> [[Int]] {
    guard let report else { return [] }
    return report.coverage.unanalyzed.map {
        let position = report.source.position(of: $0.range.lowerBound)
        return [position.line, position.column]
    }
}

/// The text of the Swift file a finding covers.
func covered(_ report: FileReport?, _ rule: String) -> [String] {
    guard let report else { return [] }
    return report.diagnostics.filter { $0.ruleID == rule }.map { report.source.text($0.range) }
}

func sql(_ swift: String, includeDown: Bool = false) -> String {
    String(decoding: SwiftMigrationReader.read(SourceText(swift), includeDown: includeDown).sql.bytes, as: UTF8.self)
}

@Suite struct RawSQLPositionTests {
    @Test func singleLineLiteral() {
        let swift = """
        struct AddIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await (database as! any SQLDatabase).raw("CREATE INDEX users_email_idx ON users (email)").run()
            }
        }
        """
        #expect(positions(lintSwift(swift), "create-index-concurrently") == [[3, 62]])
    }

    @Test func multiLineLiteralPointsAtTheLineOfTheSQL() {
        let swift = """
        struct AddIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw(\"\"\"
                    -- the index the search page needs
                    CREATE INDEX users_email_idx
                        ON users (email)
                    \"\"\").run()
            }
        }
        """
        // Line 5 of the Swift file; column 20 is where INDEX stands in the file (the literal's
        // indentation is stripped from the SQL, not from the file).
        #expect(positions(lintSwift(swift), "create-index-concurrently") == [[5, 20]])
        #expect(sql(swift) == "-- the index the search page needs\nCREATE INDEX users_email_idx\n    ON users (email);\n")
    }

    @Test func rawStringWithEscapesAndMultiByteTextBefore() {
        let swift = """
        // Crée l'index — ça bloque les écritures
        struct AddIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                /* é */ try await sql.raw(#"UPDATE t SET note = 'a\\b'; CREATE INDEX ix ON t (a)"#).run()
            }
        }
        """
        let report = lintSwift(swift)
        #expect(positions(report, "create-index-concurrently") == [[4, 71]], "é and the comment count as characters")
        #expect(sql(swift).contains(#"note = 'a\b'"#), "a backslash in a raw string is a backslash")
    }

    @Test func tabsAndCRLF() {
        let swift = "struct AddIndex: AsyncMigration {\r\n\tfunc prepare(on database: any Database) async throws {\r\n\t\ttry await sql.raw(\"\"\"\r\n\t\t\tSELECT 1;\r\n\t\t\tCREATE INDEX ix ON t (a)\r\n\t\t\t\"\"\").run()\r\n\t}\r\n}\r\n"
        let report = lintSwift(swift)
        #expect(positions(report, "create-index-concurrently") == [[5, 11]])
        #expect(covered(report, "create-index-concurrently") == ["INDEX"])
    }

    @Test func escapesAndInterpolationsKeepLaterColumnsExact() {
        let swift = #"""
        struct AddIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw("ALTER TABLE \(ident: Self.table) ADD COLUMN \"n\" int NOT NULL; CREATE INDEX ix ON t (a)").run()
            }
        }
        """#
        let report = lintSwift(swift)
        #expect(positions(report, "create-index-concurrently") == [[3, 99]])
        // The finding on the statement with the interpolation names what stood in the code.
        #expect(report?.diagnostics.contains { $0.ruleID == "add-column-not-null-without-default" && $0.message.contains("Self.table") } == true)
    }

    @Test func concatenationAndConstants() {
        let swift = """
        struct AddIndex: AsyncMigration {
            let dropSQL: SQLQueryString = "DROP INDEX old_idx"
            func prepare(on database: any Database) async throws {
                let create = "CREATE INDEX ix " + "ON t (a)"
                try await sql.raw(dropSQL).run()
                try await sql.raw(create).run()
            }
        }
        """
        #expect(sql(swift) == "DROP INDEX old_idx;\nCREATE INDEX ix ON t (a);\n", "in the order the calls run")
        let report = lintSwift(swift)
        #expect(positions(report, "drop-index-concurrently") == [[2, 41]])
        #expect(positions(report, "create-index-concurrently") == [[4, 30]])
    }

    @Test func postgresNIOQueryBindsParameters() {
        let swift = """
        struct AddColumn: DatabaseMigration {
            func apply(connection: PostgresConnection, logger: Logger) async throws {
                try await connection.query("UPDATE users SET plan = \\(plan) WHERE plan IS NULL", logger: logger)
            }
            func revert(connection: PostgresConnection, logger: Logger) async throws {
                try await connection.query("DROP TABLE users", logger: logger)
            }
        }
        """
        #expect(sql(swift) == "UPDATE users SET plan = $1 WHERE plan IS NULL;\n", "the revert method is the down migration")
        #expect(sql(swift, includeDown: true).hasSuffix("DROP TABLE users;\n"))
    }
}

@Suite struct FluentTranslationTests {
    @Test func createTableIsFluentsSQL() {
        let swift = """
        struct CreateUser: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users")
                    .id()
                    .field("email", .string, .required)
                    .field("age", .int, .sql(.default(0)))
                    .field("team_id", .uuid, .references("teams", "id", onDelete: .cascade))
                    .field("role", .string, .required, .sql(.default("member")))
                    .field("created_at", .datetime)
                    .unique(on: "email")
                    .ignoreExisting()
                    .create()
            }
        }
        """
        #expect(sql(swift) == """
        CREATE TABLE IF NOT EXISTS "users" (
        "id" UUID PRIMARY KEY,
        "email" TEXT NOT NULL,
        "age" BIGINT DEFAULT 0,
        "team_id" UUID REFERENCES "teams" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        "role" TEXT NOT NULL DEFAULT 'member',
        "created_at" TIMESTAMPTZ,
        CONSTRAINT "uq:users.email" UNIQUE ("email")
        );

        """)
    }

    @Test func updateAndTheFindingsAtEachCall() {
        let swift = """
        struct UpdateUser: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users")
                    .field("nickname", .string)
                    .field("plan", .string, .required)
                    .updateField("age", .int32)
                    .deleteField("legacy")
                    .foreignKey("team_id", references: "teams", "id")
                    .deleteUnique(on: "email")
                    .update()
            }
        }
        """
        #expect(sql(swift) == """
        ALTER TABLE "users"
        ADD "nickname" TEXT,
        ADD "plan" TEXT NOT NULL,
        ADD CONSTRAINT "fk:users.team_id+users.id" FOREIGN KEY ("team_id") REFERENCES "teams" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        DROP "legacy",
        DROP CONSTRAINT "uq:users.email",
        ALTER COLUMN "age" SET DATA TYPE INT;

        """)
        let report = lintSwift(swift)
        #expect(positions(report, "add-column-not-null-without-default") == [[5, 13]], "at `.field(\"plan\", .string, .required)`")
        #expect(covered(report, "add-column-not-null-without-default") == [".field(\"plan\", .string, .required)"])
        #expect(positions(report, "unjustified-nullable-column") == [[4, 13]])
        #expect(positions(report, "alter-column-type").first == [6, 13], "at `.updateField`")
        #expect(positions(report, "drop-column") == [[7, 13]])
        // The safer form, written in Fluent.
        #expect(report?.diagnostics.first { $0.ruleID == "add-column-not-null-without-default" }?.notes.first
                == "in Fluent: `.field(\"plan\", .string, .required, .sql(.default(\"\")))` (a constant default is stored once: no rewrite, and existing rows get it)")
    }

    @Test func enumsAndDelete() {
        let swift = """
        struct CreateStatus: AsyncMigration {
            func prepare(on database: any Database) async throws {
                let status = try await database.enum("status").case("active").case("banned").create()
                try await database.enum("plan").case("pro").update()
                try await database.schema("accounts").field("status", status, .required).update()
                try await database.schema("old").delete()
                try await database.enum("legacy").delete()
            }
        }
        """
        #expect(sql(swift) == """
        CREATE TYPE "status" AS ENUM ('active', 'banned');
        ALTER TYPE "plan" ADD VALUE 'pro';
        ALTER TABLE "accounts"
        ADD "status" "status" NOT NULL;
        DROP TABLE "old";
        DROP TYPE "legacy" RESTRICT;

        """)
    }

    @Test func namesSetInAnotherFileAreNotInvented() {
        // `User.schema` is a static property of a model in another file.
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema(User.schema).field("email", .string, .required).unique(on: "email").create()
            }
        }
        """
        #expect(sql(swift) == """
        CREATE TABLE "User.schema" (
        "email" TEXT NOT NULL,
        CONSTRAINT "uq:(name made at run time)" UNIQUE ("email")
        );

        """)
    }

    @Test func everyDataType() {
        let types: [(String, String)] = [
            (".string", "TEXT"), (".int", "BIGINT"), (".int64", "BIGINT"), (".int32", "INT"), (".int16", "SMALLINT"),
            (".int8", "\"char\""), (".uint", "BIGINT"), (".uint8", "\"char\""), (".uint16", "SMALLINT"), (".uint32", "INT"),
            (".uint64", "BIGINT"), (".bool", "BOOL"), (".uuid", "UUID"), (".date", "DATE"), (".datetime", "TIMESTAMPTZ"),
            (".time", "TIME"), (".float", "FLOAT"), (".double", "DOUBLE PRECISION"), (".data", "BYTEA"), (".json", "JSONB"),
            (".dictionary", "JSONB"), (".dictionary(of: .string)", "JSONB"), (".array", "JSONB"), (".array(of: .string)", "TEXT[]"),
            (".array(of: .uuid)", "UUID[]"), (".array(of: .json)", "JSONB[]"), (".array(of: .custom(\"CITEXT\"))", "JSONB"),
            (".enum(.init(name: \"mood\", cases: [\"happy\"]))", "\"mood\""), (".custom(\"CITEXT\")", "CITEXT"),
            (".sql(.int)", "INTEGER"), (".sql(.text)", "TEXT"), (".sql(unsafeRaw: \"NUMERIC(10, 2)\")", "NUMERIC(10, 2)"),
        ]
        for (swiftType, sqlType) in types {
            let swift = "struct M: AsyncMigration { func prepare(on database: any Database) async throws { try await database.schema(\"t\").field(\"c\", \(swiftType)).update() } }"
            #expect(sql(swift) == "ALTER TABLE \"t\"\nADD \"c\" \(sqlType);\n", "\(swiftType)")
        }
    }

    @Test func compositeIdentifierAndConstraints() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("memberships", space: "app")
                    .field("user_id", .uuid, .required, .references("users", .id))
                    .field("n", .int, .identifier(auto: true))
                    .compositeIdentifier(over: "user_id", "team_id")
                    .constraint(.sql(unsafeRaw: "CHECK (n > 0)"))
                    .create()
                try await database.schema("memberships").deleteConstraint(name: "old_check").deleteForeignKey(name: "fk_x").update()
            }
        }
        """
        #expect(sql(swift) == """
        CREATE TABLE "app"."memberships" (
        "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
        "n" BIGINT PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
        PRIMARY KEY ("user_id", "team_id"),
        CHECK (n > 0)
        );
        ALTER TABLE "memberships"
        DROP CONSTRAINT "old_check",
        DROP CONSTRAINT "fk_x";

        """)
    }
}

@Suite struct SQLKitTranslationTests {
    @Test func builders() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                let sql = database as! any SQLDatabase
                try await sql.create(index: "statuses_user_idx").on("statuses").column("userId").run()
                try await sql.create(index: "uq_email").unique().on("users").column("email").column("tenant").run()
                try await sql.drop(index: "old_idx").ifExists().run()
                try await sql.drop(table: "legacy").ifExists().cascade().run()
                try await sql.alter(table: "users").column("age", type: .int, .notNull).dropColumn("x").run()
                try await sql.create(table: "kv").ifNotExists().column("k", type: .text, .primaryKey(autoIncrement: false)).run()
            }
        }
        """
        #expect(sql(swift) == """
        CREATE INDEX "statuses_user_idx" ON "statuses" ("userId");
        CREATE UNIQUE INDEX "uq_email" ON "users" ("email", "tenant");
        DROP INDEX IF EXISTS "old_idx";
        DROP TABLE IF EXISTS "legacy" CASCADE;
        ALTER TABLE "users"
        ADD "age" INTEGER NOT NULL,
        DROP "x";
        CREATE TABLE IF NOT EXISTS "kv" (
        "k" TEXT PRIMARY KEY
        );

        """)
        #expect(positions(lintSwift(swift), "create-index-concurrently") == [[4, 23], [5, 23]], "at `create(index:` of each builder")
    }

    @Test func updateAndDeleteAsSQLKitSerializesThem() {
        // The same calls as Oracle/FluentOracle's F35SQLKitUpdate and F36SQLKitDelete, which the
        // oracle checks against what SQLKit sent to PostgreSQL.
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.update("prices").set("note", to: "pending").where("note", .is, SQLLiteral.null).run()
                try await sql.update("prices")
                    .set("note", to: SQLRaw("upper(note)"))
                    .set("n", to: 1)
                    .where("code", .in, ["a", "b"])
                    .orWhere("code", .equal, column: "note")
                    .run()
                try await sql.update("prices").set(SQLColumn("n"), to: SQLLiteral.default).where(SQLRaw("length(code) > 3")).where(SQLIdentifier("n"), .greaterThanOrEqual, -2).run()
                try await sql.delete(from: "prices").where("n", .lessThan, 0).where("note", .notEqual, "keep").run()
                try await sql.delete(from: "prices").`where`("note", .like, "tmp-%").orWhere("note", .isNot, SQLLiteral.null).run()
                try await sql.delete(from: "prices").run()
            }
        }
        """
        #expect(sql(swift) == """
        UPDATE "prices" SET "note" = $1 WHERE "note" IS NULL;
        UPDATE "prices" SET "note" = upper(note), "n" = $1 WHERE "code" IN ($2, $3) OR "code" = "note";
        UPDATE "prices" SET "n" = DEFAULT WHERE length(code) > 3 AND "n" >= $1;
        DELETE FROM "prices" WHERE "n" < $1 AND "note" <> $2;
        DELETE FROM "prices" WHERE "note" LIKE $1 OR "note" IS NOT NULL;
        DELETE FROM "prices";

        """)
        let report = lintSwift(swift)
        #expect(positions(report, "backfill-in-migration") == [[13, 23]], "only the DELETE without `.where`, at `delete(from:`")
        #expect(report?.coverage.unanalyzed.isEmpty == true, "every call translated")
    }

    @Test func anUpdateWithoutWhereIsABackfillAtItsBuilderCall() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users").field("active", .bool).update()
                try await (database as! any SQLDatabase)
                    .update("users")
                    .set("active", to: true)
                    .run()
            }
        }
        """
        #expect(positions(lintSwift(swift), "backfill-in-migration") == [[5, 14]])
    }

    @Test func aValueWhoseSwiftTypeDecidesTheSQLIsNotGuessed() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.update("users").set("plan", to: defaultPlan).run()
                try await sql.delete(from: "users").where(predicate).run()
                try await sql.delete(from: "users").returning("id").run()
            }
        }
        """
        let report = lintSwift(swift)
        #expect(notAnalyzedPositions(report) == [[3, 38], [4, 44], [5, 44]], "at `.set(...)`, `.where(...)` and `.returning(...)`")
        #expect(report.map { report in report.coverage.unanalyzed.map { report.source.text($0.range) } }
                == [".set(\"plan\", to: defaultPlan)", ".where(predicate)", ".returning(\"id\")"])
        #expect(report?.coverage.unanalyzed.map(\.reason) == Array(repeating: "builder call not translated", count: 3))
        #expect(sql(swift) == "", "nothing is guessed")
    }

    @Test func aPartialIndexNeedsRawSQLInSQLKit336() {
        // SQLKit 3.36's SQLCreateIndexBuilder has no `.where`: such a chain does not compile, and
        // is listed rather than translated without its predicate.
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.create(index: "active_idx").on("users").column("email").where("active", .equal, true).run()
            }
        }
        """
        let report = lintSwift(swift)
        #expect(notAnalyzedPositions(report) == [[3, 78]], "at `.where(...)`")
        #expect(positions(report, "create-index-concurrently").isEmpty)
    }
}

@Suite struct SwiftCommentTests {
    @Test func suppressionOnTheLineAbove() {
        let swift = """
        struct AddIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                // migration-lint-ignore create-index-concurrently: the table holds 40 rows
                try await sql.raw("CREATE INDEX ix ON flags (name)").run()
                // migration-lint-ignore drop-column: nothing here drops a column
                try await sql.raw("CREATE INDEX CONCURRENTLY iy ON flags (name)").run()
            }
        }
        """
        let report = lintSwift(swift)
        #expect(positions(report, "create-index-concurrently").isEmpty)
        #expect(positions(report, "unused-ignore") == [[5, 9]], "the unused suppression is reported at its Swift comment")
    }

    @Test func nullableReasonOnTheFieldLine() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users")
                    .field("nickname", .string) // nullable: users may not choose one
                    // nullable: set when the user verifies
                    .field("verified_at", .datetime)
                    .field("bio", .string)
                    .update()
            }
        }
        """
        #expect(positions(lintSwift(swift), "unjustified-nullable-column") == [[7, 13]])
    }
}

@Suite struct UpDownAndTransactionTests {
    @Test func revertIsSkippedUnlessIncludeDown() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users").field("bio", .string, .sql(.default(""))).update()
            }
            func revert(on database: any Database) async throws {
                try await database.schema("users").deleteField("legacy").update()
            }
        }
        """
        #expect(positions(lintSwift(swift), "drop-column").isEmpty)
        #expect(positions(lintSwift(swift) { $0.includeDown = true }, "drop-column") == [[6, 43]], "at `.deleteField(\"legacy\")`")
    }

    @Test func eachMigrationTypeIsAMigrationOfItsOwn() {
        // V1 creates the table; V2 runs later, on a table that has rows by then.
        let swift = """
        struct CreateUser: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users").id().create()
            }
        }
        struct AddPlan: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users").field("plan", .string, .required).update()
            }
        }
        """
        #expect(positions(lintSwift(swift), "add-column-not-null-without-default") == [[8, 43]])
    }

    @Test func aTransactionClosureWrapsItsStatements() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.transaction { tx in
                    try await (tx as! any SQLDatabase).raw("CREATE INDEX CONCURRENTLY ix ON t (a)").run()
                }
            }
        }
        """
        #expect(sql(swift) == "BEGIN;\nCREATE INDEX CONCURRENTLY ix ON t (a);\nCOMMIT;\n")
        #expect(positions(lintSwift(swift), "concurrently-in-transaction").count == 1)
    }

    @Test func onlyThePostgreSQLPathOfABranchOnTheDatabase() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                if database is SQLiteDatabase {
                    try await sql.raw("CREATE INDEX a ON t (a)").run()
                } else {
                    try await sql.raw("CREATE INDEX b ON t (b)").run()
                }
                if let sql = database as? any SQLDatabase {
                    try await sql.raw("CREATE INDEX c ON t (c)").run()
                } else {
                    try await database.schema("t").field("x", .string).update()
                }
            }
        }
        """
        #expect(sql(swift) == "CREATE INDEX b ON t (b);\nCREATE INDEX c ON t (c);\n")
    }
}

@Suite struct BadSwiftInputTests {
    @Test func aFileTheSwiftParserRejectsGivesOneFindingAtItsPosition() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw("CREATE INDEX ix ON t (a)").run(
            }
        }
        """
        let report = lintSwift(swift)
        let errors = report?.diagnostics.filter { $0.ruleID == "syntax-error" } ?? []
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("Swift parser") == true)
        // Where the missing `)` belongs: after `run(`, at the end of line 3.
        #expect(positions(report, "syntax-error") == [[3, 59]])
    }

    @Test func runTimeSQLAndUnknownCallsAreListedNotGuessed() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw(SQLQueryString(makeSQL())).run()
                try await database.schema("t").field("a", .string).customThing().update()
            }
        }
        """
        let report = lintSwift(swift)
        // Not findings (nothing is wrong with the code): places in the coverage report.
        let entries = report?.coverage.unanalyzed ?? []
        let places = entries.compactMap { entry in report.map { $0.source.position(of: entry.range.lowerBound) } }
        #expect(places.map { [$0.line, $0.column] } == [[3, 27], [4, 59]], "at the argument, and at `.customThing()`")
        #expect(entries.map(\.reason) == ["SQL built at run time", "builder call not translated"])
        #expect(entries.first?.detail == "SQL built at run time (`SQLQueryString(makeSQL())`) is not analyzed")
        #expect(report?.diagnostics.isEmpty == true)
        #expect(sql(swift) == "", "nothing is guessed")
    }

    @Test func aSwiftFileWithoutAMigrationIsSkipped() {
        let runner = LintRunner(engine: LintEngine(rules: allRules), threadCount: 1)
        guard case .skipped(_, let reason) = runner.lint(path: "Sources/App/Models/User.swift", source: SourceText("struct User { let id: UUID }\n")) else {
            Issue.record("a model is not a migration")
            return
        }
        #expect(reason == "no migration type in this Swift file")
        #expect(!SwiftMigrationReader.holdsMigration(SourceText("struct User { let id: UUID }\n")))
        #expect(SwiftMigrationReader.holdsMigration(SourceText("struct CreateUser: AsyncMigration {}\n")))
    }
}

@Suite struct SwiftCoverageTests {
    /// Each coverage entry as line, column and reason.
    func entries(_ report: FileReport?) -> [String] {
        guard let report else { return [] }
        return report.coverage.unanalyzed.map {
            let position = report.source.position(of: $0.range.lowerBound)
            return "\(position.line):\(position.column) \($0.reason)"
        }
    }

    @Test func everyStatementAndEveryCallNotReadIsCounted() {
        let swift = """
        struct A: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw("CREATE INDEX CONCURRENTLY a ON t (a)").run()
                try await sql.raw(SQLQueryString(makeSQL())).run()
                try await database.schema("t").field("a", .string).customThing().update()
                try await database.schema("t").field("b", .int, .required, .sql(.default(0))).update()
                try await sql.raw("CREATE INDEXX CONCURRENTLY b ON t (b)").run()
                try await database.schema("t").field("c", .varchar(20)).update()
            }
        }
        struct B: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw(query).run()
            }
        }
        """
        let report = lintSwift(swift)
        // Read: the two raw strings and the two translated builders (the `.varchar` of another
        // file is checked as a type named after it); not read: the run-time SQL of A and B, the
        // chain with `.customThing()`, and the statement the SQL grammar rejects.
        #expect(report?.coverage.statements == 7)
        #expect(report?.coverage.analyzed == 3)
        #expect(entries(report) == [
            "4:27 SQL built at run time",
            "5:59 builder call not translated",
            "7:28 syntax error",
            "13:27 SQL built at run time",
        ])
    }

    @Test func aFileTheSwiftParserRejectsIsACoverageEntryAtItsPosition() {
        let swift = """
        struct M: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw(makeSQL()).run(
            }
        }
        """
        let report = lintSwift(swift)
        #expect(entries(report) == ["3:27 SQL built at run time", "3:42 Swift syntax error"])
        #expect(report?.coverage.analyzed == 0)
    }
}
