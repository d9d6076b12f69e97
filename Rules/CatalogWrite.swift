import LockModel
import MigrationLint
import PostgresSyntax

/// INSERT, UPDATE or DELETE on a system catalog.
public struct CatalogWrite: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "catalog-write",
        category: .correctness,
        defaultSeverity: .error,
        summary: "INSERT, UPDATE or DELETE on a system catalog (pg_index, pg_attribute, ...) bypasses PostgreSQL's own checks.",
        rationale: """
            The system catalogs are PostgreSQL's own bookkeeping. Writing them directly skips every check and \
            every side effect the matching DDL performs: caches of other sessions are not invalidated, dependent \
            objects (indexes, constraints, views, TOAST tables) are not updated, and no WAL record describes the \
            intent. A flipped `pg_index.indisvalid` or an edited `pg_attribute` row can leave the planner trusting an \
            index that is not there or a table that cannot be read back, and such writes need superuser, which a \
            migration should not run as. PostgreSQL does not support it, and a later major-version upgrade may \
            refuse the database.
            """,
        safeAlternative: """
            Use the statement that makes the change: `REINDEX INDEX CONCURRENTLY` for an invalid index, \
            `ALTER TABLE ... ALTER COLUMN` for a column, `ALTER TABLE ... DROP CONSTRAINT` / `VALIDATE CONSTRAINT` \
            for constraints, `COMMENT ON`, `ALTER ... OWNER TO`. If no statement does what you need, ask whether \
            the migration should do it at all.
            """,
        versionNotes: "All supported versions behave the same.",
        badExamples: [
            RuleExample("UPDATE ↓pg_index SET indisvalid = true WHERE indexrelid = 'users_email_idx'::regclass;"),
            RuleExample("DELETE FROM ↓pg_catalog.pg_constraint WHERE conname = 'orders_user_fk';"),
            RuleExample("UPDATE ↓\"pg_catalog\".pg_attribute SET attnotnull = true\n  WHERE attrelid = 'users'::regclass AND attname = 'email';"),
            RuleExample("INSERT INTO ↓pg_catalog.pg_description (objoid, classoid, objsubid, description)\n  VALUES ('users'::regclass, 'pg_class'::regclass, 0, 'people');"),
        ],
        goodExamples: [
            RuleExample("REINDEX INDEX CONCURRENTLY users_email_idx;"),
            RuleExample("DELETE FROM pg_catalog_backup;"),
            RuleExample("SELECT indexrelid FROM pg_index WHERE NOT indisvalid;"),
            RuleExample("CREATE TABLE pg_index_report (id bigint PRIMARY KEY);\nINSERT INTO pg_index_report VALUES (1);"),
            RuleExample("UPDATE app.pg_index SET note = 'x' WHERE id = 1;"),
        ])

    /// The catalogs of `pg_catalog` a migration might be tempted to edit; schema-qualified names
    /// in `pg_catalog` count whatever their name.
    static let catalogs: Set<String> = [
        "pg_aggregate", "pg_am", "pg_amop", "pg_amproc", "pg_attrdef", "pg_attribute", "pg_auth_members", "pg_authid",
        "pg_cast", "pg_class", "pg_collation", "pg_constraint", "pg_conversion", "pg_database", "pg_db_role_setting",
        "pg_default_acl", "pg_depend", "pg_description", "pg_enum", "pg_event_trigger", "pg_extension",
        "pg_foreign_data_wrapper", "pg_foreign_server", "pg_foreign_table", "pg_index", "pg_inherits", "pg_init_privs",
        "pg_language", "pg_largeobject", "pg_largeobject_metadata", "pg_namespace", "pg_opclass", "pg_operator",
        "pg_opfamily", "pg_parameter_acl", "pg_partitioned_table", "pg_policy", "pg_proc", "pg_publication",
        "pg_publication_namespace", "pg_publication_rel", "pg_range", "pg_replication_origin", "pg_rewrite",
        "pg_seclabel", "pg_sequence", "pg_shdepend", "pg_shdescription", "pg_shseclabel", "pg_statistic",
        "pg_statistic_ext", "pg_statistic_ext_data", "pg_subscription", "pg_subscription_rel", "pg_tablespace",
        "pg_transform", "pg_trigger", "pg_ts_config", "pg_ts_config_map", "pg_ts_dict", "pg_ts_parser",
        "pg_ts_template", "pg_type", "pg_user_mapping",
    ]

    /// Whether `relation` names a system catalog: in `pg_catalog`, or unqualified with a
    /// catalog's name (`pg_catalog` is searched first) and not a table this migration created.
    static func isCatalog(_ relation: QualifiedName, _ context: RuleContext) -> Bool {
        if let schema = relation.schema { return schema == "pg_catalog" }
        return catalogs.contains(relation.name) && !context.isCreatedInFile(relation)
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let verb: String
        let relation: QualifiedName
        switch context.statement {
        case .update(let table, _): (verb, relation) = ("UPDATE", table)
        case .delete(let table, _): (verb, relation) = ("DELETE", table)
        case .insert(let table): (verb, relation) = ("INSERT", table)
        default: return []
        }
        guard Self.isCatalog(relation, context) else { return [] }
        return [Finding(
            message: "\(verb) writes the system catalog pg_catalog.\(relation.name) directly, bypassing PostgreSQL's own checks",
            range: context.nameRange(relation),
            notes: ["other sessions' caches, dependent objects and WAL do not follow a direct catalog write; it needs superuser and PostgreSQL does not support it"],
            help: "use the DDL statement that makes this change (REINDEX, ALTER TABLE, ALTER INDEX, COMMENT ON, ...)")]
    }
}
