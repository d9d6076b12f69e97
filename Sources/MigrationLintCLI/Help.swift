/// Help pages in the usual layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, text wrapped to fit 80
/// columns and each description in a column of its own.
enum Help {
    /// The longest line: one less than a classic terminal, whose last column would wrap.
    static let width = 79
    /// Where descriptions start; a longer label takes a line of its own.
    static let column = 26

    /// The options every command takes besides its own.
    static let standardOptions = [("--version", "Show the version."), ("-h, --help", "Show help information.")]

    static func page(_ spec: CommandSpec, tool: String) -> String {
        var text = overview(spec.abstract) + "\n"
        text += "USAGE: \(usage(spec, tool: tool))\n\n"
        if let positional = spec.positional {
            text += "ARGUMENTS:\n" + entry("<\(positional.name)>", positional.help) + "\n"
        }
        text += "OPTIONS:\n"
        for option in spec.options {
            text += entry(option.kind == .flag ? option.name : "\(option.name) <\(option.valueName)>", describe(option))
        }
        return text + standardOptions.map { entry($0.0, $0.1) }.joined() + "\n"
    }

    /// The root page: what the tool does, then its commands, the first being the default.
    static func root(tool: String, abstract: String, discussion: String, commands: [CommandSpec]) -> String {
        var text = overview(abstract) + "\n"
        text += discussion.split(separator: "\n").map { wrap(String($0), width: width).joined(separator: "\n") + "\n" }.joined()
        text += "\nUSAGE: \(tool) <subcommand>\n\nOPTIONS:\n" + standardOptions.map { entry($0.0, $0.1) }.joined()
        text += "\nSUBCOMMANDS:\n"
        for (index, command) in commands.enumerated() {
            text += entry(index == 0 ? "\(command.name) (default)" : command.name, command.abstract)
        }
        return text + "\n  See '\(tool) help <subcommand>' for detailed help.\n"
    }

    /// Each option when they fit on one line, else `[<options>]`.
    static func usage(_ spec: CommandSpec, tool: String) -> String {
        let positional = spec.positional.map { "[<\($0.name)>\($0.repeating ? " ..." : "")]" }
        let options = spec.options.map { option in
            option.kind == .flag ? "[\(option.name)]" : "[\(option.name) <\(option.valueName)>\(option.repeatable ? " ..." : "")]"
        }
        let spelled = ([tool, spec.name] + [positional].compactMap { $0 } + options).joined(separator: " ")
        if "USAGE: ".count + spelled.count <= width { return spelled }
        return ([tool, spec.name, "[<options>]"] + [positional].compactMap { $0 }).joined(separator: " ")
    }

    /// The help text, then the allowed values and the default: `(values: a, b; default: a)`.
    static func describe(_ option: Option) -> String {
        var facts: [String] = []
        if case .choice(let values) = option.kind { facts.append("values: " + values.joined(separator: ", ")) }
        if let defaultValue = option.defaultValue { facts.append("default: " + defaultValue) }
        return facts.isEmpty ? option.help : option.help + " (" + facts.joined(separator: "; ") + ")"
    }

    static func overview(_ abstract: String) -> String {
        wrap("OVERVIEW: " + abstract, width: width).joined(separator: "\n") + "\n"
    }

    /// `  label   description`, the description wrapped in its column.
    static func entry(_ label: String, _ description: String) -> String {
        let lines = wrap(description, width: width - column)
        let indent = String(repeating: " ", count: column)
        var text = "  " + label
        var rest = lines[...]
        if 2 + label.count + 2 <= column, let first = rest.popFirst() {
            text += String(repeating: " ", count: column - 2 - label.count) + first
        }
        return text + rest.map { "\n" + indent + $0 }.joined() + "\n"
    }

    /// Words greedily onto lines of at most `width` characters.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        return lines + [line]
    }
}
