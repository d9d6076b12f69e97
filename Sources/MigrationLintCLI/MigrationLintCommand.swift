import ArgumentParser
import Foundation
import MigrationLint
import MigrationLintRules

struct MigrationLintCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "migration-lint",
        abstract: "Finds dangerous PostgreSQL migrations before they run: locks, rewrites, breaking changes.",
        discussion: """
            Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, configuration or I/O error.
            Docs for a rule: migration-lint rules RULE-ID.
            """,
        version: "migration-lint \(version) (PostgreSQL 15 grammar, libpg_query)",
        subcommands: [LintCommand.self, ExplainCommand.self, RulesCommand.self, InitCommand.self],
        defaultSubcommand: LintCommand.self)
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes to standard output without the per-line cost of `print` on large outputs.
func writeOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

func writeOutput(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
}

/// A configuration error or bad flag: message already formatted, exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}
