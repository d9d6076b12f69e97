import ArgumentParser
import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "List every rule, or print one rule's documentation with examples.")

    @Argument(help: "A rule id, to print its documentation.")
    var ruleID: String?

    @Flag(help: "Print the list as the README's Markdown table.")
    var markdown = false

    @Flag(help: "Print which squawk rule maps onto which of ours (init --from-squawk, squawk-compat).")
    var squawk = false

    func run() throws {
        let descriptions = allRules.map(\.description) + EngineDiagnostics.all
        if squawk { return writeOutput(SquawkRules.markdownTable()) }
        guard let ruleID else {
            writeOutput(markdown ? RuleDocumentation.markdownTable(descriptions) : RuleDocumentation.table(descriptions))
            return
        }
        guard let description = descriptions.first(where: { $0.id == ruleID }) else {
            let hint = closestMatch(to: ruleID, in: descriptions.map(\.id)).map { "; did you mean `\($0)`?" } ?? ""
            printError("error: unknown rule `\(ruleID)`\(hint)")
            throw ExitCode(2)
        }
        writeOutput(RuleDocumentation.page(description))
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a commented starter .migration-lint.yml in the current directory.",
        discussion: "With --from-squawk, the file keeps what a squawk configuration says instead (see `migration-lint rules --squawk`).")

    @Flag(help: "Overwrite an existing .migration-lint.yml.")
    var force = false

    @Flag(name: .customLong("from-squawk"), help: "Convert squawk's configuration file.")
    var fromSquawk = false

    @Argument(help: "With --from-squawk: squawk's configuration file (default: .squawk.toml).")
    var squawkConfiguration: String?

    func validate() throws {
        if squawkConfiguration != nil && !fromSquawk {
            throw ValidationError("a configuration file is read only with --from-squawk")
        }
    }

    func run() throws {
        let path = ".migration-lint.yml"
        if FileManager.default.fileExists(atPath: path) && !force {
            printError("error: \(path) already exists (use --force to overwrite)")
            throw ExitCode(2)
        }
        let rules = allRules.map(\.description)
        var text = ConfigurationFile.starter(rules: rules)
        var source: String?
        if fromSquawk {
            let squawkPath = squawkConfiguration ?? ".squawk.toml"
            guard let data = FileManager.default.contents(atPath: squawkPath),
                  let toml = String(data: data, encoding: .utf8) else {
                printError("error: cannot read \(squawkPath): \(FileManager.default.fileExists(atPath: squawkPath) ? "not UTF-8 text" : "no such file")")
                throw ExitCode(2)
            }
            do {
                text = try SquawkConfiguration.parse(toml, path: squawkPath)
                    .migrationLintConfiguration(rules: rules, source: squawkPath)
            } catch let error as InputError {
                printError(error.description)
                throw ExitCode(2)
            }
            source = squawkPath
        }
        do {
            try AtomicWriter().write(Array(text.utf8), to: path)
        } catch {
            printError("error: cannot write \(path): \(error)")
            throw ExitCode(2)
        }
        writeOutput("wrote \(path)" + (source.map { " from \($0)" } ?? "") + "\n")
    }
}
