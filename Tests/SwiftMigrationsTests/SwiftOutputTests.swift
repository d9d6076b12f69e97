import Foundation
import Testing
import MigrationInput
import MigrationLint
import MigrationLintRules
import PostgresSyntax
import Reporters
import TestSupport

/// Every output format places a Swift migration's finding in the Swift file: the path, line and
/// column of `INDEX` inside the literal, and the Swift line under the carets.
@Suite struct SwiftOutputTests {
    static let path = "Sources/App/Migrations/AddIndex.swift"
    // A multi-byte character before the finding on its line: columns count characters.
    static let swift = """
    struct AddIndex: AsyncMigration {
        func prepare(on database: any Database) async throws {
            /* ü */ try await sql.raw("CREATE INDEX users_email_idx ON users (email)").run()
        }
    }

    """

    static func result() throws -> LintResult {
        var configuration = Configuration()
        configuration.ruleSettings = ["unjustified-nullable-column": .off]
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration), threadCount: 1)
        let outcome = runner.lint(path: path, source: SourceText(swift))
        guard case .linted(let report) = outcome else { throw CancellationError() }
        #expect(report.diagnostics.map(\.ruleID) == ["create-index-concurrently"])
        return LintResult(outcomes: [outcome], rules: allRules.map(\.description))
    }

    static func render(_ format: OutputFormat) throws -> String {
        format.reporter(color: false).render(try result())
    }

    @Test func text() throws {
        #expect(try Self.render(.text) == """
        warning[create-index-concurrently]: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds
         --> Sources/App/Migrations/AddIndex.swift:3:43
          |
        3 |         /* ü */ try await sql.raw("CREATE INDEX users_email_idx ON users (email)").run()
          |                                           ^^^^^
          = note: takes SHARE on public.users: blocks writes while the index builds
          = help: add CONCURRENTLY; it cannot run inside a transaction block
          = fix: add CONCURRENTLY (apply with --fix)
          = suggested rewrite:
              -- in a migration without a transaction; if it fails, DROP INDEX CONCURRENTLY the invalid index and retry
              CREATE INDEX CONCURRENTLY users_email_idx ON users (email);

        1 finding (1 warning) in 1 file; 1 file checked
        1 statement, 1 analyzed

        """)
    }

    @Test func gcc() throws {
        #expect(try Self.render(.gcc).contains("\(Self.path):3:43: warning: CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds [create-index-concurrently]"))
    }

    @Test func json() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try Self.render(.json).utf8)) as? [String: Any]
        let file = (object?["files"] as? [[String: Any]])?.first
        #expect(file?["path"] as? String == Self.path)
        let diagnostic = (file?["diagnostics"] as? [[String: Any]])?.first
        let start = diagnostic?["start"] as? [String: Int]
        #expect(start?["line"] == 3 && start?["column"] == 43)
        // The fix edits the Swift literal: CONCURRENTLY goes inside the string.
        let fix = diagnostic?["fix"] as? [String: Any]
        let edit = (fix?["edits"] as? [[String: Any]])?.first
        #expect(edit?["replacement"] as? String == " CONCURRENTLY")
        #expect((edit?["start"] as? [String: Int])?["column"] == 48)
    }

    @Test func github() throws {
        #expect(try Self.render(.github).contains("::warning file=\(Self.path),line=3,col=43,endLine=3,endColumn=48,title=create-index-concurrently::"))
    }

    @Test func sarif() throws {
        let out = try Self.render(.sarif)
        #expect(out.contains("\"uri\" : \"\(Self.path)\""), "\(out)")
        #expect(out.contains("\"startLine\" : 3") && out.contains("\"startColumn\" : 43"), "\(out)")
    }

    @Test func markdown() throws {
        let out = try Self.render(.markdown)
        #expect(out.contains("#### `\(Self.path)`"), "\(out)")
        #expect(out.contains("| 3 | warning | `create-index-concurrently` | CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds |"), "\(out)")
    }

    @Test func gitlab() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try Self.render(.gitlab).utf8)) as? [[String: Any]]
        let location = object?.first?["location"] as? [String: Any]
        #expect(location?["path"] as? String == Self.path)
        #expect((location?["lines"] as? [String: Int])?["begin"] == 3)
    }

    @Test func explainShowsTheSQLReconstructedFromTheCall() throws {
        let runner = LintRunner(engine: LintEngine(rules: allRules), threadCount: 1)
        let fluent = """
        struct CreateUser: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users").id().field("email", .string, .required).create()
            }
        }
        """
        let file = try #require(runner.migrationFile(path: Self.path, source: SourceText(fluent)))
        let out = renderExplain([ExplainedFile(file, analysis: runner.engine.analyze(file))], format: .text)
        #expect(out == "\(Self.path)\n  line 3  CREATE TABLE \"users\" ( \"id\" UUID PRIMARY KEY, \"email\" TEXT NOT NULL )\n          no table locks\n", "\(out)")
    }
}

/// Where findings land in Swift files whose SQL is not at the start of a plain line, shown as the
/// user sees them (the Swift line and the carets) in `Fixtures/golden/swift/positions.txt`.
@Suite struct SwiftPositionGoldenTests {
    static let files: [(path: String, swift: String)] = [
        // A multi-line literal: the literal's indentation is stripped from the SQL, not from the file.
        ("Migrations/MultiLine.swift", """
        struct AddIndexes: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await sql.raw(\"\"\"
                    SET lock_timeout = '2s';
                    CREATE INDEX users_email_idx
                        ON users (email);
                    \"\"\").run()
            }
        }

        """),
        // A raw string after multi-byte characters on the same line.
        ("Migrations/RawString.swift", #"""
        struct AddIndex: AsyncMigration {
            func prepare(on database: any Database) async throws {
                /* “größe” → é */ try await sql.raw(#"UPDATE t SET note = 'a\b' WHERE id = 1; CREATE INDEX ix ON t (a)"#).run()
            }
        }

        """#),
        // CRLF line ends and tab indentation.
        ("Migrations/CRLFTabs.swift",
         "struct AddIndex: AsyncMigration {\r\n\tfunc prepare(on database: any Database) async throws {\r\n\t\ttry await sql.raw(\"\"\"\r\n\t\t\tSELECT 1;\r\n\t\t\tCREATE INDEX ix ON t (a)\r\n\t\t\t\"\"\").run()\r\n\t}\r\n}\r\n"),
        // A builder call after a line of multi-byte text: the finding points at the call.
        ("Migrations/Builder.swift", """
        // Ajoute l'unicité — «email» 📧
        struct AddUnique: AsyncMigration {
            func prepare(on database: any Database) async throws {
                try await database.schema("users")
                    .unique(on: "email")
                    .update()
            }
        }

        """),
    ]

    @Test func positionsInSwiftFiles() throws {
        var configuration = Configuration()
        configuration.ruleSettings = ["unjustified-nullable-column": .off, "require-lock-timeout": .off]
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration), threadCount: 1)
        let outcomes = Self.files.map { runner.lint(path: $0.path, source: SourceText($0.swift)) }
        let out = OutputFormat.text.reporter(color: false).render(LintResult(outcomes: outcomes, rules: allRules.map(\.description)))
        if let mismatch = Golden.check(out, against: "swift/positions.txt") { Issue.record(Comment(rawValue: mismatch)) }
    }
}
