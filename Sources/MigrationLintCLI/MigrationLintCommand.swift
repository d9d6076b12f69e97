import ArgumentParser
import Foundation
import MigrationLint
import PostgresSyntax

/// The tool: `lint` when the first argument names no other command.
struct MigrationLintCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "migration-lint",
        abstract: "Finds dangerous PostgreSQL migrations before they run: locks, rewrites, breaking changes.",
        discussion: """
            Exit codes: 0 no finding at or above --fail-on (and, with --fail-on-unanalyzed, every statement checked); 1 findings at or above it, or with --fail-on-unanalyzed a statement not checked; 2 usage, configuration or I/O error.
            Docs for a rule: migration-lint rules RULE-ID.
            """,
        version: "migration-lint \(version) (PostgreSQL \(GrammarVersion.text) grammar, libpg_query)",
        // A new command is one more entry here.
        subcommands: [LintCommand.self, ExplainCommand.self, RulesCommand.self, InitCommand.self, LspCommand.self,
                      SnapshotCommand.self, VerifyCommand.self],
        defaultSubcommand: LintCommand.self)

    /// Parses the arguments, runs the command and returns the process's exit status:
    /// 0 nothing at or above the failure threshold; 1 findings at or above it; 2 a usage,
    /// configuration or I/O error (ArgumentParser's own code for usage errors, 64, becomes 2).
    static func exitStatus(_ arguments: [String]) -> Int32 {
        let commandNames = configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
        do {
            // ArgumentParser shows the root page for `help` with a command it does not know.
            if arguments.first == "help", let topic = arguments.dropFirst().first, !commandNames.contains(topic) {
                let hint = closestMatch(to: topic, in: commandNames).map { ". Did you mean '\($0)'?" } ?? ""
                throw ValidationError("Unknown subcommand '\(topic)'\(hint)")
            }
            let split = PathArguments(arguments, otherCommands: Set(commandNames.filter { $0 != "lint" }))
            var command = try lintAlone(split.forParser, commandNames: commandNames) ?? parseAsRoot(split.forParser)
            if var lint = command as? LintCommand, !split.paths.isEmpty {
                lint.input.paths += split.paths
                command = lint
            }
            try command.run()
            return 0
        } catch let code as ExitCode {
            // A command's own result: it has said what there was to say.
            return code.rawValue
        } catch let error as UsageError {
            printError(error.description)
            return 2
        } catch {
            // Help, the version and completion scripts come here too, with status 0.
            let text = fullMessage(for: error)
            if exitCode(for: error) == .success {
                writeOutput(text + "\n")
                return 0
            }
            printError(text)
            return 2
        }
    }
}

extension MigrationLintCommand {
    /// The arguments parsed as `lint` alone when they are a `lint` command line it accepts as it
    /// is; nil otherwise. From the root, ArgumentParser also reflects over every other command,
    /// and each first protocol-conformance lookup walks the binary's 11,000 conformance records:
    /// parsing `lint` alone takes 14 % fewer instructions from a one-file run (docs/benchmarks.md,
    /// "Start-up"). Help, `--version`, completion scripts and every mistake go through the root,
    /// so they read the same.
    static func lintAlone(_ arguments: [String], commandNames: [String]) -> (any ParsableCommand)? {
        var arguments = arguments
        if arguments.first == "lint" {
            arguments.removeFirst()
        } else if let first = arguments.first, commandNames.contains(first) {
            return nil
        }
        // A help request comes back as ArgumentParser's own help command: only a lint is taken.
        return (try? LintCommand.parseAsRoot(arguments)) as? LintCommand
    }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes to standard output without the per-line cost of `print` on large outputs.
func writeOutput(_ text: String) {
    writeOutput(Array(text.utf8))
}

/// Standard output gathered into large writes: output made of many small pieces would
/// otherwise cost a system call each, and joining it all first would copy megabytes.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20

    init() { buffer.reserveCapacity(capacity) }

    mutating func append(_ bytes: [UInt8]) {
        if buffer.count + bytes.count > capacity { flush() }
        if bytes.count >= capacity { writeOutput(bytes) } else { buffer += bytes }
    }

    mutating func flush() {
        writeOutput(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes bytes to standard output as they are, without copying them into a `Data` first.
func writeOutput(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(STDOUT_FILENO, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return // a closed pipe: nothing more can be said
            }
            offset += written
        }
    }
}

/// A configuration error or bad flag: message already formatted, exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}
