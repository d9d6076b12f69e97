import LockModel
import MigrationLint
import PostgresSyntax

/// ADD FOREIGN KEY without NOT VALID on a table that already exists.
public struct AddForeignKeyNotValid: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "add-foreign-key-not-valid",
        category: .locking,
        defaultSeverity: .warning,
        summary: "ADD FOREIGN KEY without NOT VALID scans the table while blocking writes on it and on the referenced table.",
        rationale: """
            Adding a foreign key takes SHARE ROW EXCLUSIVE on both the table and the table it references: \
            INSERT, UPDATE and DELETE on both wait. Without NOT VALID, PostgreSQL then checks every existing row \
            against the referenced table before it commits, so writes to two tables stop for as long as that \
            scan takes.
            """,
        safeAlternative: """
            Add the foreign key with NOT VALID (new rows are checked at once, existing rows are not scanned), then \
            run ALTER TABLE ... VALIDATE CONSTRAINT in a separate transaction: validation takes SHARE UPDATE \
            EXCLUSIVE on the table and ROW SHARE on the referenced one, so reads and writes continue.
            """,
        versionNotes: "NOT VALID foreign keys exist since PostgreSQL 9.1; on partitioned tables since 12 they cannot be NOT VALID.",
        badExamples: [
            RuleExample("ALTER TABLE orders ADD ↓CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);"),
            RuleExample("ALTER TABLE app.orders ADD ↓FOREIGN KEY (account_id) REFERENCES app.accounts (id) ON DELETE CASCADE;"),
            RuleExample("ALTER TABLE \"Orders\" ADD ↓CONSTRAINT \"Orders_User\" FOREIGN KEY (\"UserId\") REFERENCES \"Users\" (id);", inTransaction: true),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_fk /* user's */ FOREIGN KEY (user_id) REFERENCES users (id);"#),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) -- the user's orders\#n;"#),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) -- don't"#),
            RuleExample(#"ALTER TABLE orders ADD ↓CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id), ALTER COLUMN note SET DEFAULT E'it\'s';"#),
            RuleExample(#"ALTER TABLE orders ALTER COLUMN note SET DEFAULT $$don't$$, ADD ↓CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) /* it's */;"#),
            RuleExample("BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD ↓CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);\nCOMMIT;"),
        ],
        goodExamples: [
            RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"),
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);"),
            RuleExample("CREATE TABLE app.orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES app.accounts (id));"),
            RuleExample("ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;"),
            RuleExample("BEGIN;\nLOCK TABLE orders, users IN ACCESS EXCLUSIVE MODE;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);\nCOMMIT;"),
        ],
        fixExamples: [
            FixExample(RuleExample("ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);"),
                       "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;"),
            FixExample(RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_fk /* user's */ FOREIGN KEY (user_id) REFERENCES users (id);"#),
                       #"ALTER TABLE orders ADD CONSTRAINT o_fk /* user's */ FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\#nALTER TABLE orders VALIDATE CONSTRAINT o_fk;"#),
            FixExample(RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) -- the user's orders\#n;"#),
                       #"ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID -- the user's orders\#n;\#nALTER TABLE orders VALIDATE CONSTRAINT o_fk;"#),
            FixExample(RuleExample(#"ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) -- don't"#),
                       #"ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\#nALTER TABLE orders VALIDATE CONSTRAINT o_fk; -- don't"#),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        return alter.actions.compactMap { action -> Finding? in
            guard case .addConstraint(let constraint) = action, !constraint.isNotValid,
                  case .foreignKey(let referenced, _) = constraint.kind,
                  // Both tables already locked ACCESS EXCLUSIVE by this transaction: NOT VALID
                  // cannot shorten the block (lock-held-across-statements reports it).
                  Locking.accessExclusiveHolder(of: alter.relation, context) == nil
                    || Locking.accessExclusiveHolder(of: referenced, context) == nil else { return nil }
            let name = constraint.name.map { " " + quoteIdentifier($0) } ?? ""
            let locked = [table.qualified, context.state.resolve(referenced).qualified]
            var notes = context.lockNotes(while: "every row is checked")
            notes.append("writes to \(locked.joined(separator: " and ")) wait for the whole validation")
            return Finding(message: "FOREIGN KEY\(name) without NOT VALID scans \(table.qualified) to check every row against \(locked[1])",
                           range: context.clauseRange(at: constraint.location), notes: notes,
                           help: context.state.inTransactionBlock
                               ? "add NOT VALID here, and VALIDATE CONSTRAINT in a later migration (its own transaction)"
                               : "add NOT VALID, then VALIDATE CONSTRAINT in a separate statement",
                           rewrite: NotValidAdvice.plan(context, constraint, table: alter.relation, suffix: "fkey"),
                           fix: NotValidAdvice.fix(context, constraint, table: alter.relation))
        }
    }
}
