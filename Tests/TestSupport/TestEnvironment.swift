import Foundation
import Testing

/// Where the package and the shared corpora are, and whether slow tests run: read in one place,
/// so that every suite finds the corpora the same way and says the same thing when it skips.
public enum TestEnvironment {
    /// The package root, from this file's location (`Tests/TestSupport/`).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Names the folder that holds `corpus/`, `corpus-swift/` and `schemas/`.
    public static let sharedVariable = "MIGRATION_LINT_SHARED"

    /// The shared folder: `MIGRATION_LINT_SHARED`, or `../shared` beside the package. Its
    /// contents are never copied into the repository.
    public static var sharedRoot: URL {
        if let path = ProcessInfo.processInfo.environment[sharedVariable], !path.isEmpty {
            return URL(fileURLWithPath: path, relativeTo: packageRoot).standardizedFileURL
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A path inside the shared folder, such as `corpus` or `schemas/sarif-schema-2.1.0.json`.
    public static func shared(_ relativePath: String) -> URL {
        sharedRoot.appendingPathComponent(relativePath)
    }

    /// The SQL corpus of real migrations.
    public static var corpus: URL { shared("corpus") }

    public static var corpusIsPresent: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: corpus.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The corpus's `.sql` files, sorted, as paths.
    public static func corpusFiles() -> [String] {
        let root = corpus.path
        let names = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted().map { root + "/" + $0 }
    }

    /// Turns on the slow tests (`scripts/test.sh`, and so `.ci/run`, sets it).
    public static let slowVariable = "MIGRATION_LINT_SLOW_TESTS"

    public static var slowTestsEnabled: Bool { ProcessInfo.processInfo.environment[slowVariable] == "1" }
}

extension Trait where Self == ConditionTrait {
    /// A test that reads the shared SQL corpus: skipped, with the reason, when it is absent.
    public static var requiresCorpus: Self {
        .enabled(if: TestEnvironment.corpusIsPresent,
                 "the shared SQL corpus is absent (looked in \(TestEnvironment.corpus.path); set \(TestEnvironment.sharedVariable) to the folder that holds corpus/)")
    }

    /// A test that takes long (the whole corpus, a build, thousands of random inputs): skipped,
    /// with the reason, unless MIGRATION_LINT_SLOW_TESTS=1.
    public static var slow: Self {
        .enabled(if: TestEnvironment.slowTestsEnabled,
                 "slow test: run it with \(TestEnvironment.slowVariable)=1 (scripts/test.sh sets it)")
    }
}
