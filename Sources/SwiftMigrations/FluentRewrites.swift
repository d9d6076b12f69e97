import MigrationLint

/// Rewrites in the user's language: where the safer form can be written with Fluent's builder,
/// a note with the Swift to write; elsewhere the rule's SQL stands, to run through `sql.raw`.
public enum FluentRewrites {
    /// A note for a finding whose range covers the builder call `call` (its text in the Swift file).
    public static func note(ruleID: String, call: String) -> String? {
        let text = call.trimmingCharacters(in: " \t\r\n")
        switch ruleID {
        case "add-column-not-null-without-default":
            guard text.hasPrefix(".field("), text.hasSuffix(")"), !text.contains(".default("),
                  let arguments = Self.arguments(of: text), arguments.count >= 2,
                  let value = Self.constantDefault(for: arguments[1]) else { return nil }
            let rewritten = String(text.dropLast()) + ", .sql(.default(\(value))))"
            return "in Fluent: `\(rewritten)` (a constant default is stored once: no rewrite, and existing rows get it)"
        case "unjustified-nullable-column":
            guard text.hasPrefix(".field(") else { return nil }
            return "in Fluent: add `.required` to `\(text)`, or say why NULL is needed with `// nullable: <reason>` on its line"
        case "create-index-concurrently":
            // The finding is placed on the chain's verb (`create`), or on the whole call.
            guard text == "create" || text.hasPrefix("create(index:") || text.hasPrefix(".create(index:") else { return nil }
            return "SQLKit's `create(index:)` cannot write CONCURRENTLY: send the rewrite below with `sql.raw(\"...\")` in a migration of its own, a name made at run time written as `\\(ident: name)`"
        case "add-unique-constraint":
            guard text.hasPrefix(".unique(on:") else { return nil }
            return "Fluent's `.unique(on:)` cannot build its index CONCURRENTLY: send the steps below with `sql.raw(\"...\")`, the index in a migration of its own; keeping Fluent's name `uq:...` lets `.deleteUnique(on:)` drop it later"
        default:
            return nil
        }
    }

    /// A literal default Fluent can write for a data type, as Swift.
    static func constantDefault(for dataType: String) -> String? {
        switch dataType.trimmingCharacters(in: " \t\r\n") {
        case ".string": return "\"\""
        case ".int", ".int8", ".int16", ".int32", ".int64", ".uint", ".uint8", ".uint16", ".uint32", ".uint64", ".double", ".float": return "0"
        case ".bool": return "false"
        case ".datetime", ".date": return "SQLFunction(\"now\")"
        default: return nil
        }
    }

    /// The top-level arguments of `name(a, b(c, d), "e,f")`.
    static func arguments(of call: String) -> [String]? {
        guard let open = call.firstIndex(of: "(") else { return nil }
        var arguments: [String] = []
        var depth = 0
        var inString = false
        var current = ""
        var previous: Character = " "
        for character in call[call.index(after: open)...] {
            if inString {
                current.append(character)
                if character == "\"" && previous != "\\" { inString = false }
            } else if character == "\"" {
                inString = true
                current.append(character)
            } else if character == "(" || character == "[" {
                depth += 1
                current.append(character)
            } else if character == ")" || character == "]" {
                if depth == 0 { arguments.append(current); break }
                depth -= 1
                current.append(character)
            } else if character == ",", depth == 0 {
                arguments.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        return arguments.map { $0.trimmingCharacters(in: " \t\r\n") }
    }
}
