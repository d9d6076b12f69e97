import ArgumentParser
import Foundation
import MigrationLint
import MigrationInput
import MigrationLintRules

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
