import MigrationLint

/// Every rule, registered here and only here. Order is the order of `migration-lint rules`.
public let allRules: [any Rule] = [
    AddColumnVolatileDefault(),
    CreateIndexConcurrently(),
    // Nullable columns and backward compatibility
    UnjustifiedNullableColumn(),
    AddColumnNotNullWithoutDefault(),
    DropColumn(),
    DropTable(),
    RenameColumn(),
    RenameTable(),
    DropSchema(),
    DropDatabase(),
    DropType(),
    DropView(),
    DropFunction(),
    DropSequence(),
    DropConstraint(),
    DropNotNull(),
    DropDefault(),
    SetSchema(),
    RenameObject(),
    Truncate(),
]
