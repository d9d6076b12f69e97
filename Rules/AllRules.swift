import MigrationLint

/// Every rule, registered here and only here. Order is the order of `migration-lint rules`.
public let allRules: [any Rule] = [
    AddColumnVolatileDefault(),
    CreateIndexConcurrently(),
]
