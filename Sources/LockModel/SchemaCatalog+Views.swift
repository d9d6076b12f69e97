import PostgresSyntax

extension SchemaCatalog {
    /// A view or materialized view, and what its query reads: PostgreSQL records a dependency on
    /// each relation and each column the query names, so that dropping one fails (or, with
    /// CASCADE, drops the view) and renaming one changes the view's definition.
    public struct View: Sendable, Equatable {
        public var isMaterialized: Bool
        /// The qualified relations the query reads, tables and views, in the order written.
        public var reads: [String]
        /// Qualified relation to the columns the query names. A `*` the catalog could not expand
        /// (the relation's columns were not known) stands as `*`: every column.
        public var columns: [String: Set<String>]
        /// Where the view was created, when that was an earlier migration.
        public var origin: SchemaOrigin?

        public init(isMaterialized: Bool, reads: [String] = [], columns: [String: Set<String>] = [:], origin: SchemaOrigin? = nil) {
            self.isMaterialized = isMaterialized
            self.reads = reads
            self.columns = columns
            self.origin = origin
        }

        /// Whether the query names `column` of `relation` (or all its columns).
        public func names(_ column: String, of relation: String) -> Bool {
            guard let named = columns[relation] else { return false }
            return named.contains(column) || named.contains("*")
        }
    }

    /// The views whose query reads `relation` (a table or a view), by name.
    public func views(reading relation: String) -> [(name: String, view: View)] {
        views.filter { $0.value.reads.contains(relation) }.map { ($0.key, $0.value) }.sorted { $0.name < $1.name }
    }

    /// The views whose query names `column` of `table`.
    public func views(reading column: String, of table: String) -> [(name: String, view: View)] {
        views(reading: table).filter { $0.view.names(column, of: table) }
    }

    /// `direct` and the views that read them, each once, in an order they can be dropped in
    /// (a view after the views that read it).
    public func withDependentViews(_ direct: [String]) -> [(name: String, view: View)] {
        var ordered: [(name: String, view: View)] = []
        var visited: Set<String> = []
        func visit(_ name: String) {
            guard visited.insert(name).inserted, let view = views[name] else { return }
            for reader in views(reading: name) { visit(reader.name) }
            ordered.append((name, view))
        }
        for name in direct { visit(name) }
        return ordered
    }

    /// Whether `name` is a table, a view or a sequence the catalog knows.
    public func hasRelation(_ name: String) -> Bool {
        tables[name] != nil || views[name] != nil || sequences.contains(name)
    }

    mutating func learnView(_ create: CreateView, resolve: (QualifiedName) -> QualifiedName) {
        let name = resolve(create.relation).qualified
        if create.ifNotExists, views[name] != nil { return }
        let reads = create.reads.map { resolve($0).qualified }
        var columns: [String: Set<String>] = [:]
        for read in create.columnsRead {
            // A bare name in a query of several relations: the relations known to have it.
            let owners = read.relation.map { [resolve($0).qualified] }
                ?? reads.filter { read.column == "*" || tables[$0]?.columns[read.column] != nil }
            for owner in owners {
                // PostgreSQL expands `*` when the view is created: the columns the table had then.
                if read.column == "*", let known = tables[owner], known.wasCreated {
                    columns[owner, default: []].formUnion(known.columns.keys)
                } else {
                    columns[owner, default: []].insert(read.column)
                }
            }
        }
        views[name] = View(isMaterialized: create.isMaterialized, reads: reads, columns: columns, origin: learningOrigin)
    }

    /// A relation under a new name: the view itself if it is one, and the views that read it.
    mutating func moveRelationInViews(from old: String, to new: String) {
        if let view = views.removeValue(forKey: old) { views[new] = view }
        for (name, view) in views where view.reads.contains(old) {
            var moved = view
            moved.reads = view.reads.map { $0 == old ? new : $0 }
            if let named = moved.columns.removeValue(forKey: old) { moved.columns[new] = named }
            views[name] = moved
        }
    }

    /// A column renamed: the views that name it read it under its new name.
    mutating func renameColumnInViews(table: String, from old: String, to new: String) {
        for (name, view) in views where view.columns[table]?.contains(old) == true {
            var renamed = view
            renamed.columns[table]?.remove(old)
            renamed.columns[table]?.insert(new)
            views[name] = renamed
        }
    }

    /// A dropped relation: the views that read it are gone too (the drop succeeded, so it was
    /// CASCADE), and those that read them.
    mutating func forgetViews(reading relation: String) {
        var pending = [relation]
        while let next = pending.popLast() {
            for (name, _) in views(reading: next) {
                views[name] = nil
                pending.append(name)
            }
        }
    }

    /// A dropped column: the views that name it are gone too, and those that read them.
    mutating func forgetViews(reading column: String, of table: String) {
        for (name, _) in views(reading: column, of: table) {
            views[name] = nil
            forgetViews(reading: name)
        }
    }

    /// A dropped view, and the views that read it.
    mutating func forgetView(_ name: String) {
        views[name] = nil
        forgetViews(reading: name)
    }
}
