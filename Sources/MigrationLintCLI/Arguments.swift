import MigrationLint
import MigrationInput

/// One option of a command: the parser reads it and the help describes it from this value.
struct Option {
    enum Kind: Equatable {
        case flag
        case text
        case integer
        /// One of these values, listed in the help and in the error for any other.
        case choice([String])
    }

    let name: String
    let kind: Kind
    /// Shown as `<valueName>`; the name without its dashes unless said otherwise.
    let valueName: String
    let help: String
    var repeatable = false
    /// Read when the option is not given, and said in the help.
    var defaultValue: String?

    static func flag(_ name: String, help: String) -> Option {
        Option(name: name, kind: .flag, valueName: "", help: help)
    }

    static func text(_ name: String, valueName: String? = nil, repeatable: Bool = false, help: String) -> Option {
        Option(name: name, kind: .text, valueName: valueName ?? String(name.dropFirst(2)), help: help, repeatable: repeatable)
    }

    static func integer(_ name: String, help: String) -> Option {
        Option(name: name, kind: .integer, valueName: String(name.dropFirst(2)), help: help)
    }

    static func choice<Value: RawRepresentable & CaseIterable>(_ name: String, of _: Value.Type, default defaultValue: Value? = nil,
                                                              help: String) -> Option where Value.RawValue == String {
        Option(name: name, kind: .choice(Value.allCases.map(\.rawValue)), valueName: String(name.dropFirst(2)), help: help,
               defaultValue: defaultValue?.rawValue)
    }
}

/// The plain arguments a command takes (paths, a rule id).
struct Positional {
    let name: String
    let help: String
    /// Any number of them, else at most one.
    let repeating: Bool
}

/// What a command accepts, and its one-line description: everything its help and its parsing need.
struct CommandSpec {
    let name: String
    let abstract: String
    var positional: Positional?
    var options: [Option]
}

/// A command line as read against a `CommandSpec`, before it means anything.
struct ParsedArguments {
    private(set) var positionals: [String] = []
    /// The values given to each option, in order; an empty string for each use of a flag.
    private var given: [String: [String]] = [:]

    func flag(_ option: Option) -> Bool { given[option.name] != nil }

    /// The last value given (an option said twice keeps the second), else the default.
    func value(_ option: Option) -> String? { given[option.name]?.last ?? option.defaultValue }

    func values(_ option: Option) -> [String] { given[option.name] ?? [] }

    func integer(_ option: Option) -> Int? { value(option).flatMap { Int($0) } }

    func choice<Value: RawRepresentable>(_ option: Option) -> Value? where Value.RawValue == String {
        value(option).flatMap(Value.init(rawValue:))
    }

    /// What a command line asks for: the command to run, or its help, or the version.
    enum Request {
        case run(ParsedArguments)
        case help
        case version
    }

    /// Reads the arguments after the command's name, one pass: options in either `--opt value` or
    /// `--opt=value` form, anywhere among the positionals; `--` ends the options; `-` is a
    /// positional (standard input).
    static func parse(_ arguments: ArraySlice<String>, as spec: CommandSpec) throws -> Request {
        var parsed = ParsedArguments()
        var index = arguments.startIndex
        var optionsEnded = false
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                if spec.positional == nil || (spec.positional?.repeating == false && !parsed.positionals.isEmpty) {
                    throw ArgumentError.unexpectedArgument(argument)
                }
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            let equals = argument.hasPrefix("--") ? argument.firstIndex(of: "=") : nil
            let name = equals.map { String(argument[..<$0]) } ?? argument
            switch name {
            case "-h", "--help": return .help
            case "--version": return .version
            default: break
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                let known = spec.options.map(\.name) + ["--help", "--version"]
                throw ArgumentError.unknownOption(name, suggestion: closestMatch(to: name, in: known))
            }
            var value = equals.map { String(argument[argument.index(after: $0)...]) }
            if option.kind == .flag {
                if let value { throw ArgumentError.flagWithValue(option, value) }
                parsed.given[name, default: []].append("")
                continue
            }
            // Like a missing value: `--config --format json` is a forgotten file name, not a file
            // named `--format`. A value that starts with a dash goes after `=`.
            if value == nil, index < arguments.endIndex, arguments[index] == "-" || !arguments[index].hasPrefix("-") {
                value = arguments[index]
                index += 1
            }
            guard let value, !value.isEmpty else { throw ArgumentError.missingValue(option) }
            try option.check(value)
            parsed.given[name, default: []].append(value)
        }
        return .run(parsed)
    }
}

extension Option {
    func check(_ value: String) throws {
        switch kind {
        case .flag, .text: return
        case .integer:
            if Int(value) == nil { throw ArgumentError.invalidValue(self, value) }
        case .choice(let values):
            if !values.contains(value) { throw ArgumentError.invalidValue(self, value) }
        }
    }
}

/// A command line that cannot be read: said with the command's usage, exit 2.
enum ArgumentError: Error, CustomStringConvertible {
    case unknownOption(String, suggestion: String?)
    case unknownCommand(String, suggestion: String?)
    case missingValue(Option)
    case invalidValue(Option, String)
    case flagWithValue(Option, String)
    case unexpectedArgument(String)

    var description: String {
        switch self {
        case .unknownOption(let name, let suggestion):
            return "error: unknown option '\(name)'" + hint(suggestion)
        case .unknownCommand(let name, let suggestion):
            return "error: unknown command '\(name)'" + hint(suggestion)
        case .missingValue(let option):
            return "error: missing value for '\(option.name) <\(option.valueName)>'"
        case .invalidValue(let option, let value):
            guard case .choice(let values) = option.kind else {
                return "error: invalid value '\(value)' for '\(option.name)': expected a number"
            }
            return "error: invalid value '\(value)' for '\(option.name)': expected one of \(values.joined(separator: ", "))"
                + hint(closestMatch(to: value, in: values))
        case .flagWithValue(let option, let value):
            return "error: '\(option.name)' takes no value, got '\(value)'"
        case .unexpectedArgument(let argument):
            return "error: unexpected argument '\(argument)'"
        }
    }

    private func hint(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }
}
