import Foundation
import MigrationLint
import Testing

/// `ParallelWork`, which every multi-file run and every long file goes through: results in input
/// order whatever the thread timing.
@Suite struct ParallelWorkTests {
    @Test func runKeepsInputOrder() {
        let results = ParallelWork.run(count: 500, threads: 4, stackSize: 1 << 20) { index -> Int in
            // Uneven work, so that workers finish out of order.
            if index % 7 == 0 { usleep(200) }
            return index * 2
        }
        #expect(results == (0..<500).map { $0 * 2 })
    }

    @Test func streamConsumesInOrder() {
        var seen: [Int] = []
        ParallelWork.stream(count: 200, threads: 2, stackSize: 1 << 20, { $0 * 3 }, consume: { index, value in
            #expect(value == index * 3)
            seen.append(index)
        })
        #expect(seen == Array(0..<200))
    }

    /// While the next result is not ready, a calling thread whose stack holds the work computes the
    /// next item nobody has started. Item 0 waits for item 1 here: with one worker and a caller that
    /// only waited, the run would hang (until the test's timeout). A caller without the stack
    /// leaves every item to the worker.
    @Test func streamsCallerWorksWhileItWaits() throws {
        final class Results: @unchecked Sendable { var values: [String: [Bool]] = [:] }
        let results = Results(), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let caller = pthread_self()
            let second = DispatchSemaphore(value: 0)
            let work: @Sendable (Int) -> Bool = { index in
                if index == 0 { _ = second.wait(timeout: .now() + 120) } else { second.signal() }
                return pthread_equal(pthread_self(), caller) != 0
            }
            var helped: [Bool] = []
            ParallelWork.stream(count: 2, threads: 1, stackSize: 4 << 20, work, consume: { helped.append($1) })
            results.values["stack holds it"] = helped
            var waited: [Bool] = []
            ParallelWork.stream(count: 2, threads: 1, stackSize: 32 << 20, { _ in pthread_equal(pthread_self(), caller) != 0 },
                                consume: { waited.append($1) })
            results.values["stack too small"] = waited
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        #expect(done.wait(timeout: .now() + 300) == .success)
        // One item each: the caller computed whichever the worker had not started.
        #expect(results.values["stack holds it"]?.filter { $0 }.count == 1)
        #expect(results.values["stack too small"] == [false, false])
    }

    /// A single item runs on the calling thread when that thread's stack holds the work's (the CLI
    /// raises the main thread's to the workers' size, so that one file starts no thread) or when
    /// the work is light (reading the one file, rendering its report); otherwise on a worker with
    /// the stack asked for. No work starts nothing.
    @Test func oneItemRunsOnTheCallingThreadWhenItsStackHoldsTheWork() throws {
        final class Results: @unchecked Sendable { var values: [String: [Bool]] = [:] }
        let results = Results(), done = DispatchSemaphore(value: 0)
        // A thread of known stack, as the CLI's main thread after its limit is raised.
        let thread = Thread {
            let caller = pthread_self()
            let onCaller: @Sendable (Int) -> Bool = { _ in pthread_equal(pthread_self(), caller) != 0 }
            results.values["fits"] = ParallelWork.run(count: 1, threads: 2, stackSize: 4 << 20, onCaller)
            results.values["too large"] = ParallelWork.run(count: 1, threads: 2, stackSize: 32 << 20, onCaller)
            results.values["light"] = ParallelWork.run(count: 1, threads: 2, stackSize: 32 << 20, light: true, onCaller)
            results.values["two items"] = ParallelWork.run(count: 2, threads: 2, stackSize: 4 << 20, light: true, onCaller)
            var streamed: [Bool] = []
            ParallelWork.stream(count: 1, threads: 2, stackSize: 32 << 20, light: true, onCaller, consume: { streamed.append($1) })
            results.values["stream"] = streamed
            results.values["none"] = ParallelWork.run(count: 0, threads: 2, stackSize: 32 << 20, onCaller)
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        #expect(done.wait(timeout: .now() + 120) == .success)
        #expect(results.values == ["fits": [true], "too large": [false], "light": [true], "two items": [false, false],
                                   "stream": [true], "none": []])
    }
}
