import Foundation
import Testing
import MigrationInput
import MigrationLint
import MigrationLintRules
import PostgresSyntax
import SwiftMigrations
import TestSupport

/// The history of Swift migrations on the shared corpus: the order the registration scan finds
/// is the order the registering file writes, and every project lints with its history.
@Suite struct SwiftHistoryCorpusTests {
    /// The projects (folders beside `PROVENANCE.tsv`).
    static func projects() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: SwiftCorpus.root).sorted().filter { name in
            var isDirectory: ObjCBool = false
            return name != "licenses" && FileManager.default.fileExists(atPath: SwiftCorpus.root + "/" + name, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
    }

    /// Names of the types a file set declares as migrations, by a plain text search: the test's
    /// own reading, independent of the Swift front end.
    static func declaredMigrationNames(in files: [String]) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: #"(?:struct|class|enum)\s+(\w+)\s*:[^{]*Migrat"#)
        var names = Set<String>()
        for path in files {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { names.insert(String(text[range])) }
            }
        }
        return names
    }

    /// The names written as calls (`Name(`, `A.B(`) in a registering file, in text order, that
    /// end in a declared migration type; comments left out.
    static func writtenOrder(of path: String, declared: Set<String>) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }.joined(separator: "\n")
        let pattern = try NSRegularExpression(pattern: #"\b([A-Z]\w*(?:\.[A-Z]\w*)*)\("#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            guard let range = Range(match.range(at: 1), in: text) else { return nil }
            let name = String(text[range])
            return declared.contains(String(name.split(separator: ".").last ?? "")) ? name : nil
        }
    }

    @Test(.requiresSwiftCorpus)
    func theRegistrationOrderIsTheRegisteringFilesOrder() throws {
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let registrationFiles = try SwiftCorpus.registrationFiles()
        var registered = 0, resolved = 0
        for project in try Self.projects() {
            let folder = SwiftCorpus.root + "/" + project
            let order = runner.swiftMigrationOrder(scanning: [folder])
            let declared = Self.declaredMigrationNames(in: SwiftMigrationOrder.swiftFiles(under: [folder]))
            let expectedFiles = registrationFiles.filter { $0.hasPrefix(folder + "/") }.sorted()
            // Every file PROVENANCE names as registering is found, and no other.
            #expect(order.sequences.map { $0.first?.registeredIn ?? "" } == expectedFiles, "\(project)")
            for sequence in order.sequences {
                guard let path = sequence.first?.registeredIn else { continue }
                let written = try Self.writtenOrder(of: path, declared: declared)
                let found = sequence.map(\.registration.name).filter { declared.contains(String($0.split(separator: ".").last ?? "")) }
                #expect(found == written, "\(project): registration order differs from \(path)")
                #expect(!found.isEmpty, "\(project): no registration found in \(path)")
                registered += sequence.count
                resolved += sequence.filter { $0.declaration != nil }.count
                // A name the project declares once is resolved to its file.
                for entry in sequence where entry.declaration == nil {
                    let last = String(entry.registration.name.split(separator: ".").last ?? "")
                    #expect(!declared.contains(last) || Self.declaredMoreThanOnce(last, in: folder), "\(project): \(entry.registration.name) not resolved")
                }
            }
        }
        print("corpus-swift history: \(registered) registrations, \(resolved) resolved to a declaring file")
        #expect(registered > 300)
    }

    static func declaredMoreThanOnce(_ name: String, in folder: String) -> Bool {
        SwiftMigrationOrder.swiftFiles(under: [folder]).filter { path in
            (try? String(contentsOfFile: path, encoding: .utf8))?.contains(" \(name):") == true
        }.count > 1
    }

    /// Each project copied into a package of its own (a `Package.swift` beside the `Sources/`
    /// of its registering file) and every migration file linted with and without its history
    /// (file only → with history): nothing crashes, and the history never adds an "is not
    /// known" or an index whose table is unnamed ("locks its table"), and no column is added twice.
    @Test(.requiresSwiftCorpus)
    func everyProjectLintsWithItsHistory() throws {
        let registrationFiles = try SwiftCorpus.registrationFiles()
        var table: [String] = []
        for project in try Self.projects() {
            let sandbox = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("migration-lint-swift-history-" + UUID().uuidString)
            defer { try? FileManager.default.removeItem(at: sandbox) }
            try FileManager.default.copyItem(atPath: SwiftCorpus.root + "/" + project, toPath: sandbox.path)
            for registering in registrationFiles where registering.hasPrefix(SwiftCorpus.root + "/" + project + "/") {
                let inside = String(registering.dropFirst(SwiftCorpus.root.count + project.count + 2))
                guard let sources = inside.range(of: "Sources/") else { continue }
                try "// swift-tools-version:5.9\n".write(toFile: sandbox.path + "/" + inside[..<sources.lowerBound] + "Package.swift",
                                                        atomically: true, encoding: .utf8)
            }
            let files = SwiftMigrationOrder.swiftFiles(under: [sandbox.path])
            func counts(history: Bool) -> (findings: Int, notKnown: Int, locksItsTable: Int, duplicateColumns: Int) {
                var configuration = Configuration()
                configuration.history = history
                let outcomes = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration)).lint(paths: files)
                var findings = 0, notKnown = 0, locksItsTable = 0, duplicateColumns = 0
                for outcome in outcomes {
                    if case .failed(let error) = outcome { Issue.record("\(project): \(error)") }
                    guard case .linted(let report) = outcome else { continue }
                    findings += report.diagnostics.count
                    notKnown += report.diagnostics.filter { ($0.notes + [$0.message]).contains { $0.contains("is not known") } }.count
                    locksItsTable += report.diagnostics.filter { $0.message.contains("locks its table") }.count
                    duplicateColumns += report.diagnostics.filter { $0.ruleID == "duplicate-column" }.count
                }
                return (findings, notKnown, locksItsTable, duplicateColumns)
            }
            let alone = counts(history: false), replayed = counts(history: true)
            #expect(replayed.notKnown <= alone.notKnown, "\(project)")
            #expect(replayed.locksItsTable <= alone.locksItsTable, "\(project)")
            // Code that ran in production adds no column twice (Fluent's `.deleteField("x").field("x", ...)`).
            #expect(replayed.duplicateColumns == 0, "\(project)")
            table.append("| \(project) | \(files.count) | \(alone.findings) → \(replayed.findings) | \(alone.notKnown) → \(replayed.notKnown) | \(alone.locksItsTable) → \(replayed.locksItsTable) |")
        }
        print("corpus-swift history: | project | files | findings | \"is not known\" | \"locks its table\" |")
        for row in table { print("corpus-swift history: \(row)") }
    }
}
