"""The LSP suite: a real client (pytest-lsp, built on pygls) drives `migration-lint lsp`.

MIGRATION_LINT names the binary (default: the debug build of this checkout).
"""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities, make_test_lsp_client

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("MIGRATION_LINT", str(ROOT / ".build" / "debug" / "migration-lint"))


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "project"
    (root / "migrations").mkdir(parents=True)
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BINARY, "lsp"], client_factory=lambda: make_client()))
async def client(lsp_client: LanguageClient, workspace):
    lsp_client.initialize_result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="project")],
            initialization_options={
                "debounceMilliseconds": 20,
                "ruleDocumentationDirectory": str(workspace.parent / "rule-pages"),
            },
        )
    )
    yield
    await lsp_client.shutdown_session()


async def published(client: LanguageClient, uri: str, action, version=None, timeout=15):
    """Runs `action` and returns the diagnostics next published for `uri` (for `version`)."""
    return (await published_for(client, [uri], action, version=version, timeout=timeout))[uri]


async def published_for(client: LanguageClient, uris, action, version=None, timeout=15):
    """Runs `action` and returns the diagnostics next published for each of `uris`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    start = len(client.published)
    action()
    seen = {}
    while len(seen) < len(uris):
        for params in client.published[start:]:
            if params.uri in uris and (version is None or params.version == version):
                seen[params.uri] = list(params.diagnostics)
        start = len(client.published)
        if len(seen) < len(uris):
            assert loop.time() < deadline, f"no diagnostics published for {set(uris) - set(seen)}"
            await asyncio.sleep(0.005)
    return seen


def make_client() -> LanguageClient:
    """pytest-lsp's client, keeping every publishDiagnostics in order: waiting for the next one
    would miss a second that arrives in the same read."""
    client = make_test_lsp_client()
    client.published = []
    handle = client.protocol._handle_notification

    def keep(method, params):
        if method == "textDocument/publishDiagnostics":
            client.published.append(params)
        handle(method, params)

    client.protocol._handle_notification = keep
    return client


def open_document(client: LanguageClient, path: pathlib.Path, text: str, version=1):
    path.write_text(text)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="sql", version=version, text=text)
        )
    )


def apply_edits(text: str, edits) -> str:
    """Applies LSP text edits (UTF-16 positions) to a text, as an editor does."""
    lines = text.split("\n")

    def offset(position):
        before = sum(len(line.encode("utf-16-le")) // 2 + 1 for line in lines[: position.line])
        return before + position.character

    units = text.encode("utf-16-le")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        units = units[: start * 2] + edit.new_text.encode("utf-16-le") + units[end * 2 :]
    return units.decode("utf-16-le")
