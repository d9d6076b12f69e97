import Foundation
import PostgresSyntax

/// The outcome for one input file.
public enum FileOutcome: Sendable {
    case linted(FileReport)
    /// A down migration (or another part the layout does not run): not linted.
    case skipped(path: String, reason: String)
    case failed(InputError)

    public var path: String {
        switch self {
        case .linted(let report): return report.path
        case .skipped(let path, _): return path
        case .failed(let error): return error.path
        }
    }
}

/// Lints many files on all cores. Each file is read, classified and analysed on its own, so the
/// result is the same whatever the thread timing; outcomes come back in input order.
public struct LintRunner: Sendable {
    public let engine: LintEngine
    /// Worker threads; libpg_query recurses deeply on deeply nested SQL, so workers get a large
    /// stack of their own instead of the default 512 KiB.
    public var threadCount: Int
    public var stackSize: Int

    public init(engine: LintEngine, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, stackSize: Int = 64 << 20) {
        self.threadCount = max(1, threadCount)
        self.stackSize = stackSize
        var engine = engine
        engine.parseThreads = self.threadCount
        engine.parseStackSize = stackSize
        self.engine = engine
    }

    /// The layout decision for a file under this run's configuration.
    public func decide(path: String, source: SourceText) -> LayoutDecision {
        let configuration = engine.configuration
        return LayoutDetector.decide(path: path, source: source, override: configuration.layout,
                                     includeDown: configuration.includeDown,
                                     assumeInTransaction: configuration.assumeInTransaction)
    }

    public func lint(path: String, source: SourceText) -> FileOutcome {
        let decision = decide(path: path, source: source)
        guard let file = MigrationFile(path: path, source: source, decision: decision) else {
            return .skipped(path: path, reason: decision.skipReason ?? "not linted")
        }
        return .linted(engine.lint(file))
    }

    public func lint(path: String) -> FileOutcome {
        switch SourceReader.read(path: path) {
        case .success(let source): return lint(path: path, source: source)
        case .failure(let error): return .failed(error)
        }
    }

    /// Lints `paths` in parallel; the outcomes come back in the order of `paths`.
    ///
    /// All files are read first, then linted largest first: in path order a large file could come
    /// last and keep one core busy while the others had nothing left to do.
    public func lint(paths: [String]) -> [FileOutcome] {
        let sources = run(count: paths.count) { SourceReader.read(path: paths[$0]) }
        let sizes = sources.map { source in (try? source.get())?.count ?? 0 }
        let order = paths.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        let outcomes = run(count: order.count) { position in
            let index = order[position]
            switch sources[index] {
            case .success(let source): return lint(path: paths[index], source: source)
            case .failure(let error): return .failed(error)
            }
        }
        var inPathOrder = outcomes
        for (position, index) in order.enumerated() { inPathOrder[index] = outcomes[position] }
        return inPathOrder
    }

    /// Runs `work` for 0..<count on the worker threads and returns the results in order.
    public func run<T: Sendable>(count: Int, _ work: @escaping @Sendable (Int) -> T) -> [T] {
        ParallelWork.run(count: count, threads: threadCount, stackSize: stackSize, work)
    }
}

/// Work spread over threads with a stack of a known size.
public enum ParallelWork {
    /// Runs `work` for 0..<count on up to `threads` threads and returns the results in order.
    public static func run<T: Sendable>(count: Int, threads: Int, stackSize: Int, _ work: @escaping @Sendable (Int) -> T) -> [T] {
        // Even one file (the pre-commit case) runs on a worker, for its large stack.
        let box = startWorkers(count: count, threads: threads, stackSize: stackSize, work)
        box.waitForWorkers()
        return box.results()
    }

    /// Runs `work` for 0..<count on up to `threads` threads, and hands each result to `consume`
    /// on the calling thread in index order as soon as it and those before it are done: the
    /// caller works through the first results while the later ones are still being computed.
    public static func stream<T: Sendable>(count: Int, threads: Int, stackSize: Int, _ work: @escaping @Sendable (Int) -> T,
                                           consume: (Int, T) -> Void) {
        let box = startWorkers(count: count, threads: threads, stackSize: stackSize, work)
        for index in 0..<count { consume(index, box.take(index)) }
        box.waitForWorkers()
    }

    /// Starts the worker threads, each taking the next index until none is left.
    private static func startWorkers<T: Sendable>(count: Int, threads: Int, stackSize: Int,
                                                  _ work: @escaping @Sendable (Int) -> T) -> ResultBox<T> {
        let box = ResultBox<T>(count: count)
        let workers = max(1, min(threads, count))
        box.expectWorkers(workers)
        for _ in 0..<workers {
            let thread = Thread {
                HugePages.adviseThreadHeap()
                while let index = box.nextIndex() { box.store(work(index), at: index) }
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
    func take(_ index: Int) -> T {
        condition.lock(); defer { condition.unlock() }
        awaited = index
        while slots[index] == nil { condition.wait() }
        awaited = nil
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

    func results() -> [T] {
        condition.lock(); defer { condition.unlock() }
        return slots.map { $0! }
    }
}
