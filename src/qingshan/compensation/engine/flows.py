"""Money both ways: a period's (or year's) clearing per city and its gross and net flows.

The province settles with each city (spec §1.2 [V]); the published totals are of three kinds,
kept apart here (spec §1.4, test idea):

- **gross outflow** (province → cities): compensation paid to cities whose amount is positive,
  plus the one-time awards;
- **gross inflow** (cities → province): compensation paid in by cities whose amount is
  negative;
- **net** = gross outflow − gross inflow (the 2018 "2.62 亿 清算" is a net: 1.99 亿 + 0.80 亿
  − 0.1696 亿).

**Choice [P]:** over a period of several quarters (a half-year, a year) a city's compensation
is the sum of its quarters and the city is *either* a receiver *or* a payer for the period,
as the published wording reads ("6 worsening cities paid 1696 万" over 2018; 枣庄 "received
178 in Q2 but paid 1020 over H1" 2019). Annual clearing = Σ quarters + one-time awards.

A city with a missing quarter (``complete`` false) is not summed as complete: its period
amount is NaN and the totals say how many cities are missing (``n_incomplete``,
``complete``); the totals then cover the complete cities only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from qingshan.compensation.engine.common import direction

__all__ = ["clearing", "flows", "Flows"]


@dataclass(frozen=True)
class Flows:
    """Totals of a clearing, in 万元 (see the module docstring)."""

    compensation_out: float
    compensation_in: float
    awards_out: float
    gross_out: float
    gross_in: float
    net: float
    n_receiving: int
    n_paying: int
    n_zero: int
    n_exempt: int
    n_incomplete: int
    complete: bool

    def as_dict(self) -> dict:
        return asdict(self)


def clearing(quarters: pd.DataFrame, awards: pd.DataFrame | None = None,
             quarter_labels: list[str] | None = None, *,
             province_name: str = "province") -> pd.DataFrame:
    """Per city: one column per quarter, ``compensation`` (Σ quarters), ``awards``, ``total``.

    Parameters
    ----------
    quarters : DataFrame
        Ledger rows (:func:`..air.air_ledger`) of the quarters: ``code, name, period, amount,
        complete, exempt``.
    awards : DataFrame, optional
        Award rows (:func:`..air.annual_awards`): ``code, amount``.
    quarter_labels : list of str, optional
        The quarters the period must have (a city lacking one is incomplete).
    """
    labels = quarter_labels or sorted(quarters["period"].unique())
    q = quarters.assign(amount=quarters["amount"].where(quarters["complete"].astype(bool)))
    # one row per city and quarter: "first" keeps a missing amount missing (a sum makes it 0)
    wide = q.pivot_table(index="code", columns="period", values="amount", aggfunc="first",
                         dropna=False)
    wide = wide.reindex(columns=labels)
    have = q.assign(ok=q["complete"].astype(int)).pivot_table(
        index="code", columns="period", values="ok", aggfunc="min")
    have = have.reindex(index=wide.index, columns=labels).fillna(0).astype(bool)
    names = quarters.drop_duplicates("code").set_index("code")["name"]
    exempt = quarters.assign(ex=quarters["exempt"].astype(bool)).groupby("code")["ex"].all()
    out = pd.DataFrame({"code": wide.index, "name": names.reindex(wide.index).to_numpy()})
    for lab in labels:
        out[lab] = wide[lab].to_numpy()
    complete = have.all(axis=1).reindex(wide.index).to_numpy()
    out["complete"] = complete
    out["exempt"] = exempt.reindex(wide.index).fillna(False).to_numpy()
    comp = wide.sum(axis=1, min_count=1).to_numpy()
    out["compensation"] = np.where(complete, comp, np.nan)
    if awards is not None and len(awards):
        aw = awards.groupby("code")["amount"].sum()
        out["awards"] = out["code"].map(aw).fillna(0.0).to_numpy()
    else:
        out["awards"] = 0.0
    out["total"] = out["compensation"] + out["awards"]
    out["direction"] = direction(out["compensation"], out["complete"], "province→city",
                                 "city→province", out["exempt"])
    pos, neg = out["compensation"] > 0, out["compensation"] < 0
    out["payer"] = np.select([pos, neg], [province_name, out["name"]], None)
    out["payee"] = np.select([pos, neg], [out["name"], province_name], None)
    return out.reset_index(drop=True)


def flows(per_city: pd.DataFrame, amount: str = "compensation",
          awards: str | None = "awards") -> Flows:
    """Gross outflow, gross inflow and net of a clearing (or of one quarter's ledger with
    ``amount="amount", awards=None``); totals over complete rows only."""
    ok = per_city["complete"].astype(bool) if "complete" in per_city else \
        pd.Series(True, index=per_city.index)
    a = pd.to_numeric(per_city[amount]).where(ok)
    ex = per_city["exempt"].astype(bool) if "exempt" in per_city else \
        pd.Series(False, index=per_city.index)
    comp_out = float(a.clip(lower=0).sum())
    comp_in = float((-a).clip(lower=0).sum())
    aw = float(pd.to_numeric(per_city[awards]).where(ok).sum()) if awards and \
        awards in per_city else 0.0
    n_inc = int((~ok).sum())
    return Flows(compensation_out=comp_out, compensation_in=comp_in, awards_out=aw,
                 gross_out=comp_out + aw, gross_in=comp_in, net=comp_out + aw - comp_in,
                 n_receiving=int((a > 0).sum()), n_paying=int((a < 0).sum()),
                 n_zero=int(((a == 0) & ~ex).sum()), n_exempt=int((ex & ok).sum()),
                 n_incomplete=n_inc, complete=n_inc == 0)
