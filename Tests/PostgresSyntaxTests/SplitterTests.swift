import Testing
@testable import PostgresSyntax

@Suite struct StatementSplitterTests {
    func texts(_ sql: String) -> [String] {
        let source = SourceText(sql)
        return StatementSplitter.split(source.bytes).map { source.text($0.range) }
    }

    @Test func splitsOnSemicolonsOutsideQuotesAndComments() {
        #expect(texts("SELECT 1; SELECT ';'; -- a; b\nSELECT \"x;y\";") == ["SELECT 1;", "SELECT ';';", "SELECT \"x;y\";"])
    }

    @Test func keepsDollarQuotedBodiesWhole() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ not the end $$; $body$ LANGUAGE sql;\nSELECT 2;"
        #expect(texts(sql).count == 2)
        #expect(texts(sql)[1] == "SELECT 2;")
    }

    @Test func handlesEscapeStringsAndNestedComments() {
        #expect(texts("SELECT E'it\\'s;'; /* a /* nested; */ still; */ SELECT 2;") == ["SELECT E'it\\'s;';", "SELECT 2;"])
        // Without E, a backslash is an ordinary character: the string ends at the second quote.
        #expect(texts("SELECT 'a\\'; SELECT 2;") == ["SELECT 'a\\';", "SELECT 2;"])
    }

    @Test func keepsBeginAtomicBodiesAndRulesWhole() {
        let atomic = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;"
        #expect(texts(atomic).count == 2)
        let rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 3;"
        #expect(texts(rule).count == 2)
    }

    @Test func anUnbalancedParenthesisDoesNotSwallowTheNextStatement() {
        #expect(texts("CREATE TABLE t (a int;\nCREATE TABLE u (b int);") == ["CREATE TABLE t (a int;", "CREATE TABLE u (b int);"])
    }

    @Test func unterminatedConstructsRunToTheEndAndAreReported() {
        let source = SourceText("SELECT 1;\nSELECT 'oops;\nSELECT 3;")
        let slices = StatementSplitter.split(source.bytes)
        #expect(slices.count == 2)
        #expect(slices[1].unterminated?.kind == .string)
        #expect(slices[1].unterminated?.offset == 17)
        let dollar = StatementSplitter.split(SourceText("DO $x$ BEGIN").bytes)
        #expect(dollar.first?.unterminated?.kind == .dollarQuote(tag: "$x$"))
        let comment = StatementSplitter.split(SourceText("SELECT 1; /* never closed").bytes)
        #expect(comment.last?.unterminated?.kind == .blockComment)
    }

    @Test func psqlMetaCommandsAreTheirOwnSlices() {
        let source = SourceText("\\set ON_ERROR_STOP on\nSELECT 1;\n  \\i other.sql\n")
        let slices = StatementSplitter.split(source.bytes)
        #expect(slices.map(\.kind) == [.psqlMetaCommand, .sql, .psqlMetaCommand])
        #expect(source.text(slices[0].range) == "\\set ON_ERROR_STOP on")
    }

    @Test func recordsPsqlVariablesButNotCasts() {
        let source = SourceText("SELECT now()::text, :'name';")
        let slice = StatementSplitter.split(source.bytes)[0]
        #expect(slice.psqlVariableOffset == 20)
        #expect(StatementSplitter.split(SourceText("SELECT 1::int;").bytes)[0].psqlVariableOffset == nil)
    }

    @Test func namesAreMeasuredOutsideStringsCommentsAndDollarQuotes() {
        let long = String(repeating: "n", count: 70)
        let hidden = "SELECT E'it\\'s \(long)', $$ \(long) $$, 'a''\(long)' /* \(long) */ FROM t; -- \(long)\nSELECT 2;"
        #expect(StatementSplitter.split(SourceText(hidden).bytes).map(\.longestName) == [6, 6])
        let named = "SELECT 1 FROM \"\(long)\" JOIN x\(long) USING (id);"
        #expect(StatementSplitter.split(SourceText(named).bytes)[0].longestName == 72)
    }

    @Test func aVerticalTabBetweenStatementsIsWhitespace() {
        #expect(texts("SELECT 1;\u{0B}\nSELECT 2;") == ["SELECT 1;", "SELECT 2;"])
    }

    @Test func anUnterminatedEscapeStringIsReportedAtItsQuote() {
        let slice = StatementSplitter.split(SourceText("SELECT E'it\\'s").bytes)[0]
        #expect(slice.unterminated?.kind == .string)
        #expect(slice.unterminated?.offset == 8)
    }

    @Test func leadingTriviaHoldsTheCommentsBeforeAStatement() {
        let source = SourceText("SELECT 1;\n-- note\n/* block */\nSELECT 2;")
        let slices = StatementSplitter.split(source.bytes)
        #expect(source.text(slices[1].leadingTrivia).contains("-- note"))
        #expect(source.text(slices[1].range) == "SELECT 2;")
    }
}

@Suite struct SourceTextTests {
    @Test func columnsCountCodePointsAndLinesHandleCRLF() {
        let source = SourceText("-- é€😀\r\nSELECT\t1;")
        let offset = Array("-- é€😀\r\nSELECT\t".utf8).count
        let position = source.position(of: offset)
        #expect(position.line == 2)
        #expect(position.column == 8)
        let inFirstLine = source.position(of: Array("-- é€😀".utf8).count)
        #expect(inFirstLine.line == 1 && inFirstLine.column == 7)
        #expect(source.text(source.lineRange(1)) == "-- é€😀")
    }

    @Test func characterCursorBecomesByteOffset() {
        let source = SourceText("SELECT 'é' FRM")
        #expect(source.byteOffset(ofCharacter: 12, in: 0..<source.count) == 12)
    }
}
