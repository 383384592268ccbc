"""``store.ops.upgrade`` leaves a store already at the heads alone without importing Alembic
(a command's start: ≈ 0.2 s of Alembic, Mako and Pygments), and still upgrades one that is
behind. The heads it expects are read from the revision files (``ops.stored_heads``); Alembic's
own answer after an upgrade is the cross-check."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

from qingshan.store import ops


def _dump(path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_the_heads_read_from_the_files_are_alembics(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.ops.sqlite'}"
    ops.upgrade(url, force=True)                  # a new store: Alembic applies everything
    assert ops.current_heads(url) == set(ops.stored_heads())
    # one row per branch head, less accounts_0001 (every other branch depends on it)
    assert "accounts_0001" not in ops.stored_heads()
    assert {r.split("_")[0] for r in ops.stored_heads()} == {
        "carbon", "compensation", "evaluation", "governance"}


def test_a_store_behind_is_upgraded(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'b.ops.sqlite'}"
    ops.upgrade(url, force=True)
    command.downgrade(ops._alembic_config(url), "governance_0001")
    assert "governance_0002" not in ops.current_heads(url) and not ops._at_heads(url)
    assert "governance_register" not in inspect(ops.get_engine(url)).get_table_names()
    ops._UPGRADED.discard(url)
    ops.upgrade(url)
    assert ops._at_heads(url)
    assert "governance_register" in inspect(ops.get_engine(url)).get_table_names()


def test_a_store_at_the_heads_does_not_import_alembic(tmp_path):
    path = tmp_path / "c.ops.sqlite"
    ops.upgrade(f"sqlite:///{path}", force=True)
    before = _dump(path)
    code = ("import sys\nfrom qingshan.store import ops\n"
            f"ops.upgrade('sqlite:///{path}')\n"
            "print('alembic' in sys.modules, 'mako' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.split() == ["False", "False"]
    assert _dump(path) == before          # nothing written (the WAL may be checkpointed)
