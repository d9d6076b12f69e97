import Foundation
import MigrationLint
import Testing

/// `ParallelWork`, which every multi-file run and every long file goes through: results in input
/// order whatever the thread timing, and with `freeingAfter`, every state freed by its worker.
@Suite struct ParallelWorkTests {
    /// Counts the states freed.
    final class Tracker: @unchecked Sendable {
        private let lock = NSLock()
        private var freed = 0
        func died() { lock.lock(); freed += 1; lock.unlock() }
        var freedCount: Int { lock.lock(); defer { lock.unlock() }; return freed }
    }

    final class State {
        let tracker: Tracker
        init(_ tracker: Tracker) { self.tracker = tracker }
        deinit { tracker.died() }
    }

    @Test func runKeepsInputOrder() {
        let results = ParallelWork.run(count: 500, threads: 4, stackSize: 1 << 20) { index -> Int in
            // Uneven work, so that workers finish out of order.
            if index % 7 == 0 { usleep(200) }
            return index * 2
        }
        #expect(results == (0..<500).map { $0 * 2 })
    }

    @Test func freeingAfterHandsResultsOverInOrderAndFreesEveryState() async throws {
        let tracker = Tracker()
        let results = ParallelWork.run(count: 300, threads: 3, stackSize: 1 << 20, freeingAfter: { index -> (String, State) in
            ("file \(index)", State(tracker))
        })
        #expect(results == (0..<300).map { "file \($0)" })
        // The workers free the last states after the results are in: wait for them, briefly.
        for _ in 0..<500 where tracker.freedCount < 300 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(tracker.freedCount == 300)
    }

    @Test func streamConsumesInOrder() {
        var seen: [Int] = []
        ParallelWork.stream(count: 200, threads: 2, stackSize: 1 << 20, { $0 * 3 }, consume: { index, value in
            #expect(value == index * 3)
            seen.append(index)
        })
        #expect(seen == Array(0..<200))
    }

    /// Light work of one item (reading the one file of a pre-commit run, rendering its report)
    /// runs on the calling thread; linting stays on a worker, for its large stack; no work
    /// starts nothing.
    @Test func oneLightItemRunsOnTheCallingThreadAndLintingOnAWorker() {
        let caller = pthread_self()
        let onCaller: @Sendable (Int) -> Bool = { _ in pthread_equal(pthread_self(), caller) != 0 }
        #expect(ParallelWork.run(count: 1, threads: 2, stackSize: 1 << 20, light: true, onCaller) == [true])
        #expect(ParallelWork.run(count: 1, threads: 2, stackSize: 1 << 20, onCaller) == [false])
        #expect(ParallelWork.run(count: 2, threads: 2, stackSize: 1 << 20, light: true, onCaller) == [false, false])
        var streamed: [Bool] = []
        ParallelWork.stream(count: 1, threads: 2, stackSize: 1 << 20, light: true, onCaller, consume: { streamed.append($1) })
        #expect(streamed == [true])
        #expect(ParallelWork.run(count: 0, threads: 2, stackSize: 1 << 20) { $0 }.isEmpty)
        #expect(ParallelWork.run(count: 0, threads: 2, stackSize: 1 << 20, freeingAfter: { ($0, State(Tracker())) }).isEmpty)
    }
}
