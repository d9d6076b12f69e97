import Testing
import LockModel
import PostgresSyntax

/// A default that calls a function of the application's own: the schema (an earlier migration,
/// an earlier statement of the file, or the database's catalog) says how volatile the function
/// is, and with it whether ADD COLUMN rewrites the table. Unknown functions stay volatile, with
/// the assumption said.
@Suite struct FunctionVolatilityTests {
    static let functions = """
        CREATE FUNCTION default_plan() RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT 'free' $$;
        CREATE FUNCTION billing.started_at() RETURNS timestamptz STABLE LANGUAGE sql AS $$ SELECT now() $$;
        CREATE OR REPLACE FUNCTION fresh_token() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
        CREATE TABLE users (id bigint PRIMARY KEY);
        """

    func effects(_ sql: String, schema: String) -> StatementEffects {
        let settings = RunSettings(postgresVersion: 15, existingSchema: SchemaCatalog.learning(from: schema))
        return MigrationAnalyzer(settings: settings).analyze(SQLParser().parse(SourceText(sql))).statements.last!.effects
    }

    @Test func theCatalogKeepsEachFunctionsVolatility() {
        let catalog = SchemaCatalog.learning(from: Self.functions)
        #expect(catalog.functions["public.default_plan"] == .immutable)
        #expect(catalog.functions["billing.started_at"] == .stable)
        #expect(catalog.functions["public.fresh_token"] == .volatile)
        let dropped = SchemaCatalog.learning(from: Self.functions + "\nDROP FUNCTION default_plan();\nALTER FUNCTION fresh_token() RENAME TO new_token;")
        #expect(dropped.functions["public.default_plan"] == nil)
        #expect(dropped.functions["public.fresh_token"] == nil && dropped.functions["public.new_token"] == .volatile)
    }

    @Test func anImmutableOrStableFunctionKeepsTheDefaultInTheCatalog() {
        for sql in ["ALTER TABLE users ADD COLUMN plan text DEFAULT default_plan();",
                    "ALTER TABLE users ADD COLUMN since timestamptz DEFAULT billing.started_at();"] {
            let found = effects(sql, schema: Self.functions)
            #expect(found.rewrites.isEmpty, "\(sql)")
            #expect(found.assumptions.isEmpty, "\(sql): \(found.assumptions)")
        }
    }

    @Test func aVolatileFunctionRewritesAndIsNamedVolatileNotUnknown() {
        let found = effects("ALTER TABLE users ADD COLUMN token text DEFAULT fresh_token();", schema: Self.functions)
        #expect(found.rewrites.map(\.qualified) == ["public.users"])
        #expect(found.assumptions.isEmpty)
    }

    @Test func aFunctionTheSchemaDoesNotShowIsStillAssumedVolatile() {
        let found = effects("ALTER TABLE users ADD COLUMN code text DEFAULT next_code();", schema: Self.functions)
        #expect(found.rewrites.map(\.qualified) == ["public.users"])
        #expect(found.assumptions.contains(.unknownFunctionIsVolatile(table: QualifiedName(schema: "public", name: "users"), column: "code", function: "next_code()")))
    }

    @Test func aFunctionCreatedEarlierInTheFileCountsToo() {
        let sql = "CREATE FUNCTION one() RETURNS int IMMUTABLE LANGUAGE sql AS 'SELECT 1';\nALTER TABLE users ADD COLUMN n int DEFAULT one();"
        let found = effects(sql, schema: "CREATE TABLE users (id bigint PRIMARY KEY);")
        #expect(found.rewrites.isEmpty && found.assumptions.isEmpty)
    }
}
