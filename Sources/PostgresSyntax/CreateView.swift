/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW name AS query`: a relation defined by a query, and
/// what the query reads (PostgreSQL records a dependency on each table and column it names).
public struct CreateView: Sendable, Equatable {
    /// A column the query names, with the relation it belongs to when the query shows it: the
    /// relation its qualifier names, or the query's only relation. `*` stands for every column
    /// (PostgreSQL expands it when the view is created).
    public struct ColumnRead: Sendable, Equatable {
        public var relation: QualifiedName?
        public var column: String

        public init(relation: QualifiedName?, column: String) {
            self.relation = relation
            self.column = column
        }
    }

    public var relation: QualifiedName
    public var isMaterialized: Bool
    public var orReplace: Bool
    public var ifNotExists: Bool
    /// The relations the query names (common table expressions left out), in the order written.
    public var reads: [QualifiedName]
    public var columnsRead: [ColumnRead]

    public init(relation: QualifiedName, isMaterialized: Bool, orReplace: Bool = false, ifNotExists: Bool = false,
                reads: [QualifiedName] = [], columnsRead: [ColumnRead] = []) {
        self.relation = relation
        self.isMaterialized = isMaterialized
        self.orReplace = orReplace
        self.ifNotExists = ifNotExists
        self.reads = reads
        self.columnsRead = columnsRead
    }
}
