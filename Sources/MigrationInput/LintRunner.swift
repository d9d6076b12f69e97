import Foundation
import LockModel
import MigrationLint
import PostgresSyntax
import SwiftMigrations

/// Lints many files on all cores. Each file is read, classified and analysed on its own, so the
/// result is the same whatever the thread timing; outcomes come back in input order.
public struct LintRunner: Sendable {
    public let engine: LintEngine
    /// Worker threads; libpg_query recurses deeply on deeply nested SQL, so workers get a large
    /// stack of their own instead of the default 512 KiB.
    public var threadCount: Int
    public var stackSize: Int

    /// The stack each worker gets unless told otherwise.
    public static let defaultStackSize = 64 << 20
    /// Up to this many bytes, one file is linted and freed on the calling thread. A large file's
    /// analysis takes long to free (18 ms for the 1.5 MB of the 20,000-statement file), which a
    /// worker does while the report is written; cuts of 32 KiB to 256 KiB of the real-migrations
    /// file took the same time either way, within the shared host's noise.
    static let smallFile = 256 << 10

    public init(engine: LintEngine, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, stackSize: Int = defaultStackSize) {
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
                                     assumeInTransaction: configuration.assumeInTransaction,
                                     dieselMetadata: Self.dieselMetadata(besides: path))
    }

    /// The `metadata.toml` in the folder of a diesel `up.sql` / `down.sql`, if there is one.
    static func dieselMetadata(besides path: String) -> String? {
        // Cut as text: `URL(fileURLWithPath:)` asks the file system whether the path is a folder,
        // for every file of a run.
        let name = MigrationHistory.fileName(of: path)
        guard name == "up.sql" || name == "down.sql" else { return nil }
        return try? String(contentsOfFile: MigrationHistory.join(MigrationHistory.folder(of: path), "metadata.toml"), encoding: .utf8)
    }

    /// Lints one file; `before` is the schema before it (`schemasBefore`), empty when only the
    /// file is known.
    /// `parsed` is the file as the history replay parsed it, if it did.
    /// `decision` is the file's layout decision if the history already made it.
    public func lint(path: String, source: SourceText, before: SchemaCatalog? = nil,
                     parsed: ParsedMigration? = nil, decision: LayoutDecision? = nil) -> FileOutcome {
        lintKeepingAnalysis(path: path, source: source, before: before, parsed: parsed, decision: decision).outcome
    }

    /// `lint(path:...)`, with the analysis of an SQL file still alive: for a caller that frees it
    /// after handing the outcome on.
    func lintKeepingAnalysis(path: String, source: SourceText, before: SchemaCatalog?, parsed: ParsedMigration?,
                             decision: LayoutDecision?) -> (outcome: FileOutcome, analysis: FileAnalysis?) {
        if path.hasSuffix(".swift") { return (lintSwift(path: path, source: source), nil) }
        let decision = decision ?? decide(path: path, source: source)
        guard let file = MigrationFile(path: path, source: source, decision: decision) else {
            return (.skipped(path: path, reason: decision.skipReason ?? "not linted"), nil)
        }
        let (report, analysis) = engine.lintAndAnalyze(file, before: before, parsed: parsed)
        return (.linted(report), analysis)
    }

    /// The migration as the core reads it, whatever the file's language: nil when the file holds
    /// nothing to lint (a down migration, a Swift file without a migration type).
    public func migrationFile(path: String, source: SourceText) -> MigrationFile? {
        if path.hasSuffix(".swift") {
            let swift = SwiftMigrationReader.read(source, includeDown: engine.configuration.includeDown)
            return swift.migrationTypes.isEmpty ? nil : swift.migrationFile(path: path, file: source)
        }
        return MigrationFile(path: path, source: source, decision: decide(path: path, source: source))
    }

    /// A Swift file: the SQL its migrations send, linted as SQL with findings placed in the Swift
    /// file, plus where the Swift parser gave up and each piece of SQL that is not known before
    /// the migration runs. `before`: the schema before each migration type, by qualified name
    /// (`History.swiftSchemas`); a type without one is linted alone.
    func lintSwift(path: String, source: SourceText, before: [String: SchemaCatalog] = [:]) -> FileOutcome {
        let configuration = engine.configuration
        let swift = SwiftMigrationReader.read(source, includeDown: configuration.includeDown)
        if swift.migrationTypes.isEmpty && swift.syntaxError == nil {
            return .skipped(path: path, reason: "no migration type in this Swift file")
        }
        // Each migration type on its own, as each runs at its own time.
        let reports = zip(swift.parts, swift.migrationFiles(path: path, file: source)).map { part, file in
            engine.lint(file, before: before[part.qualifiedName])
        }
        var diagnostics: [Diagnostic] = []
        var unusedFileSuppressions: [Int: Int] = [:]
        for report in reports {
            for var diagnostic in report.diagnostics {
                let start = diagnostic.range.lowerBound
                if let note = FluentRewrites.note(ruleID: diagnostic.ruleID, call: source.text(diagnostic.range)) {
                    diagnostic.notes.insert(note, at: 0)
                }
                if diagnostic.ruleID == EngineDiagnostics.unusedIgnore.id, swift.parts.contains(where: { $0.fileSuppressions.contains(start) }) {
                    unusedFileSuppressions[start, default: 0] += 1
                } else {
                    diagnostics.append(diagnostic)
                }
            }
        }
        // A file-wide suppression is unused only if no migration type of the file used it.
        for (start, count) in unusedFileSuppressions where count == swift.parts.filter({ $0.fileSuppressions.contains(start) }).count {
            if let unused = reports.lazy.flatMap(\.diagnostics).first(where: { $0.ruleID == EngineDiagnostics.unusedIgnore.id && $0.range.lowerBound == start }) {
                diagnostics.append(unused)
            }
        }
        if let error = swift.syntaxError, let severity = configuration.severity(of: EngineDiagnostics.syntaxError) {
            diagnostics.append(Diagnostic(ruleID: EngineDiagnostics.syntaxError.id, severity: severity, message: error.reason, range: error.range))
        }
        // What the Swift front end could not turn into SQL is not a finding (nothing is wrong
        // with the code) but a place no rule checked: each migration type's report counts its
        // own places (`SwiftMigrationSQL.unanalyzed`); a file with no type the parser could
        // read has only its places.
        let coverage = reports.isEmpty
            ? Coverage(statements: swift.unanalyzed.count, analyzed: 0, unanalyzed: swift.unanalyzed)
            : reports.reduce(Coverage()) { $0 + $1.coverage }
        return .linted(FileReport(path: path, source: source, diagnostics: diagnostics,
                                  statementCount: reports.reduce(0) { $0 + $1.statementCount }, coverage: coverage))
    }

    public func lint(path: String) -> FileOutcome {
        switch SourceReader.read(path: path) {
        case .success(let source): return lint(path: path, source: source)
        case .failure(let error): return .failed(error)
        }
    }

    /// Lints `paths` in parallel, each after the history before it (`schemasBefore`); the
    /// outcomes come back in the order of `paths`.
    ///
    /// All files are read first. While no migration set is longer than a worker's share of the
    /// run (`history(of:sources:chained:)`), each set is replayed up to its first path, then
    /// walked in order from there, each path's walk learning the schema of the next: a file is
    /// walked once, whether it is linted, replayed or both (the corpus: every file but the last of
    /// each set is both). A worker walks a set to its end and lints each file as it walks it
    /// (`LintJobs`). Otherwise each set is replayed up to its last path, as before; a file in no
    /// walk is linted at once, the largest first (in path order a large file could come last and
    /// keep one core busy while the others had nothing left to do).
    public func lint(paths: [String]) -> [FileOutcome] {
        let sources = run(count: paths.count, light: true) { SourceReader.read(path: paths[$0]) }
        var read: [String: SourceText] = [:]
        read.reserveCapacity(paths.count)
        for (path, source) in zip(paths, sources) { if case .success(let text) = source { read[path] = text } }
        var replayed = history(of: paths, sources: read, chained: true)
        // Each path's positions in the run (a path named twice has two).
        var positions: [String: [Int]] = [:]
        positions.reserveCapacity(paths.count)
        for (index, path) in paths.enumerated() { positions[path, default: []].append(index) }
        let history = HistoryHandout(replayed, paths: paths, positions: positions)
        // Each chain's members with what its walk needs of them, looked up here once. A path in
        // two sets (a folder's Flyway set and its other set) is linted as the first by name walks
        // it; the other walks replay it.
        var inChain = Array(repeating: false, count: paths.count)
        let walks = replayed.chains.indices.filter { !replayed.chains[$0].isEmpty }.map { chain in
            let members = replayed.chains[chain].map { path in
                let linted = (positions[path] ?? []).filter { !inChain[$0] }
                for position in linted { inChain[position] = true }
                return ChainWalk.Member(path: path, positions: linted, source: read[path], decision: replayed.decisions[path])
            }
            let parsed = replayed.chains[chain].map { replayed.chainMembers[$0] }
            return ChainWalk(members, parsed: parsed, start: replayed.chainStarts[chain])
        }
        // The walks hold the parse trees now, each freed as its walk passes it.
        replayed.chainMembers = [:]
        let sizes = sources.map { source in (try? source.get())?.count ?? 0 }
        let alone = paths.indices.filter { !inChain[$0] }.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        let jobs = LintJobs(walks: walks, alone: alone, count: paths.count)
        let work: @Sendable () -> Void = { [self] in
            func lint(_ position: Int) {
                let known = history.take(position)
                let (outcome, analysis) = lintOne(path: paths[position], sources[position], known)
                // The outcome is handed over first: the caller writes the report while the
                // analysis and history are freed here.
                jobs.store(outcome, at: position)
                withExtendedLifetime((analysis, known)) {}
            }
            while let job = jobs.next() {
                switch job {
                case .walk(var walk):
                    while !walk.isFinished {
                        var walkedHere: [Int] = []
                        step(&walk) { positions, walked in
                            for position in positions {
                                history.walked(walked, at: position)
                                if !jobs.handOver(position) { walkedHere.append(position) }
                            }
                        }
                        for position in walkedHere { lint(position) }
                    }
                    jobs.walkFinished()
                case .lint(let position):
                    lint(position)
                }
            }
        }
        // One small file (the pre-commit case) is linted and freed on this thread when its stack
        // allows, without a worker's start and hand-over. Otherwise a worker per core, however
        // few the sets: one set's walk hands its files to every worker.
        if sizes.count == 1, sizes[0] <= Self.smallFile, ParallelWork.callingThreadHasStack(stackSize) {
            work()
        } else {
            ParallelWork.start(threads: min(threadCount, paths.count), stackSize: stackSize, work)
        }
        return jobs.outcomes()
    }

    /// One file of `lint(paths:)`, with what its history knows of it.
    private func lintOne(path: String, _ source: Result<SourceText, InputError>, _ known: HistoryHandout.FileHistory) -> (FileOutcome, FileAnalysis?) {
        switch source {
        case .success(let source):
            let (outcome, analysis): (FileOutcome, FileAnalysis?)
            if path.hasSuffix(".swift") {
                (outcome, analysis) = (lintSwift(path: path, source: source, before: known.swiftSchemas), nil)
            } else if let walked = known.walked {
                let (report, walkedAnalysis) = engine.finishLint(walked)
                (outcome, analysis) = (.linted(report), walkedAnalysis)
            } else {
                (outcome, analysis) = lintKeepingAnalysis(path: path, source: source, before: known.schema, parsed: known.parsed, decision: known.decision)
            }
            // What the replay could not read is part of this file's coverage.
            guard case .linted(var report) = outcome, let earlier = known.earlier else { return (outcome, analysis) }
            report.coverage.history = earlier
            return (.linted(report), analysis)
        case .failure(let error): return (.failed(error), nil)
        }
    }

    /// Runs `work` for 0..<count on the worker threads and returns the results in order; `light`
    /// work (no parsing: reading, listing, deciding) runs one item on the calling thread.
    public func run<T: Sendable>(count: Int, light: Bool = false, _ work: @escaping @Sendable (Int) -> T) -> [T] {
        ParallelWork.run(count: count, threads: threadCount, stackSize: stackSize, light: light, work)
    }
}

/// The history of a run's paths, each path's part handed to the worker that lints it and
/// forgotten here: a file's earlier schema and parse tree are then freed by that worker with
/// its analysis, not all together on the calling thread after the last file.
private final class HistoryHandout: @unchecked Sendable {
    /// What the history knows of one path.
    struct FileHistory {
        var schema: SchemaCatalog?
        var parsed: ParsedMigration?
        var swiftSchemas: [String: SchemaCatalog]
        var earlier: [Coverage.EarlierPlace]?
        var decision: LayoutDecision?
        /// The file walked in its set's order, its rules yet to run (`LintRunner.step`).
        var walked: LintEngine.AnalyzedMigration?
    }

    private let lock = NSLock()
    /// By position in the run's paths (a path named twice has two), nil once taken. Kept by path,
    /// each take looked the path up in five dictionaries and removed it from each: removing
    /// re-hashes the entries after it, 1 % of the instructions of the corpus.
    private var files: [FileHistory?]

    /// `positions`: each path's positions in the run's paths. The history's collections but its
    /// decisions hold a few of the paths (a set's first path, a Swift file): each is gone through
    /// and its entries put in place, rather than every path looked up in each (the corpus: 5,800
    /// fewer hashes of long paths on the caller, before any file is linted).
    init(_ history: LintRunner.History, paths: [String], positions: [String: [Int]]) {
        var files = paths.map { FileHistory(swiftSchemas: [:], decision: history.decisions[$0]) }
        func place<Value>(_ entries: [String: Value], _ put: (inout FileHistory, Value) -> Void) {
            for (path, value) in entries { for position in positions[path] ?? [] { put(&files[position], value) } }
        }
        place(history.schemas) { $0.schema = $1 }
        place(history.parsed) { $0.parsed = $1 }
        place(history.swiftSchemas) { $0.swiftSchemas = $1 }
        place(history.earlier) { $0.earlier = $1 }
        self.files = files
    }

    /// The walk of the path at `position`, before the path is taken: the file walked, and what
    /// the files before it in the walk could not read in place of what the replay found.
    func walked(_ walked: LintRunner.Walked?, at position: Int) {
        guard let walked else { return }
        lock.lock(); defer { lock.unlock() }
        files[position]?.walked = walked.analyzed
        files[position]?.earlier = walked.earlier
    }

    /// What the history knows of the path at `position`, forgotten here.
    func take(_ position: Int) -> FileHistory {
        lock.lock(); defer { lock.unlock() }
        defer { files[position] = nil }
        return files[position]!
    }
}

/// The work of `LintRunner.lint(paths:)`, handed out to its workers. A worker takes the longest
/// walk left (by bytes) and walks its set to the end, linting each file as it walks it, so that a
/// set's schema, parse trees and analyses stay in one core's caches. Handed from worker to worker
/// a step at a time, and each file linted by whichever worker was free, the corpus with history
/// took 263 ms of CPU on two cores against 251 on one; walked this way, 249 against 245, and 8 to
/// 9 ms less wall time (docs/benchmarks.md, "One set, one core"). A worker with no walk left
/// lints the files in no set, the largest first; then, while others still walk, it waits for a
/// file they hand over: a walking worker hands a file it walked to a waiting worker rather than
/// lint it itself, so that the last walks do not leave a core idle. The outcomes come back by
/// position, whatever the timing.
final class LintJobs: @unchecked Sendable {
    enum Job { case walk(LintRunner.ChainWalk), lint(Int) }

    private let condition = NSCondition()
    /// The outcomes' own lock, which the caller waits on: with one condition for both, a worker's
    /// wake-up call for an idle worker could wake the caller instead, and leave a core idle.
    private let done = NSCondition()
    /// The walks no worker has taken, the longest last.
    private var walks: [LintRunner.ChainWalk]
    /// Workers walking.
    private var walking = 0
    /// The positions in no walk, in the order to lint them, from `nextAlone` on.
    private let alone: [Int]
    private var nextAlone = 0
    /// Files a walk handed over, and the workers waiting for one.
    private var handed: [Int] = []
    private var waiting = 0
    private var results: [FileOutcome?]
    private var missing: Int

    /// `alone`: the positions in no chain, in the order to lint them.
    init(walks: [LintRunner.ChainWalk], alone: [Int], count: Int) {
        self.walks = walks.sorted { $0.bytes < $1.bytes }
        self.alone = alone
        results = Array(repeating: nil, count: count)
        missing = count
    }

    /// The next job; nil once every walk is done and every file taken.
    func next() -> Job? {
        condition.lock(); defer { condition.unlock() }
        while true {
            if let walk = walks.popLast() {
                walking += 1
                return .walk(walk)
            }
            if nextAlone < alone.count {
                nextAlone += 1
                return .lint(alone[nextAlone - 1])
            }
            if !handed.isEmpty { return .lint(handed.removeFirst()) }
            if walking == 0 { return nil }
            waiting += 1
            condition.wait()
            waiting -= 1
        }
    }

    /// Hands the walked file at `position` to a waiting worker; false if none waits for it.
    func handOver(_ position: Int) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard waiting > handed.count else { return false }
        handed.append(position)
        condition.signal()
        return true
    }

    /// A worker is done with its walk.
    func walkFinished() {
        condition.lock()
        walking -= 1
        condition.broadcast()
        condition.unlock()
    }

    func store(_ outcome: FileOutcome, at position: Int) {
        done.lock()
        results[position] = outcome
        missing -= 1
        if missing == 0 { done.broadcast() }
        done.unlock()
    }

    /// Waits for every outcome.
    func outcomes() -> [FileOutcome] {
        done.lock(); defer { done.unlock() }
        while missing > 0 { done.wait() }
        return results.map { $0! }
    }
}
