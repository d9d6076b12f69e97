import MigrationLint

/// Every rule, registered here and only here. Order is the order of `migration-lint rules`.
public let allRules: [any Rule] = [
    AddColumnVolatileDefault(),
    CreateIndexConcurrently(),
    // Schema hygiene
    PreferBigint(),
    PreferText(),
    PreferTimestamptz(),
    BanChar(),
    PreferIdentity(),
    PreferJsonb(),
    IdentifierTooLong(),
    DuplicateColumn(),
    PreferRobustStatements(),
    TransactionNesting(),
    UncommittedTransaction(),
    DomainConstraint(),
]
