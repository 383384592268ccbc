"""The domain registry: every bundled domain registers, every target it names imports, and the
shells show what the registry holds (CLI groups in ``qingshan --help``, API routers under
/api/v1)."""

import re
import subprocess
import sys
from importlib import resources

import pytest
import typer
from fastapi import APIRouter
from typer.testing import CliRunner

from qingshan.core import registry
from qingshan.core.registry import BUNDLED, Domain, domain, domains, load

TARGETS = [(d.name, kind, t) for d in domains()
           for kind, t in ([("cli", t) for _, t in d.cli] + [("api", d.api), ("pages", d.pages)]
                           + [(f"parts.{k}", v) for k, v in d.parts.items() if k != "nav"])
           if t]


def test_every_bundled_domain_loads_in_dependency_order():
    ds = domains()
    assert [d.name for d in ds][:3] == ["accounts", "air", "water"]
    assert all(type(d) is Domain for d in ds)
    for pkg, d in zip(BUNDLED, ds):
        assert resources.files(pkg).joinpath("domain.py").is_file()
        assert d.name == pkg.rsplit(".", 1)[1]
        seen = [x.name for x in ds[:ds.index(d)]]
        assert all(dep in seen for dep in d.depends)
    assert domain("water").depends == ("air",)
    with pytest.raises(KeyError, match="no domain 'nosuch'"):
        domain("nosuch")


@pytest.mark.parametrize("name,kind,target", TARGETS, ids=[f"{n}-{k}" for n, k, _ in TARGETS])
def test_every_target_imports(name, kind, target):
    obj = load(target)
    if kind == "cli":
        assert isinstance(obj, typer.Typer)
    elif kind in ("api", "pages"):
        assert isinstance(obj, APIRouter) and obj.routes
    else:
        assert callable(obj)


def test_every_domain_has_a_migrations_package_with_sql():
    for d in [d for d in domains() if d.migrations]:
        assert d.migrations == f"qingshan.{d.name}.migrations"
        assert any(f.name.endswith(".sql") for f in resources.files(d.migrations).iterdir())


def test_registry_imports_no_domain_until_asked():
    code = ("import sys, qingshan.core.registry as r; "
            "print(sorted(m for m in sys.modules if m.startswith(('qingshan.air', 'qingshan.water'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_dependency_registered_after_its_dependent_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "BUNDLED", ("qingshan.water", "qingshan.air"))
    with pytest.raises(RuntimeError, match="depends on \\['air'\\]"):
        registry.domains()


def test_cli_groups_from_the_registry_in_help():
    from qingshan.cli import app
    runner = CliRunner()
    res = runner.invoke(app, ["--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert res.exit_code == 0, res.output
    groups = [name for d in domains() for name, _ in d.cli]
    assert ["ingest", "export", "air", "water"] == [g for g in groups if g in
                                                      ("ingest", "export", "air", "water")]
    for name in groups:
        assert re.search(rf"^\W*{name}\b", res.output, re.M), (name, res.output)
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0, sub.output


def test_each_domain_router_mounted_under_api_v1(tmp_path):
    from qingshan.api import create_app
    paths = set(create_app(tmp_path / "x.duckdb").openapi()["paths"])
    for d in [d for d in domains() if d.api]:
        router = load(d.api)
        own = {"/api/v1" + r.path for r in router.routes if getattr(r, "include_in_schema", True)}
        assert own, d.name
        assert own <= paths, (d.name, sorted(own - paths))
    assert any(p.startswith("/api/v1/water/") for p in paths)
