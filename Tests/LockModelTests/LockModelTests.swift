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

extension LockModelTests {
    @Test func setLocalLastsUntilTheEndOfTheTransaction() {
        let analysis = analyze("BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nALTER TABLE t ADD COLUMN b int;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN c int;")
        #expect(analysis.statements[2].state.hasLockTimeout)
        #expect(!analysis.statements[4].state.hasLockTimeout)
        // Outside a transaction block SET LOCAL does nothing.
        #expect(!analysis.statements[6].state.hasLockTimeout)
        let session = analyze("SET lock_timeout = '3s';\nBEGIN;\nSET LOCAL lock_timeout = 0;\nCOMMIT;\nALTER TABLE t ADD COLUMN a int;")
        #expect(session.statements[4].state.sessionSettings["lock_timeout"] == "3s")
    }
}
