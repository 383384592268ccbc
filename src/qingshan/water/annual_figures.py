"""Water figures of the annual city work report (spec/governance.md §7.3 §2: the share of
sections of good quality, drinking-water source compliance), for governance's report through
the domain registry (``parts["annual_figures"]``; governance may not import water).

Values are those of :func:`qingshan.water.service.water_assessment` at city level for the
calendar year (the water pages' figures, never recomputed here): ``sections_good_pct`` = the
city's excellent (I–III) share over its sections with a class — national and provincial
sections together, as the water assessment groups them; ``drinking_water_pct`` = drinking-water
sources compliant by count. Plain data: key → ``{"value", "unit", "source", "valid", "note"}``;
``valid`` is false (the report flags the figure) when any configured section of the city has no
class for the year (no data, or fewer samplings than the period needs) or nothing was assessed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

__all__ = ["figures", "FIGURES"]

#: key → (city-level column, unit, label)
FIGURES = {"sections_good_pct": ("excellent_pct", "%", "断面水质优良 (I–III 类) 比例"),
           "drinking_water_pct": ("drinking_rate_count", "%", "集中式饮用水水源地达标率")}


def _all(note: str) -> dict[str, dict[str, Any]]:
    return {k: {"value": None, "unit": u, "source": "water assessment", "valid": False,
                "note": note} for k, (_, u, _) in FIGURES.items()}


def figures(city: str, year: int, *, con=None, session=None, province=None
            ) -> dict[str, dict[str, Any]]:
    """The water figures of ``city`` for ``year`` from the analytic store ``con``."""
    if con is None:
        return _all("no analytic store to read the water assessment from")
    from qingshan.water.service import water_assessment
    from qingshan.store.meta import synthetic

    try:
        n = con.execute("SELECT count(*) FROM water_sample WHERE sample_time >= ? AND "
                        "sample_time < ?", [date(year, 1, 1), date(year + 1, 1, 1)]).fetchall()[0][0]
        if not n:
            return _all(f"no water samples for {year} in the store")
        groups = water_assessment(con, str(year), "city")
        sections = water_assessment(con, str(year), "section")
    except Exception as e:      # no water tables or no data: say so, flagged
        return _all(f"water assessment failed: {type(e).__name__}: {e}"[:300])
    g = groups[groups["group_key"] == city]
    mine = sections[sections["city_code"] == city]
    if g.empty or not len(mine):
        return _all(f"no water sections of city {city} assessed for {year}")
    r = g.iloc[0]
    missing = int(mine["class_computed"].isna().sum())
    note = None if not missing else (f"partial: {missing} of {len(mine)} sections have no class "
                                     f"for {year} (no data or too few samplings)")
    src = f"water assessment {year}, city level ({int(r['n_sections'])} sections with a class)"
    if synthetic(con):           # a store qingshan demo made (store_meta): say so
        src += " (synthetic)"
    out = {}
    for key, (col, unit, _label) in FIGURES.items():
        v = r[col]
        ok = v is not None and v == v
        out[key] = {"value": float(v) if ok else None, "unit": unit, "source": src,
                    "valid": ok and not missing,
                    "note": note if ok else (note or f"no {col} for {city} in {year}")}
    return out
