import LockModel
import MigrationLint
import PostgresSyntax

/// CREATE / DROP without IF [NOT] EXISTS where a retried migration would fail on it.
public struct PreferRobustStatements: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "prefer-robust-statements",
        category: .hygiene,
        defaultSeverity: nil,
        summary: "A CREATE or DROP that is committed before a later part of the migration can fail: a retry stops on it.",
        rationale: """
            When a migration runs in one transaction, a failure rolls everything back and a retry starts clean: \
            IF [NOT] EXISTS adds nothing there, and it can hide drift (an existing table with other columns is \
            silently accepted). The rule therefore fires only where a retry really breaks: a statement that commits \
            in autocommit or in its own transaction while later statements of the file run in another one. If a \
            later statement fails, this one stays applied, and re-running the migration fails here with "already \
            exists" or "does not exist". CREATE INDEX CONCURRENTLY is special: when it fails it leaves an INVALID \
            index behind, and IF NOT EXISTS would then skip it and keep the broken index, so the rewrite drops the \
            leftover first. Off by default: most migrations run in a transaction, and teams that run them without \
            one turn it on.
            """,
        safeAlternative: """
            Add IF NOT EXISTS to CREATE TABLE / INDEX / SEQUENCE / SCHEMA / EXTENSION and ADD COLUMN, and IF EXISTS \
            to DROP statements and DROP COLUMN / CONSTRAINT, or run the migration in one transaction. For CREATE \
            INDEX CONCURRENTLY, precede it with DROP INDEX CONCURRENTLY IF EXISTS.
            """,
        versionNotes: "ADD COLUMN IF NOT EXISTS needs PostgreSQL 9.6; CREATE INDEX IF NOT EXISTS 9.5.",
        badExamples: [
            RuleExample("CREATE TABLE ↓app.\"Orders\" (id bigint PRIMARY KEY);\nCREATE INDEX CONCURRENTLY ↓orders_id_idx ON app.\"Orders\" (id);"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓nickname text NOT NULL DEFAULT '';\nDROP TABLE ↓old_sessions;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;"),
            RuleExample("BEGIN;\nCREATE SEQUENCE ↓invoice_numbers;\nCOMMIT;\nALTER TABLE invoices DROP COLUMN ↓legacy, DROP CONSTRAINT invoices_legacy_check;\nSELECT 1;"),
            RuleExample("CREATE INDEX CONCURRENTLY ↓users_email_idx ON users (email);"),
            RuleExample("CREATE UNLOGGED TABLE ↓\"Cache\" (k text PRIMARY KEY, v text NOT NULL);\nSELECT 1;"),
            RuleExample(#"CREATE TABLE /* it's */ ↓notes (id bigint PRIMARY KEY, body text NOT NULL DEFAULT E'it\'s');\#nSELECT 1;"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN ↓nickname text NOT NULL DEFAULT $$don't$$ /* it's */;\#nSELECT 1;"#),
        ],
        goodExamples: [
            RuleExample("CREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY);\nCREATE INDEX orders_id_idx ON app.\"Orders\" (id);",
                        inTransaction: true),
            RuleExample("BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nDROP TABLE old_sessions;\nCOMMIT;"),
            RuleExample("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nDROP TABLE IF EXISTS old_sessions;\nALTER TABLE users ADD COLUMN IF NOT EXISTS note text;"),
            RuleExample("CREATE TEMP TABLE scratch (id bigint);\nSELECT 1;"),
            RuleExample("DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);"),
            RuleExample("BEGIN;\nCREATE TYPE mood_new AS ENUM ('ok');\nALTER TYPE mood RENAME TO mood_old;\nALTER TYPE mood_new RENAME TO mood;\nDROP TYPE mood_old;\nCOMMIT;\nSELECT 1;"),
            RuleExample("DROP TABLE IF EXISTS scratch;\nCREATE TABLE scratch (id bigint PRIMARY KEY);\nSELECT 1;"),
        ],
        fixExamples: [
            FixExample(RuleExample("CREATE TABLE app.\"Orders\" (id bigint PRIMARY KEY);\nSELECT 1;"),
                       "CREATE TABLE IF NOT EXISTS app.\"Orders\" (id bigint PRIMARY KEY);\nSELECT 1;"),
            FixExample(RuleExample("ALTER TABLE users ADD COLUMN nickname text, DROP COLUMN legacy;\nDROP INDEX CONCURRENTLY users_legacy_idx;\nSELECT 1;"),
                       "ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text, DROP COLUMN IF EXISTS legacy;\nDROP INDEX CONCURRENTLY IF EXISTS users_legacy_idx;\nSELECT 1;"),
            FixExample(RuleExample("CREATE SCHEMA app;\nCREATE EXTENSION pgcrypto;\nCREATE UNIQUE INDEX orders_ref_idx ON orders (ref);\nSELECT 1;"),
                       "CREATE SCHEMA IF NOT EXISTS app;\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE UNIQUE INDEX IF NOT EXISTS orders_ref_idx ON orders (ref);\nSELECT 1;"),
            FixExample(RuleExample(#"CREATE TABLE /* it's */ notes (id bigint PRIMARY KEY, body text NOT NULL DEFAULT E'it\'s');\#nSELECT 1;"#),
                       #"CREATE TABLE /* it's */ IF NOT EXISTS notes (id bigint PRIMARY KEY, body text NOT NULL DEFAULT E'it\'s');\#nSELECT 1;"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let words = context.words
        if case .createIndex(let index) = context.statement, index.isConcurrent, !index.ifNotExists, let name = index.name {
            return concurrentIndex(context, words: words, name: name)
        }
        guard isCommittedBeforeLaterStatements(context) else { return [] }
        let history = earlierNames(context)
        var sites: [(at: Int, insert: String, what: String)] = []
        switch context.statement {
        case .createTable(let create) where !create.ifNotExists && !create.isTemporary && !history.dropped.contains(create.relation.name):
            if let at = afterWords(["CREATE", "UNLOGGED"], then: ["TABLE"], words) { sites.append((at, "IF NOT EXISTS ", "CREATE TABLE")) }
        case .createIndex(let index) where !index.ifNotExists && index.name.map({ !history.dropped.contains($0) }) ?? false:
            if let at = afterWords(["CREATE", "UNIQUE"], then: ["INDEX", "CONCURRENTLY"], words) { sites.append((at, "IF NOT EXISTS ", "CREATE INDEX")) }
        case .createSequence:
            if let at = afterWords(["CREATE", "TEMP", "TEMPORARY", "UNLOGGED"], then: ["SEQUENCE"], words), !startsIf(at, words),
               !words.contains(where: { $0.text == "TEMP" || $0.text == "TEMPORARY" }) {
                sites.append((at, "IF NOT EXISTS ", "CREATE SEQUENCE"))
            }
        case .createSchema:
            if let at = afterWords(["CREATE"], then: ["SCHEMA"], words), !startsIf(at, words) { sites.append((at, "IF NOT EXISTS ", "CREATE SCHEMA")) }
        case .createExtension:
            if let at = afterWords(["CREATE"], then: ["EXTENSION"], words), !startsIf(at, words) { sites.append((at, "IF NOT EXISTS ", "CREATE EXTENSION")) }
        // A retry re-creates what the file created or renamed into place before dropping it.
        case .drop(let drop) where !drop.ifExists && !drop.objects.contains(where: { history.created.contains($0.name) }):
            if let kindWords = Self.dropKindWords[drop.kind], let at = afterWords(["DROP"], then: kindWords + ["CONCURRENTLY"], words) {
                sites.append((at, "IF EXISTS ", "DROP \(drop.kind.rawValue.uppercased())"))
            }
        case .alterTable(let alter) where alter.kind == .table:
            sites = alterTableSites(alter, context: context, words: words)
        default:
            break
        }
        // One finding per statement: an ALTER TABLE with thirty ADD COLUMN clauses is one retry problem.
        guard let first = sites.first, let start = words.firstIndex(where: { $0.range.lowerBound >= first.at }) else { return [] }
        let edits = sites.map { Edit(range: $0.at..<$0.at, replacement: $0.insert) }
        let clause = first.insert.trimmingCharacters(in: .whitespaces)
        let more = sites.count > 1 ? " (and \(sites.count - 1) more clause\(sites.count == 2 ? "" : "s"))" : ""
        return [Finding(
            message: "\(first.what) without \(clause)\(more) is committed before the rest of the migration: if a later statement fails, a retry stops here",
            range: Self.nameRange(from: start, words),
            help: "add IF [NOT] EXISTS, or run the migration in one transaction",
            rewrite: rewrite(context, edits: edits),
            fix: Fix(message: sites.count > 1 ? "add IF [NOT] EXISTS to \(sites.count) clauses" : "add \(clause)", edits: edits))]
    }

    /// A possibly qualified name starting at word `start`: `app."Orders"`.
    static func nameRange(from start: Int, _ words: [(text: String, range: Range<Int>)]) -> Range<Int> {
        var end = start
        while end + 2 < words.count, words[end + 1].text == "." { end += 2 }
        return words[start].range.lowerBound..<words[end].range.upperBound
    }

    /// Names the file created (or renamed to) and dropped before this statement.
    func earlierNames(_ context: RuleContext) -> (created: Set<String>, dropped: Set<String>) {
        var created: Set<String> = []
        var dropped: Set<String> = []
        for analysis in context.fileAnalyses where analysis.index < context.analysis.index {
            switch analysis.statement {
            case .createTable(let create)?: created.insert(create.relation.name)
            case .createIndex(let index)?: if let name = index.name { created.insert(name) }
            case .createView(let view)?: created.insert(view.relation.name)
            case .createSequence(let name)?, .createEnum(let name)?, .createFunction(let name, _)?:
                created.insert(name.name)
            case .createDomain(let name, _, _)?: created.insert(name.name)
            case .rename(let rename)? where rename.subname == nil: created.insert(rename.newName)
            case .drop(let drop)?: dropped.formUnion(drop.objects.map(\.name))
            default: break
            }
        }
        return (created, dropped)
    }

    static let dropKindWords: [ObjectKind: [String]] = [
        .table: ["TABLE"], .index: ["INDEX"], .view: ["VIEW"], .materializedView: ["MATERIALIZED", "VIEW"],
        .sequence: ["SEQUENCE"], .schema: ["SCHEMA"], .type: ["TYPE"], .domain: ["DOMAIN"], .function: ["FUNCTION"],
        .procedure: ["PROCEDURE"], .trigger: ["TRIGGER"], .extension: ["EXTENSION"], .foreignTable: ["FOREIGN", "TABLE"],
        .policy: ["POLICY"], .rule: ["RULE"], .collation: ["COLLATION"], .aggregate: ["AGGREGATE"],
    ]

    /// A later statement of the file runs in another transaction than this one, so this one is
    /// committed before it.
    func isCommittedBeforeLaterStatements(_ context: RuleContext) -> Bool {
        if context.file.transactionPolicy == .ifMultipleStatements {
            // One query: the statements up to a COMMIT or ROLLBACK share one transaction, and so do
            // the statements after it. Only a commit followed by more statements separates them.
            var committed = false
            for analysis in context.fileAnalyses where analysis.index > context.analysis.index {
                switch analysis.statement {
                case .transaction(.commit)?, .transaction(.rollback)?: committed = true
                case .transaction?, nil: break
                default: if committed { return true }
                }
            }
            return false
        }
        let number = context.analysis.transactionNumber
        return context.fileAnalyses.contains {
            $0.index > context.analysis.index && $0.statement != nil && $0.transactionNumber != number
                && !isTransactionControl($0.statement)
        }
    }

    func isTransactionControl(_ statement: Statement?) -> Bool {
        if case .transaction? = statement { return true }
        return false
    }

    /// The offset after the leading `prefix` words (each optional, in order after the first) and
    /// the `then` words (the first required, the rest optional), where IF [NOT] EXISTS goes.
    func afterWords(_ prefix: [String], then: [String], _ words: [(text: String, range: Range<Int>)]) -> Int? {
        guard let first = words.first, first.text == prefix.first else { return nil }
        var index = 1
        while index < words.count, prefix.dropFirst().contains(words[index].text) { index += 1 }
        guard index < words.count, words[index].text == then.first else { return nil }
        index += 1
        for word in then.dropFirst() where index < words.count && words[index].text == word { index += 1 }
        guard index < words.count, !startsIf(words[index].range.lowerBound, words) else { return nil }
        return words[index].range.lowerBound
    }

    func startsIf(_ offset: Int, _ words: [(text: String, range: Range<Int>)]) -> Bool {
        words.first { $0.range.lowerBound >= offset }?.text == "IF"
    }

    /// ADD COLUMN before the column name; DROP [COLUMN] / DROP CONSTRAINT before the name.
    func alterTableSites(_ alter: AlterTable, context: RuleContext, words: [(text: String, range: Range<Int>)]) -> [(at: Int, insert: String, what: String)] {
        var sites: [(at: Int, insert: String, what: String)] = []
        for action in alter.actions {
            if case .addColumn(let column, false) = action, let location = column.location {
                sites.append((location, "IF NOT EXISTS ", "ADD COLUMN"))
            }
        }
        let dropsColumn = alter.actions.contains { if case .dropColumn(_, false, _) = $0 { return true } else { return false } }
        let dropsConstraint = alter.actions.contains { if case .dropConstraint(_, false, _) = $0 { return true } else { return false } }
        for (index, word) in words.enumerated() where word.text == "DROP" && index + 1 < words.count {
            let next = words[index + 1]
            if next.text == "CONSTRAINT", dropsConstraint, index + 2 < words.count, words[index + 2].text != "IF" {
                sites.append((words[index + 2].range.lowerBound, "IF EXISTS ", "DROP CONSTRAINT"))
            } else if next.text == "COLUMN", dropsColumn, index + 2 < words.count, words[index + 2].text != "IF" {
                sites.append((words[index + 2].range.lowerBound, "IF EXISTS ", "DROP COLUMN"))
            } else if dropsColumn, !["COLUMN", "CONSTRAINT", "DEFAULT", "NOT", "EXPRESSION", "IDENTITY", "IF"].contains(next.text) {
                sites.append((next.range.lowerBound, "IF EXISTS ", "DROP COLUMN"))
            }
        }
        return sites.sorted { $0.at < $1.at }
    }

    /// CREATE statements and ADD COLUMN get the statement with the clause added; a DROP's fix is
    /// its own rewrite (shown as a step, it would be linted as the destructive change it is).
    func rewrite(_ context: RuleContext, edits: [Edit]) -> RewritePlan? {
        switch context.statement {
        case .createTable, .createSequence, .createSchema, .createExtension:
            break
        case .alterTable(let alter) where alter.actions.allSatisfy({ if case .addColumn = $0 { return true } else { return false } }):
            break
        default:
            return nil
        }
        return RewritePlan([.migration(sql: context.withLockTimeoutIfBlocking(context.statementSQL(applying: edits)), note: "safe to re-run")])
    }

    /// A failed CREATE INDEX CONCURRENTLY leaves an INVALID index: IF NOT EXISTS would keep it.
    func concurrentIndex(_ context: RuleContext, words: [(text: String, range: Range<Int>)], name: String) -> [Finding] {
        guard let at = afterWords(["CREATE", "UNIQUE"], then: ["INDEX", "CONCURRENTLY"], words),
              let token = words.first(where: { $0.range.lowerBound >= at }) else { return [] }
        guard case .createIndex(let index) = context.statement else { return [] }
        let qualified = QualifiedName(schema: index.relation.schema, name: name)
        let indexName = qualified.sql
        // The leftover is already dropped earlier in the file.
        let dropsLeftover = context.fileAnalyses.contains { analysis in
            guard analysis.index < context.analysis.index, case .drop(let drop)? = analysis.statement,
                  drop.kind == .index, drop.ifExists else { return false }
            return drop.objects.contains { analysis.state.resolve($0) == context.state.resolve(qualified) }
        }
        if dropsLeftover { return [] }
        let sql = "DROP INDEX CONCURRENTLY IF EXISTS \(indexName);\n" + context.statementSQL(applying: [])
        return [Finding(
            message: "if CREATE INDEX CONCURRENTLY fails it leaves the INVALID index \(indexName) behind, and a retry stops on it with \"already exists\"",
            range: token.range,
            notes: ["IF NOT EXISTS is no remedy: it would skip the invalid index and keep it"],
            help: "drop a leftover invalid index first: DROP INDEX CONCURRENTLY IF EXISTS \(indexName);",
            rewrite: RewritePlan([.migration(sql: sql, note: "in a migration without a transaction; rebuilds the index if a previous attempt left it invalid")]))]
    }
}
