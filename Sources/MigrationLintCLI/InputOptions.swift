import ArgumentParser
import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules

/// Options shared by `lint` and `explain`: which files, which configuration, which server.
struct InputOptions: ParsableArguments {
    @Argument(help: "Files, directories (searched for *.sql) or globs. `-` reads standard input. Default: `paths` from the configuration, else the current directory.")
    var paths: [String] = []

    @Option(help: "Configuration file (default: the nearest .migration-lint.yml from the working directory up).")
    var config: String?

    @Option(help: "Target PostgreSQL major version (default 15).")
    var postgresVersion: Int?

    @Option(help: "Glob of files not to lint (repeatable; adds to the configuration's `exclude`).")
    var exclude: [String] = []

    @Flag(help: "Lint down migrations too.")
    var includeDown = false

    @Option(help: "The path to report for standard input (`-`); also decides its layout.")
    var stdinFilename: String?

    @Flag(help: "Do not replay the migrations that run before each file (its folder; for Swift, its package's registration order): know only the file.")
    var noHistory = false

    @Option(help: ArgumentHelp("A `pg_dump --schema-only` file: the schema before the first migration (overrides `schema:`).", valueName: "FILE"))
    var schema: String?

    @Option(name: .customLong("rule"), help: "Set a rule's severity: ID=off|info|warning|error (repeatable).")
    var ruleOverrides: [String] = []

    @Option(help: ArgumentHelp("A catalog snapshot from `migration-lint snapshot`: the schema before the migrations run, and table sizes in findings (default: the configuration's `snapshot`).", valueName: "FILE"))
    var snapshot: String?

    /// Reads the configuration file and applies the flags over it.
    func resolve() throws -> Configuration {
        let known = Set(allRules.map(\.id) + EngineDiagnostics.all.map(\.id))
        var configuration = try Self.configurationFile(config)
        if let postgresVersion {
            let supported = Configuration.supportedPostgresVersions
            guard supported.contains(postgresVersion) else {
                throw UsageError(description: "error: --postgres-version must be a major version from \(supported.lowerBound) to \(supported.upperBound)")
            }
            configuration.postgresVersion = postgresVersion
            configuration.postgresVersionIsSet = true
        }
        configuration.exclude += exclude
        if noHistory { configuration.history = false }
        if let schema { configuration.schemaFile = schema }
        try Self.checkSchemaFile(of: configuration)
        if includeDown { configuration.includeDown = true }
        for override in ruleOverrides {
            let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw UsageError(description: "error: --rule takes ID=SEVERITY, got `\(override)`") }
            guard known.contains(parts[0]) else {
                let hint = closestMatch(to: parts[0], in: known).map { "; did you mean `\($0)`?" } ?? ""
                throw UsageError(description: "error: unknown rule `\(parts[0])`\(hint)")
            }
            guard let setting = RuleSetting(word: parts[1]) else {
                throw UsageError(description: "error: --rule \(parts[0]): severity must be \(ConfigurationFile.words(RuleSetting.self))")
            }
            configuration.ruleSettings[parts[0]] = setting
        }
        if let path = snapshot ?? configuration.snapshotPath { try Self.applySnapshot(path: path, to: &configuration) }
        return configuration
    }

    /// The configuration file `path`, else the nearest `.migration-lint.yml` from the working
    /// directory up; the defaults without one. A file that cannot be read is a usage error.
    static func configurationFile(_ path: String?) throws -> Configuration {
        guard let path = path ?? ConfigurationFile.find(from: FileManager.default.currentDirectoryPath) else { return Configuration() }
        do {
            return try ConfigurationFile.load(path: path, knownRuleIDs: Set(allRules.map(\.id) + EngineDiagnostics.all.map(\.id)))
        } catch let error as InputError {
            throw UsageError(description: error.description)
        }
    }

    /// The `schema:` / --schema file, checked before any work starts.
    static func checkSchemaFile(of configuration: Configuration) throws {
        if let file = configuration.schemaFile, !FileManager.default.isReadableFile(atPath: file) {
            throw UsageError(description: "error: \(file): cannot read the schema file (`schema:` / --schema)")
        }
    }

    /// A snapshot file's facts (and its server's version, unless set) over `configuration`.
    static func applySnapshot(path: String, to configuration: inout Configuration) throws {
        do {
            SnapshotFile.apply(try SnapshotFile.load(path: path), to: &configuration)
        } catch let error as InputError {
            throw UsageError(description: error.description)
        }
    }

    /// The input paths: arguments, else configuration `paths`, else the working directory.
    func inputPaths(_ configuration: Configuration) -> [String] {
        if !paths.isEmpty { return paths }
        if !configuration.paths.isEmpty { return configuration.paths }
        return ["."]
    }
}
