import Foundation
import Testing
@testable import PostgresSyntax

/// The JSON decoder against the protobuf decoder it replaced, on every statement of the fixtures
/// and of the shared corpus of real migrations: the same typed tree, statement by statement.
@Suite struct TreeDecoderDifferentialTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus").path

    static func sqlFiles(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".sql") }.map { root + "/" + $0 }.sorted()
    }

    func compare(_ files: [String]) -> (statements: Int, differences: [String]) {
        let parser = SQLParser()
        var statements = 0
        var differences: [String] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let source = SourceText(bytes: Array(data))
            for slice in parser.slices(of: source) {
                let json = parser.parse(slice, in: source)
                let protobuf = parser.parseWithProtobuf(slice, in: source)
                statements += 1
                guard json.count == protobuf.count else {
                    differences.append("\(path) @\(slice.range): \(json.count) statements, protobuf \(protobuf.count)")
                    continue
                }
                // protobuf-c names `A_Expr` `AExpr`; the JSON keeps PostgreSQL's own node names.
                for (a, b) in zip(json, protobuf) where a.range != b.range
                    || String(describing: a.content).replacingOccurrences(of: "kind: \"A_", with: "kind: \"A") != String(describing: b.content) {
                    let (x, y) = (String(describing: a.content), String(describing: b.content))
                    let common = zip(x, y).prefix { $0 == $1 }.count
                    differences.append("\(path) @\(slice.range): json …\(x.dropFirst(max(0, common - 80)).prefix(240))\n  protobuf …\(y.dropFirst(max(0, common - 80)).prefix(240))")
                }
            }
        }
        return (statements, differences)
    }

    /// Values libpg_query's JSON writes in unusual forms: negative integers (written as `{}`),
    /// escaped and non-ASCII strings, zero locations, several statements in one slice.
    @Test func edgeCasesDecodeAlike() throws {
        let sql = #"""
            ALTER TABLE t ADD COLUMN a int DEFAULT -5, ADD COLUMN b numeric(10, -2) DEFAULT -0.5;
            SET statement_timeout = -1;
            SELECT -2147483648, - 7, E'tab\there "quoted" \ back\u00e9', 'Ünïcode ✓ 😀', U&'\0041';
            CREATE TABLE "we""ird" ("col ""x""" text DEFAULT 'a\nb' CHECK ("col ""x""" <> ''));
            CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1); INSERT INTO u VALUES (-2));
            COMMENT ON COLUMN t.a IS 'line one
            line two';
            """#
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("decoder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("edge.sql").path
        FileManager.default.createFile(atPath: path, contents: Data(sql.utf8))
        let (statements, differences) = compare([path])
        #expect(statements == 6)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let parsed = SQLParser().parse(SourceText(sql))
        guard case .alterTable(let alter)? = parsed.first?.statement, case .addColumn(let column, _) = alter.actions[0] else {
            Issue.record("not ALTER TABLE ADD COLUMN"); return
        }
        #expect(column.defaultValue == .integer(-5, location: 39))
    }

    @Test func fixturesDecodeAlike() {
        let (statements, differences) = compare(Self.sqlFiles(under: Self.repository.appendingPathComponent("Fixtures").path))
        #expect(statements > 100)
        #expect(differences.isEmpty, "\(differences.prefix(5).joined(separator: "\n"))")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus), "../shared/corpus is absent"))
    func corpusDecodesAlike() {
        let (statements, differences) = compare(Self.sqlFiles(under: Self.corpus))
        print("TreeDecoderDifferentialTests: \(statements) corpus statements, \(differences.count) differences")
        #expect(statements > 5_000)
        #expect(differences.isEmpty, "\(differences.count) differ; first: \(differences.prefix(5).joined(separator: "\n"))")
    }
}
