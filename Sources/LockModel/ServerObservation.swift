import PostgresSyntax

/// What a real PostgreSQL server showed when it ran a statement, and how that compares with the
/// model's prediction. Shared by the lock-model suite (`ServerAgreementTests`) and
/// `migration-lint verify`, so that both hold the model to one truth. Pure: the queries are
/// text here and whoever runs them (psql in the suite, libpq in `verify`) hands back the rows.

/// What the server showed for one relation before or after the statement.
public struct ServerRelation: Sendable {
    public var oid: String
    public var name: String
    public var kind: String
    public var filenode: String
    public var seqScans: Int
    public var bytes: Int
    /// The partitioned table of a partition (or partitioned index of an index partition).
    public var parent: String?
    /// The table of an index.
    public var indexTable: String?
}

/// Everything the server showed for one statement.
public struct ServerObservation: Sendable {
    public var before: [String: ServerRelation] = [:]
    public var after: [String: ServerRelation] = [:]
    /// (oid, mode, granted).
    public var locks: [(String, LockMode, Bool)] = []
    /// Locks the session already held before the statement (earlier statements of the same
    /// transaction): the server cannot show whether the statement asked for them again, so the
    /// prediction is compared as held on top of them.
    public var heldBefore: [(String, LockMode)] = []
    /// (table, constraint, referenced table, referenced columns).
    public var foreignKeys: [(String, String, String, [String])] = []
    /// Partitioned table to its DEFAULT partition.
    public var defaultPartitions: [String: String] = [:]
    /// View to the tables its query reads.
    public var viewTables: [String: [String]] = [:]
    public var error: String?

    public init() {}

    /// The relations of the suite's schemas.
    public static let suiteSchemas = "n.nspname IN ('public', 'archive')"
    /// Every schema but the system's: a user's database.
    public static let userSchemas = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'"

    /// Rows tagged `tag`: every relation with its storage (relfilenode), size and sequential
    /// scans so far (`statistics`: `pg_stat_xact_user_tables` inside a transaction).
    public static func snapshotSQL(tag: String, statistics: String, schemas: String = suiteSchemas) -> String {
        """
        SELECT '\(tag)', c.oid, n.nspname || '.' || c.relname, c.relkind, c.relfilenode, COALESCE(s.seq_scan, 0),
               pg_relation_size(c.oid),
               COALESCE((SELECT pn.nspname || '.' || p.relname FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent
                         JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = c.oid LIMIT 1), ''),
               COALESCE((SELECT tn.nspname || '.' || t.relname FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
                         JOIN pg_namespace tn ON tn.oid = t.relnamespace WHERE x.indexrelid = c.oid), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN \(statistics) s ON s.relid = c.oid
        WHERE \(schemas) AND c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S');

        """
    }

    /// The catalog facts that resolve the model's indirect locks, one query each (tags D, F, V).
    public static let catalogQueries = [
        """
        SELECT 'D', pn.nspname || '.' || p.relname, dn.nspname || '.' || d.relname
        FROM pg_partitioned_table pt JOIN pg_class p ON p.oid = pt.partrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
        JOIN pg_class d ON d.oid = pt.partdefid JOIN pg_namespace dn ON dn.oid = d.relnamespace;

        """,
        """
        SELECT 'F', cn.nspname || '.' || cl.relname, co.conname, rn.nspname || '.' || rl.relname,
               (SELECT string_agg(a.attname, ',') FROM pg_attribute a WHERE a.attrelid = co.confrelid AND a.attnum = ANY (co.confkey))
        FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
        JOIN pg_class rl ON rl.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = rl.relnamespace WHERE co.contype = 'f';

        """,
        """
        SELECT DISTINCT 'V', vn.nspname || '.' || v.relname, tn.nspname || '.' || t.relname
        FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
        JOIN pg_class t ON t.oid = d.refobjid AND t.oid <> v.oid AND t.relkind IN ('r', 'p', 'm')
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE vn.nspname NOT LIKE 'pg\\_%' AND vn.nspname <> 'information_schema';

        """,
    ]

    public static var catalogSQL: String { catalogQueries.joined() }

    /// The relation locks this session holds (tag L).
    public static let ownLocksSQL = locksSQL(ofBackend: "pg_backend_pid()")

    /// The relation locks the server process `pid` holds or waits for (tag L): another session's,
    /// to see what a statement asks for while it waits behind a lock.
    public static func locksSQL(ofBackend pid: String) -> String {
        """
        SELECT 'L', relation, mode, granted FROM pg_locks
        WHERE pid = \(pid) AND locktype = 'relation'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database());

        """
    }

    /// Takes the rows of the queries above: `rows(tag)` gives the rows tagged `tag`, without the tag.
    public mutating func read(_ rows: (String) -> [[String]]) {
        for row in rows("B") { let r = Self.relation(row); before[r.oid] = r }
        for row in rows("A") { let r = Self.relation(row); after[r.oid] = r }
        for row in rows("L") where row.count == 3 {
            if let mode = LockMode(name: row[1]) { locks.append((row[0], mode, row[2] == "t")) }
        }
        for row in rows("F") where row.count == 4 {
            foreignKeys.append((row[0], row[1], row[2], row[3].split(separator: ",").map(String.init)))
        }
        for row in rows("D") where row.count == 2 { defaultPartitions[row[0]] = row[1] }
        for row in rows("V") where row.count == 2 { viewTables[row[0], default: []].append(row[1]) }
    }

    static func relation(_ row: [String]) -> ServerRelation {
        let field = { (i: Int) in i < row.count ? row[i] : "" }
        return ServerRelation(oid: field(0), name: field(1), kind: field(2), filenode: field(3), seqScans: Int(field(4)) ?? 0,
                              bytes: Int(field(5)) ?? 0, parent: field(6).isEmpty ? nil : field(6), indexTable: field(7).isEmpty ? nil : field(7))
    }

    public var relationsByName: [String: ServerRelation] {
        Dictionary(before.values.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Strongest lock per existing relation (relations the statement created are not compared).
    public var strongestLocks: [String: LockMode] {
        var result: [String: LockMode] = [:]
        for (oid, mode, _) in locks {
            guard let relation = before[oid] else { continue }
            result[relation.name] = max(result[relation.name] ?? mode, mode)
        }
        return result
    }

    public var rewritten: Set<String> {
        Set(before.values.filter { relation in
            guard let now = after[relation.oid], relation.kind != "p", relation.kind != "I" else { return false }
            return now.filenode != relation.filenode
        }.map(\.name))
    }

    /// Relations read in full. A relation whose storage the statement replaced with an empty
    /// one (TRUNCATE) shows a scan too: rebuilding its indexes reads the new, empty heap. That
    /// reads nothing and is not counted.
    public var scanned: Set<String> {
        Set(before.values.filter { relation in
            guard let now = after[relation.oid] else { return false }
            if now.filenode != relation.filenode && now.bytes == 0 { return false }
            return now.seqScans > relation.seqScans
        }.map(\.name))
    }

    /// The server's side as the comparison sees it: the tables (and materialized views) whose
    /// rewrites and scans are compared.
    public var comparableRewrites: Set<String> {
        let byName = relationsByName
        return rewritten.filter { ["r", "m"].contains(byName[$0]?.kind ?? "") }
    }

    public var comparableScans: Set<String> {
        let byName = relationsByName
        return scanned.filter { ["r", "m"].contains(byName[$0]?.kind ?? "") }
    }
}

/// What the model predicts, with its indirect locks resolved through the server's catalog.
public struct ResolvedPrediction: Sendable {
    public var locks: [String: LockMode] = [:]
    public var rewrites: Set<String> = []
    public var scans: Set<String> = []
    /// Relations the model named in words although the history showed them (`historyKnown`).
    public var unnamed: [String] = []

    /// With `historyKnown`, the table of an index and the tables of foreign keys must be named,
    /// not described: the replayed history shows them. Views' tables and default partitions are
    /// not kept by the catalog and are still resolved through the server.
    public init(_ effects: StatementEffects, server: ServerObservation, historyKnown: Bool = false) {
        for lock in effects.strongestLocks { take(lock.relation.qualified, lock.mode) }
        rewrites = Set(effects.rewrites.map(\.qualified))
        scans = Set(effects.scans.map(\.qualified))
        let byName = server.relationsByName
        for indirect in effects.indirectLocks {
            let tables: [String]
            if historyKnown {
                switch indirect.target {
                case .tableOfIndex, .tablesReferencedBy, .tableReferencedByConstraint, .tablesReferencingColumn:
                    unnamed.append(indirect.description)
                    continue
                default:
                    break
                }
            }
            switch indirect.target {
            case .tableOfIndex(let index):
                tables = byName[index.qualified]?.indexTable.map { [$0] } ?? []
            case .tablesReferencedBy(let table):
                tables = server.foreignKeys.filter { $0.0 == table.qualified }.map(\.2)
            case .tablesReferencing(let table):
                tables = server.foreignKeys.filter { $0.2 == table.qualified }.map(\.0)
            case .tableReferencedByConstraint(let table, let constraint):
                tables = server.foreignKeys.filter { $0.0 == table.qualified && $0.1 == constraint }.map(\.2)
            case .tablesReferencingColumn(let table, let column):
                tables = server.foreignKeys.filter { $0.2 == table.qualified && $0.3.contains(column) }.map(\.0)
            case .defaultPartitionOf(let table):
                tables = server.defaultPartitions[table.qualified].map { [$0] } ?? []
            case .tablesReadBy(let view):
                tables = server.viewTables[view.qualified] ?? []
            }
            for table in tables {
                take(table, indirect.mode)
                if indirect.rewritten { rewrites.insert(table) }
                if indirect.scanned { scans.insert(table) }
            }
        }
        // A statement on a partitioned table recurses to its partitions; the partitioned table
        // itself has no storage to rewrite or scan.
        for relation in server.before.values where effects.recursesToPartitions && ["r", "p"].contains(relation.kind) {
            guard let parent = relation.parent, locks[relation.name] == nil, let mode = locks[parent] else { continue }
            locks[relation.name] = mode
            if rewrites.contains(parent) { rewrites.insert(relation.name) }
            if scans.contains(parent) { scans.insert(relation.name) }
        }
        for relation in server.before.values where relation.kind == "p" {
            rewrites.remove(relation.name)
            scans.remove(relation.name)
        }
        // Locks earlier statements of the transaction took are still held.
        for (oid, mode) in server.heldBefore {
            if let relation = server.before[oid] { take(relation.name, mode) }
        }
    }

    mutating func take(_ relation: String, _ mode: LockMode) {
        locks[relation] = max(locks[relation] ?? mode, mode)
    }
}

extension ServerObservation {
    /// The disagreements, one line each. With `observedLocksOnly`, locks the statement had not
    /// requested yet when it started waiting are not compared.
    ///
    /// With `cautiousOnly`, a rewrite or scan the model predicts and the server did not do is no
    /// disagreement, and one the server did that the model missed is one only when the model
    /// recorded no assumption that it rests on.
    ///
    /// With `historyKnown` (the earlier migrations were replayed), a relation the model names
    /// only in words, or a lock it names on a relation that does not exist, is a disagreement too.
    public func disagreements(with effects: StatementEffects, observedLocksOnly: Bool,
                              cautiousOnly: Bool = false, historyKnown: Bool = false) -> [String] {
        let model = ResolvedPrediction(effects, server: self, historyKnown: historyKnown)
        let serverLocks = strongestLocks
        let byName = relationsByName
        var differences: [String] = model.unnamed.map { "named in words although the history shows it: \($0)" }
        // Knowing the history, a lock on a relation that does not exist is a wrong claim too
        // (PostgreSQL passes over IF EXISTS of an absent table without locking anything).
        if historyKnown {
            for lock in effects.locks where !lock.isNew && byName[lock.relation.qualified] == nil {
                differences.append("lock on \(lock.relation.qualified): model \(lock.mode) / server: no such relation")
            }
        }
        var relations = Set(model.locks.keys.filter { byName[$0] != nil })
        for (name, _) in serverLocks where ["r", "p", "m"].contains(byName[name]?.kind ?? "") { relations.insert(name) }
        for name in relations.sorted() {
            if observedLocksOnly && serverLocks[name] == nil { continue }
            let predicted = model.locks[name], observed = serverLocks[name]
            if predicted != observed {
                differences.append("lock on \(name): model \(predicted?.description ?? "none") / server \(observed?.description ?? "none")")
            }
        }
        let comparable = { (name: String) in ["r", "m"].contains(byName[name]?.kind ?? "") }
        let modelRewrites = model.rewrites.filter { byName[$0] != nil }
        let serverRewrites = rewritten.filter { comparable($0) || model.rewrites.contains($0) }
        // A miss is announced only by an assumption that the rewrite (which reads the table) or
        // the scan rests on.
        let stakes = Set(effects.assumptions.map(\.stake))
        func disagrees(_ model: Bool, _ server: Bool, announcedBy: Set<Assumption.Stake>) -> Bool {
            cautiousOnly ? (server && !model && stakes.isDisjoint(with: announcedBy)) : model != server
        }
        for name in modelRewrites.union(serverRewrites).sorted()
        where disagrees(modelRewrites.contains(name), serverRewrites.contains(name), announcedBy: [.rewrite]) {
            differences.append("rewrite of \(name): model \(modelRewrites.contains(name) ? "yes" : "no") / server \(serverRewrites.contains(name) ? "yes" : "no")")
        }
        let modelScans = model.scans.filter { byName[$0] != nil }
        // A table the file created and left empty: the server opens its heap and reads no row,
        // which is no scan.
        let createdEmpty = Set(effects.locks.filter { $0.isNew && byName[$0.relation.qualified]?.bytes == 0 }.map(\.relation.qualified))
        let serverScans = scanned.filter { comparable($0) && !createdEmpty.contains($0) }
        for name in modelScans.union(serverScans).sorted()
        where disagrees(modelScans.contains(name), serverScans.contains(name), announcedBy: [.rewrite, .scan]) {
            differences.append("full scan of \(name): model \(modelScans.contains(name) ? "yes" : "no") / server \(serverScans.contains(name) ? "yes" : "no")")
        }
        return differences
    }
}

extension MigrationAnalyzer.Run {
    /// Analyses the next statement and returns what the server will show for it: for a DO block,
    /// what the statements of its body do together, as the block runs them; for any other
    /// statement its own effects. Nil for a DO block whose body has no statement it can read.
    public mutating func appendAsTheServerRunsIt(_ parsed: ParsedStatement, in source: SourceText) -> StatementEffects? {
        guard let block = PLpgSQL.doBody(of: parsed, in: source) else {
            append(parsed)
            return statements.last?.effects
        }
        let body = PLpgSQL.statements(ofBody: block, in: source).statements.flatMap { statement -> [ParsedStatement] in
            guard case .file(let range) = statement.text else { return [] }
            return StatementSplitter.split(source.bytes, in: range).flatMap { SQLParser().parse($0, in: source) }
        }
        guard !body.isEmpty else {
            append(parsed)
            return nil
        }
        appendBlock(parsed, body: body)
        var effects = StatementEffects()
        for inner in statements.suffix(body.count).map(\.effects) {
            effects.locks += inner.locks
            effects.indirectLocks += inner.indirectLocks
            effects.rewrites += inner.rewrites
            effects.scans += inner.scans
            effects.assumptions += inner.assumptions
            effects.error = effects.error ?? inner.error
            effects.cannotRunInTransactionBlock = effects.cannotRunInTransactionBlock || inner.cannotRunInTransactionBlock
        }
        return effects
    }
}
