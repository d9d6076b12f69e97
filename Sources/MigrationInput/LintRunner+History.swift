import Foundation
import LockModel
import MigrationLint
import PostgresSyntax

extension LintRunner {
    /// The schema before each of `paths`: its migration set replayed up to it, from the `schema:`
    /// dump or an empty database. Each set is replayed once, however many of its files are asked
    /// for; a path with no history (a Swift file, standard input) is absent. Empty when
    /// `history: false`.
    public func schemasBefore(_ paths: [String]) -> [String: SchemaCatalog] {
        history(of: paths).schemas
    }

    /// What the replay learned for `paths`: the schema before each, and each of them that the
    /// replay parsed (it came before another path of its set), for the lint to reuse.
    public struct History: Sendable {
        public var schemas: [String: SchemaCatalog] = [:]
        public var parsed: [String: ParsedMigration] = [:]
    }

    /// Replays the history of `paths`. The earlier files of every set are parsed in parallel
    /// first (parsing is most of the work); then each set's catalog is built in order.
    /// `sources` holds files the caller has read already (the lint reads every path it lints):
    /// each is read once per run, not once for its layout, once for the replay and once to lint.
    public func history(of paths: [String], sources: [String: SourceText] = [:]) -> History {
        let configuration = engine.configuration
        guard configuration.history, !paths.isEmpty else { return History() }
        let start = startingSchema()
        var targetsBySet: [String: Set<String>] = [:]
        var membersBySet: [String: [String]] = [:]
        var memberSets: [String: Set<String>] = [:]
        let sqlPaths = paths.filter { $0.hasSuffix(".sql") }
        // Each layout is decided on the worker threads: a run of 1,500 files spent its first
        // tenth of a second reading and classifying them one by one.
        let layouts = run(count: sqlPaths.count) { [self] index -> MigrationLayout? in
            let path = sqlPaths[index]
            guard let source = sources[path] ?? (try? SourceReader.read(path: path).get()) else { return nil }
            return decide(path: path, source: source).layout
        }
        for (path, layout) in zip(sqlPaths, layouts) {
            guard let layout else { continue }
            // Listed once per set: a folder of 5,000 files named on the command line (as
            // `git diff --name-only | xargs` does) is read once, not once per file.
            let key = MigrationHistory.setKey(of: path, layout: layout)
            if membersBySet[key] == nil {
                let members = MigrationHistory.members(of: path, layout: layout)
                membersBySet[key] = members
                memberSets[key] = Set(members)
            }
            guard memberSets[key]?.contains(path) == true else { continue }
            targetsBySet[key, default: []].insert(path)
        }
        let sets = membersBySet.keys.sorted()
        let discovery = FileDiscovery(exclude: configuration.exclude)
        // Each set's members before its last target: the files whose statements are replayed
        // (those `exclude` names are passed over).
        let replayed: [[String]] = sets.map { key in
            let members = membersBySet[key] ?? [], targets = targetsBySet[key] ?? []
            guard let last = members.lastIndex(where: targets.contains) else { return [] }
            return Array(members[..<last])
        }
        let files = replayed.joined().filter { !discovery.isExcluded($0) }
        let engine = self.engine
        let parsed = run(count: files.count) { index -> Replayed in
            let member = files[index]
            guard let source = sources[member] ?? (try? SourceReader.read(path: member).get()) else { return .unreadable }
            // Down parts are never replayed, whatever `include-down` says for linting.
            let decision = LayoutDetector.decide(path: member, source: source, override: configuration.layout,
                                                 assumeInTransaction: configuration.assumeInTransaction)
            guard let file = MigrationFile(path: member, source: source, decision: decision) else { return .skipped }
            return .parsed(engine.parse(file))
        }
        let parsedByPath = Dictionary(zip(files, parsed), uniquingKeysWith: { first, _ in first })
        let targets = targetsBySet, members = membersBySet
        let results = run(count: sets.count) { index -> [(String, SchemaCatalog)] in
            let setTargets = targets[sets[index]] ?? []
            var catalog = start
            var found: [(String, SchemaCatalog)] = []
            for member in replayed[index] {
                if setTargets.contains(member) { found.append((member, catalog)) }
                switch parsedByPath[member] {
                case .parsed(let file)?: catalog = engine.schema(after: file, from: catalog)
                case .unreadable?: catalog.isComplete = false
                case .skipped?, nil: break
                }
            }
            // The last target comes after every replayed file.
            if let last = (members[sets[index]] ?? []).last(where: setTargets.contains) { found.append((last, catalog)) }
            return found
        }
        var history = History()
        history.schemas = Dictionary(results.joined().map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        for (path, item) in parsedByPath {
            if case .parsed(let file) = item, history.schemas[path] != nil { history.parsed[path] = file }
        }
        return history
    }

    /// The earlier migrations of `path`'s set, in the order they are applied, as the replay reads
    /// them (their up parts; files `exclude` names are passed over, down migrations too): what
    /// `verify` runs for real on its throwaway server before `path`. Empty with `history: false`,
    /// for a Swift file and for a file that is not in a set.
    public func earlierMigrations(of path: String) -> [MigrationFile] {
        let configuration = engine.configuration
        guard configuration.history, path.hasSuffix(".sql"), case .success(let source) = SourceReader.read(path: path) else { return [] }
        let members = MigrationHistory.members(of: path, layout: decide(path: path, source: source).layout)
        guard let index = members.firstIndex(of: path) else { return [] }
        let discovery = FileDiscovery(exclude: configuration.exclude)
        return members[..<index].filter { !discovery.isExcluded($0) }.compactMap { member in
            guard case .success(let source) = SourceReader.read(path: member) else { return nil }
            let decision = LayoutDetector.decide(path: member, source: source, override: configuration.layout,
                                                 assumeInTransaction: configuration.assumeInTransaction)
            return MigrationFile(path: member, source: source, decision: decision)
        }
    }

    /// One earlier file, as the replay found it.
    enum Replayed: Sendable {
        case parsed(ParsedMigration)
        case unreadable
        /// Nothing to replay (a down migration).
        case skipped
    }

    /// The state before the first migration: the `schema:` dump, else the database snapshot
    /// (`snapshot:`, `--database-url`), else an empty database. A dump that cannot be read
    /// leaves nothing known (the CLI checks it first).
    public func startingSchema() -> SchemaCatalog {
        guard let path = engine.configuration.schemaFile else {
            guard let snapshot = engine.configuration.database else { return .emptyDatabase }
            // A snapshot holds the whole database, as a dump does.
            var catalog = SchemaCatalog(snapshot: snapshot)
            catalog.isComplete = true
            catalog.hasHistory = true
            return catalog
        }
        guard case .success(let source) = SourceReader.read(path: path) else { return SchemaCatalog() }
        return engine.schema(after: MigrationFile(path: path, source: source), from: .emptyDatabase)
    }
}
