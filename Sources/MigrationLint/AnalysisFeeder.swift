import Foundation
import LockModel
import PostgresSyntax

/// Feeds parsed statements to the analysis in file order. Under a transaction policy that
/// depends on the number of statements, the first statements wait until a second SQL statement
/// (or the end of the file) decides it.
struct AnalysisFeeder {
    let policy: TransactionPolicy
    /// About one statement per slice: room for them up front, as growing the array of
    /// analyses copied it again and again on long files.
    let expectedCount: Int
    let settings: (Bool) -> RunSettings
    private var waiting: [ParsedStatement] = []
    private var sqlCount = 0
    private var run: MigrationAnalyzer.Run?
    private var index = FileIndex()
    private var added = 0
    /// What the DO blocks of the file run, and how to read it.
    var hidden = HiddenSQL()
    var parser = SQLParser()
    var source = SourceText("")
    /// The file's path: what the walk learns carries it, with the line (`MigrationAnalyzer.Run`).
    var path = ""
    /// Statement index to the DO block it was found in.
    private(set) var provenance: [Int: HiddenSQL.Provenance] = [:]

    init(policy: TransactionPolicy, expectedCount: Int, settings: @escaping (Bool) -> RunSettings) {
        self.policy = policy
        self.expectedCount = expectedCount
        self.settings = settings
    }

    mutating func append(_ parsed: ParsedStatement) {
        if run != nil {
            add(parsed)
            return
        }
        if case .psqlMetaCommand = parsed.content {} else { sqlCount += 1 }
        waiting.append(parsed)
        switch policy {
        case .none: start(inTransaction: false)
        case .whole: start(inTransaction: true)
        case .ifMultipleStatements: if sqlCount > 1 { start(inTransaction: true) }
        }
    }

    mutating func finish() -> (analysis: FileAnalysis, index: FileIndex) {
        if run == nil { start(inTransaction: policy == .whole || (policy == .ifMultipleStatements && sqlCount > 1)) }
        return (run!.finish(), index)
    }

    private mutating func start(inTransaction: Bool) {
        run = MigrationAnalyzer.Run(analyzer: MigrationAnalyzer(settings: settings(inTransaction)), learningFrom: path, source: source)
        run!.reserveCapacity(expectedCount)
        for parsed in waiting { add(parsed) }
        waiting = []
    }

    private mutating func add(_ parsed: ParsedStatement) {
        if parsed.statement != nil, let planned = hidden.bodies[parsed.range.lowerBound] {
            addBlock(parsed, planned)
            return
        }
        index.add(parsed, index: added, searchPathSchema: run?.searchPathSchema)
        run?.append(parsed)
        added += 1
    }

    /// A DO statement and the statements its body runs, as one statement of the file.
    private mutating func addBlock(_ block: ParsedStatement, _ planned: [HiddenSQL.Planned]) {
        index.add(block, index: added, searchPathSchema: run?.searchPathSchema)
        added += 1
        var body: [ParsedStatement] = []
        for item in planned {
            for parsed in parser.parse(item.slice, in: source) {
                index.add(parsed, index: added, searchPathSchema: run?.searchPathSchema)
                provenance[added] = item.provenance
                added += 1
                body.append(parsed)
            }
        }
        run?.appendBlock(block, body: body)
    }
}
