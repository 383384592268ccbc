"""Figures of other domains in the annual city report (air, water, carbon: spec/governance.md
§7.3 §2 and §8), pre-filled and locked to their source like the ledgers' own figures.

Governance sits beside water and carbon in the layers and may not import them, so it finds
their providers in the domain registry at run time: each domain that offers report figures
registers ``parts["annual_figures"] = "qingshan.<domain>.annual_figures:figures"``, a function
``figures(city, year, *, con, session, province) -> {key: {"value", "unit", "source",
"valid", "note"}}`` returning plain data (``con``: the analytic DuckDB store, ``session``: the
operational store's session; either may be None). The report's template names a figure
``domain:<domain>:<key>``.

A figure whose provider is missing, fails, or reports ``valid = False`` is shown flagged —
"(not valid: …)" in its text, ``valid`` false in the snapshot — and never as complete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qingshan.core.registry import domains, load

__all__ = ["providers", "domain_figures", "figure_entry"]


def providers() -> dict[str, Callable[..., dict]]:
    """domain name → its ``annual_figures`` provider (registered domains only)."""
    return {d.name: load(d.parts["annual_figures"]) for d in domains()
            if "annual_figures" in d.parts}


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 10 or v == int(v) else f"{v:.2f}"
    return str(v)


def figure_entry(fig: dict[str, Any] | None, domain: str, key: str) -> dict[str, Any]:
    """One locked figure of the report from a provider's plain data (flagged unless valid)."""
    if fig is None:
        fig = {"value": None, "unit": "", "source": domain, "valid": False,
               "note": f"the {domain} domain provides no figure {key!r}"}
    v, unit, valid = fig.get("value"), fig.get("unit") or "", bool(fig.get("valid"))
    text = "—" if v is None else (_fmt(v) + (f" {unit}" if unit and unit != "个" else ""))
    if not valid:
        text += f" ({'not valid' if v is not None else 'no value'}: {fig.get('note') or '?'})"
    return {"value": v, "text": text[:300], "unit": unit, "valid": valid,
            "note": fig.get("note"), "provenance": f"{domain}: {fig.get('source') or ''}"[:300]}


def domain_figures(city: str, year: int, *, con=None, session=None,
                   province=None) -> dict[str, dict[str, Any]]:
    """``"<domain>:<key>"`` → figure entry, for every registered provider; a provider that
    raises gives flagged entries for the keys the template asks of it (the report names
    them), never a silent gap."""
    out: dict[str, dict[str, Any]] = {}
    for name, fn in providers().items():
        try:
            figs = fn(city, year, con=con, session=session, province=province)
        except Exception as e:          # a broken provider is shown, not hidden
            out[f"{name}:*"] = {"error": f"{type(e).__name__}: {e}"[:300]}
            continue
        for key, fig in figs.items():
            out[f"{name}:{key}"] = figure_entry(fig, name, key)
    return out
