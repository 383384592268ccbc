"""The layout of docs/architecture.md holds: small modules, one ``domain.py`` per domain, every
entry module importable on its own (no circular import), and the import contracts kept."""

import configparser
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from qingshan.core.registry import BUNDLED, domains

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "qingshan"
MAX_LINES = 600
#: modules allowed over MAX_LINES, each with its reason (none today)
ALLOW_LONG: dict[str, str] = {}

ALONE = ["qingshan.air.service", "qingshan.water.service", "qingshan.air.api", "qingshan.water.pages",
         "qingshan.air.report", "qingshan.air.ingest", "qingshan.api", "qingshan.cli"]
# and every module the registry names (a domain's CLI module imports qingshan.cli.common, which
# runs qingshan.cli first: mounting the groups at import would be a cycle)
ALONE += sorted({t.partition(":")[0] for d in domains()
                 for t in [t for _, t in d.cli] + [d.api, d.pages,
                                                   *[v for k, v in d.parts.items() if k != "nav"]]
                 if t}
                - set(ALONE))


def test_no_module_over_600_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(long) <= set(ALLOW_LONG), {k: v for k, v in long.items() if k not in ALLOW_LONG}
    assert all(ALLOW_LONG.values())                       # every exception says why


def test_each_bundled_domain_has_domain_py():
    assert BUNDLED
    for pkg in BUNDLED:
        assert (SRC / pkg.split(".", 1)[1] / "domain.py").is_file(), pkg
        assert resources.files(pkg).joinpath("domain.py").is_file()


#: run in one fresh interpreter: third-party libraries are imported once, then each qingshan
#: module is imported in its own forked child (a fresh ``sys.modules`` as far as qingshan is
#: concerned), so a circular import between qingshan modules fails exactly as in a new process
_ALONE_SCRIPT = """
import os, sys, traceback
import numpy, pandas, pyarrow, duckdb, fastapi, sqlalchemy, jinja2, typer, pydantic  # noqa
assert not [m for m in sys.modules if m.startswith("qingshan")]
bad = []
for mod in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            __import__(mod)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        bad.append(mod)
print("FAILED:" + ",".join(bad))
"""


def test_every_entry_module_imports_alone_in_a_fresh_interpreter():
    r = subprocess.run([sys.executable, "-c", _ALONE_SCRIPT, *ALONE], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    bad = r.stdout.strip().rsplit("FAILED:", 1)[1]
    assert not bad, f"modules that do not import alone: {bad}\n{r.stderr[-3000:]}"


def _contracts():
    cp = configparser.ConfigParser()
    cp.read(ROOT / ".importlinter", encoding="utf-8")
    return cp


def test_water_contract_forbids_every_part_of_air_but_service_and_rules():
    forbidden = set(_contracts()["importlinter:contract:water-reads-air"]["forbidden_modules"].split())
    air = SRC / "air"
    parts = {f"qingshan.air.{p.stem}" for p in air.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    assert forbidden == parts - {"qingshan.air.service", "qingshan.air.rules"}


def test_import_contracts_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    exe = str(exe) if exe.exists() else shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter not installed")
    r = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout
