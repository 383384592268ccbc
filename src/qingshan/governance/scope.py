"""Org-unit containment by GB/T 2260 code, for the pure rules (spec/governance.md §1.1, §8.1).

``370000`` (province) contains every ``37xxxx``; ``371000`` (city) contains ``3710xx``; a county
code contains itself and internal sub-units written ``<code>-<suffix>`` (e.g. a 功能区 or a
municipal department ``371000-zj``, §1.1 ``org_unit_id`` [D]). The service uses
:class:`qingshan.accounts.orgtree.OrgTree` when it has one; both agree on listed codes.
"""

from __future__ import annotations

__all__ = ["unit_contains", "city_of"]


def unit_contains(outer: str | None, inner: str | None) -> bool:
    """Whether unit ``inner`` is ``outer`` or lies below it."""
    if not outer or not inner:
        return False
    if inner == outer or inner.startswith(outer + "-"):
        return True
    base = inner.split("-", 1)[0]
    if len(outer) == 6 and outer.isdigit() and len(base) == 6 and base.isdigit():
        if outer[2:] == "0000":
            return base[:2] == outer[:2]
        if outer[4:] == "00":
            return base[:4] == outer[:4]
    return False


def city_of(unit: str) -> str | None:
    """The city code of a 6-digit unit code (itself for a city; None for a province)."""
    base = unit.split("-", 1)[0]
    if len(base) != 6 or not base.isdigit() or base[2:] == "0000":
        return None
    return base[:4] + "00"
