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
