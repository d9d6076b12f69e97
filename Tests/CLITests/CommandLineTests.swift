import Foundation
import Testing
import TestSupport

/// The command line as a user types it: commands, options in both forms, help, and the errors.
@Suite struct CommandLineTests {
    static let lintUsage = "Usage: migration-lint lint [<options>] [<paths> ...]\n  See 'migration-lint lint --help' for more information.\n"

    /// A usage error: the message and the usage line on stderr, nothing on stdout, exit 2.
    func expectUsageError(_ arguments: [String], _ message: String, usage: String = lintUsage) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stdout == "", "\(arguments)")
        #expect(result.stderr == message + "\n" + usage, "\(arguments)")
    }

    @Test func unknownOptionSuggestsTheClosestOne() throws {
        try expectUsageError(["lint", "--fromat", "json", "x.sql"], "Error: Unknown option '--fromat'. Did you mean '--format'?")
        try expectUsageError(["--fromat", "json", "x.sql"], "Error: Unknown option '--fromat'. Did you mean '--format'?")
        try expectUsageError(["lint", "-x"], "Error: Unknown option '-x'")
        try expectUsageError(["init", "--forc"], "Error: Unknown option '--forc'. Did you mean '--force'?",
                             usage: "Usage: migration-lint init [--force] [--from-squawk] [<squawk-configuration>]\n  See 'migration-lint init --help' for more information.\n")
    }

    @Test func missingValue() throws {
        let config = "Error: Missing value for '--config <config>'\nHelp:  --config <config>  Configuration file (default: the nearest .migration-lint.yml from the working directory up)."
        try expectUsageError(["lint", "--config"], config)
        // A forgotten value is not taken from the next option.
        try expectUsageError(["lint", "--config", "--format", "json"], config)
        try expectUsageError(["lint", "--fail-on="], "Error: Missing value for '--fail-on <fail-on>'\nHelp:  --fail-on <fail-on>  "
                             + "Exit 1 when a finding is at or above this severity; default: the configuration's `fail-on`, else warning")
    }

    @Test func badValueListsTheAllowedOnes() throws {
        try expectUsageError(["lint", "--format", "yaml", "x.sql"], """
            Error: The value 'yaml' is invalid for '--format <format>'. Please provide one of the following:
              - text
              - gcc
              - json
              - github
              - sarif
              - markdown
              - gitlab
            Help:  --format <format>  Output format; text unless given
            """)
        try expectUsageError(["lint", "--color=sometimes"], "Error: The value 'sometimes' is invalid for '--color <color>'. "
                             + "Please provide one of 'auto', 'always' or 'never'.\nHelp:  --color <color>  Colour in text output; "
                             + "auto (unless given): on a terminal, unless NO_COLOR is set")
        try expectUsageError(["lint", "--postgres-version", "fifteen"], "Error: The value 'fifteen' is invalid for "
                             + "'--postgres-version <postgres-version>'\nHelp:  --postgres-version <postgres-version>  Target PostgreSQL major version (default 15).")
        let explain = try CLI.run(["explain", "--format", "gcc"])
        #expect(explain.status == 2)
        #expect(explain.stderr.hasPrefix("Error: The value 'gcc' is invalid for '--format <format>'. Please provide one of 'text', 'markdown' or 'json'.\n"))
    }

    @Test func flagGivenAValue() throws {
        try expectUsageError(["lint", "--fix=yes"], "Error: The option '--fix' does not take any value, but 'yes' was specified.")
    }

    @Test func unexpectedArgument() throws {
        try expectUsageError(["init", "extra"], "Error: a configuration file is read only with --from-squawk",
                             usage: "Usage: migration-lint init [--force] [--from-squawk] [<squawk-configuration>]\n  See 'migration-lint init --help' for more information.\n")
        try expectUsageError(["rules", "create-index-concurrently", "add-column-generated"], "Error: Unexpected argument 'add-column-generated'",
                             usage: "Usage: migration-lint rules [<rule-id>] [--markdown] [--squawk]\n  See 'migration-lint rules --help' for more information.\n")
        try expectUsageError(["help", "lnt"], "Error: Unknown subcommand 'lnt'. Did you mean 'lint'?",
                             usage: "Usage: migration-lint <subcommand>\n  See 'migration-lint --help' for more information.\n")
    }

    @Test func equalsAndSpaceFormsAreTheSame() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        let spaced = try CLI.run(["lint", "--format", "gcc", "--fail-on", "never", "m.sql"], in: sandbox.path)
        let joined = try CLI.run(["lint", "--format=gcc", "m.sql", "--fail-on=never"], in: sandbox.path)
        #expect(spaced.status == 0)
        #expect(spaced.stdout.hasPrefix("m.sql:1:8: warning: CREATE INDEX"))
        #expect(joined.stdout == spaced.stdout)
        #expect(joined.status == spaced.status)
    }

    @Test func repeatableOptionsAddUpAndOthersKeepTheLastValue() throws {
        let sandbox = try Sandbox()
        try sandbox.write("a/1.sql", "CREATE INDEX i ON t (a);\n")
        try sandbox.write("b/2.sql", "CREATE INDEX j ON t (a);\n")
        try sandbox.write("c/3.sql", "ALTER TABLE t ADD COLUMN c uuid NOT NULL DEFAULT gen_random_uuid();\nCREATE INDEX k ON t (a);\n")
        let result = try CLI.run(["lint", "--format", "json", "--exclude", "a", "--exclude=b", "--format", "gcc",
                                  "--rule", "create-index-concurrently=off", "--rule=add-column-volatile-default=info", "."], in: sandbox.path)
        #expect(result.stdout == "c/3.sql:1:50: note: ADD COLUMN c rewrites public.t: the default gen_random_uuid() is volatile [add-column-volatile-default]\n")
        #expect(result.status == 0)
    }

    @Test func doubleDashEndsTheOptions() throws {
        let sandbox = try Sandbox()
        try sandbox.write("-x.sql", "CREATE INDEX i ON t (a);\n")
        let result = try CLI.run(["lint", "--format", "gcc", "--", "-x.sql"], in: sandbox.path)
        #expect(result.stdout.hasPrefix("-x.sql:1:8: warning: CREATE INDEX"))
        #expect(result.status == 1)
        let named = try CLI.run(["lint", "--", "--help"], in: sandbox.path)
        #expect(named.stdout.contains("--help: error: no such file or directory"))
        #expect(named.status == 2)
    }

    /// One file is linted on the main thread once `main` raises its stack limit to the workers'
    /// 64 MiB; where the hard limit forbids that (here 8 MiB), it is linted on a worker as before.
    /// Either way a statement nested as deep as the parser allows lints the same.
    @Test func aLowHardStackLimitLintsTheSame() throws {
        let sandbox = try Sandbox()
        let deep = String(repeating: "abs(", count: 999) + "1" + String(repeating: ")", count: 999)
        try sandbox.write("m.sql", "ALTER TABLE t ADD COLUMN c int DEFAULT \(deep);\nCREATE INDEX i ON t (c);\n")
        let plain = try CLI.run(["lint", "m.sql"], in: sandbox.path)
        let limited = try ChildProcess.run("/bin/sh", ["-c", "ulimit -Ss 8192 && ulimit -Hs 8192 && exec \"$0\" lint m.sql", CLI.binary],
                                           in: URL(fileURLWithPath: sandbox.path), environment: ["NO_COLOR": "1", "COLUMNS": "80"])
        #expect(plain.status == 1 && limited.status == 1, "\(limited.stderr)")
        #expect(plain.stdout.contains("warning[unjustified-nullable-column]: new column public.t.c may hold NULL"), "\(plain.stdout)")
        #expect(plain.stdout.contains("2 findings (2 warnings) in 1 file; 1 file checked"), "\(plain.stdout)")
        #expect(limited.stdout == plain.stdout)
        #expect(limited.stderr == plain.stderr)
    }

    @Test func lintIsTheDefaultCommand() throws {
        let sandbox = try Sandbox()
        try sandbox.write("m.sql", "CREATE INDEX i ON t (a);\n")
        let implicit = try CLI.run(["--format", "gcc", "m.sql"], in: sandbox.path)
        let explicit = try CLI.run(["lint", "--format", "gcc", "m.sql"], in: sandbox.path)
        #expect(implicit.stdout.hasPrefix("m.sql:1:8: warning: CREATE INDEX"))
        #expect(implicit.stdout == explicit.stdout)
        #expect(implicit.status == 1)
        #expect(try CLI.run(["m.sql"], in: sandbox.path).stdout == CLI.run(["lint", "m.sql"], in: sandbox.path).stdout)
        #expect(try CLI.run([], in: sandbox.path).stdout.hasSuffix("1 finding (1 warning) in 1 file; 1 file checked\n1 statement, 1 analyzed\n"))
    }

    /// Every page is in Fixtures/golden/help; `help X`, `X --help` and `X -h` print the same page.
    @Test(arguments: ["lint", "explain", "rules", "init", "lsp", "snapshot", "verify"])
    func helpOfEachCommand(_ command: String) throws {
        let golden = try String(contentsOfFile: CLI.packageRoot + "/Fixtures/golden/help/\(command).txt", encoding: .utf8)
        for arguments in [["help", command], [command, "--help"], [command, "-h"]] {
            let result = try CLI.run(arguments)
            #expect(result.stdout == golden, "\(arguments)")
            #expect(result.stderr == "")
            #expect(result.status == 0)
        }
        #expect(golden.hasSuffix("\n\n") && !golden.hasSuffix("\n\n\n"))
        let options = ["lint": ["--config <config>", "--postgres-version <postgres-version>", "--exclude <exclude>", "--include-down",
                                "--stdin-filename <stdin-filename>", "--rule <rule>", "--format <format>", "--fail-on <fail-on>", "--fix",
                                "--diff", "--changed-since <REF>", "--color <color>", "--snapshot <FILE>", "--database-url <URL>"],
                       "explain": ["--config <config>", "--postgres-version <postgres-version>", "--exclude <exclude>", "--include-down",
                                   "--stdin-filename <stdin-filename>", "--rule <rule>", "--format <format>", "--snapshot <FILE>"],
                       "snapshot": ["--database-url <URL>", "--output <FILE>"],
                       "rules": ["--markdown"], "init": ["--force"]]
        for option in options[command, default: []] + ["--version", "-h, --help"] {
            // Its description follows on the same line, or on the next one for a long label.
            #expect(golden.contains("\n  \(option) ") || golden.contains("\n  \(option)\n"), "\(command) \(option)")
        }
    }

    @Test func rootHelpListsTheCommands() throws {
        let golden = try String(contentsOfFile: CLI.packageRoot + "/Fixtures/golden/help/migration-lint.txt", encoding: .utf8)
        for arguments in [["--help"], ["-h"], ["help"]] {
            let result = try CLI.run(arguments)
            #expect(result.stdout == golden, "\(arguments)")
            #expect(result.status == 0)
        }
        #expect(golden.contains("  lint (default)          Lint migration files (the default command).\n"))
    }

    /// ArgumentParser writes shell completion scripts from the same declarations.
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScript(_ shell: String) throws {
        let result = try CLI.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        for word in ["lint", "explain", "fail-on", "changed-since", "markdown"] {
            #expect(result.stdout.contains(word), "\(shell): \(word)")
        }
    }

    /// After `lint` (the command parsed on its own first, which names the tool as its
    /// super-command and so leaves completion scripts to the root), the same script as from the root.
    @Test func completionScriptAfterLintIsTheRootOne() throws {
        let root = try CLI.run(["--generate-completion-script", "bash"])
        for arguments in [["lint", "--generate-completion-script", "bash"], ["lint", "--generate-completion-script=bash"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.stderr == "", "\(arguments)")
            #expect(result.stdout == root.stdout, "\(arguments)")
        }
        #expect(root.stdout.contains("fail-on"))
    }

    @Test func versionFromTheRootAndFromACommand() throws {
        for arguments in [["--version"], ["lint", "--version"], ["rules", "--version"]] {
            let result = try CLI.run(arguments)
            #expect(result.stdout == "migration-lint 0.1.0 (PostgreSQL 15.1 grammar, libpg_query)\n", "\(arguments)")
            #expect(result.stderr == "")
            #expect(result.status == 0)
        }
    }

    /// As `git diff --name-only | xargs migration-lint` passes them: every file linted, options
    /// among and after the paths still read.
    @Test func fiveThousandPaths() throws {
        let sandbox = try Sandbox()
        let names = (0..<5_000).map { String(format: "%04d_index.sql", $0) }
        for name in names { try sandbox.write(name, "CREATE INDEX i ON t (a);\n") }
        let arguments = ["lint", "--format", "json"] + names[..<2_500] + ["--fail-on", "never"] + names[2_500...]
        let result = try CLI.run(arguments, in: sandbox.path)
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((object?["summary"] as? [String: Int])?["filesChecked"] == 5_000)
        #expect((object?["summary"] as? [String: Int])?["findings"] == 5_000)
        #expect((object?["files"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == names)
    }
}
