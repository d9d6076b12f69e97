import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules

struct RulesCommand: Command {
    static let markdown = Option.flag("--markdown", help: "Print the list as the README's Markdown table.")
    static let spec = CommandSpec(
        name: "rules", abstract: "List every rule, or print one rule's documentation with examples.",
        positional: Positional(name: "rule-id", help: "A rule id, to print its documentation.", repeating: false),
        options: [markdown])

    var ruleID: String?
    var markdown: Bool

    init(_ arguments: ParsedArguments) {
        ruleID = arguments.positionals.first
        markdown = arguments.flag(Self.markdown)
    }

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

struct InitCommand: Command {
    static let force = Option.flag("--force", help: "Overwrite an existing .migration-lint.yml.")
    static let spec = CommandSpec(
        name: "init", abstract: "Write a commented starter .migration-lint.yml in the current directory.", options: [force])

    var force: Bool

    init(_ arguments: ParsedArguments) {
        force = arguments.flag(Self.force)
    }

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
