"""The bundled frameworks (data files next to this module) and how a name or a file is resolved.

``ndrc-2020``: 美丽中国建设评估指标体系 (发改环资〔2020〕296号), spec evaluation.md §1.1–1.3.
``shandong-2035``: 美丽山东 2027/2035, spec §1.5 (unverified targets marked [M]).
``coinr-asem``: COINr's ASEM example index, ``examples/coinr-asem/framework.toml`` at the
repository root (its data under ``../shared/data/coinr-asem/``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from qingshan.evaluation.framework import Framework, FrameworkError, load_framework_file

__all__ = ["BUNDLED", "framework_path", "load_framework", "list_frameworks", "repo_root"]

_HERE = Path(__file__).parent
#: name -> file of each bundled framework
BUNDLED = {"ndrc-2020": _HERE / "ndrc_2020.toml", "shandong-2035": _HERE / "shandong_2035.toml"}


def repo_root() -> Path:
    """The repository root (the directory holding ``examples/``), from this file's place."""
    return Path(__file__).resolve().parents[4]


def _examples() -> dict[str, Path]:
    p = repo_root() / "examples" / "coinr-asem" / "framework.toml"
    return {"coinr-asem": p} if p.is_file() else {}


def framework_path(name_or_path: str | Path) -> Path:
    """The file of a bundled framework name, or ``name_or_path`` itself when it is a file."""
    s = str(name_or_path)
    known = {**BUNDLED, **_examples()}
    if s in known:
        return known[s]
    p = Path(s)
    if p.suffix.lower() == ".toml" and p.is_file():
        return p
    raise FrameworkError(f"no framework {s!r}: give a .toml file or one of {sorted(known)}")


@lru_cache(maxsize=32)
def _load(path: str, mtime: float) -> Framework:
    return load_framework_file(path)


def load_framework(name_or_path: str | Path) -> Framework:
    """Load and validate a framework by bundled name or file path (cached per file version)."""
    p = framework_path(name_or_path)
    return _load(str(p), p.stat().st_mtime)


def list_frameworks() -> list[dict]:
    """Code, version, names and file of every bundled framework (plain data)."""
    out = []
    for name, p in {**BUNDLED, **_examples()}.items():
        f = load_framework(p)
        out.append({"name": name, "code": f.framework.code, "version": f.framework.version,
                    "name_zh": f.framework.name_zh, "name_en": f.framework.name_en,
                    "indicators": len(f.indicators), "nodes": len(f.nodes), "file": str(p)})
    return out
