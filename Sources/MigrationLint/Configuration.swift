/// The settings that shape a lint run, from `.migration-lint.yml` and the command line.
public struct Configuration: Sendable, Equatable {
    /// The target server's major version; rules depend on it.
    public var postgresVersion: Int = 15
    /// Per-rule severity overrides; `.some(nil)` turns a rule off.
    public var ruleSeverities: [String: Severity?] = [:]
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
    /// Read the placeholders of migration tools (`${name}`, `{{ ... }}`, psql `:name`) as
    /// stand-ins instead of syntax errors (`placeholders: off` turns it off).
    public var recognizePlaceholders: Bool = true
    /// Values of placeholders by name, shown in messages in their place (`placeholders: {schema: app}`).
    public var placeholderValues: [String: String] = [:]

    public init() {}

    /// The severity of a rule after overrides; nil when the rule is off.
    public func severity(of description: RuleDescription) -> Severity? {
        if let override = ruleSeverities[description.id] { return override }
        return description.defaultSeverity
    }
}
