import LockModel
import PostgresSyntax

extension DatabaseSnapshot {
    /// The snapshot's schema as the DDL that would create it (types, tables, partitions,
    /// constraints, indexes): the form `SchemaCatalog.learning(from:)` reads, so the starting
    /// catalog is built by the same code that learns from a migration.
    public var schemaSQL: String {
        func name(_ schema: String, _ name: String) -> String { quoteIdentifier(schema) + "." + quoteIdentifier(name) }
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        var sql = ""
        for type in enums {
            sql += "CREATE TYPE \(name(type.schema, type.name)) AS ENUM (\(type.labels.map(literal).joined(separator: ", ")));\n"
        }
        for domain in domains {
            sql += "CREATE DOMAIN \(name(domain.schema, domain.name)) AS \(domain.baseType)"
            if domain.notNull { sql += " NOT NULL" }
            for check in domain.checks { sql += " \(check)" }
            sql += ";\n"
        }
        for table in tables {
            let columns = table.columns.map { column in
                quoteIdentifier(column.name) + " " + column.type + (column.notNull ? " NOT NULL" : "")
            }
            sql += "CREATE TABLE \(name(table.schema, table.name)) (\(columns.joined(separator: ", ")))"
            if let key = table.partitionKey { sql += " PARTITION BY \(key)" }
            sql += ";\n"
        }
        for table in tables {
            if let parent = table.partitionOf, let bound = table.partitionBound {
                let parts = parent.split(separator: ".", maxSplits: 1).map(String.init)
                let parentName = parts.count == 2 ? name(parts[0], parts[1]) : quoteIdentifier(parent)
                sql += "ALTER TABLE \(parentName) ATTACH PARTITION \(name(table.schema, table.name)) \(bound);\n"
            }
        }
        for table in tables {
            for constraint in table.constraints {
                sql += "ALTER TABLE \(name(table.schema, table.name)) ADD CONSTRAINT \(quoteIdentifier(constraint.name)) \(constraint.definition);\n"
            }
            for index in table.indexes where !index.backsConstraint { sql += index.definition + ";\n" }
        }
        return sql
    }
}

extension SchemaCatalog {
    /// The schema a snapshot describes: what the file's statements find before they run.
    public init(snapshot: DatabaseSnapshot) {
        self = SchemaCatalog.learning(from: snapshot.schemaSQL)
        // A function's volatility decides whether a default calling it rewrites the table.
        for function in snapshot.functions where function.kind == "function" {
            if let volatility = Volatility(named: function.volatility) { functions[function.schema + "." + function.name] = volatility }
        }
        // Constraint indexes are made by ADD CONSTRAINT, which names no index.
        for table in snapshot.tables {
            for index in table.indexes where index.backsConstraint {
                setTable(ofIndex: table.schema + "." + index.name, to: table.qualifiedName)
            }
            // A valid CHECK (col IS NOT NULL) lets SET NOT NULL skip its scan: the analyzer learns
            // it from a migration's ADD CONSTRAINT, and from the database's own constraints here.
            for constraint in table.constraints where constraint.kind == "c" && constraint.validated {
                let sql = "ALTER TABLE t ADD CONSTRAINT c \(constraint.definition)"
                guard case .alterTable(let alter)? = SQLParser().parse(SourceText(sql)).first?.statement else { continue }
                for case .addConstraint(let check) in alter.actions {
                    guard case .check(let expression) = check.kind, let column = MigrationAnalyzer.notNullColumn(expression) else { continue }
                    notNullChecks[table.qualifiedName, default: []].insert(column)
                }
            }
        }
    }
}
