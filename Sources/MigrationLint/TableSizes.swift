import LockModel
import PostgresSyntax

/// How table sizes from a snapshot change findings (`small-table-rows`, `large-table-rows`,
/// `rewrite-mb-per-second`).
public struct TableSizePolicy: Sendable, Equatable {
    /// Below this many rows, a finding only about how long a lock is held is info.
    public var smallTableRows: Double = 10_000
    /// Above this many rows, such a finding is at least an error.
    public var largeTableRows: Double = 10_000_000
    /// The assumed speed of a rewrite, scan or index build, for the estimated durations.
    public var rewriteMBPerSecond: Double = 100

    public init() {}
}

/// The sizes of the tables in a snapshot, and what they do to a finding: each finding on an
/// existing table states its size; a rewrite, scan or index build gets an estimated duration;
/// the severity of a finding about lock duration follows the size (correctness and
/// compatibility findings keep theirs). Built once per engine from facts the input layer loaded.
struct TableSizes: Sendable {
    let tables: [String: DatabaseSnapshot.Table]
    let indexTables: [String: String]
    let partitions: [String: [String]]
    let policy: TableSizePolicy

    init(_ snapshot: DatabaseSnapshot, policy: TableSizePolicy) {
        var tables: [String: DatabaseSnapshot.Table] = [:]
        var indexTables: [String: String] = [:]
        var partitions: [String: [String]] = [:]
        for table in snapshot.tables {
            tables[table.qualifiedName] = table
            for index in table.indexes { indexTables[table.schema + "." + index.name] = table.qualifiedName }
            if let parent = table.partitionOf { partitions[parent, default: []].append(table.qualifiedName) }
        }
        self.tables = tables
        self.indexTables = indexTables
        self.partitions = partitions
        self.policy = policy
    }

    /// A table's rows and bytes, its partitions' included (a partitioned table holds none itself).
    struct Size {
        var rows: Double = 0
        var tableBytes = 0
        var indexBytes = 0
        var toastBytes = 0
        var totalBytes: Int { tableBytes + indexBytes + toastBytes }
    }

    func size(of name: String, depth: Int = 0) -> Size? {
        guard let table = tables[name] else { return nil }
        var size = Size(rows: max(0, table.rows ?? 0), tableBytes: table.tableBytes, indexBytes: table.indexBytes, toastBytes: table.toastBytes)
        if depth < 8 {
            for partition in partitions[name] ?? [] {
                guard let part = self.size(of: partition, depth: depth + 1) else { continue }
                size.rows += part.rows
                size.tableBytes += part.tableBytes
                size.indexBytes += part.indexBytes
                size.toastBytes += part.toastBytes
            }
        }
        return size
    }

    /// Adds the sizes and estimates to a finding on `statement` and returns its severity.
    func apply(to finding: inout Finding, severity: Severity, category: RuleCategory, statement: StatementAnalysis) -> Severity {
        let effects = statement.effects
        var touched: [String] = []
        for lock in effects.strongestLocks where !lock.isNew && !touched.contains(lock.relation.qualified) {
            touched.append(lock.relation.qualified)
        }
        for indirect in effects.indirectLocks {
            if case .tableOfIndex(let index) = indirect.target, let table = indexTables[statement.state.resolve(index).qualified],
               !touched.contains(table) {
                touched.append(table)
            }
        }
        let known = touched.compactMap { name in size(of: name).map { (name, $0) } }
        guard !known.isEmpty else { return severity }
        for (name, size) in known { finding.notes.append(Self.describe(name, size)) }

        let isIndexBuild: Bool
        if case .createIndex = statement.statement { isIndexBuild = true } else { isIndexBuild = false }
        let rewritten = effects.rewrites.map(\.qualified)
        let scanned = effects.scans.map(\.qualified).filter { !rewritten.contains($0) }
        for name in rewritten {
            guard let size = size(of: name) else { continue }
            finding.notes.append(estimate("rewrite of \(name)", bytes: size.totalBytes))
        }
        for name in scanned {
            guard let size = size(of: name) else { continue }
            finding.notes.append(estimate((isIndexBuild ? "index build on " : "full scan of ") + name, bytes: size.tableBytes + size.toastBytes))
        }

        // Only a finding about how long a lock is held follows the size.
        guard category == .rewrite || category == .locking else { return severity }
        let heavy = rewritten + scanned
        guard !heavy.isEmpty else { return severity }
        let sizes = heavy.map { size(of: $0) }
        let largest = sizes.compactMap { $0?.rows }.max() ?? 0
        if largest > policy.largeTableRows { return max(severity, .error) }
        // Every table it reads must be known to be small: an unknown one may be large.
        if sizes.allSatisfy({ $0 != nil }), largest < policy.smallTableRows { return .info }
        return severity
    }

    func estimate(_ what: String, bytes: Int) -> String {
        let seconds = Double(bytes) / (policy.rewriteMBPerSecond * 1_048_576)
        let rate = policy.rewriteMBPerSecond == policy.rewriteMBPerSecond.rounded()
            ? String(Int(policy.rewriteMBPerSecond)) : String(policy.rewriteMBPerSecond)
        return "\(what): estimated \(Self.duration(seconds)) at an assumed \(rate) MB/s (an estimate; set `rewrite-mb-per-second`)"
    }

    /// "public.events: about 212M rows, 48 GB (table 40 GB, indexes 8 GB, TOAST 0 bytes), from the snapshot".
    static func describe(_ name: String, _ size: Size) -> String {
        "\(name): about \(rows(size.rows)) rows, \(bytes(size.totalBytes)) (table \(bytes(size.tableBytes)), indexes \(bytes(size.indexBytes)), TOAST \(bytes(size.toastBytes))), from the snapshot"
    }

    static func rows(_ count: Double) -> String {
        switch count {
        case ..<10_000: return String(Int(count.rounded()))
        case ..<1_000_000: return "\(Int((count / 1_000).rounded()))K"
        case ..<10_000_000: return one(count / 1_000_000) + "M"
        case ..<1_000_000_000: return "\(Int((count / 1_000_000).rounded()))M"
        default: return one(count / 1_000_000_000) + "B"
        }
    }

    /// As `pg_size_pretty` counts: 1024-byte units.
    static func bytes(_ count: Int) -> String {
        let units = ["kB", "MB", "GB", "TB"]
        if count < 10 * 1024 { return "\(count) bytes" }
        var value = Double(count) / 1024
        var unit = 0
        while value >= 10 * 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return "\(Int(value.rounded())) \(units[unit])"
    }

    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1: return "under 1 s"
        case ..<120: return "\(Int(seconds.rounded())) s"
        case ..<7200: return "\(Int((seconds / 60).rounded())) min"
        default: return one(seconds / 3600) + " h"
        }
    }

    private static func one(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
