"""Expectations of the authorization matrix, one module per domain (README.md)."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

__all__ = ["Case", "PRINCIPALS", "expectations", "expected"]

#: principal → (role, unit); None for anonymous
PRINCIPALS: dict[str, tuple[str, str] | None] = {
    "anonymous": None,
    "prov_admin": ("prov_admin", "370000"),
    "prov_staff": ("prov_staff", "370000"),
    "prov_leader": ("prov_leader", "370000"),
    "auditor": ("auditor", "370000"),
    "city_staff_own": ("city_staff", "371000"),
    "city_staff_other": ("city_staff", "370100"),
    "city_leader": ("city_leader", "371000"),
    "county_staff": ("county_staff", "371002"),
}


@dataclass(frozen=True)
class Case:
    rule: str
    url: str
    ok: int | frozenset = 200
    data: dict = field(default_factory=dict)
    files: dict | None = None
    statuses: dict = field(default_factory=dict)      # rule "custom": principal → status
    json: object = None


_ALLOWED = {
    "monitoring_write": {"prov_staff", "city_staff_own"},
    "audit_read": {"prov_admin", "auditor"},
    "admin": {"prov_admin"},
}


def expected(case: Case, principal: str, method: str) -> int | frozenset:
    """The status ``principal`` must get for ``case``."""
    page = not case.url.startswith("/api/")
    anon = 303 if (page and method == "GET") else 401
    if case.rule == "public":
        return case.ok
    if case.rule == "custom":
        return case.statuses[principal]
    if principal == "anonymous":
        return anon
    if case.rule == "user":
        return case.ok
    return case.ok if principal in _ALLOWED[case.rule] else 403


def expectations() -> dict[tuple[str, str], Case]:
    out: dict = {}
    for m in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{m.name}")
        dup = set(out) & set(mod.EXPECT)
        assert not dup, f"{m.name}: routes listed twice: {sorted(dup)}"
        out.update(mod.EXPECT)
    return out
