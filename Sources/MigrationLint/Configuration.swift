/// The settings that shape a lint run, from `.migration-lint.yml` and the command line.
public struct Configuration: Sendable, Equatable {
    /// The PostgreSQL major versions `postgres-version` and `--postgres-version` accept.
    public static let supportedPostgresVersions = 9...19

    /// The target server's major version; rules depend on it.
    public var postgresVersion: Int = 15
    /// Per-rule settings that replace the rule's default severity.
    public var ruleSettings: [String: RuleSetting] = [:]
    /// Where migrations live, when no path is given on the command line.
    public var paths: [String] = []
    /// Glob patterns of files not to lint.
    public var exclude: [String] = []
    /// Plain files (no known migration tool) run inside one transaction.
    public var assumeInTransaction: Bool = false
    /// Forces one layout instead of detecting it per file.
    public var layout: MigrationLayout?
    /// Lint down migrations too.
    public var includeDown: Bool = false
    /// The session time zone migrations run under (timestamp to timestamptz is free under UTC).
    public var timeZone: String?
    /// Honour squawk's `-- squawk-ignore` comments as suppressions of the matching rules.
    public var squawkCompat: Bool = false
    /// Which findings fail the run; the core does not act on it, the front end does.
    public var failOn: FailOn = .warning
    /// A statement no rule checked (the coverage report's places) fails the run too.
    public var failOnUnanalyzed: Bool = false
    /// Read the placeholders of migration tools (`${name}`, `{{ ... }}`, psql `:name`) as
    /// stand-ins instead of syntax errors (`placeholders: off` turns it off).
    public var recognizePlaceholders: Bool = true
    /// Values of placeholders by name, shown in messages in their place (`placeholders: {schema: app}`).
    public var placeholderValues: [String: String] = [:]
    /// Replay the earlier migrations of a file's migration set before linting or explaining it
    /// (`history: false` and `--no-history` turn it off).
    public var history: Bool = true
    /// A `pg_dump --schema-only` file: the schema before the first migration (`schema:`, `--schema`).
    public var schemaFile: String?
    /// `postgres-version` or `--postgres-version` was given; otherwise a snapshot's server decides.
    public var postgresVersionIsSet = false
    /// The catalog snapshot (`snapshot:`, `--snapshot`, `--database-url`), loaded by the input
    /// layer: the starting schema and the table sizes findings state.
    public var database: DatabaseSnapshot?
    /// Where the snapshot file is, as the configuration file says it (relative to that file).
    public var snapshotPath: String?
    /// How table sizes change findings (`small-table-rows`, `large-table-rows`, `rewrite-mb-per-second`).
    public var tableSizes = TableSizePolicy()

    public init() {}

    /// The severity of a rule after overrides; nil when the rule is off.
    public func severity(of description: RuleDescription) -> Severity? {
        if let setting = ruleSettings[description.id] { return setting.severity }
        return description.defaultSeverity
    }
}

/// What a rule is set to in the configuration or with `--rule ID=SETTING`.
public enum RuleSetting: String, CaseIterable, Sendable, Equatable {
    case off, info, warning, error

    public init(_ severity: Severity) {
        switch severity {
        case .info: self = .info
        case .warning: self = .warning
        case .error: self = .error
        }
    }

    /// Any case; `false` is `off` too, as YAML 1.1 habits write it.
    public init?(word: String) {
        let word = word.lowercased()
        self.init(rawValue: word == "false" ? "off" : word)
    }

    /// Nil when the rule is off.
    public var severity: Severity? {
        switch self {
        case .off: return nil
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        }
    }
}

/// The least severity of a finding that fails the run (exit 1), or `never`. The same words in
/// the configuration file (`fail-on:`) and on the command line (`--fail-on`).
public enum FailOn: String, CaseIterable, Sendable, Equatable {
    case error, warning, info, never

    /// Nil for `never`.
    public var threshold: Severity? {
        switch self {
        case .error: return .error
        case .warning: return .warning
        case .info: return .info
        case .never: return nil
        }
    }
}
