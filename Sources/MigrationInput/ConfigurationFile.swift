import Foundation
import MigrationLint
import Yams

/// `.migration-lint.yml`: the keys it allows, how it is found and read.
public enum ConfigurationFile {
    public static let fileNames = [".migration-lint.yml", ".migration-lint.yaml"]

    /// Every key the file may hold, in one place.
    public enum Key: String, CaseIterable {
        case postgresVersion = "postgres-version"
        case rules
        case paths
        case exclude
        case assumeInTransaction = "assume-in-transaction"
        case layout
        case includeDown = "include-down"
        case timeZone = "time-zone"
        case failOn = "fail-on"
        case failOnUnanalyzed = "fail-on-unanalyzed"
        case squawkCompat = "squawk-compat"
        case placeholders
        case history
        case schema
        case snapshot
        case smallTableRows = "small-table-rows"
        case largeTableRows = "large-table-rows"
        case rewriteMBPerSecond = "rewrite-mb-per-second"
    }

    /// The nearest configuration file, walking up from `directory`.
    public static func find(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            for name in fileNames {
                let candidate = url.appendingPathComponent(name).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    public static func load(path: String, knownRuleIDs: Set<String>) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read the configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, message: "the configuration file is not UTF-8 text")
        }
        return try parse(text, path: path, knownRuleIDs: knownRuleIDs)
    }

    public static func parse(_ text: String, path: String, knownRuleIDs: Set<String>) throws -> Configuration {
        var configuration = Configuration()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(error, path: path)
        }
        guard let root else { return configuration } // an empty file is a valid, empty configuration
        guard let mapping = root.mapping else {
            throw error(path, root, "the configuration must be a mapping of keys to values")
        }
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            guard let key = Key(rawValue: name) else {
                let hint = closestMatch(to: name, in: Key.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                throw error(path, keyNode, "unknown key `\(name)`\(hint) (allowed: \(Key.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            switch key {
            case .postgresVersion:
                let supported = Configuration.supportedPostgresVersions
                guard let version = value.int, supported.contains(version) else {
                    throw error(path, value, "`postgres-version` must be a major version from \(supported.lowerBound) to \(supported.upperBound)")
                }
                configuration.postgresVersion = version
                configuration.postgresVersionIsSet = true
            case .rules:
                guard let rules = value.mapping else { throw error(path, value, "`rules` must map rule ids to off, info, warning or error") }
                for (ruleNode, severityNode) in rules {
                    let id = ruleNode.string ?? ""
                    guard knownRuleIDs.contains(id) else {
                        let hint = closestMatch(to: id, in: knownRuleIDs).map { "; did you mean `\($0)`?" } ?? ""
                        throw error(path, ruleNode, "unknown rule `\(id)`\(hint)")
                    }
                    guard let setting = severityNode.string.flatMap(RuleSetting.init(word:)) else {
                        throw error(path, severityNode, "rule `\(id)`: severity must be \(words(RuleSetting.self))")
                    }
                    configuration.ruleSettings[id] = setting
                }
            case .paths:
                configuration.paths = try stringList(value, key: name, path: path)
            case .exclude:
                configuration.exclude = try stringList(value, key: name, path: path)
            case .assumeInTransaction:
                guard let flag = value.bool else { throw error(path, value, "`assume-in-transaction` must be true or false") }
                configuration.assumeInTransaction = flag
            case .includeDown:
                guard let flag = value.bool else { throw error(path, value, "`include-down` must be true or false") }
                configuration.includeDown = flag
            case .layout:
                guard let layout = value.string.flatMap(MigrationLayout.init(rawValue:)) else {
                    throw error(path, value, "`layout` must be one of \(MigrationLayout.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                configuration.layout = layout
            case .timeZone:
                guard let zone = value.string else { throw error(path, value, "`time-zone` must be a time zone name such as UTC") }
                configuration.timeZone = zone
            case .placeholders:
                if let flag = value.bool {
                    configuration.recognizePlaceholders = flag
                } else if value.string == "off" || value.string == "on" {
                    configuration.recognizePlaceholders = value.string == "on"
                } else if let values = value.mapping {
                    for (name, shown) in values {
                        guard let name = name.string, let shown = shown.string else {
                            throw error(path, value, "`placeholders` maps placeholder names to the values to show, such as `schema: app`")
                        }
                        configuration.placeholderValues[name] = shown
                    }
                } else {
                    throw error(path, value, "`placeholders` must be off, on, or map placeholder names to values such as `schema: app`")
                }
            case .history:
                guard let flag = value.bool else { throw error(path, value, "`history` must be true or false") }
                configuration.history = flag
            case .schema:
                guard let file = value.string, !file.isEmpty else {
                    throw error(path, value, "`schema` must name a `pg_dump --schema-only` file")
                }
                // Relative to the configuration file, as `paths` are read from where it lives.
                configuration.schemaFile = file.hasPrefix("/") ? file
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
            case .squawkCompat:
                guard let flag = value.bool else { throw error(path, value, "`squawk-compat` must be true or false") }
                configuration.squawkCompat = flag
            case .snapshot:
                guard let file = value.string, !file.isEmpty else { throw error(path, value, "`snapshot` must be the path of a snapshot file") }
                // Relative to the configuration file, as a user reading it expects.
                configuration.snapshotPath = file.hasPrefix("/") ? file
                    : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
            case .smallTableRows, .largeTableRows, .rewriteMBPerSecond:
                guard let number = value.float, number > 0 else { throw error(path, value, "`\(name)` must be a positive number") }
                switch key {
                case .smallTableRows: configuration.tableSizes.smallTableRows = number
                case .largeTableRows: configuration.tableSizes.largeTableRows = number
                default: configuration.tableSizes.rewriteMBPerSecond = number
                }
            case .failOn:
                guard let failOn = value.string.flatMap(FailOn.init(rawValue:)) else {
                    throw error(path, value, "`fail-on` must be \(words(FailOn.self))")
                }
                configuration.failOn = failOn
            case .failOnUnanalyzed:
                guard let flag = value.bool else { throw error(path, value, "`fail-on-unanalyzed` must be true or false") }
                configuration.failOnUnanalyzed = flag
            }
        }
        return configuration
    }

    /// "a, b, c or d": the values a setting takes, for its error message.
    public static func words<Value: CaseIterable & RawRepresentable>(_: Value.Type) -> String where Value.RawValue == String {
        let all = Value.allCases.map(\.rawValue)
        return all.dropLast().joined(separator: ", ") + " or " + (all.last ?? "")
    }

    static func stringList(_ node: Node, key: String, path: String) throws -> [String] {
        if let single = node.string { return [single] }
        guard let sequence = node.sequence else { throw error(path, node, "`\(key)` must be a list of strings") }
        return try sequence.map { item in
            guard let text = item.string else { throw error(path, item, "`\(key)` entries must be strings") }
            return text
        }
    }

    static func error(_ path: String, _ node: Node, _ message: String) -> InputError {
        InputError(path: path, line: node.mark.map { $0.line }, column: node.mark.map { $0.column }, message: message)
    }

    static func yamlError(_ error: YamlError, path: String) -> InputError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return InputError(path: path, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        default:
            return InputError(path: path, message: "invalid YAML: \(error)")
        }
    }

    /// The commented starter file `migration-lint init` writes.
    public static func starter(rules: [RuleDescription]) -> String {
        var lines = [
            "# MigrationLint configuration. Every key is optional; the values shown are the defaults.",
            "",
            "# The PostgreSQL major version your migrations run against. Rules depend on it",
            "# (fast defaults from 11, SET NOT NULL with a CHECK from 12, DETACH CONCURRENTLY from 14).",
            "postgres-version: 15",
            "",
            "# Where your migrations live, used when no path is given on the command line.",
            "# paths:",
            "#   - db/migrations",
            "",
            "# Files not to lint (globs; a pattern without a slash matches a name anywhere).",
            "# exclude:",
            "#   - \"**/seed_*.sql\"",
            "",
            "# Plain .sql files (no goose/dbmate/Flyway/Prisma/Sqitch/up-down layout) run in one transaction.",
            "assume-in-transaction: false",
            "",
            "# Force a layout instead of detecting it per file: \(MigrationLayout.allCases.map(\.rawValue).joined(separator: ", ")).",
            "# layout: goose",
            "",
            "# Replay the migrations that run before each file first (its folder; for Swift, its package's registration order), so that answers use the schema they built.",
            "history: true",
            "",
            "# A `pg_dump --schema-only` file: the schema before the first migration (squashed or dumped history).",
            "# schema: db/schema.sql",
            "",
            "# Lint down migrations too.",
            "include-down: false",
            "",
            "# Fail (exit 1) on findings at or above: \(words(FailOn.self)).",
            "fail-on: warning",
            "",
            "# Fail (exit 1) when a statement could not be checked (a place in the coverage report).",
            "fail-on-unanalyzed: false",
            "",
            "# Per-rule severity: off, info, warning or error. `migration-lint rules` lists them all.",
            "rules:",
        ]
        for rule in rules.sorted(by: { $0.id < $1.id }) {
            let severity = rule.defaultSeverity?.rawValue ?? "off"
            lines.append("  # \(rule.id): \(severity)")
        }
        lines.append("  syntax-error: error")
        return lines.joined(separator: "\n") + "\n"
    }
}
