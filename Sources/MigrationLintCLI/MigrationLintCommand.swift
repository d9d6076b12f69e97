import Foundation
import MigrationLint
import MigrationInput

/// A command: what it accepts, how it is filled from a command line, and what it does.
protocol Command {
    static var spec: CommandSpec { get }
    init(_ arguments: ParsedArguments)
    func run() throws
}

/// Ends the process with this status once the command has said why.
struct ExitCode: Error {
    let rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }
}

/// The tool: picks the command (`lint` when the first argument names none), reads its arguments,
/// and runs it, or prints help or the version.
enum MigrationLintCommand {
    static let version = "0.1.0"
    static let name = "migration-lint"
    static let abstract = "Finds dangerous PostgreSQL migrations before they run: locks, rewrites, breaking changes."
    static let discussion = """
        Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, configuration or I/O error.
        Docs for a rule: migration-lint rules RULE-ID.
        """
    static let versionLine = "migration-lint \(version) (PostgreSQL 15 grammar, libpg_query)\n"
    /// The first is the default.
    static let commands: [any Command.Type] = [LintCommand.self, ExplainCommand.self, RulesCommand.self, InitCommand.self, LspCommand.self]

    static func main(_ arguments: [String]) -> Never {
        do {
            try run(arguments)
            exit(0)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            printError("error: \(error)")
            exit(2)
        }
    }

    static func run(_ arguments: [String]) throws {
        switch arguments.first {
        case "-h", "--help":
            return writeOutput(rootHelp())
        case "--version":
            return writeOutput(versionLine)
        case "help":
            guard let topic = arguments.dropFirst().first, topic != "help" else { return writeOutput(rootHelp()) }
            guard let command = commands.first(where: { $0.spec.name == topic }) else {
                let error = ArgumentError.unknownCommand(topic, suggestion: closestMatch(to: topic, in: commands.map { $0.spec.name }))
                throw usageError(error, usage: "\(name) help [<subcommand>]", helpCommand: "\(name) --help")
            }
            return writeOutput(Help.page(command.spec, tool: name))
        default:
            break
        }
        let named = commands.first { $0.spec.name == arguments.first }
        let command = named ?? LintCommand.self
        let request: ParsedArguments.Request
        do {
            request = try ParsedArguments.parse(arguments.dropFirst(named == nil ? 0 : 1), as: command.spec)
        } catch let error as ArgumentError {
            throw usageError(error, usage: Help.usage(command.spec, tool: name), helpCommand: "\(name) \(command.spec.name) --help")
        }
        switch request {
        case .help: writeOutput(Help.page(command.spec, tool: name))
        case .version: writeOutput(versionLine)
        case .run(let parsed): try command.init(parsed).run()
        }
    }

    static func rootHelp() -> String {
        Help.root(tool: name, abstract: abstract, discussion: discussion, commands: commands.map { $0.spec })
    }

    /// Says what is wrong with the command line, and how it is used.
    static func usageError(_ error: ArgumentError, usage: String, helpCommand: String) -> ExitCode {
        printError("\(error)\nUsage: \(usage)\n  See '\(helpCommand)' for more information.")
        return ExitCode(2)
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
        var offset = 0
        while offset < buffer.count {
            let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
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
