import XCTest
@testable import LanguageServer

/// LSP positions count UTF-16 code units; the server works in UTF-8 bytes.
final class TextDocumentTests: XCTestCase {
    func testPositionsCountUTF16UnitsBeyondTheBasicMultilingualPlane() {
        // "😀" is 4 bytes and 2 UTF-16 units; "é" is 2 bytes and 1 unit.
        let document = TextDocument("-- 😀é\nDROP TABLE t;\n")
        let drop = Array(document.bytes).firstIndex(of: UInt8(ascii: "D"))!
        XCTAssertEqual(document.position(of: drop).line, 1)
        XCTAssertEqual(document.position(of: drop).character, 0)
        let afterAccent = document.lineEnd(0)
        XCTAssertEqual(document.position(of: afterAccent).character, 6)
        XCTAssertEqual(document.offset(line: 0, character: 5), afterAccent - 2)
        // Inside the surrogate pair: before the emoji.
        XCTAssertEqual(document.offset(line: 0, character: 4), 3)
    }

    func testIncrementalEditsKeepLinesRight() {
        var document = TextDocument("a😀b\r\nc\nd")
        document.replace(range: ((0, 3), (1, 1)), with: "X\nY")
        XCTAssertEqual(document.text, "a😀X\nY\nd")
        XCTAssertEqual(document.lineStarts, [0, 7, 9])
        document.replace(range: ((5, 0), (9, 9)), with: "end")
        XCTAssertEqual(document.text, "a😀X\nY\ndend")
    }
}

final class MessageFramerTests: XCTestCase {
    func testSplitsMessagesAndReportsBodiesThatAreNotJSON() {
        var framer = MessageFramer()
        let input = "Content-Length: 5\r\n\r\n{oops" + "Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}"
        Array(input.utf8).withUnsafeBytes { framer.append($0) }
        guard case .malformed(let code, _, _)? = framer.next() else { return XCTFail("expected a parse error") }
        XCTAssertEqual(code, -32700)
        guard case .message(let message)? = framer.next() else { return XCTFail("expected the message") }
        XCTAssertEqual(message["method"].string, "initialized")
        XCTAssertNil(framer.next())
    }
}

final class JSONTests: XCTestCase {
    /// What the server writes, read back by Foundation: quotes, backslashes, control characters
    /// and text beyond the Basic Multilingual Plane survive.
    func testSerializedStringsReadBackUnchanged() throws {
        let text = "say \"hi\"\\ \n\t\u{01} 😀 é"
        let written: JSON = ["message": .string(text), "line": 3, "ok": true, "none": nil]
        XCTAssertEqual(written.serialized, "{\"line\":3,\"message\":\"say \\\"hi\\\"\\\\ \\n\\t\\u0001 😀 é\",\"none\":null,\"ok\":true}")
        XCTAssertEqual(try JSON.parse(written.serializedBytes), written)
    }
}
