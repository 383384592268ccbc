"""Air figures of the annual city work report (spec/governance.md §7.3 §2 "environment
quality": PM2.5, good-day share, composite index), for governance's report through the domain
registry (``parts["annual_figures"]``): governance may not name the air modules it reads from
in an import, so it looks this provider up at run time.

Every value is the one :func:`qingshan.air.service.assess` gives for the city and the calendar
year — the same assessment the air pages and bulletin show, never recomputed here. The result
is plain data: figure key → ``{"value", "unit", "source", "valid", "note"}``. ``valid`` is the
assessment's own ``valid`` (all six statistics meet the GB 3095 Table 4 minimums, every month
and the year) and false too when the year's data end before 31 December; a figure that is not
valid is shown flagged by the report, never as complete.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["figures", "FIGURES"]

#: key → (assessment column, unit, label)
FIGURES = {"pm25": ("pm25", "μg/m³", "PM2.5 年均浓度"),
           "good_days_pct": ("good_day_ratio", "%", "优良天数比例"),
           "composite_index": ("composite_index", "", "环境空气质量综合指数")}


def _all(value_note: str) -> dict[str, dict[str, Any]]:
    return {k: {"value": None, "unit": u, "source": "air assessment", "valid": False,
                "note": value_note} for k, (_, u, _) in FIGURES.items()}


def figures(city: str, year: int, *, con=None, session=None, province=None
            ) -> dict[str, dict[str, Any]]:
    """The air figures of ``city`` for ``year`` from the analytic store ``con`` (None: every
    figure None and not valid, with the reason)."""
    if con is None:
        return _all("no analytic store to read the air assessment from")
    from qingshan.air.service import assess
    from qingshan.store.meta import synthetic

    try:
        n = con.execute("SELECT count(*) FROM air_hourly WHERE time > ? AND time <= ?",
                        [datetime(year, 1, 1), datetime(year + 1, 1, 1)]).fetchall()[0][0]
        if not n:
            return _all(f"no air data for {year} in the store")
        df = assess(con, str(year), "city", province)
    except Exception as e:      # an empty store or an unconfigured city: say so, flagged
        return _all(f"air assessment failed: {type(e).__name__}: {e}"[:300])
    row = df[df["code"] == city]
    if row.empty:
        return _all(f"city {city} is not in the air assessment")
    r = row.iloc[0]
    end = r["data_end"]
    full = end is not None and str(end)[:10] == f"{year}-12-31"
    valid = bool(r["valid"]) and full
    note = None
    if not valid:
        note = (f"not valid: {int(r['valid_days'])} of {int(r['days'])} days valid"
                + (f", data to {end}" if not full else "")
                + " (GB 3095 Table 4 minimums)")
    src = f"air assessment {r['period']} ({r['standard']})"
    if synthetic(con):           # a store qingshan demo made (store_meta): say so
        src += " (synthetic)"
    out = {}
    for key, (col, unit, _label) in FIGURES.items():
        v = r[col]
        out[key] = {"value": None if v is None or v != v else float(v), "unit": unit,
                    "source": src, "valid": valid and v is not None and v == v, "note": note}
    return out
