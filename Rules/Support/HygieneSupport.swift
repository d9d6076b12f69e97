import LockModel
import MigrationLint
import PostgresSyntax

/// A column definition a schema-hygiene rule looks at: from CREATE TABLE or ALTER TABLE ADD COLUMN.
struct ColumnSite {
    let column: ColumnDefinition
    let type: TypeName
    let table: QualifiedName
    /// The table is created by this statement or earlier in the file: no row and no deployed code
    /// depends on the column's type yet, so swapping the type is a safe edit.
    let tableIsNew: Bool
    /// Defined by CREATE TABLE (possibly IF NOT EXISTS), not added to a table by ALTER TABLE.
    let inCreateTable: Bool
    /// A key filled from a sequence: serial, identity, or a `nextval()` default. These are the
    /// columns that run out; a key copied from another table (`build_id integer PRIMARY KEY`
    /// next to `builds.id`) or a small code (`shard_id`) does not grow on its own.
    var isGeneratedKey: Bool {
        if column.isIdentity || column.isSerial { return true }
        if case .functionCall(let name, _, _)? = column.defaultValue, name.last?.lowercased() == "nextval" { return true }
        return false
    }
}

/// What a type rule says about one column.
struct TypeSwap {
    /// The type the rule suggests, replacing the type as written (an array suffix stays).
    let spelling: String
    let message: String
    let help: String
    /// Whether swapping is a safe edit in a new table (bigint, text, timestamptz, identity).
    let isFixable: Bool
}

enum Hygiene {
    /// The columns a statement defines, with whether their table is new in this migration.
    static func columnSites(_ context: RuleContext) -> [ColumnSite] {
        switch context.statement {
        case .createTable(let create):
            return create.columns.compactMap { column in
                // IF NOT EXISTS: the table may already exist with the old types, and this file be a no-op there.
                column.type.map { ColumnSite(column: column, type: $0, table: create.relation, tableIsNew: !create.ifNotExists,
                                             inCreateTable: true) }
            }
        case .alterTable(let alter) where alter.kind == .table:
            let isNew = context.isCreatedInFile(alter.relation)
            return alter.actions.compactMap { action in
                guard case .addColumn(let column, _) = action, let type = column.type else { return nil }
                return ColumnSite(column: column, type: type, table: alter.relation, tableIsNew: isNew, inCreateTable: false)
            }
        default:
            return []
        }
    }

    /// A built-in type spelled without a schema or with `pg_catalog`.
    static func isBuiltIn(_ type: TypeName) -> Bool {
        type.names.count == 1 || type.schema == "pg_catalog"
    }

    static func isFourOrTwoByteInteger(_ type: TypeName) -> Bool {
        isBuiltIn(type) && ["int4", "int2", "integer", "int", "smallint"].contains(type.baseName)
    }

    static func isSmallSerial(_ type: TypeName) -> Bool {
        type.names.count == 1 && ["serial", "serial4", "smallserial", "serial2"].contains(type.baseName)
    }

    static func isBigSerial(_ type: TypeName) -> Bool {
        type.names.count == 1 && ["bigserial", "serial8"].contains(type.baseName)
    }

    /// The modifiers as written, `(3)`, or empty.
    static func modifierText(_ type: TypeName) -> String {
        type.modifiers.isEmpty ? "" : "(" + type.modifiers.map { $0.map(String.init) ?? "" }.joined(separator: ", ") + ")"
    }

    /// The column name as it reads in a message.
    static func columnLabel(_ site: ColumnSite) -> String {
        "\(site.table.sql).\(quoteIdentifier(site.column.name))"
    }

    /// A type finding on one column: the range is the type as written; the fix swaps it only
    /// when the table is new in this migration, where no row and no deployed code depends on it.
    /// The rewrite is the statement with every swap this rule asks for, and nothing else.
    static func typeFindings(_ context: RuleContext, _ judge: (ColumnSite) -> TypeSwap?) -> [Finding] {
        let swaps = columnSites(context).compactMap { site in judge(site).map { (site: site, swap: $0) } }
        guard !swaps.isEmpty else { return [] }
        // Tokens only for statements with something to point at: most have no column to judge.
        let tokens = context.tokens
        let judged = swaps.compactMap { site, swap -> (site: ColumnSite, swap: TypeSwap, range: Range<Int>)? in
            guard let range = context.typeRange(site.type, tokens: tokens) else { return nil }
            return (site, swap, range)
        }
        guard !judged.isEmpty else { return [] }
        var rewrite: RewritePlan?
        // A column added to a table created earlier in the file cannot be shown as a step of its own
        // (linted alone, the table would look like an existing one): the fix is the rewrite there.
        if case .createTable = context.statement {
            rewrite = RewritePlan([.migration(sql: context.withLockTimeoutIfBlocking(context.statementSQL(applying: judged.map { Edit(range: $0.range, replacement: $0.swap.spelling) })),
                                              note: "the same statement with \(judged[0].swap.spelling)")])
        } else if !judged[0].site.tableIsNew {
            rewrite = RewritePlan([.migration(sql: context.withLockTimeoutIfBlocking(context.statementSQL(applying: judged.map { Edit(range: $0.range, replacement: $0.swap.spelling) })),
                                              note: "the same change with \(judged[0].swap.spelling)")])
        }
        return judged.map { item in
            var notes: [String] = []
            var fix: Fix?
            if item.site.tableIsNew, item.swap.isFixable {
                fix = Fix(message: "use \(item.swap.spelling)", edits: [Edit(range: item.range, replacement: item.swap.spelling)])
            } else if !item.site.tableIsNew {
                notes.append("\(item.site.table.qualified) may already exist, so the type is not swapped automatically: data and deployed code may depend on it")
            }
            return Finding(message: item.swap.message, range: item.range, notes: notes, help: item.swap.help, rewrite: rewrite, fix: fix)
        }
    }

    /// Where `sequence` (upper-case words) first occurs in `words`, as an index.
    static func find(_ sequence: [String], in words: [(text: String, range: Range<Int>)], from start: Int = 0) -> Int? {
        guard !sequence.isEmpty, words.count >= sequence.count, start <= words.count - sequence.count else { return nil }
        for index in start...(words.count - sequence.count) where zip(sequence, words[index...]).allSatisfy({ $0 == $1.text }) {
            return index
        }
        return nil
    }
}
