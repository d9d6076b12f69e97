"""Headless Neovim (Debian's `neovim`) as the client, once."""

import os
import shutil
import subprocess

import pytest

from conftest import BINARY


@pytest.mark.skipif(shutil.which("nvim") is None, reason="nvim is not installed (scripts/install-deps.sh --test installs it)")
def test_neovim_shows_the_diagnostics(tmp_path):
    migration = tmp_path / "001_index.sql"
    migration.write_text("/* 😀 */ CREATE INDEX users_email_idx ON users (email);\n", encoding="utf-8")
    result = tmp_path / "diagnostics.txt"
    environment = dict(os.environ, MIGRATION_LINT=BINARY, MIGRATION=str(migration), RESULT=str(result),
                       XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_STATE_HOME=str(tmp_path / "state"))
    script = os.path.join(os.path.dirname(__file__), "neovim_check.lua")
    subprocess.run(["nvim", "--headless", "--clean", "-c", f"luafile {script}"], env=environment, timeout=60,
                   check=True, stdin=subprocess.DEVNULL, capture_output=True)
    # Neovim turns the UTF-16 character 16 into byte column 18: the emoji is 4 bytes, 2 units.
    assert result.read_text(encoding="utf-8").splitlines() == [
        "0:18 create-index-concurrently CREATE INDEX on public.users without CONCURRENTLY blocks writes while the index builds",
    ]
