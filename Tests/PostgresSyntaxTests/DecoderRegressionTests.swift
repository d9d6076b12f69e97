import Testing
@testable import PostgresSyntax

/// Inputs that once crashed or stalled the syntax layer.
@Suite struct DecoderRegressionTests {
    func actions(_ sql: String) -> [AlterTableAction] {
        guard case .alterTable(let alter) = SQLParser().parse(SourceText(sql)).first?.statement else { return [] }
        return alter.actions
    }

    // The name of an ALTER TABLE action without a typed case was read through a pointer that
    // had outlived `withUnsafePointer`: four corpus files (`ALTER TABLE ... SET (autovacuum_...)`)
    // crashed the release build.
    @Test(arguments: [
        ("ALTER TABLE v1_queue_item SET (autovacuum_vacuum_scale_factor = '0.1');", "SetRelOptions"),
        ("ALTER TABLE t ENABLE ROW LEVEL SECURITY;", "EnableRowSecurity"),
        ("ALTER TABLE t REPLICA IDENTITY FULL;", "ReplicaIdentity"),
        ("ALTER TABLE t ALTER COLUMN a SET STATISTICS 100;", "SetStatistics"),
    ])
    func untypedAlterTableActionsKeepTheirName(_ sql: String, _ name: String) {
        guard case .other(let kind, _) = actions(sql).first else { Issue.record("\(sql): not .other"); return }
        #expect(kind == name)
    }

    @Test func wideStatementsDecodeWhole() {
        // A statement whose JSON tree runs to hundreds of kilobytes, then another after it.
        let columns = (0..<2_000).map { "c\($0) integer DEFAULT \($0)" }.joined(separator: ", ")
        let statements = SQLParser().parse(SourceText("CREATE TABLE wide (\(columns));\nCREATE TABLE other (id bigint);"))
        guard case .createTable(let wide) = statements.first?.statement else { Issue.record("not CREATE TABLE"); return }
        #expect(wide.columns.count == 2_000)
        #expect(wide.columns.last?.name == "c1999")
        guard case .createTable(let other) = statements.last?.statement else { Issue.record("second lost"); return }
        #expect(other.relation.name == "other")
    }

    @Test func operatorChainsAreCountedPerExpression() {
        let slices = StatementSplitter.split(Array("SELECT a + b + c, d || e; INSERT INTO t VALUES (1 + 1), (2 + 2 + 2);".utf8))
        #expect(slices.map(\.maxOperatorChain) == [2, 2])
        let chain = StatementSplitter.split(Array("SELECT 1 + (2) + (3) + 4::int -- + + +\n;".utf8))
        #expect(chain.map(\.maxOperatorChain) == [4])
    }

    // libpg_query 15-4.0.0 writes a negative integer constant as `{"ival":{}}`, the form of zero;
    // the decoder reads such a constant back from the statement text.
    @Test func negativeIntegerConstantsKeepTheirValue() {
        let sql = "ALTER TABLE t ADD COLUMN a int DEFAULT -5, ADD COLUMN b numeric(10, -2) DEFAULT 0, ADD COLUMN c int DEFAULT - 7;"
        let columns = actions(sql).compactMap { action -> ColumnDefinition? in
            if case .addColumn(let column, _) = action { return column } else { return nil }
        }
        #expect(columns.map(\.defaultValue) == [.integer(-5, location: 39), .integer(0, location: 80), .integer(-7, location: 108)])
        #expect(columns[1].type?.modifiers == [10, -2])
        guard case .variableSet(let set)? = SQLParser().parse(SourceText("SET statement_timeout = -1;")).first?.statement else {
            Issue.record("not SET"); return
        }
        #expect(set.value == "-1")
    }

    @Test func escapedAndNonASCIIStringsDecodeExactly() {
        let sql = #"ALTER TABLE "we""ird" ADD COLUMN "Ünï ""x""" text DEFAULT E'tab\there "q" \\ \u00e9 😀\nnext';"#
        guard case .alterTable(let alter)? = SQLParser().parse(SourceText(sql)).first?.statement,
              case .addColumn(let column, _) = alter.actions.first else { Issue.record("not ALTER TABLE ADD COLUMN"); return }
        #expect(alter.relation.name == "we\"ird")
        #expect(column.name == "Ünï \"x\"")
        #expect(column.defaultValue == .string("tab\there \"q\" \\ é 😀\nnext", location: 60))
    }

    @Test func severalStatementsInOneSliceKeepTheirRanges() {
        let sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); INSERT INTO u VALUES (-2));"
        let statements = SQLParser().parse(SourceText(sql))
        #expect(statements.count == 1)
        #expect(statements.first?.range == 0..<sql.utf8.count)
    }
}

/// The JSON index the decoder reads libpg_query's tree through.
@Suite struct ParseTreeJSONTests {
    @Test func elementsWalkAnArrayWithoutCopyingIt() throws {
        let text = Array(#"{"a":[1,{"b":[]},[2,3],"x"],"e":[],"n":7}"#.utf8)
        try text.withUnsafeBufferPointer { bytes in
            let json = try #require(ParseTreeJSON(bytes))
            let elements = json.elements(json.member(0, "a"))
            #expect(elements.count == 4)
            #expect(elements.map { json.entries[$0].kind } == [.number, .object, .array, .string])
            #expect(json.int(elements.first) == 1 && json.string(elements.map { $0 }.last) == "x")
            // Indices are the elements' entries: the nested array's own elements are not among them.
            #expect(json.elements(elements.map { $0 }[2]).map { json.int($0) } == [2, 3])
            #expect(json.elements(json.member(0, "e")).isEmpty)
            #expect(json.elements(json.member(0, "n")).isEmpty && json.elements(nil).isEmpty)
        }
    }
}
