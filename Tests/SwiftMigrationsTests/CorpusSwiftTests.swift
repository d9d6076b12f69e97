import Foundation
import Testing
import MigrationInput
import MigrationLint
import MigrationLintRules
import PostgresSyntax
import SwiftMigrations
import TestSupport

/// The shared corpus of real Swift migrations (`../shared/corpus-swift`, 262 migration files
/// from nine projects plus the files that register them). Never copied into the repository:
/// without it this test is skipped, visibly.
enum SwiftCorpus {
    static var root: String { TestEnvironment.shared("corpus-swift").path }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root) }

    static func swiftFiles() -> [String] {
        let walker = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let entry = walker?.nextObject() as? String {
            if entry.hasSuffix(".swift") { files.append(root + "/" + entry) }
        }
        return files.sorted()
    }

    /// The registration files PROVENANCE.tsv names (`registration file(s) also copied: A, B;`).
    static func registrationFiles() throws -> Set<String> {
        let provenance = try String(contentsOfFile: root + "/PROVENANCE.tsv", encoding: .utf8)
        var result = Set<String>()
        for line in provenance.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count >= 7, let marker = columns[6].range(of: "registration file(s) also copied: ") else { continue }
            let list = columns[6][marker.upperBound...].prefix { $0 != ";" }
            for path in list.split(separator: ",") {
                result.insert(root + "/" + columns[0] + "/" + path.trimmingCharacters(in: .whitespaces))
            }
        }
        return result
    }
}

extension Trait where Self == ConditionTrait {
    /// A test that reads the shared Swift corpus: skipped, with the reason, when it is absent.
    static var requiresSwiftCorpus: Self {
        .enabled(if: SwiftCorpus.isPresent,
                 "the shared Swift corpus is absent (looked in \(SwiftCorpus.root); set \(TestEnvironment.sharedVariable) to the folder that holds corpus-swift/)")
    }
}

@Suite struct CorpusSwiftTests {
    @Test(.requiresSwiftCorpus)
    func everyFileIsAccountedForAndNothingCrashes() throws {
        let files = SwiftCorpus.swiftFiles()
        let registration = try SwiftCorpus.registrationFiles()
        #expect(files.count == 270, "262 migration files and 8 registration files")
        #expect(registration.count == 8)
        let runner = LintRunner(engine: LintEngine(rules: allRules))
        let outcomes = runner.lint(paths: files)

        var findings: [String: Int] = [:]
        var coverage = Coverage()
        var linted = 0, skipped: [String] = []
        var sqlSyntaxErrors: [String] = []
        for outcome in outcomes {
            switch outcome {
            case .failed(let error): Issue.record("input error: \(error)")
            case .skipped(let path, let reason):
                #expect(reason == "no migration type in this Swift file")
                skipped.append(path)
            case .linted(let report):
                linted += 1
                coverage = coverage + report.coverage
                for diagnostic in report.diagnostics {
                    findings[diagnostic.ruleID, default: 0] += 1
                    if diagnostic.ruleID == "syntax-error" {
                        sqlSyntaxErrors.append("\(report.path.dropFirst(SwiftCorpus.root.count + 1)):\(report.source.position(of: diagnostic.range.lowerBound).line): \(diagnostic.message)")
                    }
                }
            }
        }
        // Every migration file is linted; a file is skipped only if it is a registration file.
        for path in skipped { #expect(registration.contains(path), "a migration file was skipped: \(path)") }
        #expect(linted + skipped.count == files.count)
        #expect(linted >= 262)
        // Code that compiled and SQL that ran: neither parser should complain.
        #expect(sqlSyntaxErrors.isEmpty, "\(sqlSyntaxErrors)")

        // What the front end read, for docs/swift-migrations.md.
        var strings = 0, builders = 0
        var missed: [NotAnalyzed.Kind: Int] = [:]
        var directoryWalk = FileDiscovery().collect([SwiftCorpus.root]).files
        directoryWalk.sort()
        for path in files {
            guard let source = try? SourceReader.read(path: path).get() else { continue }
            let swift = SwiftMigrationReader.read(source)
            strings += swift.analyzedStrings
            builders += swift.analyzedBuilders
            for item in swift.notAnalyzed { missed[item.kind, default: 0] += 1 }
        }
        // A directory walk finds the same migration files the runner lints.
        let lintedPaths = outcomes.compactMap { outcome -> String? in if case .linted(let report) = outcome { return report.path } else { return nil } }
        #expect(directoryWalk == lintedPaths.sorted())

        let builderChainsMissed = missed[.builderChain, default: 0]
        let stringsMissed = missed[.runTimeSQL, default: 0]
        print("corpus-swift: \(files.count) files, \(linted) linted, \(skipped.count) registration files skipped")
        print("corpus-swift: builder chains analyzed \(builders) of \(builders + builderChainsMissed); raw SQL strings analyzed \(strings) of \(strings + stringsMissed); unknown data types \(missed[.unknownPart, default: 0])")
        // Coverage counts what the front end read and lists each piece it could not, nothing else.
        #expect(coverage.unanalyzed.count == builderChainsMissed + stringsMissed)
        print("corpus-swift: coverage: \(coverage.analyzed) of \(coverage.statements) statements analyzed, \(coverage.unanalyzed.count) not")
        for (rule, count) in findings.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) { print("corpus-swift: | \(rule) | \(count) |") }
        // Most of what real migrations send is read; the rest is listed, never guessed.
        #expect(Double(builders) / Double(builders + builderChainsMissed) > 0.95)
        #expect(Double(strings) / Double(strings + stringsMissed) > 0.9)
    }
}
