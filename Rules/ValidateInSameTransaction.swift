import LockModel
import MigrationLint
import PostgresSyntax

/// VALIDATE CONSTRAINT in the same transaction that added the constraint NOT VALID.
public struct ValidateInSameTransaction: Rule {
    public init() {}

    public var description: RuleDescription { Self.documentation }

    static let documentation = RuleDescription(
        id: "validate-in-same-transaction",
        category: .locking,
        defaultSeverity: .warning,
        summary: "VALIDATE CONSTRAINT in the transaction that added the constraint NOT VALID keeps the strong lock for the whole scan.",
        rationale: """
            NOT VALID exists so that the scan happens under a weak lock. ADD CONSTRAINT ... NOT VALID takes \
            ACCESS EXCLUSIVE (CHECK) or SHARE ROW EXCLUSIVE on both tables (FOREIGN KEY), and that lock is held \
            until the transaction ends. Validating in the same transaction scans the whole table while the strong \
            lock is still held: the same outage as adding the constraint without NOT VALID.
            """,
        safeAlternative: """
            Commit after ADD CONSTRAINT ... NOT VALID and run VALIDATE CONSTRAINT in its own transaction (its own \
            migration when the tool wraps each file in one).
            """,
        badExamples: [
            RuleExample("BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders ↓VALIDATE CONSTRAINT orders_user_id_fkey;\nCOMMIT;"),
            RuleExample("ALTER TABLE app.orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;\nALTER TABLE app.orders ↓VALIDATE CONSTRAINT total_positive;",
                        inTransaction: true),
            RuleExample("BEGIN;\nALTER TABLE \"Users\" ADD CONSTRAINT \"Email_Present\" CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE \"Users\" ↓VALIDATE CONSTRAINT \"Email_Present\";\nCOMMIT;"),
            RuleExample(#"BEGIN;\#nALTER TABLE orders ADD CONSTRAINT orders_note_check CHECK (note <> E'it\'s') NOT VALID /* don't */;\#nALTER TABLE orders ↓VALIDATE CONSTRAINT orders_note_check /* the user's */, ALTER COLUMN note SET DEFAULT E'it\'s';\#nCOMMIT;"#),
            RuleExample(#"BEGIN;\#nALTER TABLE orders ADD CONSTRAINT orders_code_check CHECK (code <> $$don't$$) NOT VALID;\#nALTER TABLE orders ALTER COLUMN code SET DEFAULT $t$it's$t$, ↓VALIDATE CONSTRAINT orders_code_check -- don't\#n;\#nCOMMIT;"#),
        ],
        goodExamples: [
            RuleExample("BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;"),
            RuleExample("ALTER TABLE app.orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;\nALTER TABLE app.orders VALIDATE CONSTRAINT total_positive;"),
            RuleExample("ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;", inTransaction: true),
            RuleExample("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);\nALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT total_positive;",
                        inTransaction: true),
        ])

    public func check(_ context: RuleContext) -> [Finding] {
        guard case .alterTable(let alter) = context.statement, alter.kind == .table,
              !context.isCreatedInFile(alter.relation) else { return [] }
        let table = context.state.resolve(alter.relation)
        return Locking.matchingActions(alter) {
            if case .validateConstraint = $0 { return true } else { return false }
        }.compactMap { occurrence, action -> Finding? in
            guard case .validateConstraint(let name) = action,
                  context.state.notValidConstraintsInTransaction[name] == table.qualified else { return nil }
            let added = context.earlierStatements(naming: table).last { item in
                guard case .alterTable(let other)? = item.statement, item.state.resolve(other.relation) == table else { return false }
                return other.actions.contains { if case .addConstraint(let c) = $0 { return c.name == name } else { return false } }
            }
            let notes = added.map { context.heldLockSentences(of: $0).map { $0 + "; this VALIDATE scans while it is held" } } ?? []
            let range = context.keywordClause(["VALIDATE", "CONSTRAINT"], occurrence: occurrence) ?? context.firstWordRange
            return Finding(message: "VALIDATE CONSTRAINT \(quoteIdentifier(name)) runs in the transaction that added it NOT VALID: \(table.qualified) is scanned while the strong lock is still held",
                           range: range, notes: notes,
                           help: context.state.inExplicitTransaction
                               ? "move VALIDATE CONSTRAINT after COMMIT"
                               : "move VALIDATE CONSTRAINT to its own migration",
                           rewrite: RewritePlan([.migration(sql: SQLText.withStatementTimeout("ALTER TABLE \(alter.relation.sql) VALIDATE CONSTRAINT \(quoteIdentifier(name));"),
                                                            note: "its own migration (its own transaction): scans under SHARE UPDATE EXCLUSIVE, reads and writes continue")]))
        }
    }
}
