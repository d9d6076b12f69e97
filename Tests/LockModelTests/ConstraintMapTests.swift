import Testing
import LockModel
import PostgresSyntax

/// The catalog answers "which tables reference this one" from a reverse map kept beside the
/// constraints (`ConstraintMap`). After every statement of a history that adds, renames, moves
/// and drops foreign keys and tables, the map must say what walking every constraint says.
struct ConstraintMapTests {
    static let history = [
        "CREATE TABLE a (id int PRIMARY KEY);",
        "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));",
        "CREATE TABLE c (id int, b_id int, CONSTRAINT c_b FOREIGN KEY (b_id) REFERENCES b (id));",
        "ALTER TABLE c ADD CONSTRAINT c_a FOREIGN KEY (id) REFERENCES a (id) NOT VALID;",
        "ALTER TABLE c ADD CONSTRAINT c_a2 FOREIGN KEY (b_id) REFERENCES a (id);",
        "ALTER TABLE a RENAME TO a2;",
        "ALTER TABLE c DROP CONSTRAINT c_b;",
        "ALTER TABLE c RENAME CONSTRAINT c_a TO c_first;",
        "ALTER TABLE c DROP CONSTRAINT c_a2;",
        "ALTER TABLE b RENAME TO b2;",
        "CREATE TABLE s (id int PRIMARY KEY, parent int REFERENCES s (id));",
        "ALTER TABLE s RENAME TO s2;",
        "CREATE SCHEMA other;",
        "ALTER TABLE b2 SET SCHEMA other;",
        "DROP TABLE c;",
    ]

    /// What the reverse map must agree with: every constraint of every table walked.
    static func walked(_ catalog: SchemaCatalog, _ table: String) -> [String] {
        catalog.constraints.filter { $0.value.values.contains { $0.references == table } }.map(\.key).sorted()
    }

    @Test func theReverseMapAgreesWithAWalkOfEveryConstraintAfterEachStatement() {
        for count in 1...Self.history.count {
            let catalog = SchemaCatalog.learning(from: Self.history.prefix(count).joined(separator: "\n"))
            let names = Set(catalog.constraints.map(\.key) + catalog.constraints.values.flatMap { $0.values.compactMap(\.references) })
            for table in names {
                #expect(catalog.tablesReferencing(table) == Self.walked(catalog, table), "after \(Self.history[count - 1]): \(table)")
            }
        }
    }

    @Test func renamesMovesAndDropsLeaveTheRightReferencingTables() {
        let catalog = SchemaCatalog.learning(from: Self.history.joined(separator: "\n"))
        // b2 moved to `other` and still references a2; c, which referenced both, is gone.
        #expect(catalog.tablesReferencing("public.a2") == ["other.b2"])
        #expect(catalog.tablesReferencing("public.a").isEmpty)
        #expect(catalog.tablesReferencing("public.b2").isEmpty)
        // A table that references itself follows its own rename.
        #expect(catalog.tablesReferencing("public.s2") == ["public.s2"])
        #expect(catalog.tablesReferencing("public.s").isEmpty)
        // Column-level: b2's key points at a2's primary key, so any column of a2 may be referenced.
        #expect(catalog.tablesReferencing("public.a2", column: "id") == ["other.b2"])
    }
}
