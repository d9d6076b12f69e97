import Foundation
import Testing
@testable import PostgresSyntax

/// Each token of `sql` as `text@offset`, with `=KEYWORD` when it is a keyword.
private func lex(_ sql: String) -> [String] {
    let source = SourceText(sql)
    return describe(SQLLexer.tokens(in: 0..<source.count, of: source), in: source)
}

private func describe(_ tokens: [Token], in source: SourceText) -> [String] {
    tokens.map { "\(source.text($0.range))@\($0.range.lowerBound)" + ($0.keyword.map { "=\($0)" } ?? "") }
}

/// The comments of `sql` as the parser attaches them to statements.
private func comments(_ sql: String) -> [PostgresSyntax.Comment] {
    let source = SourceText(sql)
    return SQLParser.comments(in: 0..<source.count, of: source)
}

/// Expects the lexer to read `sql` as `expected` and, when PostgreSQL's scanner accepts `sql`,
/// to agree with `pg_query_scan` on tokens and comments.
private func expectTokens(_ sql: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(lex(sql) == expected, sourceLocation: sourceLocation)
    let source = SourceText(sql)
    if let reference = PgQueryScanner.tokens(in: 0..<source.count, of: source) {
        #expect(lex(sql) == describe(reference, in: source), "pg_query_scan reads it otherwise", sourceLocation: sourceLocation)
        #expect(comments(sql) == PgQueryScanner.comments(in: 0..<source.count, of: source), sourceLocation: sourceLocation)
    }
}

/// Expects PostgreSQL's scanner to reject `sql` (so that the lexer's tokens are its own choice).
private func expectPostgresRejects(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let source = SourceText(sql)
    #expect(PgQueryScanner.tokens(in: 0..<source.count, of: source) == nil, sourceLocation: sourceLocation)
}

@Suite struct LexerTests {
    // MARK: Identifiers and keywords

    @Test func keywordsAreFoundWhateverTheirCaseAndIdentifiersAreNot() {
        expectTokens("SELECT sElEcT\tselect\u{0C}selectx _x9 a$1$ users",
                     ["SELECT@0=SELECT", "sElEcT@7=SELECT", "select@14=SELECT", "selectx@21", "_x9@29", "a$1$@33", "users@38"])
    }

    @Test func onlyASCIILettersAreFoldedSoNonASCIILookalikesAreNoKeywords() {
        // U+017F (long s) upper-cases to S in Unicode, but PostgreSQL folds A-Z only.
        expectTokens("ſelect Ünïcode INDEX", ["ſelect@0", "Ünïcode@8", "INDEX@18=INDEX"])
    }

    @Test func everyKeywordOfTheTableIsAKeywordToPostgresAndNearMissesAreNot() throws {
        let keywords = PostgresKeywords.all.map { $0.description }
        #expect(keywords.count > 400)
        let sql = keywords.map { "\($0) \($0.uppercased()) \($0)x" }.joined(separator: " ")
        let source = SourceText(sql)
        let tokens = SQLLexer.tokens(in: 0..<source.count, of: source)
        #expect(tokens.count == keywords.count * 3)
        for (index, keyword) in keywords.enumerated() {
            #expect(tokens[3 * index].keyword == keyword.uppercased())
            #expect(tokens[3 * index + 1].keyword == keyword.uppercased())
            #expect(tokens[3 * index + 2].keyword == nil, "\(keyword)x")
        }
        let reference = try #require(PgQueryScanner.tokens(in: 0..<source.count, of: source))
        #expect(tokens == reference)
    }

    @Test func quotedIdentifiersAreNeverKeywords() {
        expectTokens(#"SELECT "select", "a""b", "Ünï" FROM t"#,
                     ["SELECT@0=SELECT", #""select"@7"#, ",@15", #""a""b"@17"#, ",@23", #""Ünï"@25"#, "FROM@33=FROM", "t@38"])
    }

    @Test func unicodeIdentifiersAndStringsSpanTheirWholeText() {
        // libpg_query reports U&"..." as just its `U` and U&'...' as an empty range; the lexer
        // gives the whole token, so these two are compared on their start only.
        #expect(lex(#"SELECT U&"d!0061t" UESCAPE '!', u&'x' FROM t"#)
                == ["SELECT@0=SELECT", #"U&"d!0061t"@7"#, "UESCAPE@19=UESCAPE", "'!'@27", ",@30", "u&'x'@32", "FROM@38=FROM", "t@43"])
        let source = SourceText(#"SELECT U&"a" , U&'b'"#)
        let reference = PgQueryScanner.scan(0..<source.count, of: source)
        #expect(reference?.map(\.range) == [0..<6, 7..<8, 13..<14, 15..<15])
        #expect(reference?.filter(\.hasUnreliableEnd).count == 2)
    }

    @Test func aUWithoutQuoteIsAnIdentifierAndAnOperator() {
        expectTokens("u&x U&", ["u@0", "&@1", "x@2", "U@4", "&@5"])
    }

    // MARK: Strings

    @Test func stringsWithDoubledQuotesAndStandardBackslashes() {
        expectTokens(#"SELECT 'it''s', 'a\', ''"#, ["SELECT@0=SELECT", "'it''s'@7", ",@14", #"'a\'@16"#, ",@20", "''@22"])
    }

    @Test func escapeStringsHideTheByteAfterABackslash() {
        expectTokens(#"SELECT E'a\'b', e'\\', E'\x41\101\u0041' x"#,
                     ["SELECT@0=SELECT", #"E'a\'b'@7"#, ",@14", #"e'\\'@16"#, ",@21", #"E'\x41\101\u0041'@23"#, "x@41"])
    }

    @Test func bitHexAndNationalStrings() {
        // The `N` of N'...' is the keyword NCHAR to PostgreSQL; its text is `N`.
        expectTokens("SELECT B'0101', x'ff', N'nat', n'x'",
                     ["SELECT@0=SELECT", "B'0101'@7", ",@14", "x'ff'@16", ",@21", "N@23=N", "'nat'@24", ",@29", "n@31=N", "'x'@32"])
    }

    @Test func bitStringsHaveNoDoubledQuotes() {
        expectTokens("SELECT B'0''1'", ["SELECT@0=SELECT", "B'0'@7", "'1'@11"])
    }

    @Test func stringsSeparatedByANewlineAreOneToken() {
        expectTokens("SELECT 'a'\n  'b' , 'c' \r'd', E'\\''\n\t'e', B'1'\n'0' x",
                     ["SELECT@0=SELECT", "'a'\n  'b'@7", ",@17", "'c' \r'd'@19", ",@27", "E'\\''\n\t'e'@29", ",@39", "B'1'\n'0'@41", "x@50"])
    }

    @Test func stringsOnOneLineOrAcrossACommentAreNotContinued() {
        // PostgreSQL would continue across the comment; libpg_query's patched scanner does not.
        expectTokens("SELECT 'a' 'b', 'c' -- note\n'd', 'e'\u{0B}\n'f'",
                     ["SELECT@0=SELECT", "'a'@7", "'b'@11", ",@14", "'c'@16", "'d'@28", ",@31", "'e'@33", "\u{0B}@36", "'f'@38"])
        #expect(comments("SELECT 'c' -- note\n'd'").map(\.text) == ["note"])
    }

    // MARK: Dollar quotes and parameters

    @Test func dollarQuotesEndAtTheirOwnTag() {
        expectTokens("SELECT $$a$b$$, $fn$ $x$ ' -- $fn$, $_a1$q$_a1$, $é$x$é$",
                     ["SELECT@0=SELECT", "$$a$b$$@7", ",@14", "$fn$ $x$ ' -- $fn$@16", ",@34", "$_a1$q$_a1$@36", ",@47", "$é$x$é$@49"])
    }

    @Test func aDollarNotStartingAQuoteIsAParameterOrItself() {
        expectTokens("SELECT $1, $23 x, $a, $", ["SELECT@0=SELECT", "$1@7", ",@9", "$23@11", "x@15", ",@16", "$@18", "a@19", ",@20", "$@22"])
    }

    @Test func parameterFollowedByLettersIsRejectedByPostgresAndSplitHere() {
        expectPostgresRejects("SELECT $1a")
        #expect(lex("SELECT $1a") == ["SELECT@0=SELECT", "$1@7", "a@9"])
    }

    // MARK: Numbers

    @Test func numbers() {
        expectTokens("SELECT 1, 1.5, 1., .5, 1e10, 1.5E-3, 2e+2, 1.e5",
                     ["SELECT@0=SELECT", "1@7", ",@8", "1.5@10", ",@13", "1.@15", ",@17", ".5@19", ",@21", "1e10@23", ",@27",
                      "1.5E-3@29", ",@35", "2e+2@37", ",@41", "1.e5@43"])
    }

    @Test func rangesAndDotsBetweenNumbers() {
        expectTokens("1..10 5.. 1.2.3 x.y ...", ["1@0", "..@1", "10@3", "5@6", "..@7", "1.2@10", ".3@13", "x@16", ".@17", "y@18", "..@20", ".@22"])
    }

    @Test func numbersRunIntoLettersAreRejectedByPostgresAndSplitHere() {
        for sql in ["1e", "1e+", "1e+x", "1.e", "1abc", "0x1F"] { expectPostgresRejects(sql) }
        #expect(lex("1e 1e+x 1.e 0x1F") == ["1@0", "e@1", "1@3", "e@4", "+@5", "x@6", "1.@8", "e@10", "0@12", "x1F@13"])
    }

    // MARK: Operators and punctuation

    @Test func operatorsAndTheirSpecialTwoCharacterForms() {
        expectTokens("a::int, b := 1, f(c => 2), d <= 1, e >= 1, f <> 1, g != 1, h <=> i",
                     ["a@0", "::@1", "int@3=INT", ",@6", "b@8", ":=@10", "1@13", ",@14", "f@16", "(@17", "c@18", "=>@20", "2@23", ")@24",
                      ",@25", "d@27", "<=@29", "1@32", ",@33", "e@35", ">=@37", "1@40", ",@41", "f@43", "<>@45", "1@48", ",@49",
                      "g@51", "!=@53", "1@56", ",@57", "h@59", "<=>@61", "i@65"])
    }

    @Test func aTrailingPlusOrMinusLeavesAnSQLOperator() {
        expectTokens("a=-1 a?-1 a+-1 a<=-1 a@-1 a*+-1 a ||- 1", [
            "a@0", "=@1", "-@2", "1@3", "a@5", "?-@6", "1@8", "a@10", "+@11", "-@12", "1@13", "a@15", "<=@16", "-@18", "1@19",
            "a@21", "@-@22", "1@24", "a@26", "*@27", "+@28", "-@29", "1@30", "a@32", "||-@34", "1@38",
        ])
    }

    @Test func anOperatorStopsWhereACommentStarts() {
        expectTokens("a+/*c*/b a*--c\nb a<--c\nb a|/b x*/y", ["a@0", "+@1", "b@7", "a@9", "*@10", "b@15", "a@17", "<@18", "b@23", "a@25", "|/@26", "b@28", "x@30", "*/@31", "y@33"])
    }

    @Test func punctuationAndStrayBytes() {
        expectTokens("f(a[1]); x\\y {z} :x", ["f@0", "(@1", "a@2", "[@3", "1@4", "]@5", ")@6", ";@7", "x@9", "\\@10", "y@11", "{@13", "z@14", "}@15", ":@17", "x@18"])
    }

    // MARK: Comments

    @Test func commentsAreLeftOutOfTheTokensAndFoundByTheParser() {
        let sql = "-- lead\nSELECT /* a /* nested */ still */ 1 -- tail\r/*/ x */ /***/"
        expectTokens(sql, ["SELECT@8=SELECT", "1@42"])
        #expect(comments(sql).map(\.range) == [0..<7, 15..<41, 44..<51, 52..<60, 61..<66])
        #expect(comments(sql).map(\.text) == ["lead", "a /* nested */ still", "tail", "/ x", "*"])
        #expect(comments(sql).map(\.isBlock) == [false, true, false, true, true])
    }

    @Test func commentMarkersInsideLiteralsAreNoComments() {
        expectTokens("SELECT '--x', $$/*$$, \"--\" -- real", ["SELECT@0=SELECT", "'--x'@7", ",@12", "$$/*$$@14", ",@20", #""--"@22"#])
        #expect(comments("SELECT '--x', $$/*$$, \"--\" -- real").map(\.text) == ["real"])
    }

    // MARK: What PostgreSQL rejects: unterminated constructs and NUL

    @Test func unterminatedConstructsRunToTheEndWithoutTakingWhatFollows() {
        let cases: [(String, [String])] = [
            ("SELECT 'abc", ["SELECT@0=SELECT", "'abc@7"]),
            ("SELECT E'abc\\", ["SELECT@0=SELECT", "E'abc\\@7"]),
            ("SELECT E'abc\\'", ["SELECT@0=SELECT", "E'abc\\'@7"]),
            ("SELECT \"abc", ["SELECT@0=SELECT", "\"abc@7"]),
            ("SELECT $x$ abc $y$", ["SELECT@0=SELECT", "$x$ abc $y$@7"]),
            ("SELECT B'01", ["SELECT@0=SELECT", "B'01@7"]),
            ("SELECT U&'x", ["SELECT@0=SELECT", "U&'x@7"]),
            ("SELECT 1 /* a /* b */ c", ["SELECT@0=SELECT", "1@7"]),
            ("SELECT \"\"", ["SELECT@0=SELECT", "\"\"@7"]), // zero-length identifier
        ]
        for (sql, expected) in cases {
            expectPostgresRejects(sql)
            #expect(lex(sql) == expected, "\(sql)")
        }
        #expect(comments("SELECT 1 /* a /* b */ c").map(\.text) == ["a /* b */ c"])
    }

    @Test func aNULByteIsATokenOfItsOwn() {
        #expect(lex("SELECT\0 1, '\0', x\0y") == ["SELECT@0=SELECT", "\0@6", "1@8", ",@9", "'\0'@11", ",@14", "x@16", "\0@17", "y@18"])
        // pg_query_scan is never given a NUL: the old scanner returned nothing.
        #expect(PgQueryScanner.tokens(in: 0..<3, of: SourceText("a\0b")) == nil)
    }

    @Test func everyPrefixOfTrickyInputEndsCleanly() {
        let inputs = ["SELECT U&\"x\" U&'y' u&", "E'a\\'b'\n 'c' $t$ $ $t$", "$1 $a$ $$", "1.5e+3 .. 1..2 : :: :=",
                      "/* /* */ */ -- x\r", "B'0' X'f' N'n' n", "\"a\"\"b\" 'c''d'", "a <=> b ?- @- *--", "\u{FF}\u{FE}\\"]
        for input in inputs {
            let bytes = Array(input.utf8)
            for length in 0...bytes.count {
                expectWellFormed(SourceText(bytes: Array(bytes[..<length])))
            }
        }
    }

    @Test func arbitraryBytesNeverCrashHangOrLeaveTheRange() {
        // Malformed UTF-8, lone quotes and backslashes, NULs: a fixed pseudo-random sequence.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let alphabet = Array("'\"$\\-/*&uUeEbBxXnN01.+e:;\n \0\u{0B}".utf8) + [0x80, 0xC3, 0xFF]
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 40) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let pick = Int(truncatingIfNeeded: state >> 33)
                bytes.append(pick % 4 == 0 ? UInt8(truncatingIfNeeded: pick >> 8) : alphabet[(pick >> 2) % alphabet.count])
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            expectWellFormed(SourceText(bytes: bytes))
        }
    }

    @Test func rangesAreFileOffsetsAndStayInsideTheRangeAsked() {
        let source = SourceText("SELECT 1; CREATE INDEX i ON t (a);")
        #expect(describe(SQLLexer.tokens(in: 10..<22, of: source), in: source) == ["CREATE@10=CREATE", "INDEX@17=INDEX"])
        // A string cut by the end of the range ends there.
        let cut = SourceText("SELECT 'abc' x")
        #expect(SQLLexer.tokens(in: 7..<10, of: cut).map(\.range) == [7..<10])
        // A range reaching past the text is cut to it.
        #expect(SQLLexer.tokens(in: 7..<100, of: cut).map(\.range) == [7..<12, 13..<14])
    }
}

/// Tokens and comments of all of `source` are in order, non-empty, not overlapping, inside it,
/// and cover every byte that is not whitespace.
private func expectWellFormed(_ source: SourceText, sourceLocation: SourceLocation = #_sourceLocation) {
    let whole = 0..<source.count
    var covered = [Bool](repeating: false, count: source.count)
    var previousEnd = 0
    source.bytes.withUnsafeBufferPointer { text in
        var lexer = SQLLexer(text, in: whole)
        var count = 0
        while let token = lexer.next() {
            count += 1
            guard count <= source.count else {
                Issue.record("more tokens than bytes in \(source.bytes)", sourceLocation: sourceLocation)
                return
            }
            guard token.range.lowerBound >= previousEnd, !token.range.isEmpty, token.range.upperBound <= source.count else {
                Issue.record("bad range \(token.range) in \(source.bytes)", sourceLocation: sourceLocation)
                return
            }
            for offset in token.range { covered[offset] = true }
            previousEnd = token.range.upperBound
        }
    }
    let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0C]
    for (offset, byte) in source.bytes.enumerated() where !covered[offset] && !whitespace.contains(byte) {
        Issue.record("byte \(byte) at \(offset) belongs to no token in \(source.bytes)", sourceLocation: sourceLocation)
        break
    }
    _ = SQLLexer.tokens(in: whole, of: source)
    _ = SQLParser.comments(in: whole, of: source)
}

// MARK: - Differential test against pg_query_scan

/// Where the lexer and `pg_query_scan` were compared, and how they agreed.
private struct Agreement: CustomStringConvertible {
    var files = 0
    var statements = 0
    /// Statements that pg_query_scan could not scan (or that hold a NUL): not compared.
    var scanErrors = 0
    var identical = 0
    /// `U&"..."` and `U&'...'` tokens of the statements compared, compared on their start only
    /// (libpg_query's end is wrong).
    var unicodeTokens = 0
    var wholeFilesCompared = 0
    var differences: [String] = []

    var description: String {
        "\(files) files, \(statements) statements: \(statements - scanErrors) compared, \(identical) identical, "
            + "\(scanErrors) skipped because pg_query_scan failed, \(unicodeTokens) U& tokens compared on their start; "
            + "\(wholeFilesCompared) whole files compared; \(differences.count) differences"
    }

    /// Compares each statement of `path` (tokens of the statement, comments of its leading
    /// trivia and itself, as the parser asks for them), then the whole file.
    mutating func compare(_ path: String) throws {
        let source = SourceText(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        files += 1
        for slice in SQLParser().slices(of: source) {
            statements += 1
            let commentRange = slice.leadingTrivia.lowerBound..<slice.range.upperBound
            guard let reference = PgQueryScanner.scan(slice.range, of: source),
                  let referenceComments = PgQueryScanner.comments(in: commentRange, of: source) else {
                scanErrors += 1
                continue
            }
            unicodeTokens += reference.filter(\.hasUnreliableEnd).count
            var same = compareTokens(reference, in: slice.range, of: source, path: path)
            if SQLParser.comments(in: commentRange, of: source) != referenceComments {
                same = false
                differences.append("\(path) @\(commentRange): comments differ")
            }
            if same { identical += 1 }
        }
        if let reference = PgQueryScanner.scan(0..<source.count, of: source) {
            wholeFilesCompared += 1
            _ = compareTokens(reference, in: 0..<source.count, of: source, path: path)
        }
    }

    private mutating func compareTokens(_ reference: [PgQueryScanner.ScannedToken], in range: Range<Int>, of source: SourceText, path: String) -> Bool {
        guard let difference = firstDifference(SQLLexer.tokens(in: range, of: source), reference, in: source) else { return true }
        differences.append("\(path) @\(range): \(difference)")
        return false
    }
}

/// Where the lexer's `tokens` and pg_query_scan's `reference` first differ in range or keyword,
/// if they do. Comments are not tokens; `U&` tokens are compared on their start only.
private func firstDifference(_ tokens: [Token], _ reference: [PgQueryScanner.ScannedToken], in source: SourceText) -> String? {
    let expected = reference.filter { !$0.isComment }
    guard tokens.count == expected.count else { return "\(tokens.count) tokens, pg_query_scan \(expected.count)" }
    for (token, other) in zip(tokens, expected) {
        let keyword = other.isKeyword ? source.text(other.range).uppercased() : nil
        let sameRange = other.hasUnreliableEnd ? token.range.lowerBound == other.range.lowerBound : token.range == other.range
        if !sameRange || token.keyword != keyword {
            return "\(token.range) \(token.keyword ?? "-"), pg_query_scan \(other.range) \(keyword ?? "-")"
        }
    }
    return nil
}

/// The `.sql` files under `root`, sorted.
private func sqlFiles(under root: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: root)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
        if path.hasSuffix(".sql") { files.append(root + "/" + path) }
    }
    return files.sorted()
}

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shared corpus of real migrations, next to the repository (`../shared/corpus`). It is
/// never copied into the repository, so without it the corpus comparison is skipped, visibly.
private enum Corpus {
    static let root = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    static var isPresent: Bool { FileManager.default.fileExists(atPath: root) }
}

@Suite struct LexerDifferentialTests {
    @Test func agreesWithPgQueryScanOnTheFixtures() throws {
        var agreement = Agreement()
        for path in sqlFiles(under: repositoryRoot.appendingPathComponent("Fixtures").path) { try agreement.compare(path) }
        print("lexer vs pg_query_scan, Fixtures: \(agreement)")
        for difference in agreement.differences.prefix(20) { print("  \(difference)") }
        #expect(agreement.files > 10)
        #expect(agreement.differences.isEmpty)
        #expect(agreement.identical == agreement.statements - agreement.scanErrors)
    }

    // Skipped (and listed as skipped, with this reason) when ../shared/corpus is absent.
    @Test(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
    func agreesWithPgQueryScanOnTheCorpus() throws {
        var agreement = Agreement()
        for path in sqlFiles(under: Corpus.root) { try agreement.compare(path) }
        print("lexer vs pg_query_scan, corpus: \(agreement)")
        for difference in agreement.differences.prefix(20) { print("  \(difference)") }
        #expect(agreement.files > 1_500, "the corpus holds about 1,800 migrations")
        #expect(agreement.differences.isEmpty)
        #expect(agreement.identical == agreement.statements - agreement.scanErrors)
    }
}

@Suite struct LexerRandomAgreementTests {
    /// Short random texts over the characters that matter to the scanner: wherever PostgreSQL's
    /// scanner accepts one, the lexer must read it the same way. A fixed sequence, so a failure
    /// repeats; LEXER_RANDOM_INPUTS=3000000 explores further.
    @Test func agreesWithPgQueryScanOnRandomText() {
        let pieces = ["'", "\"", "$", "$$", "$a$", "\\", "-", "--", "/", "/*", "*/", "*", "&", "u", "U&", "e", "E'", "b", "x", "n", "N",
                      "0", "1", ".", "..", "e", "+", "=", "<", ">", "!", "?", "@", "|", ":", "::", ";", "(", " ", "\n", "\r", "\t",
                      "\u{0B}", "\u{0C}", "é", "select", "FROM", "_", "#", "%", "^", "`", "~", ","]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var accepted = 0
        var differences: [String] = []
        let inputs = ProcessInfo.processInfo.environment["LEXER_RANDOM_INPUTS"].flatMap { Int($0) } ?? 20_000
        for _ in 0..<inputs {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var sql = ""
            for _ in 0..<(1 + Int(state >> 60)) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                sql += pieces[Int(state >> 33) % pieces.count]
            }
            let source = SourceText(sql)
            let whole = 0..<source.count
            guard let reference = PgQueryScanner.scan(whole, of: source),
                  let referenceComments = PgQueryScanner.comments(in: whole, of: source) else { continue }
            accepted += 1
            if firstDifference(SQLLexer.tokens(in: whole, of: source), reference, in: source) != nil
                || SQLParser.comments(in: whole, of: source) != referenceComments {
                differences.append(sql.debugDescription)
            }
        }
        print("lexer vs pg_query_scan, random text: \(accepted) accepted by PostgreSQL, \(differences.count) read differently")
        for difference in differences.prefix(30) { print("  \(difference)") }
        #expect(accepted > 1_000)
        #expect(differences.isEmpty)
    }
}
