"""Carbon figures of the annual city work report (spec/governance.md §7.3 §8 "climate and
carbon": ETS firms and their compliance, product footprints — Weihai 12 and 11 [V SEED]), for
governance's report through the domain registry (``parts["annual_figures"]``; governance may
not import carbon).

Read from the carbon ledger in the operational store through the caller's session (the tables
:func:`qingshan.carbon.ledger.load` reads) and counted by carbon's own services:

- ``ets_firms``: enterprises of the city with verified emissions for the vintage that covers
  the year (``2019-2020`` for 2019 and 2020, else the year itself);
- ``ets_complied``: enterprises of the city that complied for that vintage
  (:func:`qingshan.carbon.service.city_summary`: every vintage on time or late); not valid when
  the vintage cannot be computed (e.g. 2023/2024 without their benchmark tables) or some
  enterprise's position is incomplete;
- ``footprints``: products of the city's enterprises with a bill of activities (the footprints
  ``qingshan carbon footprints`` computes); the ledger keeps no year per footprint, so the count
  is as of the report and says so.

Plain data: key → ``{"value", "unit", "source", "valid", "note"}``; synthetic ledgers say so.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

__all__ = ["figures", "FIGURES", "vintage_of"]

FIGURES = {"ets_firms": "纳入全国碳市场企业数", "ets_complied": "完成履约企业数",
           "footprints": "产品碳足迹核算数"}


def vintage_of(year: int) -> str:
    """The ETS vintage label covering ``year`` (the first period pooled 2019 and 2020)."""
    return "2019-2020" if year in (2019, 2020) else str(year)


def _load(session):
    from qingshan.carbon.data import COLUMNS, CarbonData
    from qingshan.carbon.models import TABLES

    d = CarbonData()
    for name, model in TABLES.items():
        cols = list(COLUMNS[name])
        rows = session.execute(select(*[getattr(model, c) for c in cols])).all()
        setattr(d, name, pd.DataFrame(rows, columns=cols))
    return d


def _fig(value, source, valid, note=None) -> dict[str, Any]:
    return {"value": value, "unit": "个", "source": source, "valid": valid, "note": note}


def figures(city: str, year: int, *, con=None, session=None, province=None
            ) -> dict[str, dict[str, Any]]:
    """The carbon figures of ``city`` for ``year`` from the ledger read through ``session``."""
    from qingshan.carbon.service import NoData, city_summary

    if session is None:
        return {k: _fig(None, "carbon ledger", False, "no operational store session")
                for k in FIGURES}
    try:
        data = _load(session)
    except Exception as e:     # carbon tables not migrated: say so, flagged
        return {k: _fig(None, "carbon ledger", False, f"carbon ledger unreadable: "
                        f"{type(e).__name__}"[:300]) for k in FIGURES}
    ents = data.enterprises[data.enterprises["city_code"] == city]
    syn = " (synthetic)" if ents["synthetic"].fillna(False).astype(bool).any() else ""
    v = vintage_of(year)
    units = data.units[data.units["credit_code"].isin(ents["credit_code"])]
    ver = data.verified[(data.verified["vintage"] == v)
                        & data.verified["unit_id"].isin(units["unit_id"])]
    firms = units[units["unit_id"].isin(ver["unit_id"])]["credit_code"].nunique()
    src = f"carbon ledger, vintage {v}{syn}"
    out = {"ets_firms": _fig(int(firms) if firms else None, src, bool(firms),
                             None if firms else f"no verified emissions of vintage {v} for "
                             f"city {city} in the carbon ledger")}
    try:
        s = city_summary(data, v, city_code=city)
        ok = s["incomplete"] == 0
        out["ets_complied"] = _fig(
            s["complied"], f"{src}: {s['complied']} of {s['enterprises']} complied", ok,
            None if ok else f"partial: {s['incomplete']} enterprise(s) with incomplete "
            "positions")
    except (NoData, ValueError) as e:
        out["ets_complied"] = _fig(None, src, False, f"cannot be computed: {e}"[:300])
    prods = data.products[data.products["credit_code"].isin(ents["credit_code"])]
    n = int(prods["product_id"].isin(data.bom["product_id"]).sum())
    out["footprints"] = _fig(n if len(ents) else None,
                             f"carbon ledger, products with a bill of activities{syn}",
                             bool(len(ents)), "the ledger keeps no year per footprint: the "
                             "count as of the report" if len(ents) else
                             f"no enterprise of city {city} in the carbon ledger")
    return out
