import PostgresSyntax

extension SchemaCatalog {
    /// The state before the first migration of a history: an empty database, so that an object
    /// no migration created does not exist (`isComplete`).
    public static var emptyDatabase: SchemaCatalog {
        var catalog = SchemaCatalog()
        catalog.isComplete = true
        return catalog
    }

    /// Folds in the statements of an earlier migration, in order, as the analyzer would walk them
    /// (the file's `SET search_path` applies to the names after it), each object remembering
    /// `path` and the line it came from.
    ///
    /// A statement that could not be read makes the tables it names unknown rather than wrong,
    /// and the catalog no longer complete; the rest of the file replays.
    public mutating func replay(_ statements: [ParsedStatement], source: SourceText, path: String) {
        let analyzer = MigrationAnalyzer(settings: RunSettings(existingSchema: self))
        var state = AnalysisState(settings: analyzer.settings)
        let noEffects = StatementEffects()
        state.schema.learningSource = source
        for (index, parsed) in statements.enumerated() {
            guard let statement = parsed.statement else {
                // Unread, it may have made anything: nothing is known to be absent.
                if parsed.mayMakeUnreadObjects { state.schema.isComplete = false }
                if case .syntaxError = parsed.content { state.schema.forgetTables(namedIn: source.text(parsed.range), state: state) }
                continue
            }
            state.schema.learningOrigin = SchemaOrigin(path: path, line: source.line(of: parsed.range.lowerBound))
            // Resolved through the search path alone, as `MigrationAnalyzer.update` does: `state.resolve`
            // as a closure copied the whole state for every statement (half the cost of this check).
            let searchPathSchema = state.searchPathSchema
            if state.schema.replayStaticBlock(parsed, source: source, resolve: { AnalysisState.resolve($0, searchPathSchema: searchPathSchema) }) {
                continue
            }
            // Any other DO block makes the catalog incomplete there: what it runs is not replayed.
            analyzer.update(&state, after: statement, effects: noEffects, index: index)
        }
        self = state.schemaForNextMigration
    }

    /// The catalog of a schema dump (`pg_dump --schema-only`) or of any SQL that creates the
    /// objects it holds: complete, since a dump holds the whole database.
    public static func dump(_ sql: String, path: String) -> SchemaCatalog {
        var catalog = SchemaCatalog.emptyDatabase
        let source = SourceText(sql)
        catalog.replay(SQLParser().parse(source), source: source, path: path)
        return catalog
    }

    /// The tables that the text of an unreadable statement names after `TABLE` (or `ON`, as
    /// CREATE INDEX writes it): forgotten, and the catalog no longer complete.
    mutating func forgetTables(namedIn text: String, state: AnalysisState) {
        isComplete = false
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ";" || $0 == "," })
        let skip: Set<String> = ["if", "not", "exists", "only"]
        for (position, word) in words.enumerated() where ["table", "on"].contains(word.lowercased()) {
            guard let name = words[(position + 1)...].first(where: { !skip.contains($0.lowercased()) }) else { continue }
            let parts = name.split(separator: ".").map { part -> String in
                part.hasPrefix("\"") ? String(part.dropFirst().dropLast()) : part.lowercased()
            }
            guard let last = parts.last, !last.isEmpty else { continue }
            let table = state.resolve(QualifiedName(parts: parts))
            forget(table: table.qualified)
        }
    }
}

extension AnalysisState {
    /// The catalog after the statements walked so far, as the next migration of the set starts
    /// from it: what `replay` leaves, and what a lint's walk leaves when it learned what the
    /// replay learns (`LintEngine.AnalyzedMigration.schemaAfter`).
    public var schemaForNextMigration: SchemaCatalog {
        var catalog = schema
        catalog.hasHistory = true
        catalog.learningOrigin = nil
        catalog.learningSource = nil
        catalog.lintedPath = nil
        catalog.notNullChecks = notNullChecks
        catalog.pendingNotNullChecks = pendingNotNullChecks
        return catalog
    }
}
