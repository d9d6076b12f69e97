import Testing
import MigrationLint
import MigrationLintRules

/// What alter-column-type tells the user about USING and about the column's indexes.
@Suite struct AlterColumnTypeMessageTests {
    func findings(_ sql: String) -> [Diagnostic] {
        LintEngine(rules: allRules.filter { $0.id == "alter-column-type" })
            .lint(text: sql, path: "m.sql", transactionPolicy: .none).diagnostics
    }

    @Test func aRewriteNamesTheIndexesOnTheColumnThatTheFileShows() throws {
        let sql = """
            ALTER TABLE users ADD COLUMN code varchar(20);
            CREATE INDEX CONCURRENTLY users_code_idx ON users (code);
            CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
            ALTER TABLE users ALTER COLUMN code TYPE varchar(10) USING code;
            """
        let finding = try #require(findings(sql).first)
        #expect(finding.message == "changing code to varchar(10) rewrites public.users: varchar(20) to varchar(10) is not binary-coercible")
        #expect(finding.notes.last == "index users_code_idx on code is rebuilt from scratch under the same lock")
    }

    @Test func usingTheColumnItselfOnAFreeChangeIsQuiet() {
        #expect(findings("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE text USING code;").isEmpty)
        #expect(findings("ALTER TABLE users ADD COLUMN code varchar(20);\nALTER TABLE users ALTER COLUMN code TYPE text USING upper(code);").count == 1)
    }
}
