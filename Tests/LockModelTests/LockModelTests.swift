import Testing
import LockModel
import PostgresSyntax

@Suite struct LockModelTests {
    func analyze(_ sql: String, version: Int = 15, inTransaction: Bool = false) -> FileAnalysis {
        let statements = SQLParser().parse(SourceText(sql))
        return MigrationAnalyzer(settings: RunSettings(postgresVersion: version, fileRunsInTransaction: inTransaction)).analyze(statements)
    }

    @Test func createIndexTakesShareAndScans() {
        let effects = analyze("CREATE INDEX i ON users (email);").statements[0].effects
        #expect(effects.strongestLocks == [RelationLock(relation: QualifiedName(schema: "public", name: "users"), mode: .share)])
        #expect(effects.scans.map(\.qualified) == ["public.users"])
        #expect(effects.lockSentence(for: QualifiedName(name: "users"), untilCommit: false) == "takes SHARE on public.users: blocks writes")
    }

    @Test func concurrentlyInsideATransactionIsAnError() {
        let analysis = analyze("CREATE INDEX CONCURRENTLY i ON users (email);", inTransaction: true)
        #expect(analysis.statements[0].effects.error == "CREATE INDEX CONCURRENTLY cannot run inside a transaction block")
        #expect(analyze("CREATE INDEX CONCURRENTLY i ON users (email);").statements[0].effects.error == nil)
    }

    @Test func tablesCreatedInTheFileAreNewAndNotRewritten() {
        let analysis = analyze("CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();")
        let effects = analysis.statements[1].effects
        #expect(effects.strongestLocks.first?.isNew == true)
        #expect(effects.rewrites.isEmpty)
    }
}
