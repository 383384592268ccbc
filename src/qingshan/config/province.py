"""Validated province configuration (TOML).

A province file names the province, its prefecture-level cities (administrative code, names in
Chinese and English) and how each city's **evaluation stations** are chosen: by default the
national-control urban stations, i.e. stations whose publication city (``城市``) is the prefecture
itself and which are not control/background stations (对照点 = N). Explicit ``include`` /
``exclude`` lists override the rule per city. Nothing province-specific lives in code: another
province ships its own TOML (``qingshan --province path/to/file.toml``).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

__all__ = ["AirPolicy", "City", "ProvinceConfig", "Issuer", "load_province", "bundled_provinces"]


class County(BaseModel):
    """A county-level unit of a city (区/县/县级市): an organisation unit of the accounts' tree."""

    code: str = Field(..., description="6-digit administrative division code, e.g. 371002")
    name_zh: str
    name_en: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not (len(v) == 6 and v.isdigit()):
            raise ValueError(f"county code must be 6 digits, got {v!r}")
        return v


class City(BaseModel):
    code: str = Field(..., description="6-digit administrative division code, e.g. 370100")
    name_zh: str = Field(..., description="full name, e.g. 济南市")
    short_zh: str = Field(..., description="short name used as publication city, e.g. 济南")
    name_en: str
    coastal: bool = False
    merged_from: list[str] = Field(default_factory=list, description="names of merged cities")
    station_cities: list[str] = Field(
        default_factory=list,
        description="publication-city names whose stations are evaluation stations "
        "(default: [short_zh])",
    )
    include: list[str] = Field(default_factory=list, description="station codes always included")
    exclude: list[str] = Field(default_factory=list, description="station codes never included")
    counties: list[County] = Field(
        default_factory=list, description="county-level units (organisation tree of the accounts; "
        "optional: a city without them has city-level users only)")

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not (len(v) == 6 and v.isdigit()):
            raise ValueError(f"city code must be 6 digits, got {v!r}")
        return v

    @model_validator(mode="after")
    def _defaults(self) -> "City":
        if not self.station_cities:
            self.station_cities = [self.short_zh]
        return self


class AirPolicy(BaseModel):
    """How the air assessment decides the open points (``[air]`` table of the province TOML).

    Every key has a stated default; every output names the choice it used.
    """

    transition: Literal["period_end", "refuse"] = Field(
        "period_end",
        description="periods containing 2026-03-01 (GB 3095-2026, HJ 633-2026, HJ 663-2026 in "
        "force): 'period_end' (default) = each day's AQI by the HJ 633 version in force that "
        "day, period statistics and validity by the HJ 663 version in force on the period's "
        "last day, compliance against the GB 3095 limits in force on the last day; 'refuse' = "
        "the old behaviour (assess the parts separately). Neither 2026 text has a transition "
        "clause for assessment (spec air-assessment, version switch: open question)")
    ranking_denominators: Literal["period_end", "gb3095_2012", "gb3095_2026"] = Field(
        "period_end",
        description="S_i of the single-item indices: those of the rules in force on the "
        "period's last day (default), or always the 2012 / the 2026 set")
    province_figures: Literal["province_series", "city_mean"] = Field(
        "province_series",
        description="province figures (concentrations, AQI days) in every table, calendar and "
        "sentence: 'province_series' (default: the statistics of the province series = mean "
        "of the city series at each hour, so the table, the sentences and the daily AQI "
        "calendar describe one series and agree to the digit, and day counts are whole days) "
        "or 'city_mean' (全省平均 of the cities' period results, re-rounded; day counts are "
        "then means with one decimal and the calendar, which needs one AQI per day, still "
        "shows the province series — its caption says so)")
    province_index: Literal["mean_of_cities", "index_of_mean"] = Field(
        "mean_of_cities",
        description="province composite index: 'mean_of_cities' (default, 综合指数平均 "
        "as Shandong publishes it) or 'index_of_mean' (index of the province's mean "
        "concentrations)")


class Issuer(BaseModel):
    """Issuing unit printed in the bulletin's date block (``[issuer]`` of the province TOML)."""

    name_zh: str = ""
    name_en: str = ""


class ProvinceConfig(BaseModel):
    code: str
    name_zh: str
    name_en: str
    exclude_control_stations: bool = True
    composite_weights: dict[str, float] = Field(
        default_factory=lambda: {"pm25": 3, "no2": 2, "o3": 2, "so2": 1, "pm10": 1, "co": 1},
        description="weights of the weighted comprehensive index (城市环境空气质量排名技术规定)",
    )
    cities: list[City]
    air: AirPolicy = Field(default_factory=AirPolicy)
    issuer: Issuer = Field(default_factory=Issuer)
    targets: dict[str, float] = Field(
        default_factory=dict,
        description="annual targets of the province (e.g. pm25 = 35, good_day_ratio = 70); "
        "the bulletin states progress against them")
    source: str = ""

    @model_validator(mode="after")
    def _unique(self) -> "ProvinceConfig":
        codes = [c.code for c in self.cities]
        dup = {c for c in codes if codes.count(c) > 1}
        if dup:
            raise ValueError(f"duplicate city codes: {sorted(dup)}")
        if not self.cities:
            raise ValueError("a province needs at least one city")
        return self

    def city(self, code_or_name: str) -> City:
        for c in self.cities:
            if code_or_name in (c.code, c.name_zh, c.short_zh, c.name_en, c.name_en.lower()):
                return c
        raise KeyError(f"unknown city {code_or_name!r} in province {self.name_en}")


def bundled_provinces() -> list[str]:
    base = resources.files("qingshan.config") / "provinces"
    return sorted(p.name.removesuffix(".toml") for p in base.iterdir() if p.name.endswith(".toml"))


def load_province(name_or_path: str | Path = "shandong") -> ProvinceConfig:
    """Load a bundled province by name or a TOML file by path; raises ValueError when invalid."""
    p = Path(name_or_path)
    if p.suffix == ".toml" and p.exists():
        text, src = p.read_text(encoding="utf-8"), str(p)
    else:
        res = resources.files("qingshan.config") / "provinces" / f"{name_or_path}.toml"
        if not res.is_file():
            raise ValueError(
                f"unknown province {name_or_path!r}; bundled: {', '.join(bundled_provinces())}"
            )
        text, src = res.read_text(encoding="utf-8"), f"bundled:{name_or_path}"
    data = tomllib.loads(text)
    cfg = ProvinceConfig.model_validate(data)
    cfg.source = src
    return cfg
