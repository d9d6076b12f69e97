/// The catalog's constraints by table, with foreign keys also kept the other way round: which
/// tables reference a table. DROP COLUMN, ALTER COLUMN TYPE and renames ask that, and walking
/// every constraint of a project-sized schema to answer it made a long file quadratic (a third
/// of the 20,000-statement benchmark, docs/benchmarks.md).
///
/// Written through its subscript, as a dictionary is; each write compares the tables the
/// table's foreign keys reference before and after, so the reverse map cannot fall behind.
public struct ConstraintMap: Sendable, Sequence {
    public typealias Constraints = [String: SchemaCatalog.ConstraintInfo]

    private var byTable: SnapshotMap<String, Constraints> = [:]
    /// Referenced table to the tables with a foreign key to it.
    private var referencedBy: SnapshotMap<String, SnapshotSet<String>> = [:]

    public init() {}

    /// The constraints of `table` by name.
    public subscript(table: String) -> Constraints? {
        get { byTable[table] }
        set {
            let before = Self.referencedTables(byTable[table]), after = Self.referencedTables(newValue)
            byTable[table] = newValue
            for target in before where !after.contains(target) {
                guard var tables = referencedBy[target] else { continue }
                tables.remove(table)
                referencedBy[target] = tables.isEmpty ? nil : tables
            }
            for target in after where !before.contains(target) { referencedBy[target, default: []].insert(table) }
        }
    }

    public subscript(table: String, default defaultValue: @autoclosure () -> Constraints) -> Constraints {
        get { self[table] ?? defaultValue() }
        set { self[table] = newValue }
    }

    @discardableResult
    public mutating func removeValue(forKey table: String) -> Constraints? {
        let old = self[table]
        if old != nil { self[table] = nil }
        return old
    }

    public var values: [Constraints] { byTable.values }

    public func makeIterator() -> Array<(key: String, value: Constraints)>.Iterator { byTable.makeIterator() }

    /// The tables with a foreign key to `table` (itself included when it references itself), sorted.
    public func tablesReferencing(_ table: String) -> [String] {
        referencedBy[table].map { Array($0).sorted() } ?? []
    }

    /// The tables `constraints` reference, each once. A table references few, and most tables
    /// none: an array asks no hashing and allocates nothing then, where a `Set` made every
    /// constraint write five times dearer.
    private static func referencedTables(_ constraints: Constraints?) -> [String] {
        guard let constraints else { return [] }
        var tables: [String] = []
        for constraint in constraints.values {
            if let table = constraint.references, !tables.contains(table) { tables.append(table) }
        }
        return tables
    }
}
