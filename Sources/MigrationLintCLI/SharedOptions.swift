import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules

/// Options shared by `lint` and `explain`: which files, which configuration, which server.
struct InputOptions {
    static let paths = Positional(name: "paths", help: "Files, directories (searched for *.sql) or globs. `-` reads standard input. Default: `paths` from the configuration, else the current directory.", repeating: true)
    static let config = Option.text("--config", help: "Configuration file (default: the nearest .migration-lint.yml from the working directory up).")
    static let postgresVersion = Option.integer("--postgres-version", help: "Target PostgreSQL major version (default 15).")
    static let exclude = Option.text("--exclude", repeatable: true, help: "Glob of files not to lint (repeatable; adds to the configuration's `exclude`).")
    static let includeDown = Option.flag("--include-down", help: "Lint down migrations too.")
    static let stdinFilename = Option.text("--stdin-filename", help: "The path to report for standard input (`-`); also decides its layout.")
    static let rule = Option.text("--rule", repeatable: true, help: "Set a rule's severity: ID=off|info|warning|error (repeatable).")
    static let options = [config, postgresVersion, exclude, includeDown, stdinFilename, rule]

    var paths: [String]
    var config: String?
    var postgresVersion: Int?
    var exclude: [String]
    var includeDown: Bool
    var stdinFilename: String?
    var ruleOverrides: [String]

    init(_ arguments: ParsedArguments) {
        paths = arguments.positionals
        config = arguments.value(Self.config)
        postgresVersion = arguments.integer(Self.postgresVersion)
        exclude = arguments.values(Self.exclude)
        includeDown = arguments.flag(Self.includeDown)
        stdinFilename = arguments.value(Self.stdinFilename)
        ruleOverrides = arguments.values(Self.rule)
    }

    /// Reads the configuration file and applies the flags over it.
    func resolve() throws -> (configuration: Configuration, failOn: Severity??) {
        let known = Set(allRules.map(\.id) + EngineDiagnostics.all.map(\.id))
        var loaded = ConfigurationFile.Loaded(configuration: Configuration(), failOn: nil)
        if let path = config ?? ConfigurationFile.find(from: FileManager.default.currentDirectoryPath) {
            do {
                loaded = try ConfigurationFile.load(path: path, knownRuleIDs: known)
            } catch let error as InputError {
                throw UsageError(description: error.description)
            }
        }
        var configuration = loaded.configuration
        if let postgresVersion {
            guard SupportedVersions.range.contains(postgresVersion) else {
                throw UsageError(description: "error: --postgres-version must be a major version from \(SupportedVersions.range.lowerBound) to \(SupportedVersions.range.upperBound)")
            }
            configuration.postgresVersion = postgresVersion
        }
        configuration.exclude += exclude
        if includeDown { configuration.includeDown = true }
        for override in ruleOverrides {
            let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw UsageError(description: "error: --rule takes ID=SEVERITY, got `\(override)`") }
            guard known.contains(parts[0]) else {
                let hint = closestMatch(to: parts[0], in: known).map { "; did you mean `\($0)`?" } ?? ""
                throw UsageError(description: "error: unknown rule `\(parts[0])`\(hint)")
            }
            guard let severity = ConfigurationFile.parseSeverity(parts[1]) else {
                throw UsageError(description: "error: --rule \(parts[0]): severity must be off, info, warning or error")
            }
            configuration.ruleSeverities[parts[0]] = severity
        }
        return (configuration, loaded.failOn)
    }

    /// The input paths: arguments, else configuration `paths`, else the working directory.
    func inputPaths(_ configuration: Configuration) -> [String] {
        if !paths.isEmpty { return paths }
        if !configuration.paths.isEmpty { return configuration.paths }
        return ["."]
    }
}
