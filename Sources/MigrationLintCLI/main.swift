import ArgumentParser
import Foundation

// Exit codes, as documented in the README:
//   0  nothing at or above the failure threshold
//   1  findings at or above the threshold
//   2  usage, configuration or I/O errors (wins over 1)
do {
    let arguments = PathArguments(Array(CommandLine.arguments.dropFirst()))
    var command = try MigrationLintCommand.parseAsRoot(arguments.forParser)
    if var lint = command as? LintCommand, !arguments.paths.isEmpty {
        lint.input.paths += arguments.paths
        command = lint
    }
    try command.run()
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch {
    let code = MigrationLintCommand.exitCode(for: error)
    if code == .success {
        // --help and --version
        print(MigrationLintCommand.fullMessage(for: error))
        Foundation.exit(0)
    }
    FileHandle.standardError.write(Data((MigrationLintCommand.fullMessage(for: error) + "\n").utf8))
    Foundation.exit(2)
}
