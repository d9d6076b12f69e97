import Foundation

/// Rule documentation rendered from the rule values: `migration-lint rules`, the README table.
public enum RuleDocumentation {
    /// One line per rule: id, category, default severity, fixable, summary.
    public static func table(_ rules: [RuleDescription]) -> String {
        let idWidth = rules.map(\.id.count).max() ?? 10
        let categoryWidth = rules.map(\.category.rawValue.count).max() ?? 8
        var out = pad("RULE", idWidth) + "  " + pad("CATEGORY", categoryWidth) + "  DEFAULT  FIX  SUMMARY\n"
        for rule in rules {
            out += pad(rule.id, idWidth) + "  " + pad(rule.category.rawValue, categoryWidth) + "  "
                + pad(rule.defaultSeverity?.rawValue ?? "off", 7) + "  " + (rule.isFixable ? "yes" : "   ") + "  " + rule.summary + "\n"
        }
        return out
    }

    /// The README's rules table (Markdown).
    public static func markdownTable(_ rules: [RuleDescription]) -> String {
        var out = "| rule | category | default | fixable | summary |\n|---|---|---|---|---|\n"
        for rule in rules {
            out += "| `\(rule.id)` | \(rule.category.rawValue) | \(rule.defaultSeverity?.rawValue ?? "off") | \(rule.isFixable ? "yes" : "no") | \(rule.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }

    /// The full page for one rule.
    public static func page(_ rule: RuleDescription) -> String {
        var out = "\(rule.id)\n\(String(repeating: "=", count: rule.id.count))\n\n"
        out += "\(rule.summary)\n\n"
        out += "Category: \(rule.category.rawValue). Default severity: \(rule.defaultSeverity?.rawValue ?? "off"). Fixable: \(rule.isFixable ? "yes" : "no").\n\n"
        out += "What PostgreSQL does\n--------------------\n\(rule.rationale)\n\n"
        out += "How to do it safely\n-------------------\n\(rule.safeAlternative)\n\n"
        if let notes = rule.versionNotes { out += "Versions\n--------\n\(notes)\n\n" }
        out += "Instead of\n----------\n"
        for example in rule.badExamples { out += indent(example) + "\n" }
        out += "\nUse\n---\n"
        for example in rule.goodExamples { out += indent(example) + "\n" }
        if !rule.fixExamples.isEmpty {
            out += "\nFixes (--fix)\n-------------\n"
            for fix in rule.fixExamples {
                out += indent(fix.before) + "    -- becomes\n" + fix.after.split(separator: "\n").map { "    \($0)\n" }.joined() + "\n"
            }
        }
        return out
    }

    static func indent(_ example: RuleExample) -> String {
        var header = ""
        if let version = example.postgresVersion { header += "    -- PostgreSQL \(version)\n" }
        if example.inTransaction == true { header += "    -- in a migration that runs inside a transaction\n" }
        return header + example.shownSQL.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)\n" }.joined()
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
