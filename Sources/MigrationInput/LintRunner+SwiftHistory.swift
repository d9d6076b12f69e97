import Foundation
import LockModel
import MigrationLint
import PostgresSyntax
import SwiftMigrations

extension LintRunner {
    /// The registration order of the migrations the Swift files under `folders` declare: every
    /// Swift file there that mentions a migration read and parsed once, on all cores (up
    /// methods only, whatever `include-down` says: this is what the replay runs).
    public func swiftMigrationOrder(scanning folders: [String]) -> SwiftMigrationOrder {
        let files = SwiftMigrationOrder.swiftFiles(under: folders)
        return SwiftMigrationOrder(run(count: files.count) { index -> SwiftMigrationOrder.FileFacts? in
            guard case .success(let source) = SourceReader.read(path: files[index]),
                  SwiftMigrationReader.mayMentionMigrations(source) else { return nil }
            return SwiftMigrationOrder.FileFacts(path: files[index], source: source, migrations: SwiftMigrationReader.read(source))
        }.compactMap { $0 })
    }

    /// The schema before each migration type of the Swift files among `paths` (by path, then the
    /// type's qualified name), and what the replay could not read before each file. The
    /// migrations registered before a type in its package (the folder holding `Package.swift`,
    /// its `Sources/` scanned once per run) are replayed, up parts only; a type registered
    /// nowhere has no history.
    func swiftHistory(of paths: [String], from start: SchemaCatalog) -> (schemas: [String: [String: SchemaCatalog]], earlier: [String: [Coverage.EarlierPlace]]) {
        var targetsByRoot: [String: [String: String]] = [:]
        // The package's files are named as the user named the file linted (`Sources/App/...`,
        // not `/home/.../Sources/App/...`): the prefix that stands for the package root.
        var spelledRoots: [String: String] = [:]
        for path in paths where path.hasSuffix(".swift") {
            guard let root = SwiftMigrationOrder.packageRoot(of: path) else { continue }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            targetsByRoot[root, default: [:]][absolute] = path
            let inside = String(absolute.dropFirst(root.count + 1))
            if spelledRoots[root] == nil, absolute.hasPrefix(root + "/"), path.hasSuffix(inside) {
                spelledRoots[root] = String(path.dropLast(inside.count))
            }
        }
        var schemas: [String: [String: SchemaCatalog]] = [:]
        var earlier: [String: [Coverage.EarlierPlace]] = [:]
        for root in targetsByRoot.keys.sorted() {
            let targets = targetsByRoot[root] ?? [:]
            let order = swiftMigrationOrder(scanning: [(root as NSString).appendingPathComponent("Sources")])
            for sequence in order.sequences {
                guard let last = sequence.lastIndex(where: { $0.declaration.map { targets[$0.path] != nil } ?? false }) else { continue }
                let replayed = replay(sequence[..<last], of: order, from: start, root: root, spelledRoot: spelledRoots[root])
                for (index, entry) in sequence[...last].enumerated() {
                    guard let declaration = entry.declaration, let path = targets[declaration.path],
                          schemas[path]?[declaration.typeName] == nil else { continue }
                    schemas[path, default: [:]][declaration.typeName] = replayed.catalogs[index]
                    earlier[path] = Coverage.unique((earlier[path] ?? []) + replayed.places[..<replayed.placeCounts[index]])
                }
            }
        }
        return (schemas, earlier)
    }

    /// Replays `entries` in order: the catalog before each of them and after the last, and the
    /// places that could not be read (with how many of them come before each entry).
    private func replay(_ entries: ArraySlice<SwiftMigrationOrder.Entry>, of order: SwiftMigrationOrder, from start: SchemaCatalog,
                        root: String, spelledRoot: String?)
        -> (catalogs: [SchemaCatalog], places: [Coverage.EarlierPlace], placeCounts: [Int]) {
        let engine = self.engine
        @Sendable func spell(_ path: String) -> String {
            guard let spelledRoot, path.hasPrefix(root + "/") else { return path }
            return spelledRoot + path.dropFirst(root.count + 1)
        }
        // Each declaring file is read once, however many of its types are replayed.
        let files = Array(Set(entries.compactMap(\.declaration?.path))).sorted()
        let read = run(count: files.count) { index -> [String: ReplayedPart] in
            guard let facts = order.files[files[index]] else { return [:] }
            let swift = facts.migrations
            let migrations = swift.migrationFiles(path: spell(files[index]), file: facts.source)
            var parts: [String: ReplayedPart] = [:]
            for (part, migration) in zip(swift.parts, migrations) where parts[part.qualifiedName] == nil {
                parts[part.qualifiedName] = ReplayedPart(file: migration, parsed: engine.parse(migration), standIns: swift.standIns(of: part))
            }
            return parts
        }
        let byFile = Dictionary(uniqueKeysWithValues: zip(files, read))
        var catalog = start
        var catalogs: [SchemaCatalog] = []
        var places: [Coverage.EarlierPlace] = []
        var placeCounts: [Int] = []
        for entry in entries {
            catalogs.append(catalog)
            placeCounts.append(places.count)
            guard let declaration = entry.declaration else {
                // What a migration from outside the package does is not known.
                catalog.isComplete = false
                let source = order.files[entry.registeredIn]?.source ?? SourceText("")
                let position = source.position(of: min(entry.registration.range.lowerBound, source.count))
                places.append(Coverage.EarlierPlace(
                    path: spell(entry.registeredIn), line: position.line, column: position.column, reason: "migration not found in the package",
                    detail: "`\(entry.registration.name)` is registered here but not declared in this package: what it changes is not known",
                    text: entry.registration.name))
                continue
            }
            // A type that sends no SQL (a data-only migration) has no part.
            guard let part = byFile[declaration.path]?[declaration.typeName] else { continue }
            catalog = engine.schema(after: part.parsed, from: catalog)
            // SQL built at run time can touch any table: nothing absent is known to be absent.
            if !part.file.unanalyzed.isEmpty { catalog.isComplete = false }
            if !part.standIns.isEmpty { Self.forgetColumns(typed: part.standIns, in: &catalog) }
            places += engine.earlierPlaces(of: part.file, parsed: part.parsed)
        }
        catalogs.append(catalog)
        placeCounts.append(places.count)
        return (catalogs, places, placeCounts)
    }

    /// A migration type of an earlier file, as the replay read it.
    private struct ReplayedPart: Sendable {
        var file: MigrationFile
        var parsed: ParsedMigration
        /// Names standing for data types defined outside the file (`SwiftMigrationSQL.standIns`).
        var standIns: Set<String>
    }

    /// Columns whose type is a stand-in are forgotten: their real type is not known, and a later
    /// `.varchar(50)` to `.varchar(100)` would read as a change between two unrelated types.
    private static func forgetColumns(typed standIns: Set<String>, in catalog: inout SchemaCatalog) {
        for (name, table) in catalog.tables where table.columns.values.contains(where: { standIns.contains($0.type.names.last ?? "") }) {
            var table = table
            table.columns = table.columns.filter { !standIns.contains($0.value.type.names.last ?? "") }
            catalog.tables[name] = table
        }
    }
}
