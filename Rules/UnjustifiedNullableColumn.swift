import LockModel
import MigrationLint
import PostgresSyntax

/// A new column that may hold NULL, with no comment saying why.
public struct UnjustifiedNullableColumn: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "unjustified-nullable-column",
        category: .nullability,
        defaultSeverity: .warning,
        summary: "A new column may hold NULL, and no `-- nullable: <reason>` comment says why.",
        rationale: """
            PostgreSQL makes every column nullable unless it is told otherwise. NULL then leaks into every \
            reader: three-valued logic in WHERE clauses (`status <> 'done'` skips NULL rows), NOT IN returning \
            nothing, aggregates that silently skip rows, and application code that must handle a value it never \
            expected. Adding NOT NULL later is expensive: SET NOT NULL scans the whole table under ACCESS \
            EXCLUSIVE, and every existing NULL must be backfilled first. Deciding at creation time costs nothing. \
            Primary-key, identity and serial columns, and columns with NOT NULL (named or not, or a \
            `CHECK (col IS NOT NULL)`, or SET NOT NULL later in the same file) are not nullable and never reported; \
            nor are generated columns, which hold NULL exactly when their expression does. \
            It is on by default, as a warning: a column should hold NULL on purpose, and a one-line reason now \
            costs less than a backfill and a SET NOT NULL on a large table later. It reports once per statement, \
            naming the columns. A foreign key (an optional link), a date or timestamp named like an event \
            (`deleted_at`, `shipped_on`; not `created_at` or `updated_at`) and a column the file later sets to \
            `nullif(...)` are often meant to hold NULL: for those it says so and asks for the reason rather than \
            proposing NOT NULL with a default.
            """,
        safeAlternative: """
            Declare the column NOT NULL. On an existing table give it a non-volatile default as well (a constant, \
            `now()`), which PostgreSQL 11+ stores once in the catalog without rewriting the table. When NULL is \
            a real state ("not answered yet", "never logged in"), say so where the column is declared: \
            `-- nullable: <reason>` on the column's line or the line above.
            """,
        versionNotes: "Before PostgreSQL 11 a default on ADD COLUMN rewrites the table; there, add the column NOT NULL only on new tables.",
        badExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN ↓nickname text;"),
            RuleExample("CREATE TABLE accounts (\n  id bigint PRIMARY KEY,\n  ↓email text,\n  name text NOT NULL\n);"),
            RuleExample("ALTER TABLE app.\"Orders\" ADD COLUMN ↓\"Note\" text DEFAULT '';"),
            RuleExample("CREATE TABLE app.events (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  ↓seen_at timestamptz, -- when the user opened it\n  payload jsonb\n);"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓deleted_at timestamptz;"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓phone text;\nUPDATE users SET phone = nullif(trim(phone_raw), '');"),
            RuleExample("-- nullable:\nALTER TABLE users ADD COLUMN ↓bio text;"),
            RuleExample("ALTER TABLE orders ADD COLUMN ↓coupon_id bigint REFERENCES coupons (id);"),
            RuleExample(#"CREATE TABLE notes (\#n  id bigint PRIMARY KEY,\#n  ↓body text DEFAULT $$don't$$ /* the user's text */,\#n  tag text NOT NULL DEFAULT E'it\'s' -- don't\#n);"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN ↓motto text DEFAULT E'it\'s' /* the user's */, ADD COLUMN slogan text NOT NULL DEFAULT $q$don't$q$ -- don't\#n;"#),
            RuleExample(#"ALTER TABLE users ADD COLUMN ↓nickname /* user's */ text -- don't"#),
            RuleExample("ALTER TABLE users ADD COLUMN ↓referrer_id bigint, ADD CONSTRAINT users_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES users (id);"),
            RuleExample("CREATE TABLE logins (\n  id bigint PRIMARY KEY,\n  ↓password_hash text,\n  nickname text\n);"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓last_seen timestamptz;"),
            RuleExample("ALTER TABLE \"Task\" ADD COLUMN ↓\"completedAt\" TIMESTAMP(3);"),
            RuleExample("ALTER TABLE users ADD COLUMN ↓code text, ADD CONSTRAINT users_code_key UNIQUE (code);"),
            RuleExample("ALTER TABLE \"ExternalSource\" ADD COLUMN ↓\"connectionId\" TEXT;\nALTER TABLE \"ExternalSource\" ADD CONSTRAINT \"ExternalSource_connectionId_fkey\" FOREIGN KEY (\"connectionId\") REFERENCES \"APIConnection\"(\"id\") ON DELETE SET NULL ON UPDATE CASCADE;"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT '';"),
            RuleExample("-- nullable: not every user has logged in yet\nALTER TABLE users ADD COLUMN last_login_at timestamptz;"),
            RuleExample("CREATE TABLE accounts (\n  id bigint,\n  code text CONSTRAINT accounts_code_nn NOT NULL,\n  deleted_at timestamptz, -- nullable: set when the account is closed\n  PRIMARY KEY (id)\n);"),
            RuleExample("CREATE TABLE app.\"Tags\" (id serial PRIMARY KEY, \"Label\" text CHECK (\"Label\" IS NOT NULL));"),
            RuleExample("ALTER TABLE users ADD COLUMN score int; -- nullable: computed by a nightly job"),
            RuleExample("ALTER TABLE users ADD COLUMN region text DEFAULT 'eu';\nUPDATE users SET region = 'eu' WHERE region IS NULL;\nALTER TABLE users ALTER COLUMN region SET NOT NULL;"),
            RuleExample("CREATE TEMPORARY TABLE scratch (value text);"),
            RuleExample("-- nullable: soft delete, set when the user is removed\nALTER TABLE users ADD COLUMN deleted_at timestamptz;"),
            RuleExample("ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id); -- nullable: most orders have no coupon"),
            RuleExample("ALTER TABLE app.docs ADD COLUMN title_lower text GENERATED ALWAYS AS (lower(title)) STORED;"),
            // ADD COLUMN IF NOT EXISTS of a column that exists: PostgreSQL skips it with a notice.
            RuleExample("ALTER TABLE users ADD COLUMN IF NOT EXISTS code text;", after: "CREATE TABLE users (id bigint PRIMARY KEY, token uuid, code text, email text, account_id bigint);"),
            // CREATE TABLE IF NOT EXISTS of a table that exists: PostgreSQL skips it with a notice.
            RuleExample("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, code text);", after: "CREATE TABLE users (id bigint PRIMARY KEY);"),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        let table: QualifiedName
        let columns: [ColumnDefinition]
        var tableConstraints: [Constraint] = []
        switch context.statement {
        case .alterTable(let alter) where alter.kind == .table:
            table = alter.relation
            // A column that exists already is skipped by ADD COLUMN IF NOT EXISTS: nothing is new.
            columns = alter.actions.compactMap { action in
                if case .addColumn(let column, _) = action, !context.state.skips(action, on: alter.relation) { return column } else { return nil }
            }
            // Constraints added by the same ALTER speak for its new columns as a CREATE TABLE's do.
            tableConstraints = alter.actions.compactMap { if case .addConstraint(let constraint) = $0 { return constraint } else { return nil } }
        // A CREATE TABLE IF NOT EXISTS that PostgreSQL skips creates no column.
        case .createTable(let create) where !create.isTemporary && create.partitionOf == nil && !context.state.skips(create):
            table = create.relation
            columns = create.columns
            tableConstraints = create.constraints
        default:
            return []
        }
        let nullable = columns.filter { column in
            isNullable(column, tableConstraints: tableConstraints)
                && !becomesNotNullLater(context, table: table, column: column.name)
                && !isJustified(context, column)
        }
        guard let first = nullable.first else { return [] }
        let qualified = context.state.resolve(table).qualified
        // Columns where NULL is often the intended state get that reason in a note and no
        // proposed default; the others get NOT NULL (with a default on a live table).
        let reasons = nullable.map { column in (column, Self.likelyReason(context, column, table: table, tableConstraints: tableConstraints)) }
        let plain = reasons.filter { $0.1 == nil }.map(\.0)
        let purposeful = reasons.compactMap { item in item.1.map { (item.0, $0) } }
        let names = nullable.map { quoteIdentifier($0.name) }
        let message = nullable.count == 1
            ? "new column \(qualified).\(names[0]) may hold NULL, and no comment says why"
            : "new columns of \(qualified) may hold NULL, and no comment says why: \(names.joined(separator: ", "))"
        var notes = purposeful.map { "\(quoteIdentifier($0.0.name)) \($0.1)" }
        if !plain.isEmpty { notes.append("adding NOT NULL later means a backfill and a full scan under ACCESS EXCLUSIVE") }
        let comment = "`-- nullable: <reason>` on the column's line or the line above"
        var help: [String] = []
        if !plain.isEmpty {
            let which = purposeful.isEmpty ? (plain.count == 1 ? "it" : "them") : plain.map { quoteIdentifier($0.name) }.joined(separator: ", ")
            let liveTable = !(context.isCreatedInFile(table) || isCreateTable(context))
            // A unique key, or a time other than the row's own, has no value every existing row can share.
            let defaultFits = plain.allSatisfy { column in
                column.defaultValue != nil
                    || (!column.rejectsSharedDefault(context, table: table) && EmptyValue.sql(for: column.type, column: column.name) != nil)
            }
            help.append(!liveTable ? "declare \(which) NOT NULL"
                        : defaultFits ? "declare \(which) NOT NULL with a non-volatile DEFAULT"
                        : "declare \(which) NOT NULL once every existing row has a value (a unique key or a time has no default that all rows can share)")
        }
        if !purposeful.isEmpty {
            let which = purposeful.map { quoteIdentifier($0.0.name) }.joined(separator: ", ")
            help.append("if NULL is meant for \(which), say why with \(comment)")
        }
        let helpText = plain.isEmpty ? help.joined() : help.joined(separator: "; ") + (purposeful.isEmpty ? ", or say why NULL is needed with \(comment)" : "")
        return [Finding(message: message, range: context.columnRange(first), notes: notes, help: helpText,
                        // No plan where NULL may be meant: only the user can say, and a plan that
                        // left those columns nullable would be reported again. Nor for several
                        // columns: NOT NULL on all of them is a guess about each (an optional
                        // password, a nickname), which the user makes column by column.
                        rewrite: purposeful.isEmpty && plain.count == 1 ? rewrite(context, plain, table: table) : nil)]
    }

    /// Why NULL may be this column's intended state, when its definition or the file suggests one:
    /// an optional link, an event that has not happened yet, a value the file turns into NULL.
    static func likelyReason(_ context: RuleContext, _ column: ColumnDefinition, table: QualifiedName,
                             tableConstraints: [Constraint]) -> String? {
        for constraint in column.constraints + tableConstraints {
            guard case .foreignKey(let referenced, _) = constraint.kind else { continue }
            if constraint.columns.isEmpty ? column.constraints.contains(constraint) : constraint.columns.contains(column.name) {
                return "references \(referenced.qualified): NULL is how an optional link is stored"
            }
        }
        // Prisma adds a column in one statement and its foreign key at the end of the file.
        for alter in context.laterChanges(of: table).alters {
            for case .addConstraint(let constraint) in alter.actions where constraint.columns.contains(column.name) {
                if case .foreignKey(let referenced, _) = constraint.kind {
                    return "references \(referenced.qualified) (a foreign key added later in this file): NULL is how an optional link is stored"
                }
            }
        }
        if let type = column.type, ["timestamptz", "timestamp", "date"].contains(type.baseName), isEventName(column.name) {
            return "is a \(type.sql) named like an event: NULL until it happens is usual"
        }
        if isFilledByNullif(context, column.name, table: table) {
            return "is filled with nullif(...) later in this file, which yields NULL on purpose"
        }
        return nil
    }

    /// `deleted_at`, `last_login_at`, `confirmed_on`, `expires_at`; not `created_at` / `updated_at`,
    /// which every row has.
    static func isEventName(_ name: String) -> Bool {
        // camelCase (`completedAt`, Prisma's and ORMs' spelling) reads as snake_case.
        var snake = ""
        for character in name {
            if character.isUppercase, !snake.isEmpty, snake.last != "_" { snake.append("_") }
            snake.append(character)
        }
        let lowered = snake.lowercased()
        guard lowered.hasSuffix("_at") || lowered.hasSuffix("_on") || lowered.hasSuffix("_date") || lowered.hasSuffix("_time")
                || lowered.hasPrefix("last_") else { return false }
        return !["created", "updated", "inserted", "modified", "changed"].contains { lowered.hasPrefix($0) }
    }

    /// A later `UPDATE` (or `INSERT ... ON CONFLICT DO UPDATE`) on the table sets the column to
    /// `nullif(...)` (`SET col = nullif(`). Only those statements assign a column: a `CHECK (col =
    /// nullif(...))` compares it, and reading the bytes of every later ALTER TABLE was 4 % of a long
    /// file of real migrations.
    static func isFilledByNullif(_ context: RuleContext, _ column: String, table: QualifiedName) -> Bool {
        let name = Array(column.lowercased().utf8)
        return context.laterStatements(naming: table).contains { analysis in
            switch analysis.statement {
            case .update?, .insert?: break
            default: return false
            }
            // Most statements never call nullif: looked for in the bytes before the text is
            // copied and lower-cased (a long file spent a quarter of its time here).
            guard mentionsNullif(context.source.bytes[analysis.parsed.range]) else { return false }
            let text = Array(context.source.text(analysis.parsed.range).lowercased().utf8)
            let call = Array("nullif".utf8)
            guard text.count > call.count else { return false }
            for start in 0...(text.count - call.count) where text[start..<(start + call.count)].elementsEqual(call) {
                var index = start - 1
                while index >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index -= 1 }
                guard index >= 0, text[index] == UInt8(ascii: "=") else { continue }
                index -= 1
                while index >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(text[index]) { index -= 1 }
                if index >= 0, text[index] == UInt8(ascii: "\"") { index -= 1 }
                let end = index + 1
                while index >= 0, isIdentifierByte(text[index]) { index -= 1 }
                if text[(index + 1)..<end].elementsEqual(name) { return true }
            }
            return false
        }
    }

    /// `nullif` in any case somewhere in `bytes`.
    static func mentionsNullif(_ bytes: ArraySlice<UInt8>) -> Bool {
        let call: [UInt8] = Array("nullif".utf8)
        var start = bytes.startIndex
        while start + call.count <= bytes.endIndex {
            if bytes[start] | 0x20 == call[0], (1..<call.count).allSatisfy({ bytes[start + $0] | 0x20 == call[$0] }) { return true }
            start += 1
        }
        return false
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte >= 0x80
    }

    func isCreateTable(_ context: RuleContext) -> Bool {
        if case .createTable = context.statement { return true }
        return false
    }

    func isNullable(_ column: ColumnDefinition, tableConstraints: [Constraint]) -> Bool {
        if column.hasNotNull || column.isPrimaryKey || column.isIdentity || column.isSerial { return false }
        // A generated column holds NULL exactly when its expression does: there is no choice to justify.
        if column.generatedExpression != nil { return false }
        if column.constraints.contains(where: { Self.checksNotNull($0, column.name) }) { return false }
        for constraint in tableConstraints {
            if constraint.kind == .primaryKey, constraint.columns.contains(column.name) { return false }
            if Self.checksNotNull(constraint, column.name) { return false }
        }
        return true
    }

    /// A valid `CHECK (col IS NOT NULL)`, which PostgreSQL enforces like NOT NULL.
    static func checksNotNull(_ constraint: Constraint, _ column: String) -> Bool {
        !constraint.isNotValid && isNotNullCheck(constraint, column)
    }

    static func isNotNullCheck(_ constraint: Constraint, _ column: String) -> Bool {
        guard case .check(.nullTest(.columnReference(let names, _), true, _)) = constraint.kind else { return false }
        return names.last == column
    }

    /// A later statement of the file makes the column NOT NULL: adding it nullable first is the
    /// safe sequence (add, backfill, constrain), not a decision to allow NULL.
    func becomesNotNullLater(_ context: RuleContext, table: QualifiedName, column: String) -> Bool {
        context.laterChanges(of: table).alters.contains { alter in
            alter.actions.contains { action in
                switch action {
                case .setNotNull(let name), .addIdentity(let name): return name == column
                case .addConstraint(let constraint):
                    return (constraint.kind == .primaryKey && constraint.columns.contains(column))
                        || Self.isNotNullCheck(constraint, column)
                default: return false
                }
            }
        }
    }

    /// A `-- nullable: <reason>` comment on the column's line, or alone on the line above.
    func isJustified(_ context: RuleContext, _ column: ColumnDefinition) -> Bool {
        guard let location = column.location else { return false }
        let source = context.source
        let line = source.lineIndex(containing: location)
        for comment in context.comments(nearLineOf: location) where Self.isJustification(comment.text) {
            let commentLine = source.lineIndex(containing: comment.range.lowerBound)
            if commentLine == line { return true }
            // On the line above, only a comment that starts its line speaks for this column (not
            // the trailing comment of the column before it).
            let lineStart = source.lineStarts[commentLine]
            if source.bytes[lineStart..<comment.range.lowerBound].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return true }
        }
        // A trailing comment after the statement's `;` on the column's line belongs to no statement.
        let end = context.statementRange.upperBound
        if source.lineIndex(containing: end) == line {
            let lineEnd = source.lineRange(line + 1).upperBound
            var rest = Substring(source.text(end..<max(end, lineEnd)))
            rest = rest.drop { $0 == ";" || $0 == " " || $0 == "\t" }
            if rest.hasPrefix("--"), Self.isJustification(String(rest.dropFirst(2)).trimmingSpaces) { return true }
        }
        return false
    }

    static func isJustification(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("nullable:") else { return false }
        return !lowered.dropFirst("nullable:".count).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The safer statement: on an existing table, each reported column as an ADD COLUMN of its own
    /// with NOT NULL and a default the catalog stores once; on a new table, the CREATE TABLE with
    /// NOT NULL on every reported column. Nil when no default fits a column's type.
    func rewrite(_ context: RuleContext, _ columns: [ColumnDefinition], table: QualifiedName) -> RewritePlan? {
        var additions: [(column: ColumnDefinition, end: Int, text: String)] = []
        let existingTable: Bool
        if case .alterTable = context.statement { existingTable = !context.isCreatedInFile(table) } else { existingTable = false }
        for column in columns {
            guard let start = column.location else { return nil }
            // An explicit NULL or DEFAULT NULL would contradict the NOT NULL added here.
            if column.constraints.contains(where: { $0.kind == .null }) { return nil }
            if case .null? = column.defaultValue { return nil }
            var addition = " NOT NULL"
            if existingTable, column.defaultValue == nil {
                guard context.postgresVersion >= 11, !column.rejectsSharedDefault(context, table: table),
                      let value = EmptyValue.sql(for: column.type, column: column.name) else { return nil }
                addition += " DEFAULT \(value)"
            }
            additions.append((column, context.columnEnd(from: start), addition))
        }
        if case .alterTable(let alter) = context.statement {
            let guarded = Set(alter.actions.compactMap { action -> String? in
                if case .addColumn(let column, true) = action { return column.name } else { return nil }
            })
            let statements = additions.map { addition -> String in
                let clause = context.source.text(context.columnRange(addition.column))
                let ifNotExists = guarded.contains(addition.column.name) ? "IF NOT EXISTS " : ""
                return "ALTER TABLE \(table.sql) ADD COLUMN \(ifNotExists)\(clause)\(addition.text);"
            }
            let note = existingTable
                ? "NOT NULL with a default the catalog stores once (no rewrite); pick the default that means \"no value\" for you, or keep the column nullable with `-- nullable: <reason>`"
                : "NOT NULL; or keep the column nullable with `-- nullable: <reason>`"
            return RewritePlan([.migration(sql: ([SQLText.lockTimeout] + statements).joined(separator: "\n"), note: note)])
        }
        let text = context.statementSQL(applying: additions.map { Edit(range: $0.end..<$0.end, replacement: $0.text) })
        // A foreign key of the new table locks the table it references.
        let blocks = context.effects.locks.contains { !$0.isNew }
        return RewritePlan([.migration(sql: blocks ? SQLText.withLockTimeout(text) : text,
                                       note: "NOT NULL costs nothing on a new table; or keep the column nullable with `-- nullable: <reason>`")])
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
