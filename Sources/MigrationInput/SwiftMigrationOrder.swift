import Foundation
import PostgresSyntax
import SwiftMigrations

/// The migrations of a Swift package in the order its code registers them, each with the file
/// that declares it: the history of a Swift migration, as Fluent's and hummingbird-postgres'
/// migrators apply them (registration order, not file names).
public struct SwiftMigrationOrder: Sendable {
    /// One Swift file of the package as the front end read it: what it declares and registers,
    /// and the SQL of its migrations, which the replay uses without reading the file again.
    public struct FileFacts: Sendable {
        public var path: String
        public var source: SourceText
        public var migrations: SwiftMigrationSQL

        public init(path: String, source: SourceText, migrations: SwiftMigrationSQL) {
            self.path = path
            self.source = source
            self.migrations = migrations
        }
    }

    /// A migration type where it is declared.
    public struct Declaration: Sendable, Hashable {
        public var path: String
        /// Its qualified name in that file.
        public var typeName: String
    }

    /// One registration, with the declaration it names.
    public struct Entry: Sendable {
        public var registration: MigrationRegistration
        /// The file that registers it.
        public var registeredIn: String
        /// Nil when the package does not declare it (a library's migration, such as Vapor's
        /// `SessionRecord.migration`) or declares two types that fit the name.
        public var declaration: Declaration?
    }

    /// One list per file that registers migrations, in path order. Two registering files are
    /// two histories: which runs first depends on code this does not read.
    public var sequences: [[Entry]]
    /// The files that declare or register a migration, by path.
    public var files: [String: FileFacts]

    public init(_ files: [FileFacts]) {
        var byName: [String: [Declaration]] = [:]
        var all: [Declaration] = []
        for file in files {
            let module = Self.module(of: file.path)
            for name in file.migrations.declaredTypes {
                let declaration = Declaration(path: file.path, typeName: name)
                all.append(declaration)
                byName[name, default: []].append(declaration)
                if let module { byName[module + "." + name, default: []].append(declaration) }
            }
        }
        func resolve(_ name: String) -> Declaration? {
            if let exact = byName[name] { return exact.count == 1 ? exact[0] : nil }
            // Registered from inside the enclosing type: `CreateUsers()` for `User.CreateUsers`.
            let fitting = all.filter { $0.typeName.hasSuffix("." + name) }
            return fitting.count == 1 ? fitting[0] : nil
        }
        sequences = files.filter { !$0.migrations.registrations.isEmpty }.sorted { $0.path < $1.path }.map { file in
            file.migrations.registrations.map { Entry(registration: $0, registeredIn: file.path, declaration: resolve($0.name)) }
        }
        self.files = Dictionary(files.filter { !$0.migrations.declaredTypes.isEmpty || !$0.migrations.registrations.isEmpty }.map { ($0.path, $0) },
                                uniquingKeysWith: { first, _ in first })
    }

    /// The sequence and position at which `declaration` is registered.
    public func position(of declaration: Declaration) -> (sequence: Int, index: Int)? {
        for (number, sequence) in sequences.enumerated() {
            if let index = sequence.firstIndex(where: { $0.declaration == declaration }) { return (number, index) }
        }
        return nil
    }

    /// The module a file belongs to by SwiftPM's layout: the folder under the last `Sources/`.
    static func module(of path: String) -> String? {
        let components = path.split(separator: "/")
        guard let sources = components.lastIndex(of: "Sources"), sources + 2 < components.count else { return nil }
        return String(components[sources + 1])
    }

    /// The folder that holds the `Package.swift` above `path`; nil outside a package.
    public static func packageRoot(of path: String) -> String? {
        var folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder.path }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// The `.swift` files under `folders`, sorted, as absolute paths; `.build` and hidden
    /// folders are not read.
    public static func swiftFiles(under folders: [String]) -> [String] {
        var files: [String] = []
        for folder in folders {
            let root = URL(fileURLWithPath: folder).standardizedFileURL
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in walker where url.pathExtension == "swift" {
                files.append(url.standardizedFileURL.path)
            }
        }
        return files.sorted()
    }
}
