import MigrationLint

/// Every rule, registered here and only here. Order is the order of `migration-lint rules`.
public let allRules: [any Rule] = [
    AddColumnVolatileDefault(),
    CreateIndexConcurrently(),
    // Rewrites and blocking locks
    AddColumnGenerated(),
    AlterColumnType(),
    TableRewrite(),
    DropIndexConcurrently(),
    ReindexConcurrently(),
    AddForeignKeyNotValid(),
    AddCheckNotValid(),
    SetNotNull(),
    AddUniqueConstraint(),
    ValidateInSameTransaction(),
    ConcurrentlyInTransaction(),
    RequireLockTimeout(),
    RequireStatementTimeout(),
    LockHeldAcrossStatements(),
    RefreshMaterializedViewConcurrently(),
    DetachPartitionConcurrently(),
    AttachPartitionScan(),
    LockTable(),
    BackfillInMigration(),
    EnumAddValueInTransaction(),
]
