import Foundation
import LockModel
import MigrationLint
import PostgresSyntax

extension LintRunner {
    /// The schema before each of `paths`: its migration set replayed up to it, from the `schema:`
    /// dump or an empty database. Each set is replayed once, however many of its files are asked
    /// for; a path with no history is absent: standard input, and a Swift file (its history is
    /// per migration type, `History.swiftSchemas`, for linting). Empty when `history: false`.
    public func schemasBefore(_ paths: [String]) -> [String: SchemaCatalog] {
        history(of: paths.filter { !$0.hasSuffix(".swift") }).schemas
    }

    /// What the replay learned for `paths`: the schema before each, and each of them that the
    /// replay parsed (it came before another path of its set), for the lint to reuse.
    public struct History: Sendable {
        public var schemas: [String: SchemaCatalog] = [:]
        public var parsed: [String: ParsedMigration] = [:]
        /// For a Swift file, the schema before each of its migration types (by qualified name):
        /// each is registered at its own place in the order.
        public var swiftSchemas: [String: [String: SchemaCatalog]] = [:]
        /// What the replay before each path could not read, in its earlier files.
        public var earlier: [String: [Coverage.EarlierPlace]] = [:]
        /// Each SQL path's layout decision, made once: the lint reuses it.
        public var decisions: [String: LayoutDecision] = [:]
        /// With `chained`, each migration set's members from its first path to its last, in
        /// order, with the schema before the first (and what the files before it held that could
        /// not be read), and each file parsed as the parse left it: the lint walks them (`step`).
        var chains: [[String]] = []
        var chainStarts: [(catalog: SchemaCatalog, earlier: [Coverage.EarlierPlace])] = []
        var chainMembers: [String: Replayed] = [:]
    }

    /// Replays the history of `paths`. The earlier files of every set are parsed in parallel
    /// first (parsing is most of the work); then each set's catalog is built in order.
    /// `sources` holds files the caller has read already (the lint reads every path it lints):
    /// each is read once per run, not once for its layout, once for the replay and once to lint.
    ///
    /// `chained`: each set is replayed only up to its first path, and its members from there to
    /// its last path are parsed and listed in `chains` instead, for the lint to walk in order:
    /// the walk that lints a file learns what the replay would, so a file both replayed and
    /// linted is walked once, not twice. Not with `include-down`, whose lint reads another part
    /// of a file than the replay does.
    public func history(of paths: [String], sources: [String: SourceText] = [:], chained: Bool = false) -> History {
        let configuration = engine.configuration
        guard configuration.history, !paths.isEmpty else { return History() }
        let start = startingSchema()
        var history = History()
        (history.swiftSchemas, history.earlier) = swiftHistory(of: paths, from: start)
        var membersBySet: [String: [String]] = [:]
        var memberSets: [String: Set<String>] = [:]
        let sqlPaths = paths.filter { $0.hasSuffix(".sql") }
        // Each layout and set is decided on the worker threads: a run of 1,500 files spent its
        // first tenth of a second reading and classifying them one by one.
        let decisions = run(count: sqlPaths.count, light: true) { [self] index -> (decision: LayoutDecision, set: String)? in
            let path = sqlPaths[index]
            guard let source = sources[path] ?? (try? SourceReader.read(path: path).get()) else { return nil }
            let decision = decide(path: path, source: source)
            return (decision, MigrationHistory.setKey(of: path, layout: decision.layout))
        }
        // Each set listed once, the sets on the worker threads: a folder of 5,000 files named on
        // the command line (as `git diff --name-only | xargs` does) is read once, not once per
        // file, and listing and ordering the corpus's sets one after another was 6 ms alone.
        var firstOfSet: [String: (path: String, layout: MigrationLayout)] = [:]
        // The collections keyed by path are sized once: one that grows hashes every path in it
        // again at each doubling, and long paths are dear to hash (the corpus: this thread's
        // work 128.6 to 122.0 M instructions; docs/benchmarks.md, "A static executable").
        history.decisions.reserveCapacity(sqlPaths.count)
        history.schemas.reserveCapacity(sqlPaths.count)
        history.parsed.reserveCapacity(sqlPaths.count)
        for (path, decided) in zip(sqlPaths, decisions) {
            guard let decided else { continue }
            history.decisions[path] = decided.decision
            if firstOfSet[decided.set] == nil { firstOfSet[decided.set] = (path, decided.decision.layout) }
        }
        let listed = Array(firstOfSet)
        let lists = run(count: listed.count, light: true) { MigrationHistory.members(of: listed[$0].value.path, layout: listed[$0].value.layout) }
        for (entry, members) in zip(listed, lists) {
            membersBySet[entry.key] = members
            memberSets[entry.key] = Set(members)
        }
        // Gathered as lists and made sets once: a set grown path by path hashes them all again.
        var targetLists: [String: [String]] = [:]
        for (path, decided) in zip(sqlPaths, decisions) {
            guard let decided, memberSets[decided.set]?.contains(path) == true else { continue }
            targetLists[decided.set, default: []].append(path)
        }
        let targetsBySet = targetLists.mapValues(Set.init)
        let sets = membersBySet.keys.sorted()
        let discovery = FileDiscovery(exclude: configuration.exclude)
        let ends: [(first: Int, last: Int)?] = sets.map { key in
            let members = membersBySet[key] ?? [], targets = targetsBySet[key] ?? []
            guard let first = members.firstIndex(where: targets.contains), let last = members.lastIndex(where: targets.contains) else { return nil }
            return (first, last)
        }
        // Each set's members from its first target to its last: what a walk goes through.
        let spans = zip(sets, ends).map { key, end in end.map { (membersBySet[key] ?? [])[$0.first...$0.last] } }
        // A set is walked one file after another: walked sets pay only while none of them is
        // longer than a worker's share of the files linted. One project's folder linted whole
        // (trigger.dev's 819 files) took 92.6 ms replayed and 102.0 ms walked, one core waiting
        // on the walk; the corpus's five sets (hatchet's the longest, 48 % of the bytes) 165.3 ms
        // replayed and 149.1 ms walked.
        let chained = chained && !configuration.includeDown && {
            let bytes = spans.map { span in span?.reduce(0) { $0 + (sources[$1]?.count ?? 0) } ?? 0 }
            return (bytes.max() ?? 0) * threadCount <= bytes.reduce(0, +)
        }()
        // Each set's members before its last target (chained: its first): the files whose
        // statements are replayed (those `exclude` names are passed over).
        let replayed: [[String]] = zip(sets, ends).map { key, end in
            guard let end else { return [] }
            return Array((membersBySet[key] ?? [])[..<(chained ? end.first : end.last)])
        }
        history.chains = chained ? spans.map { $0.map(Array.init) ?? [] } : []
        // Each file parsed once, however many sets replay it (a folder's Flyway set and its other
        // set); the replayed files first, then the members of the chains but their last, which
        // only its lint reads: its walk parses it, a long file in chunks on every core while it
        // analyses the chunks parsed (parsed here, on one worker, the 20,000-statement file took
        // 284 to 328 ms).
        var seen = Set<String>(minimumCapacity: replayed.reduce(0) { $0 + $1.count })
        let replayFiles = replayed.joined().filter { !discovery.isExcluded($0) && seen.insert($0).inserted }
        let files = replayFiles + history.chains.flatMap { $0.dropLast() }.filter { !discovery.isExcluded($0) && seen.insert($0).inserted }
        let engine = self.engine
        // Without `include-down`, a path's lint decision reads the same part as the replay's (they
        // differ only in diesel's transaction, which the replay does not use): it is not made twice.
        let lintDecisions = configuration.includeDown ? [:] : history.decisions
        let parseOne: @Sendable (Int) -> Replayed = { index in
            let member = files[index]
            let source: SourceText
            switch sources[member].map({ .success($0) }) ?? SourceReader.read(path: member) {
            case .success(let read): source = read
            case .failure(let error):
                return .unreadable(Coverage.EarlierPlace(path: member, line: error.line ?? 1, column: error.column ?? 1,
                                                         reason: "file not readable", detail: error.message))
            }
            let decided = lintDecisions[member].map { MigrationFile(path: member, source: source, decision: $0) }
            guard let file = decided ?? Self.replayed(member, source: source, configuration: configuration) else { return .skipped }
            let parsed = engine.parse(file)
            return .parsed(parsed, engine.earlierPlaces(of: file, parsed: parsed))
        }
        var parsedByPath: [String: Replayed] = [:]
        parsedByPath.reserveCapacity(files.count)
        let targets = targetsBySet, members = membersBySet
        let results: [[(String, SchemaCatalog, [Coverage.EarlierPlace])]]
        if sets.count == 1, ParallelWork.callingThreadHasStack(stackSize) {
            // One migration set (one file linted, the pre-commit case): each earlier file is
            // replayed here as soon as it and those before it are parsed, while the workers parse
            // ahead. Replaying after the whole parse left one core idle for the replay, half of the
            // run after a 1,500-file history (docs/benchmarks.md, "The fifth session"). One worker
            // per core but one: the replay here is the longer part, and this thread parses only
            // while it waits; with a worker per core the replay had a third of its core taken
            // (1,500-file history 93 to 83 ms, "The sixth session").
            var replay = SetReplay(start: start, targets: targets[sets[0]] ?? [], members: members[sets[0]] ?? [], chained: chained)
            var next = 0
            ParallelWork.stream(count: files.count, threads: max(1, threadCount - 1), stackSize: stackSize, parseOne, consume: { index, item in
                parsedByPath[files[index]] = item
                guard index < replayFiles.count else { return }
                // The members `exclude` passes over come first, as in the set's order.
                while replayed[0][next] != files[index] { replay.add(replayed[0][next], nil, engine: engine); next += 1 }
                replay.add(files[index], item, engine: engine)
                next += 1
            })
            for member in replayed[0][next...] { replay.add(member, nil, engine: engine) }
            results = [replay.finish()]
        } else {
            // Moved into place, not copied: see `ParallelWork.run`'s results.
            var parsed = run(count: files.count, parseOne)
            while let item = parsed.popLast() { parsedByPath[files[parsed.count]] = item }
            let parsedFiles = parsedByPath
            // The longest replays first: in name order the corpus's largest set (trigger.dev's 819
            // files) started last and replayed alone on one core while the other had nothing left
            // (docs/benchmarks.md, "The seventh session"). The results keep the sets' name order.
            let longestFirst = sets.indices.sorted { (replayed[$0].count, $1) > (replayed[$1].count, $0) }
            let replays = run(count: sets.count) { position -> [(String, SchemaCatalog, [Coverage.EarlierPlace])] in
                let index = longestFirst[position]
                var replay = SetReplay(start: start, targets: targets[sets[index]] ?? [], members: members[sets[index]] ?? [], chained: chained)
                for member in replayed[index] { replay.add(member, parsedFiles[member], engine: engine) }
                return replay.finish()
            }
            var byName = Array(repeating: [(String, SchemaCatalog, [Coverage.EarlierPlace])](), count: sets.count)
            for (position, index) in longestFirst.enumerated() { byName[index] = replays[position] }
            results = byName
        }
        for (path, catalog, places) in results.joined() where history.schemas[path] == nil {
            history.schemas[path] = catalog
            if !places.isEmpty { history.earlier[path] = places }
        }
        // A set's own schema before its first path, even where another set shares that path.
        if chained { history.chainStarts = results.map { found in found.last.map { ($0.1, $0.2) } ?? (start, []) } }
        // Asked path by path of the few with a schema: a long path is dear to hash.
        for path in history.schemas.keys {
            if case .parsed(let file, _)? = parsedByPath[path] { history.parsed[path] = file }
        }
        // Every file parsed is a replayed one or a chain's member: the walks look theirs up here.
        if chained { history.chainMembers = parsedByPath }
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
            return Self.replayed(member, source: source, configuration: configuration)
        }
    }

    /// An earlier migration as the replay reads it: its up part only, whatever `include-down`
    /// says for linting; nil for a down migration.
    static func replayed(_ path: String, source: SourceText, configuration: Configuration) -> MigrationFile? {
        let decision = LayoutDetector.decide(path: path, source: source, override: configuration.layout,
                                             assumeInTransaction: configuration.assumeInTransaction)
        return MigrationFile(path: path, source: source, decision: decision)
    }

    /// One migration set replayed file by file, in its order: the schema before each of its
    /// targets, and what the files before it held that could not be read.
    struct SetReplay {
        var catalog: SchemaCatalog
        let targets: Set<String>
        /// The target that comes after every replayed file: the set's last (chained: its first).
        let last: String?
        var places: [Coverage.EarlierPlace] = []
        var found: [(String, SchemaCatalog, [Coverage.EarlierPlace])] = []

        init(start: SchemaCatalog, targets: Set<String>, members: [String], chained: Bool = false) {
            catalog = start
            self.targets = targets
            last = chained ? members.first(where: targets.contains) : members.last(where: targets.contains)
        }

        /// The next member of the set; nil when it is not replayed (`exclude` names it).
        mutating func add(_ member: String, _ item: Replayed?, engine: LintEngine) {
            if targets.contains(member) { found.append((member, catalog, places)) }
            switch item {
            case .parsed(let file, let unread)?:
                catalog = engine.schema(after: file, from: catalog)
                places += unread
            case .unreadable(let place)?:
                catalog.isComplete = false
                places.append(place)
            case .skipped?, nil: break
            }
        }

        /// The schemas found, the last target's after every replayed file.
        func finish() -> [(String, SchemaCatalog, [Coverage.EarlierPlace])] {
            guard let last else { return found }
            return found + [(last, catalog, places)]
        }
    }

    /// A path of the run as the walk of its migration set left it: walked from the schema the
    /// files before it left, its rules not yet run, and what those files held that could not be read.
    struct Walked: Sendable {
        var analyzed: LintEngine.AnalyzedMigration
        var earlier: [Coverage.EarlierPlace]?
    }

    /// One chain of a `chained` history, walked in its order a path at a time (`step`), each file
    /// linted as soon as it is walked, so that few wait in memory.
    struct ChainWalk: Sendable {
        /// A member of the chain, with what the walk needs of it.
        struct Member: Sendable {
            let path: String
            /// The run's positions that this walk lints (a path named twice has two); empty for a
            /// member the walk only replays.
            let positions: [Int]
            /// The text as the lint read it, and its layout decision (nil: not read by the lint).
            let source: SourceText?
            let decision: LayoutDecision?
        }

        let members: [Member]
        /// What the replay parsed of each member, taken as the walk passes it: the parse tree is
        /// freed with the file's lint, on the worker that walks it, not with the run.
        var parsed: [Replayed?]
        /// The next member to walk.
        var next = 0
        /// The schema before the next member, and what the members before it held that could not be read.
        var catalog: SchemaCatalog
        var places: [Coverage.EarlierPlace]
        /// The bytes of the members: the longest walk goes first.
        let bytes: Int

        /// A walk of `members` from the schema before the first (`History.chainStarts`).
        init(_ members: [Member], parsed: [Replayed?], start: (catalog: SchemaCatalog, earlier: [Coverage.EarlierPlace])) {
            self.members = members
            self.parsed = parsed
            (catalog, places) = start
            bytes = members.reduce(0) { $0 + ($1.source?.count ?? 0) }
        }

        var isFinished: Bool { next == members.count }
    }

    /// Walks `walk` on to the next member the run lints and hands it to `publish` with the
    /// positions it lints, walked for its lint from the schema the files before it left (nil when
    /// there is nothing to walk: a file the lint skips or cannot read); what the walk learned is
    /// the next file's schema. A member on the way that is not linted is replayed, as is a file
    /// whose walk learned otherwise than the replay does (`AnalyzedMigration.schemaAfter`).
    func step(_ walk: inout ChainWalk, publish: ([Int], Walked?) -> Void) {
        let discovery = FileDiscovery(exclude: engine.configuration.exclude)
        while !walk.isFinished {
            let member = walk.members[walk.next]
            let item = walk.parsed[walk.next]
            walk.parsed[walk.next] = nil
            walk.next += 1
            var walked: Walked?
            let linted = !member.positions.isEmpty
            if linted {
                if let source = member.source, let decision = member.decision,
                   let file = MigrationFile(path: member.path, source: source, decision: decision) {
                    var parsed: ParsedMigration?
                    if case .parsed(let file, _)? = item { parsed = file }
                    let analyzed = engine.analyzeForLint(file, before: walk.catalog, parsed: parsed)
                    walked = Walked(analyzed: analyzed, earlier: walk.places.isEmpty ? nil : walk.places)
                }
                publish(member.positions, walked)
            }
            // The last member's schema after it is nobody's; `exclude` passes over a member.
            if !walk.isFinished, !discovery.isExcluded(member.path) {
                switch item {
                case .parsed(let file, let unread)?:
                    walk.catalog = walked?.analyzed.schemaAfter ?? engine.schema(after: file, from: walk.catalog)
                    walk.places += unread
                case .unreadable(let place)?:
                    walk.catalog.isComplete = false
                    walk.places.append(place)
                case .skipped?, nil: break
                }
            }
            if linted { return }
        }
    }

    /// One earlier file, as the replay found it.
    enum Replayed: Sendable {
        /// With what it holds that could not be read.
        case parsed(ParsedMigration, [Coverage.EarlierPlace])
        case unreadable(Coverage.EarlierPlace)
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
