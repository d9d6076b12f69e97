import ArgumentParser

// The options of `migration-lint lint` (Sources/MigrationLintCLI/LintCommand.swift and
// InputOptions.swift), for the programs of this package to parse with ArgumentParser as
// migration-lint does.
public protocol ArgumentChoice: CaseIterable, ExpressibleByArgument, RawRepresentable where RawValue == String {}
public enum ColorChoice: String, ArgumentChoice { case auto, always, never }
public enum OutputFormat: String, ArgumentChoice { case text, json, sarif, github, gitlab, junit, checkstyle }
public enum FailOn: String, ArgumentChoice { case info, warning, error, never }

public struct InputOptions: ParsableArguments {
    public init() {}
    @Argument(help: "Files") public var paths: [String] = []
    @Option(help: "Configuration file") public var config: String?
    @Option(help: "Target PostgreSQL major version (default 15).") public var postgresVersion: Int?
    @Option(help: "Glob of files not to lint") public var exclude: [String] = []
    @Flag(help: "Lint down migrations too.") public var includeDown = false
    @Option(help: "The path to report for standard input") public var stdinFilename: String?
    @Flag(help: "Do not replay") public var noHistory = false
    @Option(help: "A pg_dump file") public var schema: String?
    @Option(name: .customLong("rule"), help: "Set a rule's severity") public var ruleOverrides: [String] = []
    @Option(help: "A catalog snapshot") public var snapshot: String?
}

/// `lint`'s options (help texts shortened): the same property-wrapper and value types.
public struct Lint: ParsableCommand {
    public init() {}
    @OptionGroup public var input: InputOptions
    @Option(help: "Output format") public var format: OutputFormat?
    @Option(help: "Exit 1 when") public var failOn: FailOn?
    @Flag(help: "Exit 1 when a statement could not be checked") public var failOnUnanalyzed = false
    @Flag(help: "Apply fixes") public var fix = false
    @Flag(help: "Show the fixes as a diff") public var diff = false
    @Option(help: "Lint only changed") public var changedSince: String?
    @Option(help: "Colour") public var color: ColorChoice?
    @Option(help: "Database") public var databaseUrl: String?
}
