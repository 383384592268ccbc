"""Published national figures of the ETS (spec/carbon-ets.md §3), shown as context next to the
city's own figures (never mixed into them)."""

from __future__ import annotations

from qingshan.carbon.standards.provenance import m, v

__all__ = ["NATIONAL"]

_Z = "zhoutailaw.com, citing MEE 2021-12-31"
_P = "jijunzs.com reprint of People's Daily 2025-01-05"

#: vintage → figures (completion rates by quantity, in %)
NATIONAL = {
    "2019-2020": {"entities": v(2162, _Z), "completion_pct": v(99.5, _Z),
                  "trading_mt": v(179, _Z), "trading_cny_bn": v(7.661, _Z),
                  "avg_price_cny": v(42.85, _Z), "close_price_cny": v(54.22, _Z)},
    "2021-2022": {"completion_pct": m(99.61, "MEE 全国碳市场发展报告(2024), not verified")},
    "2023": {"entities": v(2096, _P), "covered_gt": v(5.2, _P), "to_surrender_gt": v(5.244, _P),
             "completion_pct": v(99.98, _P)},
}
