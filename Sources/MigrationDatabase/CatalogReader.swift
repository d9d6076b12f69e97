#if Database
import MigrationLint

/// Reads a `DatabaseSnapshot` from the catalog, in one READ ONLY, REPEATABLE READ transaction
/// (one consistent view; it runs on a hot standby too). It reads only `pg_catalog` and the
/// statistics views, which every role may read: no row of any table is read.
/// docs/database.md lists these queries; keep the two in step.
public struct CatalogReader {
    /// Schemas of the server itself, left out.
    static let userSchemas = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"

    public static let queries: [(name: String, sql: String)] = [
        ("tables", """
            SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
                   CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
                   (SELECT pn.nspname || '.' || p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                      JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of,
                   CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
                   c.reltuples::float8::text AS reltuples, s.n_live_tup::text AS live_rows, c.relpages::text AS pages,
                   pg_relation_size(c.oid)::text AS table_bytes, pg_indexes_size(c.oid)::text AS index_bytes,
                   COALESCE(pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0)::text AS toast_bytes
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
            WHERE c.relkind IN ('r', 'p') AND \(userSchemas)
            ORDER BY n.nspname, c.relname
            """),
        ("columns", """
            SELECT a.attrelid::text AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                   a.attnotnull::text AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expression,
                   NULLIF(a.attidentity, '')::text AS identity, NULLIF(a.attgenerated, '')::text AS generated
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND \(userSchemas)
            ORDER BY a.attrelid, a.attnum
            """),
        ("constraints", """
            SELECT co.conrelid::text AS oid, co.conname AS name, co.contype::text AS kind,
                   pg_get_constraintdef(co.oid) AS definition, co.convalidated::text AS validated
            FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND co.conislocal AND \(userSchemas)
            ORDER BY co.conrelid, co.conname
            """),
        ("indexes", """
            SELECT i.indrelid::text AS oid, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition,
                   i.indisunique::text AS is_unique, i.indisvalid::text AS is_valid,
                   EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid
                           AND co.contype IN ('p', 'u', 'x'))::text AS backs_constraint,
                   pg_relation_size(i.indexrelid)::text AS bytes
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND \(userSchemas)
            ORDER BY i.indrelid, ic.relname
            """),
        ("enums", """
            SELECT n.nspname AS schema, t.typname AS name, e.enumlabel AS label
            FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE \(userSchemas)
            ORDER BY n.nspname, t.typname, e.enumsortorder
            """),
        ("domains", """
            SELECT n.nspname AS schema, t.typname AS name, format_type(t.typbasetype, t.typtypmod) AS base_type,
                   t.typnotnull::text AS not_null,
                   (SELECT string_agg(pg_get_constraintdef(co.oid), E'\\n' ORDER BY co.conname) FROM pg_constraint co
                     WHERE co.contypid = t.oid AND co.contype = 'c') AS checks
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype = 'd' AND \(userSchemas)
            ORDER BY n.nspname, t.typname
            """),
        ("views", """
            SELECT n.nspname AS schema, c.relname AS name, (c.relkind = 'm')::text AS materialized,
                   pg_get_viewdef(c.oid) AS definition
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND \(userSchemas)
            ORDER BY n.nspname, c.relname
            """),
        ("functions", """
            SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
                   CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
                   CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS kind
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE \(userSchemas)
            ORDER BY n.nspname, p.proname, 3
            """),
    ]

    public init() {}

    public func read(_ connection: PostgresConnection) throws -> DatabaseSnapshot {
        try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "starting a read-only transaction")
        defer { _ = try? connection.query("ROLLBACK", what: "ending the read-only transaction") }
        var results: [String: PostgresConnection.Rows] = [:]
        let version = try connection.query("SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS number",
                                           what: "reading the server version")
        for (name, sql) in Self.queries {
            results[name] = try connection.query(sql, what: "reading the catalog (\(name))")
        }
        return assemble(results, serverVersion: version.value(0, "version") ?? "", serverVersionNumber: Int(version.value(0, "number") ?? "") ?? 0)
    }

    func assemble(_ results: [String: PostgresConnection.Rows], serverVersion: String, serverVersionNumber: Int) -> DatabaseSnapshot {
        func rows(_ name: String) -> [[String: String?]] {
            guard let result = results[name] else { return [] }
            return result.rows.map { Dictionary(uniqueKeysWithValues: zip(result.columns, $0)) }
        }
        func text(_ row: [String: String?], _ key: String) -> String? { row[key] ?? nil }
        func int(_ row: [String: String?], _ key: String) -> Int { text(row, key).flatMap { Int($0) } ?? 0 }
        func flag(_ row: [String: String?], _ key: String) -> Bool { text(row, key) == "true" }

        var order: [String] = []
        var tables: [String: DatabaseSnapshot.Table] = [:]
        for row in rows("tables") {
            let oid = text(row, "oid") ?? ""
            let reltuples = text(row, "reltuples").flatMap(Double.init)
            order.append(oid)
            tables[oid] = DatabaseSnapshot.Table(
                schema: text(row, "schema") ?? "", name: text(row, "name") ?? "",
                partitionKey: text(row, "partition_key"), partitionOf: text(row, "partition_of"), partitionBound: text(row, "partition_bound"),
                // -1: never vacuumed or analysed (PostgreSQL 14 and later).
                estimatedRows: reltuples.flatMap { $0 < 0 ? nil : $0 }, liveRows: text(row, "live_rows").flatMap { Int($0) },
                pages: int(row, "pages"), tableBytes: int(row, "table_bytes"), indexBytes: int(row, "index_bytes"), toastBytes: int(row, "toast_bytes"))
        }
        for row in rows("columns") {
            guard let oid = text(row, "oid"), tables[oid] != nil else { continue }
            tables[oid]?.columns.append(DatabaseSnapshot.Column(
                name: text(row, "name") ?? "", type: text(row, "type") ?? "", notNull: flag(row, "not_null"),
                defaultExpression: text(row, "default_expression"), identity: text(row, "identity"), generated: text(row, "generated")))
        }
        for row in rows("constraints") {
            guard let oid = text(row, "oid"), tables[oid] != nil else { continue }
            tables[oid]?.constraints.append(DatabaseSnapshot.Constraint(
                name: text(row, "name") ?? "", kind: text(row, "kind") ?? "", definition: text(row, "definition") ?? "", validated: flag(row, "validated")))
        }
        for row in rows("indexes") {
            guard let oid = text(row, "oid"), tables[oid] != nil else { continue }
            tables[oid]?.indexes.append(DatabaseSnapshot.Index(
                name: text(row, "name") ?? "", definition: text(row, "definition") ?? "", isUnique: flag(row, "is_unique"),
                isValid: flag(row, "is_valid"), backsConstraint: flag(row, "backs_constraint"), bytes: int(row, "bytes")))
        }
        var enums: [DatabaseSnapshot.EnumType] = []
        for row in rows("enums") {
            let schema = text(row, "schema") ?? "", name = text(row, "name") ?? "", label = text(row, "label") ?? ""
            if let last = enums.last, last.schema == schema, last.name == name {
                enums[enums.count - 1].labels.append(label)
            } else {
                enums.append(DatabaseSnapshot.EnumType(schema: schema, name: name, labels: [label]))
            }
        }
        let domains = rows("domains").map { row in
            DatabaseSnapshot.Domain(schema: text(row, "schema") ?? "", name: text(row, "name") ?? "", baseType: text(row, "base_type") ?? "",
                                    notNull: flag(row, "not_null"),
                                    checks: text(row, "checks").map { $0.split(separator: "\n").map(String.init) } ?? [])
        }
        let views = rows("views").map { row in
            DatabaseSnapshot.View(schema: text(row, "schema") ?? "", name: text(row, "name") ?? "", materialized: flag(row, "materialized"),
                                  definition: text(row, "definition") ?? "")
        }
        let functions = rows("functions").map { row in
            DatabaseSnapshot.Function(schema: text(row, "schema") ?? "", name: text(row, "name") ?? "", arguments: text(row, "arguments") ?? "",
                                      volatility: text(row, "volatility") ?? "volatile", kind: text(row, "kind") ?? "function")
        }
        return DatabaseSnapshot(serverVersion: serverVersion, serverVersionNumber: serverVersionNumber,
                                tables: order.compactMap { tables[$0] }, enums: enums, domains: domains, views: views, functions: functions)
    }
}
#endif
