import LockModel
import MigrationLint
import PostgresSyntax

/// CHECK constraints on domains: adding one scans every column of the domain in every table.
public struct DomainConstraint: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "domain-constraint",
        category: .locking,
        defaultSeverity: .warning,
        summary: "A CHECK on a domain: adding one later scans every column of that type in every table under a SHARE lock.",
        rationale: """
            ALTER DOMAIN ... ADD CHECK (and SET NOT NULL) must prove every existing value of the domain valid: \
            PostgreSQL finds every table with a column of that type and scans each one, holding a SHARE lock on \
            it (reads continue, every INSERT, UPDATE and DELETE waits) until the transaction commits. The \
            statement names only the domain, so the tables it locks are invisible in the migration. A domain that \
            is created with a CHECK carries the same cost into the future: the CHECK cannot be changed without \
            that scan, and ADD COLUMN of the domain type on an existing table rewrites the table even without a \
            default. A domain created in the same migration is not used by any populated table yet and is not \
            flagged when altered.
            """,
        safeAlternative: """
            Put the CHECK on the columns as table constraints: those can be added NOT VALID and validated under \
            SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes. If the domain CHECK must change, add it \
            NOT VALID (new values are checked at once) and run VALIDATE CONSTRAINT at a quiet time: it still scans \
            under SHARE.
            """,
        versionNotes: "NOT VALID for domain constraints exists since PostgreSQL 9.2.",
        badExamples: [
            RuleExample("ALTER DOMAIN email ↓ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');"),
            RuleExample("ALTER DOMAIN app.\"Money\" ↓SET NOT NULL;"),
            RuleExample("CREATE DOMAIN positive_amount AS numeric ↓CHECK (VALUE > 0);"),
            RuleExample("CREATE DOMAIN app.\"Code\" AS text NOT NULL ↓CONSTRAINT code_format CHECK (VALUE ~ '^[A-Z]{3}$');"),
            RuleExample(#"ALTER DOMAIN positive ↓ADD CHECK (VALUE <> E'it\'s') -- don't\#n;"#),
            RuleExample(#"CREATE DOMAIN code AS text /* it's */ ↓CHECK (VALUE <> $$don't$$);"#),
        ],
        goodExamples: [
            RuleExample("ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;"),
            RuleExample("CREATE DOMAIN app.\"Code\" AS text NOT NULL;"),
            RuleExample("CREATE DOMAIN positive_amount AS numeric;\nALTER DOMAIN positive_amount ADD CHECK (VALUE > 0);"),
            RuleExample("ALTER DOMAIN email DROP CONSTRAINT email_has_at;"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        switch context.statement {
        case .createDomain(let name, _, let constraints):
            let words = context.words
            let checks = constraints.filter { if case .check = $0.kind { return true } else { return false } }
            guard !checks.isEmpty else { return [] }
            let ranges = checks.compactMap { checkRange($0, words) }
            // Each CHECK goes with the whitespace and comments before it.
            let rewritten = context.statementSQL(applying: ranges.map { range in
                let before = context.tokenIndex(at: range.lowerBound) - 1
                return Edit(range: (before >= 0 ? context.tokens[before].range.upperBound : range.lowerBound)..<range.upperBound, replacement: "")
            })
            return ranges.map { range in
                Finding(message: "domain \(name.sql) is created with a CHECK: changing it later scans every column of this type under a SHARE lock",
                        range: range,
                        notes: ["ADD COLUMN of this type on an existing table rewrites the table, even without a default"],
                        help: "put the CHECK on each column as a table constraint, which can be added NOT VALID and validated without blocking writes",
                        rewrite: RewritePlan([.migration(sql: rewritten, note: "the domain without its CHECK; add CHECK (col ...) NOT VALID on each column that uses it, then VALIDATE CONSTRAINT")]))
            }
        case .other("AlterDomainStmt"):
            let words = context.words
            guard words.count > 3, words[0].text == "ALTER", words[1].text == "DOMAIN" else { return [] }
            let domain = domainName(words, context)
            if createdInFile(domain, context) { return [] }
            let end = context.bodyEnd
            if let add = Hygiene.find(["ADD"], in: words), words.contains(where: { $0.text == "CHECK" }) {
                if Hygiene.find(["NOT", "VALID"], in: words, from: add) != nil { return [] }
                let notValid = context.statementSQL(applying: [Edit(range: end..<end, replacement: " NOT VALID")])
                return [Finding(
                    message: "ALTER DOMAIN \(domain) ADD CHECK scans every column of this type in every table, holding SHARE on each: writes wait until commit",
                    range: add < words.count ? words[add].range.lowerBound..<end : context.firstWordRange,
                    notes: ["the tables locked are not named in the statement: every table with a column of this domain"],
                    help: "add the constraint NOT VALID, then VALIDATE CONSTRAINT at a quiet time (it scans under SHARE)",
                    rewrite: RewritePlan([.migration(sql: notValid, note: "checks new values at once; existing values are checked by a later VALIDATE CONSTRAINT, which scans under SHARE")]))]
            }
            if let set = Hygiene.find(["SET", "NOT", "NULL"], in: words) {
                return [Finding(
                    message: "ALTER DOMAIN \(domain) SET NOT NULL scans every column of this type in every table, holding SHARE on each: writes wait until commit",
                    range: words[set].range.lowerBound..<end,
                    help: "enforce NOT NULL on the columns instead: a CHECK (col IS NOT NULL) NOT VALID, validated separately")]
            }
            return []
        default:
            return []
        }
    }

    /// `CONSTRAINT name CHECK (...)` or `CHECK (...)` of a CREATE DOMAIN.
    func checkRange(_ constraint: Constraint, _ words: [(text: String, range: Range<Int>)]) -> Range<Int>? {
        guard let location = constraint.location,
              var index = words.firstIndex(where: { $0.range.lowerBound >= location }) else { return nil }
        let start = words[index].range.lowerBound
        while index < words.count, words[index].text != "(" { index += 1 }
        var depth = 0
        while index < words.count {
            if words[index].text == "(" { depth += 1 } else if words[index].text == ")" { depth -= 1 }
            if depth == 0 { return start..<words[index].range.upperBound }
            index += 1
        }
        return nil
    }

    /// The domain name as written after ALTER DOMAIN.
    func domainName(_ words: [(text: String, range: Range<Int>)], _ context: RuleContext) -> String {
        var end = words[2].range.upperBound
        var index = 2
        while index + 2 < words.count, words[index + 1].text == "." {
            index += 2
            end = words[index].range.upperBound
        }
        return context.source.text(words[2].range.lowerBound..<end)
    }

    func createdInFile(_ written: String, _ context: RuleContext) -> Bool {
        context.fileAnalyses.contains { analysis in
            guard analysis.index < context.analysis.index, case .createDomain(let name, _, _)? = analysis.statement else { return false }
            return name.sql == written || (name.schema == nil && name.name == written.lowercased())
        }
    }
}
