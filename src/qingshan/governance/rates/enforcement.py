"""Enforcement rates (spec/governance.md §4.4–4.5, all [D]: places publish the off-site share
without its definition, so the raw counts are kept and every variant can be recomputed).

``inspections``: ``case_id, city_code, date_end, mode`` ∈ {on_site, off_site, mixed} and
optionally ``regulated`` (an inspection of a regulated unit; complaint-only calls are not),
``data_recorded`` (an off-site check counts only if it records the data examined — quality
guard after S19), ``violation`` (bool), ``trigger`` (e.g. ``双随机``).

- ``off_site_share`` = N(off_site) / (N(off_site) + N(on_site) + N(mixed)); mixed counts as not
  off-site; variant ``off_site_share_incl_mixed`` = (N(off_site) + N(mixed)) / N(all);
- ``问题发现率`` = #with violation / #inspections, by mode;
- ``double_random_all_off_site``: cities whose 双随机 inspections were 100 % off-site (flag, S19).
"""

from __future__ import annotations

import pandas as pd

from qingshan.governance.rates._group import rates_by_unit
from qingshan.governance.rates.core import Rate, RatesError

__all__ = ["off_site_rates", "double_random_all_off_site", "MODES"]

MODES = ("on_site", "off_site", "mixed")


def _period(df: pd.DataFrame, start, end) -> pd.DataFrame:
    d = pd.to_datetime(df["date_end"])
    keep = d <= pd.Timestamp(end)
    if start is not None:
        keep &= d >= pd.Timestamp(start)
    return df[keep]


def off_site_rates(inspections: pd.DataFrame, start, end,
                   province: str | None = None) -> dict[str | None, dict[str, Rate]]:
    """Off-site shares and problem-discovery rates per city and pooled, inspections ending in
    [start, end]."""
    need = {"case_id", "city_code", "date_end", "mode"}
    if missing := need - set(inspections.columns):
        raise RatesError(f"inspection table lacks columns {sorted(missing)}")
    bad = set(inspections["mode"].unique()) - set(MODES)
    if bad:
        raise RatesError(f"unknown inspection modes {sorted(map(str, bad))}; one of {MODES}")
    df = _period(inspections, start, end)
    if df.empty:
        raise RatesError("no inspections in the period")
    mode = df["mode"]
    regulated = df["regulated"].fillna(True).astype(bool) if "regulated" in df else True
    recorded = df["data_recorded"].fillna(False).astype(bool) if "data_recorded" in df else True
    unrecorded = mode.eq("off_site") & ~recorded
    base = regulated & ~unrecorded
    viol = df["violation"].fillna(False).astype(bool) if "violation" in df else False
    df = df.assign(_base=base, _off=base & mode.eq("off_site"), _mixed=base & mode.eq("mixed"),
                   _on=base & mode.eq("on_site"),
                   _off_or_mixed=base & mode.isin(("off_site", "mixed")),
                   _not_regulated=~regulated, _unrecorded=regulated & unrecorded,
                   _viol=base & viol, _viol_off=base & viol & mode.eq("off_site"),
                   _viol_on=base & viol & mode.eq("on_site"))
    excl = {"not a regulated unit": "_not_regulated", "off-site without recorded data":
            "_unrecorded"}
    specs = {
        "off_site_share": {"num": "_off", "den": "_base", "exclusions": excl,
                           "formula": "N(off_site) / (N(off_site) + N(on_site) + N(mixed))"},
        "off_site_share_incl_mixed": {"num": "_off_or_mixed", "den": "_base", "exclusions": excl,
                                      "formula": "(N(off_site) + N(mixed)) / N(all)"},
        "问题发现率": {"num": "_viol", "den": "_base",
                  "formula": "#inspections with violation / #inspections"},
        "问题发现率(off_site)": {"num": "_viol_off", "den": "_off",
                            "formula": "#off-site with violation / #off-site"},
        "问题发现率(on_site)": {"num": "_viol_on", "den": "_on",
                           "formula": "#on-site with violation / #on-site"},
    }
    return rates_by_unit(df, "city_code", specs, end, province)


def double_random_all_off_site(inspections: pd.DataFrame, start, end) -> list[str]:
    """Cities whose 双随机 inspections in the period were all off-site (China Environment News
    2024-12-11 warning, S19): flag, do not rank."""
    df = _period(inspections, start, end)
    if "trigger" not in df:
        return []
    dr = df[df["trigger"] == "双随机"]
    share = dr.assign(off=dr["mode"].eq("off_site")).groupby("city_code")["off"].all()
    return sorted(str(c) for c, v in share.items() if v)
