import Foundation
import Testing
import LockModel
import PostgresSyntax
@testable import MigrationInput

/// How `lint(paths:)` hands its work out (`LintJobs`): a worker walks a migration set to its end
/// and lints each file it walks, unless another worker has nothing left and waits for one.
@Suite struct LintJobsTests {
    /// A walk of `bytes` bytes (one member, so its length orders it).
    func walk(_ bytes: Int) -> LintRunner.ChainWalk {
        let member = LintRunner.ChainWalk.Member(path: "m/\(bytes).sql", positions: [bytes], source: SourceText(String(repeating: ";", count: bytes)), decision: nil)
        return LintRunner.ChainWalk([member], parsed: [nil], start: (SchemaCatalog(), []))
    }

    /// The bytes of a job's walk, or the position of a job's file.
    func describe(_ job: LintJobs.Job?) -> String {
        switch job {
        case .walk(let walk)?: return "walk \(walk.bytes)"
        case .lint(let position)?: return "lint \(position)"
        case nil: return "done"
        }
    }

    @Test func theLongestWalksGoFirstThenTheFilesInNoSet() {
        let jobs = LintJobs(walks: [walk(10), walk(30), walk(20)], alone: [7, 3], count: 8)
        #expect((1...5).map { _ in describe(jobs.next()) } == ["walk 30", "walk 20", "walk 10", "lint 7", "lint 3"])
        // No worker waits: a walking worker lints what it walks.
        #expect(!jobs.handOver(30))
        jobs.walkFinished(); jobs.walkFinished(); jobs.walkFinished()
        #expect(describe(jobs.next()) == "done")
    }

    @Test func aWorkerWithNothingLeftWaitsForAFileAWalkHandsOverUntilTheWalksEnd() async {
        let jobs = LintJobs(walks: [walk(10)], alone: [], count: 2)
        #expect(describe(jobs.next()) == "walk 10")
        // A second worker has no walk and no file left: it waits, and gets what the walk hands over.
        let second = Task.detached { [jobs] in describe(jobs.next()) }
        var handed = false
        for _ in 0..<10_000 where !handed {
            handed = jobs.handOver(4)
            if !handed { try? await Task.sleep(nanoseconds: 1_000_000) }
        }
        #expect(handed)
        #expect(await second.value == "lint 4")
        // Nobody waits now: the walking worker lints the next file itself.
        #expect(!jobs.handOver(5))
        // A worker that waits while the last walk goes on is let go when it ends.
        let third = Task.detached { [jobs] in describe(jobs.next()) }
        jobs.walkFinished()
        #expect(await third.value == "done")
    }
}
