import ArgumentParser
import Foundation
import LanguageServer

struct LspCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp", abstract: "Run the language server (LSP over standard input and output) for editors.")

    func run() throws {
        // A client that goes away mid-write must end the server with an exit code, not SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var options = LanguageServer.Options()
        options.version = MigrationLintCommand.version
        let code = LanguageServer(input: .standardInput, output: .standardOutput, options: options).run()
        if code != 0 { throw ExitCode(code) }
    }
}
