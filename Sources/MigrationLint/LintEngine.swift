import Foundation
import LockModel
import PostgresSyntax

/// prints and keeps no state between files, so files can be linted in parallel.
public struct LintEngine: Sendable {
    public let rules: [any Rule]
    private let ruleIDs: Set<String>
    public let configuration: Configuration
    public let parser: SQLParser
    /// Threads that parse the statements of one long file and check its rules; the runner sets
    /// its own count. A single long file would otherwise use one core.
    public var parseThreads = 1
    /// Stack of each parse thread: libpg_query recurses as deep as the statement nests.
    public var parseStackSize = 64 << 20
    /// Read the statements of DO blocks, of the EXECUTE strings they run and of the functions
    /// the file calls (`HiddenSQL`); off, only the file's own statements are read.
    public var readsHiddenSQL = true

    /// The rules the configuration turns on, with their ids and severities, worked out once:
    /// reading a rule's description copies the whole value.
    private let enabled: [any Rule]
    private let enabledIDs: [String]
    private let enabledSeverities: [Severity]
    private let enabledCategories: [RuleCategory]
    /// From the configuration's snapshot: the schema before the file runs, and table sizes.
    private let startingSchema: SchemaCatalog
    private let tableSizes: TableSizes?
    /// The enabled rule ids and the engine's own diagnostics, for unused suppressions.
    private let enabledIDSet: Set<String>

    public init(rules: [any Rule], configuration: Configuration = Configuration(), parser: SQLParser = SQLParser()) {
        self.rules = rules
        self.ruleIDs = Set(rules.map(\.id) + EngineDiagnostics.all.map(\.id))
        self.configuration = configuration
        self.parser = parser
        let enabled = rules.compactMap { rule in configuration.severity(of: rule.description).map { (rule, rule.id, $0) } }
        self.enabled = enabled.map(\.0)
        self.enabledIDs = enabled.map(\.1)
        self.enabledSeverities = enabled.map(\.2)
        self.enabledCategories = enabled.map { $0.0.description.category }
        self.startingSchema = configuration.database.map(SchemaCatalog.init(snapshot:)) ?? SchemaCatalog()
        self.tableSizes = configuration.database.map { TableSizes($0, policy: configuration.tableSizes) }
        self.enabledIDSet = Set(enabledIDs + EngineDiagnostics.all.map(\.id))
    }

    /// Below this many statements a file is parsed on the calling thread: starting threads
    /// would cost more than it saves.
    static let parallelParseThreshold = 512

    /// Every rule id the engine knows, for configuration and suppression checks.
    public var knownRuleIDs: Set<String> { ruleIDs }

    /// Parses a file and builds the shared analysis context, as its migration tool would run it.
    ///
    /// `before` is the schema before the file runs, the one entry point for it: the catalog the
    /// history replay built from the earlier migrations (`schema(after:from:)`), a `schema:`
    /// dump (`SchemaCatalog.dump`), or one seeded from a database snapshot. Objects in it are known
    /// (types, constraints, indexes) but not new; empty, only the file is known.
    public func analyze(_ file: MigrationFile, before: SchemaCatalog? = nil) -> FileAnalysis {
        analyzeAndIndex(file, before: before).analysis
    }

    /// The schema after `file` ran on `before`: its up part replayed (no rules, no DO bodies).
    public func schema(after file: MigrationFile, from before: SchemaCatalog) -> SchemaCatalog {
        schema(after: parse(file), from: before)
    }

    /// The schema after a file the replay has already parsed.
    public func schema(after parsed: ParsedMigration, from before: SchemaCatalog) -> SchemaCatalog {
        var catalog = before
        catalog.replay(parsed.statements, source: parsed.source, path: parsed.path)
        return catalog
    }

    /// The statements of `file`'s up part as the parser reads them, placeholders stood in for.
    public func parse(_ file: MigrationFile) -> ParsedMigration {
        let (read, _) = PlaceholderStandIns.apply(file, configuration: configuration)
        let slices = parser.slices(of: read.source, ranges: read.lintRanges)
        return ParsedMigration(path: file.path, source: read.source, ranges: read.lintRanges, slices: slices,
                               statements: parser.parse(slices, in: read.source))
    }

    /// A file as the engine read it: the SQL (with what the DO-block front end added), its
    /// analysis, the index of names, and where each statement found inside a DO block came from.
    struct Analyzed: Sendable {
        var file: MigrationFile
        var analysis: FileAnalysis
        var index: FileIndex
        var provenance: [Int: HiddenSQL.Provenance]
        var placeholders: PlaceholderStandIns?
    }

    /// Parses and analyses a file, and indexes which statements name which object. A long file
    /// is parsed in chunks on several threads while this thread analyses the chunks already
    /// parsed, in file order: the analysis is sequential, and waiting for the whole parse first
    /// left a core idle for a third of the run.
    func analyzeAndIndex(_ file: MigrationFile, before: SchemaCatalog? = nil, parsed: ParsedMigration? = nil) -> Analyzed {
        // What the history replay parsed of this file is reused, its split too. When it read the
        // file's own bytes, nothing was stood in for (a stand-in never spells the placeholder it
        // replaces), so the file is not scanned for placeholders again either.
        let unchanged = parsed?.reads(file.source, ranges: file.lintRanges) == true
        let (read, placeholders) = unchanged ? (file, nil) : PlaceholderStandIns.apply(file, configuration: configuration)
        let reused = unchanged || parsed?.reads(read.source, ranges: read.lintRanges) == true ? parsed : nil
        let slices = reused?.slices ?? parser.slices(of: read.source, ranges: read.lintRanges)
        // The SQL of DO blocks and routines is read here (`HiddenSQL`) and appended after the
        // file's own text, whose statements parse the same from either text.
        func expanded() -> (file: MigrationFile, feeder: AnalysisFeeder) {
            let (file, hidden) = readsHiddenSQL ? HiddenSQL.expand(read, slices: slices, parser: parser) : (read, HiddenSQL())
            var feeder = AnalysisFeeder(policy: file.transactionPolicy, expectedCount: slices.count, settings: { [configuration, startingSchema] inTransaction in
                RunSettings(postgresVersion: configuration.postgresVersion, fileRunsInTransaction: inTransaction,
                            timeZone: configuration.timeZone, existingSchema: before ?? startingSchema)
            })
            feeder.hidden = hidden
            feeder.parser = parser
            feeder.source = file.source
            feeder.path = file.path
            return (file, feeder)
        }
        var file: MigrationFile, feeder: AnalysisFeeder
        if let reused {
            (file, feeder) = expanded()
            for statement in reused.statements { feeder.append(statement) }
        } else if parseThreads > 1, slices.count >= Self.parallelParseThreshold {
            // Chunks much smaller than a thread's share, so that a slow chunk does not idle the others.
            // One core fewer than the threads: this thread analyses in file order while the others
            // parse ahead, and when all three shared two cores the analysis finished alone, a
            // quarter of the run after the parse (20,000 statements 287 to 268 ms, real
            // migrations 98 to 92 ms; docs/benchmarks.md).
            let parseWorkers = max(1, parseThreads - 1)
            let chunkSize = max(64, slices.count / (parseThreads * 8))
            let chunkCount = (slices.count + chunkSize - 1) / chunkSize
            let parser = parser, source = read.source
            // The DO blocks are read once the workers have started. Read before, they kept this
            // thread alone for 13 ms of the real-migrations file's run (under `perf record`); now
            // 6 ms, splitting the file.
            var started: (file: MigrationFile, feeder: AnalysisFeeder)?
            ParallelWork.stream(count: chunkCount, threads: parseWorkers, stackSize: parseStackSize, { chunk in
                parser.parse(slices[chunk * chunkSize..<min(slices.count, (chunk + 1) * chunkSize)], in: source)
            }, consume: { _, statements in
                if started == nil { started = expanded() }
                for parsed in statements { started!.feeder.append(parsed) }
            })
            (file, feeder) = started ?? expanded()
        } else {
            (file, feeder) = expanded()
            for parsed in parser.parse(slices, in: file.source) { feeder.append(parsed) }
        }
        let (analysis, index) = feeder.finish()
        return Analyzed(file: file, analysis: analysis, index: index, provenance: feeder.provenance, placeholders: placeholders)
    }

    /// Lints one migration; the findings are placed in the file the user wrote.
    /// `parsed`: the file as the history replay parsed it, reused when it is the same text.
    public func lint(_ file: MigrationFile, before: SchemaCatalog? = nil, parsed: ParsedMigration? = nil) -> FileReport {
        lintAndAnalyze(file, before: before, parsed: parsed).report
    }

    /// Lints one migration and returns the analysis too, for a front end that also explains
    /// statements (the language server's hover): one parse instead of two.
    public func lintAndAnalyze(_ file: MigrationFile, before: SchemaCatalog? = nil,
                               parsed: ParsedMigration? = nil) -> (report: FileReport, analysis: FileAnalysis) {
        finishLint(analyzeForLint(file, before: before, parsed: parsed))
    }

    /// A migration walked in order, its rules not yet run: `lint` in two steps, so that the files
    /// of a migration set are walked one after another, each from the schema the one before it
    /// left, while the rules of those already walked run on other threads.
    public struct AnalyzedMigration: Sendable {
        let analyzed: Analyzed

        /// The schema after the file, as the history replay builds it from the same statements
        /// (the walk stamps what it learns with the file's lines, as the replay does); nil when the
        /// walk learned otherwise than the replay: a DO block or SQL the file's routines run (read
        /// by the walk, in its own order), or a statement the parser could not read (whose tables
        /// the replay forgets). Such a file is replayed. Made when asked: a lint with no file
        /// after it never asks.
        public var schemaAfter: SchemaCatalog? {
            let learnedAsReplayed = analyzed.provenance.isEmpty && analyzed.analysis.statements.allSatisfy { item in
                switch item.parsed.content {
                case .syntaxError: return false
                case .statement(.other("DoStmt")): return false
                default: return true
                }
            }
            return learnedAsReplayed ? analyzed.analysis.finalState.schemaForNextMigration : nil
        }
    }

    /// The first step of `lint`: the file parsed (or `parsed` reused) and walked from `before`.
    public func analyzeForLint(_ file: MigrationFile, before: SchemaCatalog? = nil, parsed: ParsedMigration? = nil) -> AnalyzedMigration {
        AnalyzedMigration(analyzed: analyzeAndIndex(file, before: before, parsed: parsed))
    }

    /// The second step of `lint`: the rules run on the walked file, the findings placed in the file
    /// the user wrote.
    public func finishLint(_ migration: AnalyzedMigration) -> (report: FileReport, analysis: FileAnalysis) {
        let analyzed = migration.analyzed
        let (file, analysis, fileIndex) = (analyzed.file, analyzed.analysis, analyzed.index)
        var diagnostics = diagnose(file, analysis, fileIndex, provenance: analyzed.provenance, placeholders: analyzed.placeholders)
        if let origin = file.origin { diagnostics = diagnostics.map { origin.map.translate($0) } }
        if let placeholders = analyzed.placeholders { diagnostics = diagnostics.map(placeholders.named) }
        let report = FileReport(path: file.path, source: file.userSource, diagnostics: diagnostics,
                                statementCount: analysis.statements.count,
                                coverage: coverage(of: file, analysis, placeholders: analyzed.placeholders))
        return (report, analysis)
    }

    /// Every statement counts; those the parser could not read, psql's own commands and what the
    /// front end could not turn into SQL are named with their place.
    func coverage(of file: MigrationFile, _ analysis: FileAnalysis, placeholders: PlaceholderStandIns? = nil) -> Coverage {
        var entries = file.unanalyzed
        var analyzed = 0
        for item in analysis.statements {
            guard let reason = unreadableReason(item.parsed, placeholders: placeholders) else { analyzed += 1; continue }
            entries.append(Coverage.Entry(range: file.userRange(item.parsed.range), reason: reason))
        }
        return Coverage(statements: analysis.statements.count + file.unanalyzed.count, analyzed: analyzed, unanalyzed: entries)
    }

    /// Why no rule can read a statement, in the words coverage counts by; nil when it was read.
    func unreadableReason(_ statement: ParsedStatement, placeholders: PlaceholderStandIns? = nil) -> String? {
        switch statement.content {
        case .statement: return nil
        case .syntaxError where placeholders?.touches(statement.range) == true:
            return "placeholder not understood"
        case .syntaxError:
            return configuration.postgresVersion > GrammarVersion.major && statement.slice.unterminated == nil
                ? "syntax error (PostgreSQL \(GrammarVersion.major + 1)+ syntax?)" : "syntax error"
        case .psqlMetaCommand: return "psql meta-command"
        case .psqlVariable: return "psql variable"
        }
    }

    /// What the replay of an earlier migration could not read, placed in the file the user
    /// wrote: the statements the parser could not read and what the front end could not turn
    /// into SQL (`file.unanalyzed`).
    public func earlierPlaces(of file: MigrationFile, parsed: ParsedMigration) -> [Coverage.EarlierPlace] {
        let source = file.userSource
        func place(_ range: Range<Int>, _ reason: String, _ detail: String?) -> Coverage.EarlierPlace {
            let position = source.position(of: range.lowerBound)
            let end = min(range.upperBound, source.count)
            return Coverage.EarlierPlace(path: file.path, line: position.line, column: position.column, reason: reason, detail: detail,
                                         text: range.lowerBound < end ? source.text(range.lowerBound..<end) : "")
        }
        var entries = file.unanalyzed.map { ($0.range, $0.reason, $0.detail) }
        for statement in parsed.statements {
            if let reason = unreadableReason(statement) { entries.append((file.userRange(statement.range), reason, nil)) }
        }
        return entries.sorted { $0.0.lowerBound < $1.0.lowerBound }.map { place($0.0, $0.1, $0.2) }
    }

    /// The diagnostics of an analysed file: rule findings, engine diagnostics and unused
    /// suppressions, in statement order, suppressions applied.
    func diagnose(_ file: MigrationFile, _ analysis: FileAnalysis, _ fileIndex: FileIndex,
                  provenance: [Int: HiddenSQL.Provenance] = [:], placeholders: PlaceholderStandIns? = nil) -> [Diagnostic] {
        let statements = analysis.statements.map(\.parsed)

        var diagnostics: [Diagnostic] = []
        var suppressions = SuppressionTracker(statements: statements, knownRuleIDs: knownRuleIDs,
                                             squawkCompat: configuration.squawkCompat)

        let blockIndex: [Int: Int] = provenance.isEmpty ? [:] : Dictionary(
            analysis.statements.map { ($0.parsed.range.lowerBound, $0.index) }, uniquingKeysWith: { first, _ in first })
        func emit(_ description: RuleDescription, _ finding: Finding, statement: Int?) {
            guard let severity = configuration.severity(of: description) else { return }
            emit(description.id, severity, finding, statement: statement)
        }
        func emit(_ ruleID: String, _ severity: Severity, _ finding: Finding, statement: Int?) {
            if suppressions.suppresses(ruleID, statement: statement) { return }
            guard let statement, let origin = provenance[statement] else {
                diagnostics.append(Diagnostic(ruleID: ruleID, severity: severity, finding: finding))
                return
            }
            // A comment above the DO statement speaks for the statements of its body too.
            if let block = blockIndex[origin.block.lowerBound], suppressions.suppresses(ruleID, statement: block) { return }
            diagnostics.append(Diagnostic(ruleID: ruleID, severity: severity, finding: HiddenSQL.placed(finding, origin, in: file)))
        }

        let statementFindings = check(analysis, index: fileIndex, file: file, rules: enabled)
        for (position, item) in analysis.statements.enumerated() {
            switch item.parsed.content {
            case .syntaxError where placeholders?.touches(item.parsed.range) == true:
                // The tool fills the placeholder in: a stand-in of the wrong kind is not the
                // user's mistake. The coverage report names the statement.
                continue
            case .syntaxError(let message, let offset):
                if let severity = syntaxErrorSeverity(item.parsed) {
                    emit(EngineDiagnostics.syntaxError.id, severity, syntaxFinding(message, offset: offset, item.parsed, file),
                         statement: item.index)
                }
            case .psqlMetaCommand(let text):
                emit(EngineDiagnostics.psqlMetaCommand, Finding(
                    message: "psql meta-command `\(text.prefix(40))` is not SQL: only psql runs it, and MigrationLint skips it",
                    range: item.parsed.range), statement: item.index)
            case .psqlVariable(let offset):
                emit(EngineDiagnostics.psqlMetaCommand, Finding(
                    message: "psql variable interpolation: the statement is expanded by psql, so MigrationLint does not check it",
                    range: offset..<min(offset + 2, item.parsed.range.upperBound)), statement: item.index)
            case .statement:
                for (rule, finding) in statementFindings[position] {
                    guard let tableSizes else {
                        emit(enabledIDs[rule], enabledSeverities[rule], finding, statement: item.index)
                        continue
                    }
                    var sized = finding
                    let severity = tableSizes.apply(to: &sized, severity: enabledSeverities[rule], category: enabledCategories[rule], statement: item)
                    emit(enabledIDs[rule], severity, sized, statement: item.index)
                }
            }
        }
        let fileContext = FileContext(file: file, analyses: analysis.statements, finalState: analysis.finalState)
        for (index, rule) in enabled.enumerated() {
            for finding in rule.finish(fileContext) {
                let statement = analysis.statements.last { $0.parsed.range.lowerBound <= finding.range.lowerBound }?.index
                emit(enabledIDs[index], enabledSeverities[index], finding, statement: statement)
            }
        }
        for finding in suppressions.unusedFindings(enabledRuleIDs: enabledIDSet) {
            if let severity = configuration.severity(of: EngineDiagnostics.unusedIgnore) {
                diagnostics.append(Diagnostic(ruleID: EngineDiagnostics.unusedIgnore.id, severity: severity, finding: finding))
            }
        }
        return diagnostics
    }

    /// The findings of `rules` for each statement, with the index of the rule that found each.
    /// Rules read the finished analysis and nothing else, so the statements of a long file are
    /// checked on several threads; the findings come back in statement order all the same.
    func check(_ analysis: FileAnalysis, index fileIndex: FileIndex, file: MigrationFile, rules: [any Rule]) -> [[(rule: Int, finding: Finding)]] {
        let statements = analysis.statements
        let checkOne: @Sendable (Int) -> [(rule: Int, finding: Finding)] = { index in
            let item = statements[index]
            // A statement PostgreSQL passes over because the history shows its table is absent does nothing.
            guard case .statement(let statement) = item.parsed.content, !item.state.passesOver(statement) else { return [] }
            let context = RuleContext(statement: statement, analysis: item, file: file, fileAnalyses: statements, fileIndex: fileIndex)
            var findings: [(rule: Int, finding: Finding)] = []
            // By index: `enumerated()` copied each rule's existential out of the array, twenty
            // thousand statements times fifty rules (2 % of a long file's instructions).
            for ruleIndex in rules.indices {
                for finding in rules[ruleIndex].check(context) { findings.append((ruleIndex, finding)) }
            }
            return findings
        }
        guard parseThreads > 1, statements.count >= Self.parallelParseThreshold else { return statements.indices.map(checkOne) }
        let chunkSize = max(64, statements.count / (parseThreads * 8))
        let chunkCount = (statements.count + chunkSize - 1) / chunkSize
        let chunks = ParallelWork.run(count: chunkCount, threads: parseThreads, stackSize: parseStackSize) { chunk in
            (chunk * chunkSize..<min(statements.count, (chunk + 1) * chunkSize)).map(checkOne)
        }
        return Array(chunks.joined())
    }

    func syntaxFinding(_ message: String, offset: Int, _ parsed: ParsedStatement, _ file: MigrationFile) -> Finding {
        var notes: [String] = []
        if let open = parsed.slice.unterminated {
            let what: String
            switch open.kind {
            case .string: what = "string literal"
            case .quotedIdentifier: what = "quoted identifier"
            case .blockComment: what = "block comment"
            case .dollarQuote(let tag): what = "dollar-quoted string \(tag)"
            }
            let position = file.position(of: open.offset)
            notes.append("unterminated \(what) starting at line \(position.line), column \(position.column)")
        }
        let end = min(parsed.range.upperBound, offset + 1)
        let grammar = "PostgreSQL \(GrammarVersion.text)"
        let target = configuration.postgresVersion
        guard target > GrammarVersion.major, parsed.slice.unterminated == nil else {
            return Finding(message: "\(message) (\(grammar) grammar)", range: offset..<max(end, offset), notes: notes,
                           help: "PostgreSQL \(target) would reject this statement too: fix it")
        }
        notes.append("the target is PostgreSQL \(target), and MigrationLint reads statements with the \(grammar) grammar: this may be newer syntax that it cannot read, not a mistake")
        return Finding(message: "\(message) (\(grammar) grammar)", range: offset..<max(end, offset), notes: notes,
                       help: "if PostgreSQL \(target) accepts it, the statement is simply not checked; silence it with `-- migration-lint-ignore: syntax-error <reason>`")
    }

    /// A syntax error is an error when the target server would reject the statement too; when
    /// the target is newer than the grammar, it may be valid newer syntax, so it is a warning
    /// unless the configuration sets the severity itself.
    func syntaxErrorSeverity(_ parsed: ParsedStatement) -> Severity? {
        let description = EngineDiagnostics.syntaxError
        guard let severity = configuration.severity(of: description) else { return nil }
        if configuration.ruleSettings[description.id] == nil, configuration.postgresVersion > GrammarVersion.major,
           parsed.slice.unterminated == nil {
            return min(severity, .warning)
        }
        return severity
    }
}
