import Foundation
import LockModel
import MigrationInput
import MigrationLint
import MigrationLintRules
import PostgresSyntax
import Reporters

/// The configuration the CLI would use in this workspace, and the engine built from it.
struct Workspace {
    /// Where the search for `.migration-lint.yml` starts: the workspace folder, as the CLI starts
    /// from the working directory.
    let configurationSearchStart: String
    /// Paths inside it are reported and matched against `exclude` relative to it, as the CLI
    /// run from there would.
    var root: String?
    private(set) var configurationPath: String?
    private(set) var configurationError: InputError?
    private(set) var runner = LintRunner(engine: LintEngine(rules: allRules))

    init(configurationSearchStart: String, root: String? = nil) {
        self.configurationSearchStart = configurationSearchStart
        self.root = root
    }

    mutating func loadConfiguration() {
        configurationPath = ConfigurationFile.find(from: configurationSearchStart)
        configurationError = nil
        var configuration = Configuration()
        if let path = configurationPath {
            let known = Set(allRules.map(\.id) + EngineDiagnostics.all.map(\.id))
            do {
                configuration = try ConfigurationFile.load(path: path, knownRuleIDs: known)
            } catch let error as InputError {
                configurationError = error
            } catch {
                configurationError = InputError(path: path, message: "\(error)")
            }
        }
        runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration))
    }

    /// The path a document is linted as: relative to the workspace root when inside it.
    func path(ofURI uri: String) -> String {
        let path = DocumentURI.path(uri)
        guard let root, !root.isEmpty else { return path }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// Lints a document's text as the CLI would lint the file.
    func lint(path: String, bytes: [UInt8]) -> LintResult {
        if let error = configurationError {
            return LintResult(diagnostics: [Diagnostic(
                ruleID: "configuration", severity: .error,
                message: "the configuration cannot be read, so nothing was linted: \(error.description)", range: 0..<0)])
        }
        if FileDiscovery(exclude: runner.engine.configuration.exclude).isExcluded(path) { return LintResult(diagnostics: []) }
        let source: SourceText
        switch SourceReader.decode(bytes, path: path) {
        case .success(let decoded): source = decoded
        case .failure(let error):
            let offset = bytes.firstIndex(of: 0) ?? 0
            return LintResult(diagnostics: [Diagnostic(ruleID: "input", severity: .error, message: error.message,
                                                       range: offset..<min(bytes.count, offset + 1))])
        }
        guard let file = MigrationFile(path: path, source: source, decision: runner.decide(path: path, source: source)) else {
            return LintResult(diagnostics: [])
        }
        let (report, analysis) = runner.engine.lintAndAnalyze(file)
        return LintResult(diagnostics: report.diagnostics, file: file, analysis: analysis)
    }
}

/// A document the client has open.
struct OpenDocument {
    let uri: String
    let path: String
    var version: Int
    var text: TextDocument
    /// The lint of the current text; nil after a change until it is linted again.
    var result: LintResult?

    /// SQL files only (by name or by the editor's language id), until a front end for Swift
    /// migrations lands: any other file read as SQL would be nothing but syntax errors.
    let isSQL: Bool

    mutating func refresh(_ workspace: Workspace) {
        result = isSQL ? workspace.lint(path: path, bytes: text.bytes) : LintResult(diagnostics: [])
    }
}

/// What the server knows of a document's current text.
struct LintResult {
    let diagnostics: [Diagnostic]
    /// Nil for a file that was not linted (excluded, a down migration, not UTF-8 text).
    let file: MigrationFile?
    let analysis: FileAnalysis?
    /// Each statement's byte range in the user's file, in file order.
    let statementRanges: [Range<Int>]
    private let explained = ExplanationCache()

    init(diagnostics: [Diagnostic], file: MigrationFile? = nil, analysis: FileAnalysis? = nil) {
        self.diagnostics = diagnostics
        self.file = file
        self.analysis = analysis
        if let file, let analysis {
            statementRanges = analysis.statements.map { file.userRange($0.parsed.range) }
        } else {
            statementRanges = []
        }
    }

    /// What `explain` says about each statement; worked out on the first hover or outline, not
    /// on every keystroke.
    var explanations: [StatementExplanation]? {
        guard let file, let analysis else { return nil }
        if let done = explained.value { return done }
        let value = StatementExplanation.all(ExplainedFile(file, analysis: analysis))
        explained.value = value
        return value
    }

    /// The statement at a byte offset; its terminating `;` and the position just after it count.
    func statement(at offset: Int) -> Int? {
        var low = 0, high = statementRanges.count
        while low < high {
            let middle = (low + high) / 2
            if statementRanges[middle].upperBound < offset { low = middle + 1 } else { high = middle }
        }
        guard low < statementRanges.count, statementRanges[low].lowerBound <= offset else { return nil }
        return low
    }

    /// The earlier statements of the transaction that hold ACCESS EXCLUSIVE locks while the
    /// diagnostic's statement runs: the related information of the diagnostic.
    func lockHolders(of diagnostic: Diagnostic) -> [(range: Range<Int>, message: String)] {
        guard let analysis, let index = statement(at: diagnostic.range.lowerBound) else { return [] }
        let statements = analysis.statements
        var holders: [(statement: Int, relation: String)] = []
        for (relation, holder) in statements[index].state.accessExclusiveHeldSince where holder != index && statements.indices.contains(holder) {
            holders.append((holder, relation))
        }
        holders.sort { ($0.statement, $0.relation) < ($1.statement, $1.relation) }
        return holders.prefix(5).map { holder in
            (statementRanges[holder.statement],
             "ACCESS EXCLUSIVE on \(holder.relation) is taken here and held until the transaction ends")
        }
    }
}

/// Holds a result's explanations once worked out (the result is a value; the cache is shared by its copies).
final class ExplanationCache {
    var value: [StatementExplanation]?
}
