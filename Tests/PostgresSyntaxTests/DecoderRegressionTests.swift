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

    @Test func unpackedTreesSurviveManyStatementsInOneArena() {
        // Statements large enough to need several arena chunks, decoded after the arena grew.
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
}
