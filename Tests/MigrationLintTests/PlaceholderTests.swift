import Testing
import MigrationLint
import MigrationLintRules
import PostgresSyntax

/// Placeholders of migration tools are read as stand-ins of the same length: findings keep the
/// file's lines and columns and name the placeholder as written (or by its configured value);
/// what cannot be stood in for is coverage, not a syntax error. The SQL of each case, with the
/// placeholders filled in, was run on PostgreSQL 15 (psql -v for the psql variables).
@Suite struct PlaceholderTests {
    func lint(_ sql: String, _ configure: (inout Configuration) -> Void = { _ in }) -> FileReport {
        var configuration = Configuration()
        configure(&configuration)
        return LintEngine(rules: allRules, configuration: configuration).lint(text: sql, path: "V1__m.sql")
    }

    func summary(_ report: FileReport) -> [String] {
        report.diagnostics.map { diagnostic in
            let position = report.source.position(of: diagnostic.range.lowerBound)
            return "\(position.line):\(position.column) \(diagnostic.ruleID): \(diagnostic.message)"
        }
    }

    @Test func flywayPlaceholdersAreNamedInTheMessageAndKeepTheColumns() throws {
        let report = lint("CREATE INDEX users_email_idx ON ${schema}.users (email);\n")
        #expect(summary(report) == [
            "1:8 create-index-concurrently: CREATE INDEX on ${schema}.users without CONCURRENTLY blocks writes while the index builds",
        ])
        #expect(report.diagnostics.first?.notes.last == "`${schema}`: a placeholder the migration tool fills in before PostgreSQL reads the file")
        #expect(report.coverage == Coverage(statements: 1, analyzed: 1))
    }

    @Test func aConfiguredValueIsShownInsteadOfThePlaceholder() {
        let report = lint("ALTER TABLE ${schema}.users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n") {
            $0.placeholderValues = ["schema": "app"]
        }
        #expect(summary(report).contains("1:59 add-column-volatile-default: ADD COLUMN token rewrites app.users: the default gen_random_uuid() is volatile"))
    }

    @Test func goTemplateValuesStandInAndActionsAreCoverage() {
        let sql = """
            ALTER TABLE {{ index .Options "Namespace" }}.users ADD COLUMN token uuid DEFAULT gen_random_uuid();
            {{ if .Enabled }}
            DROP TABLE old;
            {{ end }}

            """
        let report = lint(sql)
        #expect(summary(report).contains("2:82 add-column-volatile-default: ADD COLUMN token rewrites {{ index .Options \"Namespace\" }}.users: the default gen_random_uuid() is volatile".replacingEvery("2:82", with: "1:82")))
        #expect(summary(report).contains { $0.hasPrefix("3:12 drop-table:") })
        #expect(!report.diagnostics.contains { $0.ruleID == "syntax-error" })
        #expect(report.coverage.unanalyzed.map(\.reason) == ["Go template action", "Go template action"])
    }

    @Test func psqlVariablesStandInAsLiteralsAndNamesAndTheUnclassifiableAreCoverage() {
        let sql = "INSERT INTO settings (key, value) VALUES ('mode', :'mode');\nALTER TABLE :\"schema\".users DROP COLUMN legacy;\nALTER TABLE users ALTER COLUMN name TYPE varchar(:len);\n"
        let report = lint(sql)
        #expect(summary(report).contains { $0.hasPrefix("2:29 drop-column: dropping column :\"schema\".users.legacy") })
        #expect(!report.diagnostics.contains { $0.ruleID == "syntax-error" || $0.ruleID == "psql-meta-command" })
        #expect(report.coverage.unanalyzed.map(\.reason) == ["placeholder not understood"])
        #expect(report.coverage.analyzed == 2)
    }

    /// `$${}$$` is an empty JSON object in a dollar quote, not a placeholder: standing in for `${}`
    /// broke the quote, and the rest of the file was read as one string, its findings lost.
    @Test func aPlaceholderNeverTakesInTheQuoteAroundIt() {
        let report = lint("ALTER TABLE users ADD COLUMN settings jsonb NOT NULL DEFAULT $${}$$;\nCREATE INDEX users_email_idx ON users (email);\n")
        #expect(report.coverage == Coverage(statements: 2, analyzed: 2))
        #expect(summary(report) == [
            "2:8 create-index-concurrently: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds",
        ])
        // Inside the quote's body a placeholder still counts, as the tools replace it there too.
        let inside = lint("ALTER TABLE users ADD COLUMN note text NOT NULL DEFAULT $$${greeting}$$;\nCREATE INDEX users_email_idx ON users (email);\n")
        #expect(inside.coverage == Coverage(statements: 2, analyzed: 2))
        #expect(inside.diagnostics.map(\.ruleID) == ["create-index-concurrently"])
    }

    @Test func recognitionCanBeTurnedOff() {
        let report = lint("CREATE INDEX users_email_idx ON ${schema}.users (email);\n") { $0.recognizePlaceholders = false }
        #expect(report.diagnostics.map(\.ruleID) == ["syntax-error"])
    }

    @Test func placeholdersInsideADoBodyStandInToo() {
        let report = lint("DO $$ BEGIN ALTER TABLE ${schema}.users ADD COLUMN a uuid DEFAULT gen_random_uuid(); END $$;\n")
        #expect(summary(report).contains("1:67 add-column-volatile-default: ADD COLUMN a rewrites ${schema}.users: the default gen_random_uuid() is volatile"))
    }
}

extension String {
    func replacingEvery(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
