"""Every CLI command is documented in the README; every public module imports."""

import importlib
import pkgutil
from pathlib import Path

import typer.main

import qingshan
from qingshan.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=("qingshan",)):
    cmd = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, sub in sorted(cmd.commands.items()):
        path = (*prefix, name)
        if hasattr(sub, "commands"):
            yield from _commands(sub, path)
        else:
            yield " ".join(path)


def test_every_cli_command_in_readme():
    cmds = list(_commands(typer.main.get_command(app)))
    assert "qingshan ingest cnemc" in cmds and "qingshan demo" in cmds
    missing = [c for c in cmds if f"`{c}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_has_the_two_setup_commands():
    assert "make demo" in README and "make test" in README


def test_every_module_imports_and_exports_what_it_lists():
    for m in pkgutil.walk_packages(qingshan.__path__, "qingshan."):
        mod = importlib.import_module(m.name)
        for name in getattr(mod, "__all__", []):
            assert hasattr(mod, name), f"{m.name}.__all__ lists missing {name}"
