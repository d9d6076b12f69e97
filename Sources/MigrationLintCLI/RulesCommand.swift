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

    func run() throws {
        let descriptions = allRules.map(\.description) + EngineDiagnostics.all
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
        commandName: "init", abstract: "Write a commented starter .migration-lint.yml in the current directory.")

    @Flag(help: "Overwrite an existing .migration-lint.yml.")
    var force = false

    func run() throws {
        let path = ".migration-lint.yml"
        if FileManager.default.fileExists(atPath: path) && !force {
            printError("error: \(path) already exists (use --force to overwrite)")
            throw ExitCode(2)
        }
        let text = ConfigurationFile.starter(rules: allRules.map(\.description))
        do {
            try AtomicWriter().write(Array(text.utf8), to: path)
        } catch {
            printError("error: cannot write \(path): \(error)")
            throw ExitCode(2)
        }
        writeOutput("wrote \(path)\n")
    }
}
