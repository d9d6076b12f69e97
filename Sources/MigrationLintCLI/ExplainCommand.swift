import ArgumentParser
import Foundation
import LockModel
import MigrationLint
import MigrationInput
import MigrationLintRules
import PostgresSyntax
import Reporters

extension ExplainFormat: ArgumentChoice {}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show what each statement locks, rewrites and scans, and which locks each transaction holds.",
        // ArgumentParser spells out up to 12 options; a line of 240 characters helps nobody.
        usage: "migration-lint explain [<options>] [<paths> ...]")

    @OptionGroup var input: InputOptions

    @Option(help: "Output format")
    var format: ExplainFormat = .text

    func run() throws {
        let configuration = try input.resolve()
        let engine = LintEngine(rules: allRules, configuration: configuration)
        let runner = LintRunner(engine: engine)
        let discovery = FileDiscovery(exclude: configuration.exclude)
        let paths = input.inputPaths(configuration)
        var errors: [InputError] = []
        var inputs: [(path: String, source: Result<SourceText, InputError>)] = []
        if paths.contains("-") {
            let name = input.stdinFilename ?? "<stdin>"
            inputs.append((name, SourceReader.decode(Array(FileHandle.standardInput.readDataToEndOfFile()), path: name)))
        }
        let (files, discoveryErrors) = discovery.collect(paths.filter { $0 != "-" })
        errors += discoveryErrors
        inputs += files.map { ($0, SourceReader.read(path: $0)) }
        let sources = inputs
        let schemas = runner.schemasBefore(files)

        let explained = runner.run(count: sources.count) { index -> ExplainedFile? in
            guard case .success(let source) = sources[index].source else { return nil }
            let path = sources[index].path
            guard let file = runner.migrationFile(path: path, source: source) else {
                return nil
            }
            return ExplainedFile(file, analysis: engine.analyze(file, before: schemas[path]))
        }
        for item in sources { if case .failure(let error) = item.source { errors.append(error) } }
        writeOutput(renderExplain(explained.compactMap { $0 }, format: format))
        for error in errors { printError(error.description) }
        if !errors.isEmpty { throw ExitCode(2) }
    }
}
