"""The domain registry: each domain registers itself once; the shells loop over it.

A domain (``qingshan.air``, ``qingshan.water``, …) declares in its ``domain.py`` one
:class:`Domain`: its name, the domains it reads from, and where its parts of the shells are —
CLI groups, API router, pages router, bulletin sections, demo loader — as ``"module:attribute"``
strings. The shells (``qingshan.cli``, ``qingshan.api``, ``qingshan.web``, ``qingshan.reports``)
call :func:`domains` and :func:`load`; no shell names a domain module itself, and importing the
registry imports no domain until a shell asks for a part (so there are no import cycles between
a domain's shell parts and the shell's helpers).

Adding a domain: write ``qingshan/<name>/domain.py`` with ``DOMAIN = Domain(...)`` and add the
package to :data:`BUNDLED`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Domain", "BUNDLED", "domains", "domain", "load"]

#: the domain packages shipped with qingshan, in dependency order
BUNDLED = ("qingshan.accounts", "qingshan.air", "qingshan.water", "qingshan.carbon",
           "qingshan.governance", "qingshan.compensation", "qingshan.evaluation")


@dataclass(frozen=True)
class Domain:
    """What one domain contributes to the shells (targets are ``"module:attribute"``)."""

    name: str
    title: str
    depends: tuple[str, ...] = ()
    #: CLI groups: (command name, target Typer app), mounted as ``qingshan <name> …``
    cli: tuple[tuple[str, str], ...] = ()
    #: JSON API router (FastAPI ``APIRouter``), mounted under ``/api/v1``
    api: str | None = None
    #: pages router (FastAPI ``APIRouter``), mounted under ``/``
    pages: str | None = None
    #: package holding the domain's numbered SQL migrations of the analytic store
    migrations: str | None = None
    #: package holding the domain's Alembic revisions of the operational store
    #: (:mod:`qingshan.store.ops`); each revision file has ``branch_labels=(<domain name>,)``
    ops_migrations: str | None = None
    #: extra parts by name (e.g. ``"report"``, ``"section"``, ``"demo"``: targets), and
    #: ``"nav"``: the path of the domain's entry page, linked from every page's navigation
    parts: dict[str, str] = field(default_factory=dict)


_CACHE: dict[str, Domain] = {}


def domains() -> list[Domain]:
    """Every bundled domain, in :data:`BUNDLED` order (dependencies first)."""
    out = []
    for pkg in BUNDLED:
        if pkg not in _CACHE:
            _CACHE[pkg] = importlib.import_module(f"{pkg}.domain").DOMAIN
        out.append(_CACHE[pkg])
    names = [d.name for d in out]
    for i, d in enumerate(out):
        missing = [x for x in d.depends if x not in names[:i]]
        if missing:
            raise RuntimeError(f"domain {d.name!r} depends on {missing}, not registered before it")
    return out


def domain(name: str) -> Domain:
    """The registered domain called ``name``."""
    for d in domains():
        if d.name == name:
            return d
    raise KeyError(f"no domain {name!r}; registered: {[d.name for d in domains()]}")


def load(target: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    mod, _, attr = target.partition(":")
    obj = importlib.import_module(mod)
    return getattr(obj, attr) if attr else obj
