"""The organisation tree: province → city → county, from the province config.

Unit codes are the 6-digit administrative division codes of the config. A unit unknown to the
tree (e.g. a county not listed) is placed by its code (GB/T 2260: the first four digits name the
prefecture, the first two the province), so a city user still covers its counties' codes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from qingshan.config.province import ProvinceConfig

__all__ = ["OrgUnit", "OrgTree", "tree_for"]


@dataclass(frozen=True)
class OrgUnit:
    code: str
    name_zh: str
    name_en: str
    level: str          # province | city | county
    parent: str | None


class OrgTree:
    """Units of one province, with their parents."""

    def __init__(self, prov: ProvinceConfig):
        self.province = prov.code
        units = [OrgUnit(prov.code, prov.name_zh, prov.name_en, "province", None)]
        for c in prov.cities:
            units.append(OrgUnit(c.code, c.name_zh, c.name_en, "city", prov.code))
            units += [OrgUnit(k.code, k.name_zh, k.name_en, "county", c.code) for k in c.counties]
        self.units = {u.code: u for u in units}

    def __contains__(self, code: str) -> bool:
        return code in self.units

    def get(self, code: str) -> OrgUnit:
        try:
            return self.units[code]
        except KeyError:
            raise KeyError(f"no organisation unit {code!r} in province {self.province}") from None

    def parent(self, code: str) -> str | None:
        if code in self.units:
            return self.units[code].parent
        if len(code) == 6 and code.isdigit() and code[4:] != "00":
            return code[:4] + "00"          # an unlisted county: its prefecture
        if len(code) == 6 and code.isdigit() and code[2:] != "0000":
            return code[:2] + "0000"
        return None

    def ancestors(self, code: str) -> list[str]:
        """``code`` and every unit above it, nearest first."""
        out = [code]
        while (p := self.parent(out[-1])) is not None and p not in out:
            out.append(p)
        return out

    def contains(self, outer: str, inner: str) -> bool:
        """Whether ``inner`` is ``outer`` or lies below it."""
        return outer in self.ancestors(inner)

    def level(self, code: str) -> str:
        return self.get(code).level

    def city_of(self, code: str) -> str | None:
        """The city a unit lies in (itself for a city; None for the province)."""
        for a in self.ancestors(code):
            if a in self.units and self.units[a].level == "city":
                return a
        return None


@functools.lru_cache(maxsize=16)
def _cached(key: str) -> OrgTree:
    from qingshan.config import load_province
    return OrgTree(load_province(key))


def tree_for(province: str | ProvinceConfig) -> OrgTree:
    """The tree of a province config (or a bundled name / path, cached)."""
    return OrgTree(province) if isinstance(province, ProvinceConfig) else _cached(province)
