"""How an air figure names its period and its choices: "截至 YYYY-MM-DD" / "to date" and the
province's ``[air]`` policy (:class:`qingshan.config.province.AirPolicy`)."""

from __future__ import annotations

from datetime import date

from qingshan.air.rules import AirRules
from qingshan.config import ProvinceConfig
from qingshan.core.periods import Period

__all__ = ["to_date", "period_title", "policy_label"]


def to_date(per: Period, data_end: date | None, today: date | None = None) -> bool:
    """True when ``per`` has not ended (``today`` ≤ its last day) or its data end before its
    last day: its figures are "截至 <data_end>" / "to date"."""
    today = today or date.today()
    return per.end >= today or data_end is None or data_end < per.end


def period_title(per: Period, data_end: date | None, lang: str = "zh",
                 today: date | None = None) -> str:
    """The period's name, with "（截至 YYYY-MM-DD）" / " (to YYYY-MM-DD)" when
    :func:`to_date` (the last day with data; the period's name alone otherwise)."""
    name = per.name(lang)
    if not to_date(per, data_end, today):
        return name
    if data_end is None:
        return name + ("（无数据）" if lang == "zh" else " (no data)")
    return name + (f"（截至{data_end.isoformat()}）" if lang == "zh"
                   else f" (to date: {data_end.isoformat()})")


def policy_label(prov: ProvinceConfig, rules: AirRules | None = None, lang: str = "en") -> str:
    """The province's ``[air]`` choices as every output names them, e.g. ``"transition=
    period_end; denominators=period_end; province=province_series; province_index=
    mean_of_cities"``."""
    a = prov.air
    return (f"transition={a.transition}; denominators={a.ranking_denominators}; "
            f"province={a.province_figures}; province_index={a.province_index}")
