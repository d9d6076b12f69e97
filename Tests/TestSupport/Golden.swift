import Foundation
import Reporters

/// Golden files: whole outputs kept in `Fixtures/golden`, so that a change of what users see is
/// reviewed as a diff of that output. `MIGRATION_LINT_UPDATE_GOLDENS=1` (what
/// `scripts/update-goldens.sh` sets) rewrites them instead of comparing.
public enum Golden {
    public static let updateVariable = "MIGRATION_LINT_UPDATE_GOLDENS"

    public static var isUpdating: Bool { ProcessInfo.processInfo.environment[updateVariable] == "1" }

    /// The file under `Fixtures/golden`.
    public static func url(_ relativePath: String) -> URL {
        TestEnvironment.packageRoot.appendingPathComponent("Fixtures/golden").appendingPathComponent(relativePath)
    }

    /// Compares `actual` with the golden file (writing it first when updating). Nil when they
    /// agree; otherwise what to show the developer.
    public static func check(_ actual: String, against relativePath: String) -> String? {
        let file = url(relativePath)
        if isUpdating {
            do {
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try actual.write(to: file, atomically: true, encoding: .utf8)
            } catch {
                return "could not write \(file.path): \(error)"
            }
        }
        let expected = try? String(contentsOf: file, encoding: .utf8)
        return mismatch(expected: expected, actual: actual, name: "Fixtures/golden/" + relativePath)
    }

    /// Nil when `actual` is `expected`; otherwise a unified diff from the golden file to the
    /// output and how to accept the output. `expected` is nil when the golden file is missing.
    public static func mismatch(expected: String?, actual: String, name: String) -> String? {
        guard let expected else {
            return "\(name) does not exist. \(howToUpdate)"
        }
        guard expected != actual else { return nil }
        var diff = UnifiedDiff.render(old: expected, new: actual, path: name)
        if diff.isEmpty {
            // Same lines, different line ends (a missing final newline, CR LF).
            diff = "the texts differ only in line endings or the final newline\n"
        }
        return "\(name) differs from the output (- golden, + output):\n\(diff)"
            + "If the new output is intended: \(howToUpdate)"
    }

    static let howToUpdate = "regenerate with scripts/update-goldens.sh (or MIGRATION_LINT_UPDATE_GOLDENS=1 swift test --skip-build --filter Golden) and review the diff."
}
