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
        let configuration = engine.configuration
        guard configuration.history, !paths.isEmpty else { return [:] }
        let start = startingSchema()
        var targetsBySet: [String: Set<String>] = [:]
        var membersBySet: [String: [String]] = [:]
        var memberSets: [String: Set<String>] = [:]
        for path in paths where path.hasSuffix(".sql") {
            guard let source = try? SourceReader.read(path: path).get() else { continue }
            let layout = decide(path: path, source: source).layout
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
        let (members, targets) = (membersBySet, targetsBySet)
        let discovery = FileDiscovery(exclude: configuration.exclude)
        let results = run(count: sets.count) { index -> [(String, SchemaCatalog)] in
            let targets = targets[sets[index]] ?? []
            var catalog = start
            var found: [(String, SchemaCatalog)] = []
            for member in members[sets[index]] ?? [] {
                if targets.contains(member) {
                    found.append((member, catalog))
                    if found.count == targets.count { break }
                }
                if discovery.isExcluded(member) { continue }
                guard case .success(let source) = SourceReader.read(path: member) else {
                    catalog.isComplete = false
                    continue
                }
                // Down parts are never replayed, whatever `include-down` says for linting.
                let decision = LayoutDetector.decide(path: member, source: source, override: configuration.layout,
                                                     assumeInTransaction: configuration.assumeInTransaction)
                guard let file = MigrationFile(path: member, source: source, decision: decision) else { continue }
                catalog = engine.schema(after: file, from: catalog)
            }
            return found
        }
        return Dictionary(results.joined().map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// The state before the first migration: the `schema:` dump, else an empty database. A
    /// dump that cannot be read leaves nothing known (the CLI checks it first).
    public func startingSchema() -> SchemaCatalog {
        guard let path = engine.configuration.schemaFile else { return .emptyDatabase }
        guard case .success(let source) = SourceReader.read(path: path) else { return SchemaCatalog() }
        return engine.schema(after: MigrationFile(path: path, source: source), from: .emptyDatabase)
    }
}
