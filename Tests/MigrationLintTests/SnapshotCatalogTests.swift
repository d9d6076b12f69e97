import LockModel
import MigrationLint
import Testing

/// The schema a snapshot describes, as the lock model reads it.
@Suite struct SnapshotCatalogTests {
    /// A valid `CHECK (col IS NOT NULL)` in the database lets SET NOT NULL skip its scan; one that
    /// is NOT VALID, or checks something else, does not. `pg_get_constraintdef` writes the
    /// expression in double parentheses.
    @Test func validNotNullChecksOfTheDatabaseAreKnown() {
        let people = DatabaseSnapshot.Table(
            schema: "public", name: "people",
            columns: [.init(name: "name", type: "text", notNull: false), .init(name: "email", type: "text", notNull: false),
                      .init(name: "age", type: "integer", notNull: false)],
            constraints: [.init(name: "name_present", kind: "c", definition: "CHECK ((name IS NOT NULL))", validated: true),
                          .init(name: "email_present", kind: "c", definition: "CHECK ((email IS NOT NULL)) NOT VALID", validated: false),
                          .init(name: "adult", kind: "c", definition: "CHECK ((age > 17))", validated: true)])
        let catalog = SchemaCatalog(snapshot: DatabaseSnapshot(serverVersion: "15.4", serverVersionNumber: 150004, tables: [people]))
        #expect(catalog.notNullChecks["public.people"] == ["name"])
    }
}
