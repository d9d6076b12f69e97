import Testing
@testable import PostgresSyntax

@Suite struct ParserTests {
    let parser = SQLParser()

    func parse(_ sql: String) -> [ParsedStatement] { parser.parse(SourceText(sql)) }

    @Test func decodesAddColumnWithDefault() throws {
        let statements = parse("ALTER TABLE app.users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();")
        guard case .alterTable(let alter) = statements.first?.statement else { Issue.record("not ALTER TABLE"); return }
        #expect(alter.relation.qualified == "app.users")
        guard case .addColumn(let column, _) = alter.actions.first else { Issue.record("not ADD COLUMN"); return }
        #expect(column.name == "token")
        #expect(column.type?.baseName == "uuid")
        #expect(column.hasNotNull)
        guard case .functionCall(let name, _, let location) = column.defaultValue else { Issue.record("no default"); return }
        #expect(name == ["gen_random_uuid"])
        #expect(location == 61) // the DEFAULT expression, not the statement start
    }

    @Test func syntaxErrorsPointAtTheTokenAndDoNotStopTheFile() {
        let statements = parse("SELECT 1;\nCREATE TABLEX t ();\nCREATE INDEX i ON t (a);")
        #expect(statements.count == 3)
        guard case .syntaxError(let message, let offset) = statements[1].content else { Issue.record("no error"); return }
        #expect(message.contains("syntax error"))
        #expect(offset == 17)
        guard case .createIndex(let index) = statements[2].statement else { Issue.record("index lost"); return }
        #expect(index.isConcurrent == false && index.relation.name == "t")
    }

    @Test func syntaxErrorCursorCountsCharactersNotBytes() {
        let statements = parse("SELECT 'éé' FRM x;")
        guard case .syntaxError(_, let offset) = statements[0].content else { Issue.record("no error"); return }
        #expect(offset == Array("SELECT 'éé' FRM ".utf8).count) // at "x": FRM is read as an alias
    }

    @Test func commentsComeFromTheScannerNotFromStrings() {
        let statements = parse("-- lead\nSELECT '-- not a comment', 1 /* real */;")
        #expect(statements[0].comments.map(\.text) == ["lead", "real"])
    }

    @Test func decodesTransactionsSettingsAndUnknownStatements() {
        let statements = parse("BEGIN; SET lock_timeout = '2s'; GRANT SELECT ON t TO bob; COMMIT;")
        #expect(statements.compactMap(\.statement) == [
            .transaction(.begin),
            .variableSet(VariableSet(kind: .set, name: "lock_timeout", value: "2s", isLocal: false)),
            .other("GrantStmt"),
            .transaction(.commit),
        ])
    }

    @Test func genericExpressionsKeepNestedCalls() {
        let statements = parse("ALTER TABLE t ADD COLUMN c int DEFAULT COALESCE(random()::int, 1);")
        guard case .alterTable(let alter) = statements[0].statement, case .addColumn(let column, _) = alter.actions[0],
              case .other(let kind, let children, _) = column.defaultValue else { Issue.record("shape"); return }
        #expect(kind == "CoalesceExpr")
        guard case .typeCast(.functionCall(let name, _, _), _, _) = children.first else { Issue.record("child"); return }
        #expect(name == ["random"])
    }

    @Test func refusesPathologicalNestingBeforeParsing() {
        let deep = "SELECT " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + ";"
        guard case .syntaxError(let message, _) = parse(deep)[0].content else { Issue.record("no refusal"); return }
        #expect(message.contains("nested"))
    }

    @Test func psqlVariablesBecomeANoteNotASyntaxError() {
        guard case .psqlVariable(let offset) = parse("SELECT * FROM t WHERE a = :'value';")[0].content else { Issue.record("shape"); return }
        #expect(offset == 26)
    }
}

extension ParserTests {
    /// Regression: naming an unmodelled ALTER TABLE subcommand read a dangling pointer in
    /// release builds (found linting the corpus).
    @Test func otherAlterTableSubcommandsAreNamed() {
        let statements = parse("ALTER TABLE t ENABLE TRIGGER trg; ALTER TABLE t ALTER COLUMN c SET STATISTICS 500;")
        guard case .alterTable(let first) = statements[0].statement, case .alterTable(let second) = statements[1].statement else {
            Issue.record("shape"); return
        }
        #expect(first.actions == [.other("EnableTrig", column: "trg")])
        #expect(second.actions == [.other("SetStatistics", column: "c")])
    }
}

/// Names in rewrites and messages are quoted exactly where PostgreSQL needs it.
@Suite struct QuoteIdentifierTests {
    @Test(arguments: [
        ("users", "users"), ("_tmp$1", "_tmp$1"), ("a1", "a1"),
        ("Users", "\"Users\""), ("1st", "\"1st\""), ("$x", "\"$x\""), ("order", "\"order\""),
        ("we\"ird", "\"we\"\"ird\""), ("ünï", "\"ünï\""), ("with space", "\"with space\""), ("", "\"\""),
    ])
    func quotesOnlyWhatNeedsIt(_ name: String, _ expected: String) {
        #expect(quoteIdentifier(name) == expected)
    }

    @Test func qualifiedNamesQuoteEachPart() {
        #expect(QualifiedName(schema: "App", name: "order").sql == "\"App\".\"order\"")
        #expect(QualifiedName(name: "users").sql == "users")
        #expect(QualifiedName(schema: "public", name: "users") == QualifiedName(name: "users"))
        #expect(QualifiedName(schema: "a.b", name: "c") != QualifiedName(schema: "a", name: "b.c"))
    }
}
