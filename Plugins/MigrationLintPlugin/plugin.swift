import Foundation
import PackagePlugin

/// `swift package lint`: lints the package's migrations with migration-lint: SQL files in the
/// conventional folders, and the Swift migrations (Fluent, SQLKit, PostgresNIO) of its targets.
///
/// It declares no permission, so plain linting never asks for one. `--fix` needs the package
/// directory writable, which SwiftPM grants with `swift package --allow-writing-to-package-directory
/// lint --fix` (the sandbox otherwise keeps it read-only, and the plugin says so).
@main
struct MigrationLintPlugin: CommandPlugin {
    /// Where projects keep SQL migrations, relative to the package; `*` is one directory level.
    static let conventionalDirectories = ["Migrations", "migrations", "db/migrations", "Sources/*/Migrations"]

    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let package = context.package.directoryURL
        var extractor = ArgumentExtractor(arguments)
        let explicitPaths = extractor.extractOption(named: "path")
        _ = extractor.extractOption(named: "target") // Xcode and `swift package` may add it; migrations are not per target.
        var passThrough = extractor.remainingArguments
        if !passThrough.contains(where: { $0 == "--format" || $0.hasPrefix("--format=") }) {
            // SwiftPM prints plugin diagnostics without a location, so each finding carries its own.
            passThrough = ["--format", "gcc"] + passThrough
        }
        var paths = explicitPaths
        if paths.isEmpty && !configurationListsPaths(in: package) {
            paths = Self.conventionalDirectories.flatMap { expand($0, in: package) }.filter { containsMigrations(package.appendingPathComponent($0)) }
            // Each folder of a target's sources that holds a Swift file declaring a migration type;
            // the tool parses each Swift file there and lints those that declare one.
            for target in context.package.targets {
                guard let module = target as? SourceModuleTarget else { continue }
                for file in module.sourceFiles(withSuffix: "swift") where mayDeclareMigration(file.url) {
                    let directory = file.url.deletingLastPathComponent().path
                    guard directory.hasPrefix(package.path + "/") else { continue }
                    let relative = String(directory.dropFirst(package.path.count + 1))
                    if paths.contains(where: { relative == $0 || relative.hasPrefix($0 + "/") }) { continue }
                    paths.append(relative)
                }
            }
            if paths.isEmpty {
                Diagnostics.error("no migrations found: no SQL files under \(Self.conventionalDirectories.map { $0 + "/" }.joined(separator: ", ")) and no Swift migration types (Fluent `Migration` / `AsyncMigration`, `DatabaseMigration`) in the package's targets; pass --path DIR or set `paths` in .migration-lint.yml")
                return
            }
        }
        if passThrough.contains("--fix") && !isWritable(package) {
            Diagnostics.error("--fix rewrites migration files, and SwiftPM keeps the package read-only for plugins: run `swift package --allow-writing-to-package-directory lint --fix`")
            return
        }
        let tool = try context.tool(named: "migration-lint")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["lint"] + passThrough + paths
        process.currentDirectoryURL = package
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Findings first, then the verdict: SwiftPM shows diagnostics as soon as they arrive.
        let findings = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        FileHandle.standardOutput.write(findings)
        let scope = paths.isEmpty ? "the configured paths" : paths.joined(separator: ", ")
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0): print("migration-lint: no findings at or above the failure threshold in \(scope)")
        case (.exit, 1): Diagnostics.error("migration-lint: findings at or above the failure threshold (--fail-on) in \(scope)")
        case (_, let status): Diagnostics.error("migration-lint failed (exit status \(status)); see the errors above")
        }
    }

    /// `paths:` at the top level of the configuration: the tool reads them itself.
    func configurationListsPaths(in package: URL) -> Bool {
        [".migration-lint.yml", ".migration-lint.yaml"].contains { name in
            guard let text = try? String(contentsOf: package.appendingPathComponent(name), encoding: .utf8) else { return false }
            return text.split(separator: "\n").contains { $0.hasPrefix("paths:") }
        }
    }

    /// A conventional directory pattern as the existing relative directories it names.
    func expand(_ pattern: String, in package: URL) -> [String] {
        guard let star = pattern.range(of: "*") else { return [pattern] }
        let parent = String(pattern[..<star.lowerBound].dropLast())
        let rest = String(pattern[star.upperBound...])
        let children = (try? FileManager.default.contentsOfDirectory(atPath: package.appendingPathComponent(parent).path)) ?? []
        return children.sorted().filter { !$0.hasPrefix(".") }.map { parent + "/" + $0 + rest }
    }

    func containsMigrations(_ directory: URL) -> Bool {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return false }
        return walker.contains { entry in
            guard let name = entry as? String else { return false }
            return name.hasSuffix(".sql") || (name.hasSuffix(".swift") && mayDeclareMigration(directory.appendingPathComponent(name)))
        }
    }

    /// A text check (a plugin cannot link the Swift parser): the tool decides with the parser.
    func mayDeclareMigration(_ file: URL) -> Bool {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return false }
        return text.contains("Migration") && (text.contains("func prepare") || text.contains("func apply"))
    }

    /// Whether the sandbox lets this plugin write to the package (it does when SwiftPM was given
    /// --allow-writing-to-package-directory, and always on platforms without a plugin sandbox).
    func isWritable(_ package: URL) -> Bool {
        let probe = package.appendingPathComponent(".migration-lint-write-check-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else { return false }
        try? FileManager.default.removeItem(at: probe)
        return true
    }
}
