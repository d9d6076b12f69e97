import ArgumentParser
import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import Reporters

enum ColorChoice: String, ArgumentChoice { case auto, always, never }

extension OutputFormat: ArgumentChoice {}
extension FailOn: ArgumentChoice {}

struct LintCommand: ParsableCommand {
    /// `_superCommandName` names the tool `lint` belongs to. It matters only when `lintAlone` parses
    /// `lint` as the root of its own parse: ArgumentParser then skips its check for
    /// `--generate-completion-script`, which parses two more commands and was a third of a
    /// one-file run's instructions. Completion scripts, help and every mistake still go through
    /// the tool's root command, which has no super-command, so they read as before.
    static let configuration = CommandConfiguration(commandName: "lint", _superCommandName: "migration-lint",
                                                    abstract: "Lint migration files (the default command).")

    @OptionGroup var input: InputOptions

    // `format` and `color` have no default value: ArgumentParser describes a default enum value
    // for the help through two dynamic casts and a `String(describing:)`, whose runtime lookups
    // walk the binary's conformance records, 8 % of a one-file run's instructions
    // (docs/benchmarks.md, "The fifth session"). Each help text names its default instead.
    @Option(help: "Output format; text unless given")
    var format: OutputFormat?

    @Option(help: "Exit 1 when a finding is at or above this severity; default: the configuration's `fail-on`, else warning")
    var failOn: FailOn?

    @Flag(help: "Exit 1 when a statement could not be checked (a place in the coverage report); default: the configuration's `fail-on-unanalyzed`, else off")
    var failOnUnanalyzed = false

    @Flag(help: "Apply machine-applicable fixes in place (each file written atomically, only if the result still parses and the finding is gone).")
    var fix = false

    @Flag(help: "Show the fixes as a unified diff without writing.")
    var diff = false

    @Option(help: ArgumentHelp("Lint only migrations added or changed since the branch left REF (as `git diff REF...HEAD` sees it), plus uncommitted and untracked ones.", valueName: "REF"))
    var changedSince: String?

    @Option(help: "Colour in text output; auto (unless given): on a terminal, unless NO_COLOR is set")
    var color: ColorChoice?

    @Option(help: ArgumentHelp("Read the schema and table sizes live from this database (libpq URL or key=value; as `snapshot` does, read-only). DATABASE_URL is not read here.", valueName: "URL"))
    var databaseUrl: String?

    func run() throws {
        var configuration = try input.resolve()
        if let databaseUrl {
            guard input.snapshot == nil else { throw UsageError(description: "error: give --snapshot or --database-url, not both") }
            #if Database
            SnapshotFile.apply(try DatabaseSupport.readSnapshot(DatabaseSupport.connectionString(databaseUrl, useEnvironment: false)),
                               to: &configuration)
            #else
            throw DatabaseSupport.notBuilt
            #endif
        }
        if let failOn { configuration.failOn = failOn }
        if failOnUnanalyzed { configuration.failOnUnanalyzed = true }
        let runner = LintRunner(engine: LintEngine(rules: allRules, configuration: configuration))
        var (outcomes, errors) = try lintInputs(runner)
        if fix || diff {
            outcomes = outcomes.map { outcome in
                guard case .linted(let report) = outcome else { return outcome }
                switch applyFixes(report, runner: runner) {
                case .success(let fixed): return .linted(fixed)
                case .failure(let error):
                    errors.append(error)
                    return outcome
                }
            }
        }
        let result = LintResult(outcomes: outcomes, errors: errors, rules: runner.engine.rules.map(\.description))
        // With --diff the diffs are the text output.
        let format = self.format ?? .text
        let output = LintOutput(format: diff && format == .text ? nil : format, color: color ?? .auto, runner: runner)
        output.finish(result, failOn: configuration.failOn, failOnUnanalyzed: configuration.failOnUnanalyzed)
    }

    /// Lints standard input (`-`) and the files the paths name, or those of them changed since
    /// `--changed-since`. Errors are files that could not be read.
    func lintInputs(_ runner: LintRunner) throws -> ([FileOutcome], [InputError]) {
        var outcomes: [FileOutcome] = []
        var errors: [InputError] = []
        let paths = input.inputPaths(runner.engine.configuration)
        let discovery = FileDiscovery(exclude: runner.engine.configuration.exclude)
        if paths.contains("-") {
            let name = input.stdinFilename ?? "<stdin>"
            if !discovery.isExcluded(name) {
                let bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
                switch SourceReader.decode(bytes, path: name) {
                case .success(let source): outcomes += runner.run(count: 1) { _ in runner.lint(path: name, source: source) }
                case .failure(let error): errors.append(error)
                }
            }
        }
        var (files, discoveryErrors) = discovery.collect(paths.filter { $0 != "-" })
        errors += discoveryErrors
        if let changedSince {
            do {
                files = try ChangedFiles.since(changedSince, in: FileManager.default.currentDirectoryPath).filter(files)
            } catch let error as ChangedFiles.GitError {
                throw UsageError(description: error.description)
            }
        }
        return (outcomes + runner.lint(paths: files), errors)
    }
    /// Applies a file's fixes, re-lints the result, and writes it (or prints the diff) only when
    /// it still parses and the fixed findings are gone. Returns the report of the file as it is
    /// after this step.
    func applyFixes(_ report: FileReport, runner: LintRunner) -> Result<FileReport, InputError> {
        let fixable = report.diagnostics.filter { $0.fix != nil }
        guard !fixable.isEmpty else { return .success(report) }
        let (bytes, applied) = FixApplier.apply(fixable.compactMap(\.fix), to: report.source.bytes)
        let newSource = SourceText(bytes: bytes)
        guard case .linted(let after) = runner.lint(path: report.path, source: newSource) else { return .success(report) }
        let syntaxBefore = report.diagnostics.filter { $0.ruleID == EngineDiagnostics.syntaxError.id }.count
        let syntaxAfter = after.diagnostics.filter { $0.ruleID == EngineDiagnostics.syntaxError.id }.count
        if syntaxAfter > syntaxBefore {
            return .failure(InputError(path: report.path, message: "fixes not written: the fixed file no longer parses"))
        }
        var fixedPerRule: [String: Int] = [:]
        for index in applied { fixedPerRule[fixable[index].ruleID, default: 0] += 1 }
        for (rule, count) in fixedPerRule {
            let before = report.diagnostics.filter { $0.ruleID == rule }.count
            let remaining = after.diagnostics.filter { $0.ruleID == rule }.count
            if remaining > before - count {
                return .failure(InputError(path: report.path, message: "fixes not written: `\(rule)` still fires after its fix"))
            }
        }
        if diff {
            writeOutput(UnifiedDiff.render(old: report.source.text(0..<report.source.count),
                                           new: newSource.text(0..<newSource.count), path: report.path))
            return .success(report)
        }
        do {
            try AtomicWriter().write(bytes, to: report.path)
        } catch let error as InputError {
            return .failure(error)
        } catch {
            return .failure(InputError(path: report.path, message: "fixes not written: \(error)"))
        }
        return .success(after)
    }
}
