import PostgresSyntax

extension SchemaCatalog {
    /// Whether an absent table or column really was never created: the catalog is complete, it
    /// was read from something (an earlier migration, a schema dump, a database snapshot), and
    /// that something made tables. An empty database with nothing (or nothing but queries)
    /// replayed does not show that a set of files starts there: its first file may be a delta on
    /// a base kept elsewhere, or the files may not be a migration history at all.
    public var showsAbsence: Bool { isComplete && hasHistory && !tables.isEmpty }

    /// Contrib extensions that make only functions, types and operators: a migration that
    /// creates one still shows every table and view.
    static let extensionsMakingNoRelation: Set<String> = [
        "uuid-ossp", "pgcrypto", "citext", "pg_trgm", "btree_gin", "btree_gist", "hstore", "unaccent",
        "fuzzystrmatch", "intarray", "ltree", "cube", "earthdistance", "isn", "tablefunc", "plpgsql",
    ]

    /// A statement of the history that used a relation the complete catalog does not hold ran
    /// on a database the history does not show: the catalog is no longer complete.
    mutating func noteUses(in statement: Statement, resolve: (QualifiedName) -> QualifiedName) {
        guard isComplete else { return }
        var used: [QualifiedName] = []
        switch statement {
        case .alterTable(let alter) where alter.kind == .table && !alter.ifExists: used = [alter.relation]
        case .createIndex(let index): used = [index.relation]
        case .drop(let drop) where drop.kind == .table && !drop.ifExists: used = drop.objects
        case .rename(let rename) where [.table, .column].contains(rename.kind) && !rename.ifExists: used = [rename.object]
        case .other("CreateForeignTableStmt"):
            // A foreign table is a relation the catalog does not learn.
            isComplete = false
            return
        case .createExtension(let name):
            // PostGIS makes `spatial_ref_sys`, others their own tables: not replayed.
            if !Self.extensionsMakingNoRelation.contains(name.lowercased()) { isComplete = false }
            return
        default: return
        }
        if used.contains(where: { !hasRelation(resolve($0).qualified) }) { isComplete = false }
    }
}

extension SchemaCatalog {
    /// Replays a DO block whose body runs only SQL written out in it (no EXECUTE of a built
    /// string, nothing the parser cannot read): its statements are learned as if they stood in the
    /// file, each cited at the DO block's line, whatever IF or EXCEPTION branch they sit in (the
    /// objects a migration makes conditionally are those it means to exist). False, and nothing
    /// learned, for any other block: the caller then gives up completeness.
    mutating func replayStaticBlock(_ parsed: ParsedStatement, source: SourceText, resolve: (QualifiedName) -> QualifiedName) -> Bool {
        guard let body = PLpgSQL.doBody(of: parsed, in: source), body.language == "plpgsql" else { return false }
        let read = PLpgSQL.statements(ofBody: body, in: source)
        var texts: [String] = []
        for embedded in read.statements {
            guard embedded.execute == nil else { return false }
            switch embedded.text {
            case .file(let range): texts.append(source.text(range))
            // Static SQL the body writes with a variable in it, or with `INTO` left out.
            case .built(let pieces): texts.append(pieces.map(\.text).joined())
            }
        }
        guard read.unread.isEmpty else { return false }
        let statements = texts.map { SQLParser().parse(SourceText($0)) }
        guard statements.allSatisfy({ $0.allSatisfy { $0.statement != nil } }) else { return false }
        // The lines of the block's own statements are not those of a separate text: cite the block.
        let fileSource = learningSource
        learningSource = nil
        for statement in statements.joined().compactMap(\.statement) { learn(statement, resolve: resolve) }
        learningSource = fileSource
        return true
    }
}
