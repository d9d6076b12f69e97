import Foundation

/// Work spread over threads with a stack of a known size.
///
/// No thread is started for no work, nor for a single item that the calling thread can run: one
/// whose stack is at least `stackSize`, or `light` work that needs no large stack (reading and
/// listing files, rendering a report). A one-file lint (the pre-commit case) started and joined
/// seven threads, one per step, each for one item; each handover cost the run a wake-up.
public enum ParallelWork {
    /// Runs `work` for 0..<count on up to `threads` threads and returns the results in order.
    public static func run<T: Sendable>(count: Int, threads: Int, stackSize: Int, light: Bool = false,
                                        _ work: @escaping @Sendable (Int) -> T) -> [T] {
        if runsHere(count, light: light, stackSize: stackSize) { return (0..<count).map(work) }
        let box = startWorkers(count: count, threads: threads, stackSize: stackSize) { box, index in box.store(work(index), at: index) }
        box.waitForWorkers()
        return box.results()
    }

    /// Runs `work` for 0..<count on up to `threads` threads, and hands each result to `consume`
    /// on the calling thread in index order as soon as it and those before it are done: the
    /// caller works through the first results while the later ones are still being computed.
    ///
    /// When the next result is not ready and its stack holds `stackSize`, the calling thread takes
    /// the next item nobody has started instead of waiting. Callers start one worker per core but
    /// one, and their own work (an analysis or a replay in file order) is at times shorter than
    /// the parse it waits for: the 20,000-statement file went from 296 to 281 ms
    /// (docs/benchmarks.md, "The sixth session").
    public static func stream<T: Sendable>(count: Int, threads: Int, stackSize: Int, light: Bool = false,
                                           _ work: @escaping @Sendable (Int) -> T, consume: (Int, T) -> Void) {
        if runsHere(count, light: light, stackSize: stackSize) {
            for index in 0..<count { consume(index, work(index)) }
            return
        }
        // Spelled as an `if`: the same choice as a ternary crashes the Swift 6.3 compiler.
        var helping: ((Int) -> T)?
        if callingThreadHasStack(stackSize) { helping = work }
        let box = startWorkers(count: count, threads: threads, stackSize: stackSize) { box, index in box.store(work(index), at: index) }
        for index in 0..<count { consume(index, box.take(index, helping: helping)) }
        box.waitForWorkers()
    }

    /// Starts `threads` threads with a stack of `stackSize`, each running `body`, and returns at
    /// once: for work that hands out its own items, some of which become ready only as others
    /// finish, and whose caller waits for the results rather than for the threads, which free
    /// what the last items held meanwhile (`LintRunner.lint(paths:)`).
    public static func start(threads: Int, stackSize: Int, _ body: @escaping @Sendable () -> Void) {
        for _ in 0..<max(1, threads) {
            let thread = Thread(block: body)
            thread.stackSize = stackSize
            thread.start()
        }
    }

    /// Whether the work runs on the calling thread: none at all, or a single item that is light or
    /// that the calling thread's stack holds.
    private static func runsHere(_ count: Int, light: Bool, stackSize: Int) -> Bool {
        count == 0 || count == 1 && (light || callingThreadHasStack(stackSize))
    }

    /// Whether the calling thread's stack holds `size` bytes: a thread's own size, or for the main
    /// thread, which grows its stack on demand, the process's soft limit (the CLI raises it to the
    /// workers' size at start-up).
    public static func callingThreadHasStack(_ size: Int) -> Bool {
        if Thread.isMainThread {
            var limit = rlimit()
            #if canImport(Glibc)
            guard getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &limit) == 0 else { return false }
            #else
            guard getrlimit(RLIMIT_STACK, &limit) == 0 else { return false }
            #endif
            // No limit reads as the largest value.
            return limit.rlim_cur >= rlim_t(size)
        }
        // A thread this type started has the size it was given; any other, the default.
        return Thread.current.stackSize >= size
    }

    /// Starts the worker threads, each running `step` (which stores the index's result in the box)
    /// for the next index until none is left.
    private static func startWorkers<T: Sendable>(count: Int, threads: Int, stackSize: Int,
                                                  step: @escaping @Sendable (ResultBox<T>, Int) -> Void) -> ResultBox<T> {
        let box = ResultBox<T>(count: count)
        let workers = max(1, min(threads, count))
        box.expectWorkers(workers)
        for _ in 0..<workers {
            let thread = Thread {
                while let index = box.nextIndex() { step(box, index) }
                box.finishWorker()
            }
            thread.stackSize = stackSize
            thread.start()
        }
        return box
    }
}

/// Shared between the worker threads of one run; every access is under the lock.
private final class ResultBox<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [T?]
    private var next = 0
    private var running = 0
    /// The index `take` waits for, if it waits.
    private var awaited: Int?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func expectWorkers(_ count: Int) {
        condition.lock(); running = count; condition.unlock()
    }

    func nextIndex() -> Int? {
        condition.lock(); defer { condition.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ value: T, at index: Int) {
        condition.lock()
        slots[index] = value
        // Wake a consumer only when one waits for this very result: waking the thread that waits
        // for all workers on every file cost a context switch each.
        if index == awaited { condition.broadcast() }
        condition.unlock()
    }

    /// Waits for the result at `index` and takes it out, so that it is freed once consumed.
    /// With `helping`, the caller computes the next unstarted item while it would wait.
    func take(_ index: Int, helping work: ((Int) -> T)? = nil) -> T {
        condition.lock(); defer { condition.unlock() }
        while slots[index] == nil {
            if let work, next < slots.count {
                let started = next
                next += 1
                condition.unlock()
                let value = work(started)
                condition.lock()
                slots[started] = value
                continue
            }
            awaited = index
            condition.wait()
            awaited = nil
        }
        defer { slots[index] = nil }
        return slots[index]!
    }

    func finishWorker() {
        condition.lock(); running -= 1; condition.broadcast(); condition.unlock()
    }

    func waitForWorkers() {
        condition.lock()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    /// The results, moved out of the box: copied out and then released with it, each result's
    /// references were retained and released once more, on the calling thread, after the workers
    /// made them on other cores (the corpus with history: the calling thread's sampled time 36.2
    /// to 33.3 ms, docs/benchmarks.md, "One set, one core").
    func results() -> [T] {
        condition.lock(); defer { condition.unlock() }
        var results: [T] = []
        results.reserveCapacity(slots.count)
        while let last = slots.popLast() { results.append(last!) }
        results.reverse()
        return results
    }
}
