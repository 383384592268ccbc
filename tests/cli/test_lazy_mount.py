"""The command line mounts only the group a command asks for (``qingshan.cli.main``): a
shell command such as ``report`` does not import every domain's CLI first; ``--help`` and an
unknown name still see every group."""

from __future__ import annotations

import subprocess
import sys

from qingshan.cli import _command_of

_RUN = ("import sys; from qingshan.cli import main\n"
        "sys.argv = ['qingshan'] + sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MOUNTED', 'qingshan.accounts.cli' in sys.modules, "
        "'qingshan.water.cli' in sys.modules)\n")


def _run(*args: str) -> str:
    out = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True,
                         timeout=60)
    return out.stdout + out.stderr


def test_command_word_after_the_root_options():
    assert _command_of(["--as", "wang", "ingest", "cnemc", "x.csv"]) == "ingest"
    assert _command_of(["report", "air", "--period", "2019-03"]) == "report"
    assert _command_of(["--help"]) is None
    assert _command_of([]) is None


def test_a_shell_command_mounts_no_domain_group():
    out = _run("report", "--help")
    assert "MOUNTED False False" in out and "air" in out


def test_a_domain_group_mounts_itself_only():
    out = _run("water", "--help")
    assert "MOUNTED False True" in out and "assess" in out


def test_help_and_unknown_names_see_every_group():
    out = _run("--help")
    assert "MOUNTED True True" in out
    for group in ("air", "water", "user", "report", "serve"):
        assert group in out
    assert "MOUNTED True True" in _run("nosuch")


def test_a_group_mounted_for_one_command_is_not_mounted_again():
    code = ("import sys; import qingshan.cli as c\n"
            "c._with_domains('water'); app = c.app\n"
            "names = [g.name for g in app.registered_groups]\n"
            "print('WATER', names.count('water'), 'AIR', names.count('air'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert "WATER 1 AIR 1" in out.stdout, out.stdout + out.stderr
