"""What no polite client sends: the server answers per JSON-RPC and stays up."""

import os

import pytest

from conftest import BINARY
from rawclient import RawServer


@pytest.fixture
def server(tmp_path):
    server = RawServer(BINARY, tmp_path)
    yield server
    if server.process.poll() is None:
        server.process.kill()


def test_a_body_that_is_not_json_gets_a_parse_error_and_the_server_goes_on(server):
    server.send_bytes(b'{"jsonrpc": "2.0", "id": 7, "method": ')
    error = server.receive(lambda m: "error" in m)
    assert error == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "the message is not JSON"}}
    server.send_bytes(b'[1, 2, 3]')
    error = server.receive(lambda m: "error" in m)
    assert error["error"]["code"] == -32600
    assert server.request("textDocument/documentSymbol", {"textDocument": {"uri": "file:///nowhere.sql"}})["error"]["code"] == -32602
    assert server.close() == 0


def test_an_unknown_request_is_method_not_found_and_an_unknown_notification_is_ignored(server):
    server.notify("custom/somethingElse", {"x": 1})
    reply = server.request("custom/unknownRequest", {})
    assert reply["error"]["code"] == -32601
    uri = (server.root / "1.sql").as_uri()
    server.open(uri, "CREATE INDEX a ON users (email);\n")
    assert [d["code"] for d in server.diagnostics(uri, 1)] == ["create-index-concurrently"]
    assert server.close() == 0


def test_exit_without_shutdown_ends_with_status_1(server):
    server.notify("exit", None)
    assert server.process.wait(timeout=10) == 1


def test_a_huge_document_is_linted_and_other_documents_still_served(server):
    statements = [f"CREATE INDEX idx_{n} ON users (c{n});" for n in range(20_000)]
    huge = (server.root / "huge.sql").as_uri()
    server.open(huge, "\n".join(statements) + "\n")
    diagnostics = server.diagnostics(huge, 1, timeout=120)
    assert len([d for d in diagnostics if d["code"] == "create-index-concurrently"]) == 20_000
    assert diagnostics[-1]["range"]["start"] == {"line": 19_999, "character": 7}
    small = (server.root / "small.sql").as_uri()
    server.open(small, "DROP TABLE users;\n")
    assert [d["code"] for d in server.diagnostics(small, 1)] == ["drop-table"]
    assert server.close() == 0


def test_rapid_changes_end_in_the_diagnostics_of_the_last_text(server):
    uri = (server.root / "2.sql").as_uri()
    server.open(uri, "")
    assert server.diagnostics(uri, 1) == []
    text = ""
    # 200 keystrokes without a pause: one character each, typing a statement again and again.
    statement = "CREATE INDEX a ON users (email);\n"
    for version in range(2, 202):
        character = statement[(version - 2) % len(statement)]
        line = text.count("\n")
        column = len(text.rsplit("\n", 1)[-1].encode("utf-16-le")) // 2
        server.change(uri, version, (line, column), (line, column), character)
        text += character
    diagnostics = server.diagnostics(uri, 201)
    complete = text.count(";")
    assert [d["code"] for d in diagnostics if d["code"] == "create-index-concurrently"] == ["create-index-concurrently"] * complete
    assert server.close() == 0


def test_memory_stays_bounded_over_a_thousand_edits(server):
    uri = (server.root / "3.sql").as_uri()
    lines = [f"ALTER TABLE users ADD COLUMN c{n} text NOT NULL DEFAULT '';" for n in range(40)]
    server.open(uri, "\n".join(lines) + "\n")
    server.diagnostics(uri, 1)
    samples = {}
    for version in range(2, 1002):
        # Retype one column name: the document keeps its size, and every edit is linted.
        line = version % 40
        server.change(uri, version, (line, 29), (line, 29 + len(f"c{line}")), f"c{line}")
        server.diagnostics(uri, version)
        if version in (101, 1001):
            samples[version] = server.resident_kib()
    growth = samples[1001] - samples[101]
    print(f"resident memory after 100 edits {samples[101]} KiB, after 1000 edits {samples[1001]} KiB")
    assert growth < 16 * 1024, f"grew {growth} KiB from edit 100 to edit 1000"
    assert server.close() == 0
