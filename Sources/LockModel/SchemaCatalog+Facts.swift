import PostgresSyntax

/// Something the lock model took from the schema before the file instead of assuming it, and
/// which earlier file showed it: `explain` prints "known: orders.total is numeric(10,2), from
/// 012_orders.sql:4". The counterpart of an `Assumption`.
public struct SchemaFact: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The column's type before the statement.
        case columnType(table: QualifiedName, column: String, type: String)
        /// The table an index belongs to.
        case indexTable(index: QualifiedName, table: String)
        /// What a constraint is, and for a foreign key the table it references.
        case constraint(table: QualifiedName, name: String, references: String?)
    }

    public var kind: Kind
    public var origin: SchemaOrigin

    public init(_ kind: Kind, origin: SchemaOrigin) {
        self.kind = kind
        self.origin = origin
    }

    /// The sentence users read after "known:".
    public var text: String {
        switch kind {
        case .columnType(let table, let column, let type):
            return "\(table.name).\(column) is \(type), from \(origin)"
        case .indexTable(let index, let table):
            return "\(index.qualified) is an index of \(table), from \(origin)"
        case .constraint(let table, let name, let references?):
            return "\(name) on \(table.qualified) is a foreign key to \(references), from \(origin)"
        case .constraint(let table, let name, nil):
            return "\(name) on \(table.qualified) is no foreign key, from \(origin)"
        }
    }

    public var description: String { text }
}
