import LockModel
import PostgresSyntax

/// Which statements of a file name which object, built once per file so that a rule asking
/// "is this table altered again later?" reads a short list instead of the whole file (asking
/// the whole file for every statement made long files quadratic).
public struct FileIndex: Sendable {
    /// Schema-qualified name (as `QualifiedName.qualified`, after `search_path`) to the indices
    /// of the statements that name it, in file order.
    private var statementsByName: [String: [Int]] = [:]

    public init() {}

    public init(_ analyses: [StatementAnalysis]) {
        for position in analyses.indices {
            add(analyses[position].parsed, index: analyses[position].index, searchPathSchema: analyses[position].state.searchPathSchema)
        }
    }

    /// Adds the next statement of the file, whose unqualified names resolve to
    /// `searchPathSchema` (nil: `public`).
    public mutating func add(_ parsed: ParsedStatement, index: Int, searchPathSchema: String?) {
        guard let statement = parsed.statement else { return }
        for name in Self.names(in: statement) {
            let key = AnalysisState.resolve(name, searchPathSchema: searchPathSchema).qualified
            // A statement naming one object twice is listed once: it was just appended.
            if statementsByName[key]?.last != index { statementsByName[key, default: []].append(index) }
        }
    }

    /// Indices of the statements that name `qualified`, in file order.
    public func statements(naming qualified: String) -> [Int] {
        statementsByName[qualified] ?? []
    }

    /// The objects a statement names: its table, the objects it creates, drops or renames (and
    /// their new names), the tables it references.
    static func names(in statement: Statement) -> [QualifiedName] {
        switch statement {
        case .alterTable(let alter):
            var names = [alter.relation]
            for action in alter.actions {
                switch action {
                case .attachPartition(let partition), .detachPartition(let partition, _), .detachPartitionFinalize(let partition):
                    names.append(partition)
                case .addConstraint(let constraint):
                    if case .foreignKey(let referenced, _) = constraint.kind { names.append(referenced) }
                case .addColumn(let column, _):
                    if let type = column.type, type.schema != "pg_catalog" { names.append(QualifiedName(schema: type.schema, name: type.names.last ?? "")) }
                default: break
                }
            }
            return names
        case .createTable(let create):
            var names = [create.relation]
            if let parent = create.partitionOf { names.append(parent) }
            for constraint in create.constraints {
                if case .foreignKey(let referenced, _) = constraint.kind { names.append(referenced) }
            }
            for column in create.columns {
                for constraint in column.constraints {
                    if case .foreignKey(let referenced, _) = constraint.kind { names.append(referenced) }
                }
            }
            // User types (domains, enums) a column uses; built-in types would make long lists.
            for column in create.columns {
                if let type = column.type, type.schema != "pg_catalog" { names.append(QualifiedName(schema: type.schema, name: type.names.last ?? "")) }
            }
            return names
        case .createIndex(let index):
            return [index.relation] + (index.name.map { [QualifiedName(schema: index.relation.schema, name: $0)] } ?? [])
        case .drop(let drop):
            return drop.objects + (drop.onTable.map { [$0] } ?? [])
        case .rename(let rename):
            var renamed = rename.object
            if rename.subname == nil { renamed.name = rename.newName }
            return [rename.object, renamed]
        case .setSchema(_, let object, let newSchema):
            return [object, QualifiedName(schema: newSchema, name: object.name)]
        case .truncate(let relations), .lockTable(let relations, _), .createStatistics(let relations):
            return relations
        case .vacuum(_, _, let relations):
            return relations
        case .cluster(let relation):
            return relation.map { [$0] } ?? []
        case .reindex(_, let name, _):
            return name.map { [$0] } ?? []
        case .refreshMaterializedView(let name, _), .update(let name, _), .delete(let name, _), .insert(let name),
             .alterEnumAddValue(let name, _), .createEnum(let name), .createSequence(let name),
             .createFunction(let name, _), .createTrigger(let name, _), .createPolicy(let name, _), .alterPolicy(let name, _):
            return [name]
        case .createView(let view):
            return [view.relation]
        case .createDomain(let name, _, _):
            return [name]
        case .createTableAs(let create):
            return [create.relation] + create.reads
        case .comment(_, let object):
            return object.map { [$0, QualifiedName(schema: nil, name: $0.schema ?? $0.name)] } ?? []
        case .createSchema(let name), .createExtension(let name):
            // Named like DROP SCHEMA / DROP EXTENSION name them: an unqualified name.
            return [QualifiedName(name: name)]
        case .transaction, .variableSet, .select, .other:
            return []
        }
    }
}
