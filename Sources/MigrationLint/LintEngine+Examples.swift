import LockModel
import PostgresSyntax

extension LintEngine {
    /// Lints `text` (the example's SQL without markers, or a variant of it) as the example asks:
    /// in its migration tool's transaction or not, after its earlier migration when it has one.
    public func lint(_ example: RuleExample, text: String, path: String = "example.sql") -> FileReport {
        let before = example.earlierMigration.map { earlier in
            schema(after: MigrationFile(path: RuleExample.earlierPath, source: SourceText(earlier)), from: .emptyDatabase)
        }
        let file = MigrationFile(path: path, source: SourceText(text), transactionPolicy: example.inTransaction == true ? .whole : .none)
        return lint(file, before: before)
    }
}
