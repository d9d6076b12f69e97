"""The server as an editor sees it: diagnostics, code actions, hover, symbols, configuration."""

import subprocess
import urllib.parse

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcMethodNotFound

from conftest import BINARY, apply_edits, open_document, published, published_for

UNSAFE_INDEX = "/* 😀 */ CREATE INDEX users_email_idx ON users (email);\n"


def by_rule(diagnostics, rule):
    return [d for d in diagnostics if d.code == rule]


async def test_diagnostic_ranges_count_utf16_units_after_an_emoji(client, workspace):
    path = workspace / "migrations" / "001_index.sql"
    diagnostics = await published(client, path.as_uri(), lambda: open_document(client, path, UNSAFE_INDEX))
    [finding] = by_rule(diagnostics, "create-index-concurrently")
    # "/* 😀 */ CREATE " is 15 characters, 16 UTF-16 units, 18 bytes: the range must say 16.
    assert (finding.range.start.line, finding.range.start.character) == (0, 16)
    assert (finding.range.end.line, finding.range.end.character) == (0, 21)
    assert finding.severity == types.DiagnosticSeverity.Warning
    assert finding.source == "migration-lint"
    assert finding.message.startswith("CREATE INDEX on public.users without CONCURRENTLY blocks writes")
    # The link opens what `migration-lint rules ID` prints.
    page = urllib.parse.unquote(finding.code_description.href.removeprefix("file://"))
    documented = subprocess.run([BINARY, "rules", "create-index-concurrently"], capture_output=True, text=True, check=True)
    with open(page, encoding="utf-8") as handle:
        assert handle.read() == documented.stdout


async def test_incremental_changes_are_linted_again(client, workspace):
    path = workspace / "migrations" / "002_table.sql"
    uri = path.as_uri()
    text = "CREATE TABLE t (id bigint PRIMARY KEY);\n"
    assert await published(client, uri, lambda: open_document(client, path, text)) == []

    def insert_index():
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)),
                text="-- 👩‍💻 note\nCREATE INDEX users_email_idx ON users (email);\n")],
        ))

    diagnostics = await published(client, uri, insert_index, version=2)
    [finding] = by_rule(diagnostics, "create-index-concurrently")
    assert (finding.range.start.line, finding.range.start.character) == (2, 7)

    def remove_it():
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=3, character=0)),
                text="")],
        ))

    assert await published(client, uri, remove_it, version=3) == []


async def actions_for(client, uri, diagnostic):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))


async def apply_action(client, uri, text, action, version):
    """Applies a code action's edit as an editor does (incremental changes), returns the new
    text and the diagnostics published for it."""
    edits = action.edit.changes[uri]
    changes = [types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
               for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)]
    diagnostics = await published(client, uri, lambda: client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=changes)), version=version)
    return apply_edits(text, edits), diagnostics


async def test_quick_fix_edit_makes_the_finding_go_away(client, workspace):
    path = workspace / "migrations" / "003_index.sql"
    uri = path.as_uri()
    diagnostics = await published(client, uri, lambda: open_document(client, path, UNSAFE_INDEX))
    [finding] = by_rule(diagnostics, "create-index-concurrently")
    actions = await actions_for(client, uri, finding)
    [fix] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
    assert fix.title == "add CONCURRENTLY"
    text, diagnostics = await apply_action(client, uri, UNSAFE_INDEX, fix, version=2)
    assert text == "/* 😀 */ CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
    assert by_rule(diagnostics, "create-index-concurrently") == []


async def test_ignore_action_inserts_a_suppression_with_a_reason_to_write(client, workspace):
    path = workspace / "migrations" / "004_index.sql"
    uri = path.as_uri()
    text = "BEGIN;\n  CREATE INDEX users_email_idx ON users (email);\nCOMMIT;\n"
    diagnostics = await published(client, uri, lambda: open_document(client, path, text))
    [finding] = by_rule(diagnostics, "create-index-concurrently")
    [ignore] = [a for a in await actions_for(client, uri, finding) if a.title.startswith("Ignore")]
    assert ignore.title == "Ignore create-index-concurrently for this statement (with a reason)"
    text, diagnostics = await apply_action(client, uri, text, ignore, version=2)
    assert text == ("BEGIN;\n  -- migration-lint-ignore: create-index-concurrently TODO: say why this is safe here\n"
                    "  CREATE INDEX users_email_idx ON users (email);\nCOMMIT;\n")
    assert by_rule(diagnostics, "create-index-concurrently") == []
    assert by_rule(diagnostics, "unused-ignore") == []


async def test_rewrite_action_inserts_the_plan_as_a_comment(client, workspace):
    path = workspace / "migrations" / "005_index.sql"
    uri = path.as_uri()
    diagnostics = await published(client, uri, lambda: open_document(client, path, UNSAFE_INDEX))
    [finding] = by_rule(diagnostics, "create-index-concurrently")
    [rewrite] = [a for a in await actions_for(client, uri, finding) if a.kind == types.CodeActionKind.RefactorRewrite]
    text, diagnostics = await apply_action(client, uri, UNSAFE_INDEX, rewrite, version=2)
    # The statement shares its line with a comment: the plan goes on lines of its own before it.
    assert text == (
        "/* 😀 */ \n"
        "-- Suggested rewrite for create-index-concurrently (migration-lint):\n"
        "-- -- in a migration without a transaction; if it fails, DROP INDEX CONCURRENTLY the invalid index and retry\n"
        "-- CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n"
        "CREATE INDEX users_email_idx ON users (email);\n")
    # A comment changes nothing the linter sees.
    assert [d.code for d in diagnostics] == ["create-index-concurrently"]


TRANSACTION = (
    "BEGIN;\n"
    "ALTER TABLE users ADD COLUMN note text NOT NULL DEFAULT '';\n"
    "CREATE INDEX orders_user_idx ON orders (user_id);\n"
    "COMMIT;\n"
)


async def test_lock_held_across_statements_points_at_the_statement_holding_the_lock(client, workspace):
    path = workspace / "migrations" / "006_tx.sql"
    uri = path.as_uri()
    diagnostics = await published(client, uri, lambda: open_document(client, path, TRANSACTION))
    [held] = by_rule(diagnostics, "lock-held-across-statements")
    assert held.range.start.line == 2
    [related] = held.related_information
    assert related.location.uri == uri
    assert related.location.range.start == types.Position(line=1, character=0)
    assert related.message == "ACCESS EXCLUSIVE on public.users is taken here and held until the transaction ends"


async def test_hover_explains_the_statement(client, workspace):
    path = workspace / "migrations" / "007_tx.sql"
    uri = path.as_uri()
    await published(client, uri, lambda: open_document(client, path, TRANSACTION))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=10)))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == (
        "**line 3** `CREATE INDEX orders_user_idx ON orders (user_id)`\n\n"
        "- **SHARE** on `public.orders`: blocks writes\n"
        "- scans `public.orders` in full\n\n"
        "In transaction 1 (BEGIN ... COMMIT, lines 1-4), held until it ends:\n"
        "- **ACCESS EXCLUSIVE** on `public.users` from line 2 to line 4: blocks reads and writes\n"
        "- **SHARE** on `public.orders` from line 3 to line 4: blocks writes\n")
    assert hover.range.start == types.Position(line=2, character=0)
    outside = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=4, character=0)))
    assert outside is None


async def test_document_symbols_list_the_statements(client, workspace):
    path = workspace / "migrations" / "008_tx.sql"
    uri = path.as_uri()
    await published(client, uri, lambda: open_document(client, path, TRANSACTION))
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [(s.name, s.detail, s.range.start.line) for s in symbols] == [
        ("BEGIN", None, 0),
        ("ALTER TABLE users ADD COLUMN note text NOT NULL DEFAULT ''", "ACCESS EXCLUSIVE on public.users", 1),
        ("CREATE INDEX orders_user_idx ON orders (user_id)", "SHARE on public.orders", 2),
        ("COMMIT", None, 3),
    ]


async def test_formatting_is_not_offered(client, workspace):
    assert client.initialize_result.capabilities.document_formatting_provider is None
    path = workspace / "migrations" / "009.sql"
    await published(client, path.as_uri(), lambda: open_document(client, path, UNSAFE_INDEX))
    with pytest.raises(JsonRpcMethodNotFound):
        await client.text_document_formatting_async(types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True)))


async def test_a_file_that_does_not_parse_gets_a_diagnostic(client, workspace):
    path = workspace / "migrations" / "010_broken.sql"
    diagnostics = await published(client, path.as_uri(), lambda: open_document(client, path, "CREATE TABLEX t (id bigint);\n"))
    [error] = by_rule(diagnostics, "syntax-error")
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.message.startswith('syntax error at or near "TABLEX"')
    # And the server still serves other documents.
    other = workspace / "migrations" / "011.sql"
    assert [d.code for d in await published(client, other.as_uri(), lambda: open_document(client, other, UNSAFE_INDEX))] \
        == ["create-index-concurrently"]


async def test_goose_down_section_is_not_linted(client, workspace):
    path = workspace / "migrations" / "20240101120000_users.sql"
    text = "-- +goose Up\nCREATE TABLE t (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n"
    assert await published(client, path.as_uri(), lambda: open_document(client, path, text)) == []


async def test_files_that_are_not_sql_are_not_linted(client, workspace):
    path = workspace / "Sources" / "App" / "Migrations" / "CreateUsers.swift"
    path.parent.mkdir(parents=True)
    text = 'struct CreateUsers { let sql = "CREATE INDEX a ON users (email);" }\n'
    path.write_text(text)

    def open_swift():
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="swift", version=1, text=text)))

    assert await published(client, path.as_uri(), open_swift) == []


def watched(client, path, kind):
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=path.as_uri(), type=kind)]))


async def test_configuration_is_found_and_reloaded_when_it_changes(client, workspace):
    path = workspace / "migrations" / "012_index.sql"
    uri = path.as_uri()
    diagnostics = await published(client, uri, lambda: open_document(client, path, UNSAFE_INDEX))
    assert [d.code for d in diagnostics] == ["create-index-concurrently"]
    config = workspace / ".migration-lint.yml"
    config.write_text("rules:\n  create-index-concurrently: error\n")
    diagnostics = await published(client, uri, lambda: watched(client, config, types.FileChangeType.Created))
    assert [(d.code, d.severity) for d in diagnostics] == [("create-index-concurrently", types.DiagnosticSeverity.Error)]

    config.write_text("rules:\n  create-index-concurently: off\n")
    broken = await published_for(client, [config.as_uri(), uri], lambda: watched(client, config, types.FileChangeType.Changed))
    [problem] = broken[config.as_uri()]
    assert "create-index-concurently" in problem.message
    assert (problem.range.start.line, problem.severity) == (1, types.DiagnosticSeverity.Error)
    [configuration] = broken[uri]
    assert configuration.code == "configuration"
    assert configuration.message.startswith("the configuration cannot be read, so nothing was linted")

    config.unlink()
    diagnostics = await published(client, uri, lambda: watched(client, config, types.FileChangeType.Deleted))
    assert [(d.code, d.severity) for d in diagnostics] == [("create-index-concurrently", types.DiagnosticSeverity.Warning)]
