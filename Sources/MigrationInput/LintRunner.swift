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
    /// All files are read first, then linted largest first: in path order a large file could come
    /// last and keep one core busy while the others had nothing left to do.
    public func lint(paths: [String]) -> [FileOutcome] {
        let sources = run(count: paths.count, light: true) { SourceReader.read(path: paths[$0]) }
        var read: [String: SourceText] = [:]
        read.reserveCapacity(paths.count)
        for (path, source) in zip(paths, sources) { if case .success(let text) = source { read[path] = text } }
        let history = HistoryHandout(history(of: paths, sources: read), paths: paths)
        let sizes = sources.map { source in (try? source.get())?.count ?? 0 }
        let order = paths.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        // Each worker frees a file's analysis and history after handing its outcome over: the
        // caller writes the report meanwhile. One small file (the pre-commit case) is linted and
        // freed on this thread when its stack allows, without a worker's start and hand-over.
        let small = sizes.count == 1 && sizes[0] <= Self.smallFile
        let outcomes = ParallelWork.run(count: order.count, threads: threadCount, stackSize: stackSize, cheapToFree: small, freeingAfter: { [self] position in
            let index = order[position]
            let path = paths[index], known = history.take(index)
            switch sources[index] {
            case .success(let source):
                let (outcome, analysis) = path.hasSuffix(".swift")
                    ? (lintSwift(path: path, source: source, before: known.swiftSchemas), nil)
                    : lintKeepingAnalysis(path: path, source: source, before: known.schema, parsed: known.parsed, decision: known.decision)
                // What the replay could not read is part of this file's coverage.
                guard case .linted(var report) = outcome, let earlier = known.earlier else { return (outcome, (analysis, known)) }
                report.coverage.history = earlier
                return (.linted(report), (analysis, known))
            case .failure(let error): return (.failed(error), (nil, known))
            }
        })
        var inPathOrder = outcomes
        for (position, index) in order.enumerated() { inPathOrder[index] = outcomes[position] }
        return inPathOrder
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
    }

    private let lock = NSLock()
    /// By position in the run's paths (a path named twice has two), nil once taken. Kept by path,
    /// each take looked the path up in five dictionaries and removed it from each: removing
    /// re-hashes the entries after it, 1 % of the instructions of the corpus.
    private var files: [FileHistory?]

    init(_ history: LintRunner.History, paths: [String]) {
        files = paths.map { path in
            FileHistory(schema: history.schemas[path], parsed: history.parsed[path], swiftSchemas: history.swiftSchemas[path] ?? [:],
                        earlier: history.earlier[path], decision: history.decisions[path])
        }
    }

    /// What the history knows of the path at `position`, forgotten here.
    func take(_ position: Int) -> FileHistory {
        lock.lock(); defer { lock.unlock() }
        defer { files[position] = nil }
        return files[position]!
    }
}
