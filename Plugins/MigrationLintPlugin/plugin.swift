import Foundation
import PackagePlugin

/// `swift package lint`: lints the package's SQL migrations with migration-lint.
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
            paths = Self.conventionalDirectories.flatMap { expand($0, in: package) }.filter { containsSQL(package.appendingPathComponent($0)) }
            if paths.isEmpty {
                Diagnostics.error("no SQL migrations found under \(Self.conventionalDirectories.map { $0 + "/" }.joined(separator: ", ")); pass --path DIR or set `paths` in .migration-lint.yml (Fluent migrations written in Swift are not SQL files and are not linted)")
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

    func containsSQL(_ directory: URL) -> Bool {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return false }
        return walker.contains { ($0 as? String)?.hasSuffix(".sql") == true }
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
