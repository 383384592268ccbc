"""Water-quality questions (one function each), for the CLI, API, pages and reports.

- ``classify_file``: class of every record of an automatic-station or long-format file.
- ``water_assessment``: sections / cities / basins / the province over a period, with the change
  against the same period of the previous year.
- ``water_means``: mean concentrations per section over a period.
- ``coastal_assessment``: GB 3097 point classes and excellent shares.
- ``water_summary``: the province's headline figures for a year (used by ``qingshan demo``).
- ``generate_water_demo``: a realistic synthetic year loaded through the ingest functions.

Periods are those of :mod:`qingshan.core.periods` (the one period model): a month ``2024-03``,
a quarter ``2024-Q1``, a half-year ``2024-H1``, a year ``2024`` or a run of months
``2024-01..2024-05``, given as text or as a :class:`~qingshan.core.periods.Period`; a bad text
raises :class:`~qingshan.core.periods.PeriodError` (a ``ValueError``). Every period is assessed
by the mean of its samples (环办〔2011〕22号 §2.2, spec/water.md; a quarter needs ≥ 2 samplings),
and compared with ``Period.previous_year()`` (§2.7). The rules are those in force on the
period's first day (:func:`qingshan.water.rules.rules_for`) unless ``rules`` is given. Each
question is one SQL statement built by the engine (:mod:`qingshan.water.engine.stats`,
:mod:`qingshan.water.engine.coastal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from qingshan.core.ingest.text import read_text_detect
from qingshan.core.periods import Period, PeriodError, parse_period
from qingshan.water.engine.coastal import assess_coastal_groups, assess_coastal_points
from qingshan.water.engine.stats import assess_with_change, section_means
from qingshan.water.engine.surface import PARAM_LABELS_ZH, classify_long
from qingshan.water.ingest.readers import (
    AUTO_ID_COLUMNS, read_auto_csv, read_samples_csv, read_sections_csv,
)
from qingshan.water.demo import generate_water_demo
from qingshan.water.rules import WaterRules, rules_for

__all__ = ["parse_period", "Period", "PeriodError", "classify_file", "water_assessment", "water_means",
           "coastal_assessment", "water_summary", "WaterSummary", "generate_water_demo"]


def _rules(period: Period, rules: WaterRules | None) -> WaterRules:
    return rules if rules is not None else rules_for(period.start)


def _section_bodies(con: duckdb.DuckDBPyConnection | None, sections_path: str | Path | None
                    ) -> pd.DataFrame:
    """code, name, water_body of the configured sections (store and/or a section file)."""
    parts = []
    if con is not None:
        try:
            parts.append(con.sql("SELECT code, name, water_body FROM water_section "
                                 "WHERE water_body IS NOT NULL").df())
        except duckdb.CatalogException:
            pass
    if sections_path is not None:
        sec, _, _ = read_sections_csv(sections_path)
        parts.append(sec.loc[sec.water_body.notna(), ["code", "name", "water_body"]])
    return pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=["code", "name", "water_body"])


def classify_file(path: str | Path, output: str | Path | None = None, *,
                  con: duckdb.DuckDBPyConnection | None = None,
                  sections_path: str | Path | None = None,
                  rules: WaterRules | None = None) -> tuple[pd.DataFrame, dict]:
    """Classify every record of a file (automatic-station format or long format).

    Adds ``water_body`` and ``water_body_source`` (file / section table / "assumed river: not
    in the section table"), ``class_computed`` (1–6; empty when no assessed item was measured),
    ``class_items`` (the items that set it) and ``exceed`` ("item:multiple" against class III).
    Long files keep one row per value and also get ``item_class``. Writes ``output`` (CSV in
    UTF-8 with BOM, or .xlsx) when given. Returns (table, {"format", "records", "classified",
    "assumed_river"}).
    """
    rules = rules if rules is not None else rules_for(date.today())
    text, _ = read_text_detect(path)
    header = text.split("\n", 1)[0]
    bodies = _section_bodies(con, sections_path)
    work = duckdb.connect()
    if all(c in header for c in AUTO_ID_COLUMNS):
        fmt = "auto"
        orig = pd.read_csv(path, dtype=str, keep_default_na=False,
                           encoding="utf-8-sig" if _is_utf8(path) else "gb18030")
        long, _ = read_auto_csv(path)
        long = long[long.parameter.notna()]
        body = dict(zip(bodies.name, bodies.water_body)) | dict(zip(bodies.code, bodies.water_body))
        rec = pd.DataFrame({"line": range(2, len(orig) + 2),
                            "name": orig["断面名称"].str.strip()})
        rec["water_body"] = rec.name.map(body).astype(object)
        rec["water_body_source"] = rec.water_body.notna().map(
            {True: "section table", False: "assumed river: not in the section table"})
        # a duplicated record (first kept by the reader) gets the class of its first occurrence
        first = orig.assign(line=rec.line).groupby(["断面名称", "监测时间"]).line.transform("min")
        rec["key"] = first.to_numpy()
        df = long.rename(columns={"line": "key"}).merge(
            rec[["key", "water_body"]].drop_duplicates("key"), on="key")
        _, cls = classify_long(work, df[["key", "parameter", "value", "water_body"]], ["key"],
                               rules=rules, labels=PARAM_LABELS_ZH)
        rec = rec.merge(cls[["key", "class_computed", "class_items", "exceed"]], on="key",
                        how="left")
        out = pd.concat([orig, rec[["water_body", "water_body_source", "class_computed",
                                    "class_items", "exceed"]].fillna({"water_body": "river"})],
                        axis=1)
        n = len(orig)
    else:
        fmt = "long"
        orig = pd.read_csv(path, dtype=str, keep_default_na=False,
                           encoding="utf-8-sig" if _is_utf8(path) else "gb18030")
        long, _ = read_samples_csv(path)
        low = {c.lower(): c for c in orig.columns}
        if "water_body" in low:
            fb = orig[low["water_body"]].str.strip().str.lower().map(
                {"river": "river", "lake": "lake", "reservoir": "lake", "河流": "river",
                 "湖库": "lake", "湖泊": "lake", "水库": "lake"})
            long["file_body"] = fb.iloc[long.line - 2].to_numpy()
        else:
            long["file_body"] = None
        long["table_body"] = long.section_code.map(dict(zip(bodies.code, bodies.water_body)))
        long["water_body"] = long.file_body.fillna(long.table_body)
        long["water_body_source"] = [
            "file" if isinstance(a, str) else "section table" if isinstance(b, str)
            else "assumed river: not in the section table"
            for a, b in zip(long.file_body, long.table_body)]
        long["key"] = long.section_code + "|" + long.sample_time.astype(str)
        # a non-detect is classified at the configured fraction of its detection limit
        long["value"] = long.value.where(~long.below_detection,
                                         long.detection_limit * rules.non_detect_factor)
        items, cls = classify_long(work, long[["key", "line", "parameter", "value", "water_body"]],
                                   ["key"], rules=rules, labels=PARAM_LABELS_ZH)
        add = long[["line", "key", "water_body", "water_body_source"]].merge(
            items[["line", "class"]].rename(columns={"class": "item_class"}), on="line",
            how="left").merge(cls[["key", "class_computed", "class_items", "exceed"]], on="key",
                              how="left")
        add["water_body"] = add.water_body.fillna("river")
        out = orig.assign(line=range(2, len(orig) + 2)).merge(add.drop(columns="key"),
                                                              on="line", how="left")
        out = out.drop(columns="line")
        n = long.key.nunique()
    out["class_computed"] = out["class_computed"].astype("Int64")
    if "item_class" in out:
        out["item_class"] = out["item_class"].astype("Int64")
    meta = {"format": fmt, "records": n,
            "classified": int(out.drop_duplicates(subset=list(orig.columns))
                              ["class_computed"].notna().sum()) if fmt == "auto"
            else int(cls.class_computed.notna().sum()),
            "assumed_river": int((out.water_body_source.str.startswith("assumed")).sum())}
    if output is not None:
        o = Path(output)
        from qingshan.core.exportsafe import write_csv, write_excel
        if o.suffix.lower() == ".xlsx":
            write_excel(out, o)
        else:
            write_csv(out, o, encoding="utf-8-sig")
    return out, meta


def _is_utf8(path) -> bool:
    try:
        Path(path).read_bytes().decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _city_names(con) -> dict[str, str]:
    return dict(con.execute("SELECT code, name_zh FROM city").fetchall())


def water_assessment(con: duckdb.DuckDBPyConnection, period: str | Period,
                     level: str = "section", *, rules: WaterRules | None = None,
                     source: str = "prefer_manual", province_code: str | None = None
                     ) -> pd.DataFrame:
    """Assessment of ``period`` (any kind of :mod:`qingshan.core.periods`) at ``level``
    section|city|basin|province, or at several group levels in one pass (``level`` a tuple such
    as ``("city", "province")``: the rows of each, the level first in column ``level``).

    Sections: class of the period means, grade, class-setting items, exceedances, main
    pollutants, target compliance, and the grade of the same period last year with the change
    (same grade 无明显变化, one grade 有所好转/变差, two or more 明显…, §2.7 [M]).
    Groups: proportions, grade, main pollutants, drinking-water compliance, and last year's
    proportions with ΔG, ΔD and the change label (§2.7 [M]).
    """
    several = not isinstance(level, str)
    levels = tuple(level) if several else (level,)
    if not levels or any(lv not in ("section", "city", "basin", "province") for lv in levels) \
            or (several and "section" in levels):
        raise ValueError("level must be section, city, basin or province (several: group "
                         "levels only)")
    p = parse_period(period)
    pcode = province_code or _province_code(con)
    out = assess_with_change(con, p, levels if several else level, rules=_rules(p, rules),
                             source=source, province_code=pcode, labels=PARAM_LABELS_ZH)
    names = _city_names(con)
    if level == "section":
        out.insert(3, "city", out.city_code.map(names))
        return out
    names[pcode] = "全省"
    named = out.group_key.map(names).where(out["level"] != "basin", None) if several else \
        out.group_key.map(names)
    if several or level in ("city", "province"):
        out.insert(2 if several else 1, "name", named)
    return out


def _province_code(con) -> str:
    r = con.execute("SELECT min(province_code) FROM city").fetchall()
    return r[0][0] if r and r[0][0] else "province"


def water_means(con: duckdb.DuckDBPyConnection, period: str | Period, *,
                rules: WaterRules | None = None, source: str = "prefer_manual"
                ) -> pd.DataFrame:
    """Mean concentration per section and parameter over ``period`` (§2.2)."""
    p = parse_period(period)
    m = section_means(con, p, rules=_rules(p, rules), source=source)
    m.insert(2, "label", m.parameter.map(PARAM_LABELS_ZH))
    return m


def coastal_assessment(con: duckdb.DuckDBPyConnection, period: str | Period,
                       level: str = "point", *, rules: WaterRules | None = None
                       ) -> pd.DataFrame:
    """GB 3097 classes of coastal points (``level='point'``) or the excellent (I+II) shares of
    cities / the province by point count and by configured area, over ``period``."""
    p = parse_period(period)
    if level == "point":
        return assess_coastal_points(con, p, rules=_rules(p, rules), labels=PARAM_LABELS_ZH)
    if level not in ("city", "province"):
        raise ValueError("level must be point, city or province")
    out = assess_coastal_groups(con, p, level, rules=_rules(p, rules),
                                province_code=_province_code(con), labels=PARAM_LABELS_ZH)
    names = _city_names(con)
    out.insert(1, "name", out.group_key.map(names))
    return out


@dataclass
class WaterSummary:
    """Headline water figures of a year."""

    year: int
    n_sections: int = 0
    excellent_pct: float | None = None
    inferior_v_pct: float | None = None
    grade: str | None = None
    cities: pd.DataFrame = field(default_factory=pd.DataFrame)
    coastal_excellent_pct_count: float | None = None
    coastal_excellent_pct_area: float | None = None

    def lines(self) -> list[str]:
        if not self.n_sections:
            return [f"{self.year}: no surface-water sections with data"]
        out = [f"{self.year} surface water: {self.n_sections} sections, excellent (I–III) "
               f"{self.excellent_pct:.1f}%, inferior V {self.inferior_v_pct:.1f}%, "
               f"grade {self.grade}"]
        if self.coastal_excellent_pct_count is not None:
            area = (f", by area {self.coastal_excellent_pct_area:.1f}%"
                    if self.coastal_excellent_pct_area is not None else "")
            out.append(f"{self.year} coastal water: excellent (I+II) by points "
                       f"{self.coastal_excellent_pct_count:.1f}%{area}")
        return out


def water_summary(con: duckdb.DuckDBPyConnection, year: int, *,
                  rules: WaterRules | None = None) -> WaterSummary:
    """Province excellent %, inferior-V %, grade, a per-city table and coastal shares."""
    s = WaterSummary(year=year)
    prov = water_assessment(con, str(year), "province", rules=rules)
    if prov.empty:
        return s
    p = prov.iloc[0]
    s.n_sections, s.excellent_pct, s.inferior_v_pct, s.grade = (
        int(p.n_sections), float(p.excellent_pct), float(p.inferior_v_pct), p.grade)
    s.cities = water_assessment(con, str(year), "city", rules=rules)[
        ["group_key", "name", "n_sections", "excellent_pct", "inferior_v_pct", "grade",
         "main_pollutants", "drinking_rate_count", "change"]]
    c = coastal_assessment(con, str(year), "province", rules=rules)
    if not c.empty:
        s.coastal_excellent_pct_count = float(c.excellent_pct_count.iloc[0])
        a = c.excellent_pct_area.iloc[0]
        s.coastal_excellent_pct_area = None if pd.isna(a) else float(a)
    return s

