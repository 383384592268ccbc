"""Compensation questions: the air ledger of a period, the water ledgers, the rule versions.

Inputs (issue 16): the air service's period statistics of every city
(:func:`qingshan.air.service.assess`, city level — never re-computed here) for each settlement
quarter and the same quarter last year, or an imported file of official means
(:func:`qingshan.compensation.ingest.read_means`) that replaces them row by row (city and
period), with its source recorded in the ledger (``source`` / ``source_last``). Water: the
water service's section means (:func:`qingshan.water.service.water_means`) and section
assessment, or an imported file.

Settlement (spec §1.1): the air schemes settle by quarter. A period of several quarters (a
half-year, a year, a run of whole quarters) is split into its quarters, each settled under the
version in force on its first day (:func:`qingshan.compensation.rulesets.rules_for`) — so
2017-H1 is Q1 under sd-air-2016 and Q2 under sd-air-2017 — and cleared per city
(:func:`..engine.flows.clearing`); a year adds the one-time awards of the version in force on
its last quarter. A period that is not whole quarters is refused, as is a quarter whose version
was not retrieved (from 2019-Q2) unless a known version is named (``rules=``), which every
output then marks as applied outside its period of force.

免试 (2017 version): a city whose whole-city annual statistics met class II in the two
previous years is exempt for the year (A = 0). The service decides it from those years'
annual means (file rows of periods ``YYYY``, else the air service); ``exempt=`` overrides.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from qingshan.compensation.engine import air as air_engine
from qingshan.compensation.engine.flows import Flows, clearing, flows
from qingshan.compensation.engine.water import county_water_ledger, water_ledger
from qingshan.compensation.ingest import MeansFile, read_means
from qingshan.compensation.rulesets import RuleSet, RuleSetError, rules_for, ruleset, rulesets
from qingshan.config import ProvinceConfig, get_settings, load_province
from qingshan.core.periods import Period, parse_period

__all__ = ["Ledger", "air_compensation", "water_compensation", "county_water_compensation",
           "rules_table", "quarters_of", "fingerprint", "parse_switches", "row_marks"]

#: the air service's city assessments by (period, province, store fingerprint): the same data
#: give the same figures (``qingshan.air.daily.fingerprint``: hourly rows, batches, city
#: membership), so a new ingest is answered afresh
_ASSESS_CACHE: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_STATS = ("pm25", "pm10", "so2", "no2", "good_day_ratio", "co_p95", "o3_8h_p90")


@dataclass
class Ledger:
    """A ledger run: every term per city and quarter, the clearing, the flows, provenance."""

    scheme: str
    period: str
    rules: list[str]
    quarters: pd.DataFrame
    clearing: pd.DataFrame
    flows: Flows
    awards: pd.DataFrame = field(default_factory=pd.DataFrame)
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame)
    switches: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    fingerprint: str = ""
    #: each quarter's own gross and net flows (the period's flows net each city over the
    #: period first; both views are kept because published half-year totals are ambiguous)
    quarter_flows: dict[str, dict] = field(default_factory=dict)

    def summary(self) -> dict:
        return {"scheme": self.scheme, "period": self.period, "rules": self.rules,
                "switches": self.switches, "flows": self.flows.as_dict(),
                "quarter_flows": self.quarter_flows, "notes": self.notes,
                "marks": self.marks, "fingerprint": self.fingerprint}


def row_marks(rs: RuleSet, switches: dict | None = None) -> str:
    """The marks a ledger row of ``rs`` carries (every value used that is not [V], and each
    open point's value), e.g. ``formula [P]; region_coefficients [M]; rounding=gbt8170
    (unverified)`` — so that a CSV row alone still shows them."""
    vals = rs.switches(switches)
    return "; ".join(rs.marks_used() + [f"{k}={vals[k]} ({p.mark})"
                                        for k, p in rs.open_points.items()])


def quarters_of(per: Period) -> list[Period]:
    """The quarters of ``per``; ValueError when it is not whole quarters."""
    ms = per.months()
    if ms[0][1] % 3 != 1 or len(ms) % 3:
        raise ValueError(f"the air compensation is settled by quarter: {per.label} is not made "
                         f"of whole quarters (use 2019-Q2, 2019-H1, 2019 or a run such as "
                         f"2019-04..2019-09)")
    return [Period.of(*ms[i], *ms[i + 2]) for i in range(0, len(ms), 3)]


def fingerprint(*parts) -> str:
    """SHA-256 of the canonical JSON of the inputs, rule versions and switches of a run."""
    def canon(x):
        if isinstance(x, pd.DataFrame):
            d = x.sort_values(list(x.columns[:2])).reset_index(drop=True)
            return json.loads(d.to_json(orient="split", double_precision=10, date_format="iso"))
        return x
    text = json.dumps([canon(p) for p in parts], sort_keys=True, ensure_ascii=False,
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _AirInputs:
    """Period statistics per city from a means file and/or the air service (cached)."""

    def __init__(self, con, province: ProvinceConfig, file: MeansFile | None,
                 preset: pd.DataFrame | None = None):
        self.con, self.province, self.file, self.preset = con, province, file, preset
        self._cache: dict[str, pd.DataFrame] = {}
        self.short = {c.code: c.short_zh for c in province.cities}

    def _may_be_valid(self, label: str) -> bool:
        """Whether the store has hourly air rows on at least as many days of the period as its
        statistics need to be valid (:func:`qingshan.air.rules.min_valid_days`); a period with
        fewer days of data cannot have valid statistics, so the air service is not asked."""
        from qingshan.air.rules import min_valid_days
        per = parse_period(label)
        t0 = datetime(per.start.year, per.start.month, per.start.day)
        t1 = datetime(per.end.year, per.end.month, per.end.day) + timedelta(days=1)
        try:
            days = self.con.execute(
                "SELECT count(DISTINCT CAST(time - INTERVAL 1 HOUR AS DATE)) FROM air_hourly "
                "WHERE time > ? AND time <= ?", [t0, t1]).fetchall()[0][0]  # fetchone()
            # would leave the result unfinished on the caller's connection (next con.sql fails)
        except duckdb.CatalogException:
            return False
        return days >= min_valid_days(per)

    def _store(self, label: str) -> pd.DataFrame:
        if self.con is None or not self._may_be_valid(label):
            return pd.DataFrame(columns=["code", "source"])
        from qingshan.air import service as air_service
        from qingshan.air.daily import fingerprint as store_fingerprint
        key = (label, hashlib.sha256(self.province.model_dump_json().encode()).hexdigest(),
               store_fingerprint(self.con))
        with _CACHE_LOCK:
            hit = _ASSESS_CACHE.get(key)
        if hit is not None:
            df = hit.copy()
        else:
            df = air_service.assess(self.con, label, "city", self.province)
            with _CACHE_LOCK:
                _ASSESS_CACHE[key] = df.copy()
                while len(_ASSESS_CACHE) > 64:
                    _ASSESS_CACHE.popitem(last=False)
        keep = ["code"] + [c for c in _STATS if c in df.columns]
        out = df[keep].copy()
        # a statistic that is not valid (GB 3095 Table 4 minimum) is not used as complete
        out.loc[~df["valid"].astype(bool), [c for c in keep if c != "code"]] = float("nan")
        out["source"] = f"air.service.assess (store, {label})"
        return out

    def get(self, label: str) -> pd.DataFrame:
        """``code, name, <stats>, source`` of every city for period ``label``."""
        if label in self._cache:
            return self._cache[label]
        base = pd.DataFrame({"code": list(self.short), "name": list(self.short.values())})
        if self.preset is not None:      # a stored run's inputs (re-run to the same result)
            rows = self.preset[self.preset.period == label].drop(columns=["period", "name"],
                                                                  errors="ignore")
        else:
            rows = self._store(label)
        if self.file is not None:
            t = self.file.table
            f = t[t.period == label].assign(source=self.file.source_of()[t.period == label])
            f = f[["code", "source"] + [c for c in _STATS if c in f.columns]]
            rows = pd.concat([rows[~rows.code.isin(f.code)], f], ignore_index=True)
        out = base.merge(rows, on="code", how="left")
        for c in _STATS:
            if c not in out.columns:
                out[c] = float("nan")
        out["source"] = out["source"].fillna("no data")
        self._cache[label] = out
        return out


def _exempt(inputs: _AirInputs, rs: RuleSet, year: int, given: list[str] | None
            ) -> tuple[pd.Series, str]:
    codes = pd.Series(list(inputs.short))
    if given is not None:
        return codes.isin(given), f"exempt (免试) as given: {', '.join(given) or 'none'}"
    if not rs.two_year:
        return pd.Series(False, index=codes.index), ""
    y2, y1 = inputs.get(str(year - 2)), inputs.get(str(year - 1))
    ok = (air_engine.grade2_whole_city(y2) & air_engine.grade2_whole_city(y1))
    undecided = ok.isna()
    note = (f"免试 {year}: from the annual means of {year - 2} and {year - 1}"
            + (f"; not determined for {int(undecided.sum())} cities (annual means missing), "
               f"treated as not exempt" if undecided.any() else ""))
    return ok.fillna(False).astype(bool), note


def air_compensation(con=None, period: str | Period = "", *, rules: str | None = None,
                     input_path=None, province: ProvinceConfig | None = None,
                     switches: dict | None = None, exempt: list[str] | None = None,
                     inputs: pd.DataFrame | None = None) -> Ledger:
    """The air-quality ledger of ``period`` (see the module docstring).

    Parameters
    ----------
    con : duckdb connection, optional
        The analytic store (the air service's statistics); None with ``input_path`` only.
    period : str or Period
        Whole quarters: ``2018-Q1``, ``2017-H1``, ``2018``, ``2019-04..2019-09``.
    rules : str, optional
        A rule-set id (``sd-air-2017``) applied to every quarter instead of the version in
        force.
    input_path : path, optional
        Official means (CSV/XLSX, :func:`..ingest.read_means`), replacing the store's values.
    switches : dict, optional
        Open points (``rounding``, ``cap``, ``coefficient_scales_penalties`` …).
    exempt : list of str, optional
        City codes exempt (免试), instead of deciding from the annual means.
    inputs : DataFrame, optional
        The inputs of a stored run (:attr:`Ledger.inputs`: ``code, period, <stats>, source``)
        used instead of the store and the file — a re-run gives the same result.
    """
    per = parse_period(period)
    prov = province or load_province(get_settings().province)
    file = read_means(input_path, "air", prov) if input_path is not None else None
    if con is None and file is None and inputs is None:
        raise ValueError("no data: give a store or an --input file of official means")
    qs = quarters_of(per)
    chosen = ruleset(rules) if rules else None
    if chosen is not None and (chosen.scheme != "air" or not chosen.known):
        raise RuleSetError(f"{chosen.id} is not a known air rule set")
    (chosen or rules_for(qs[0].start, "air")).switches(switches)   # bad names: refused now
    preset = inputs
    inputs = _AirInputs(con, prov, file, preset)
    rows, notes, used, ex_cache = [], [], [], {}
    for q in qs:
        rs = chosen or rules_for(q.start, "air")
        if chosen is not None and not rs.in_force(q.start):
            notes.append(f"{q.label}: {rs.id} applied outside its period of force "
                         f"({rs.valid_from}–{rs.valid_to or '…'}) — an assumption")
        if rs.id not in used:
            used.append(rs.id)
        this, last = inputs.get(q.label), inputs.get(q.previous_year().label)
        inp = this.merge(last.drop(columns="name"), on="code", suffixes=("", "_last"))
        key = (q.year, rs.id)
        if key not in ex_cache:
            ex_cache[key] = _exempt(inputs, rs, q.year, exempt)
            if ex_cache[key][1] and ex_cache[key][1] not in notes:
                notes.append(ex_cache[key][1])
        inp["exempt"] = ex_cache[key][0].to_numpy()
        led = air_engine.air_ledger(inp, rs, switches, period=q.label,
                                    province_name=prov.name_zh)
        led.insert(led.columns.get_loc("amount") + 1, "source", inp["source"].to_numpy())
        led.insert(led.columns.get_loc("source") + 1, "source_last",
                   inp["source_last"].to_numpy())
        rows.append(led)
    quarters = pd.concat(rows, ignore_index=True)
    quarters["marks"] = quarters["rule_version"].map(
        {rid: row_marks(ruleset(rid), switches) for rid in used})
    if not quarters["complete"].any() and not quarters["exempt"].any():
        raise ValueError(f"no data for {per.label}: no city has the statistics of the period "
                         f"and of the same period last year")
    awards = pd.DataFrame()
    last_rs = chosen or rules_for(qs[-1].start, "air")
    if per.kind == "year" and (last_rs.awards or last_rs.two_year):
        awards = air_engine.annual_awards(inputs.get(per.label), inputs.get(str(per.year - 1)),
                                          last_rs, switches, exempt=ex_cache[(per.year, last_rs.id)][0],
                                          label=per.label)
    clear = clearing(quarters, awards, [q.label for q in qs], province_name=prov.name_zh)
    fl = flows(clear)
    if len(set(used)) > 1:
        notes.append(f"{per.label} spans a version change: quarters settled under "
                     f"{', '.join(used)} (each quarter its own version)")
    if not fl.complete:
        notes.append(f"partial: {fl.n_incomplete} cities lack statistics of a quarter or of "
                     f"last year's — their amounts are missing and not in the totals")
    marks, sw = [], {}
    for rid in used:
        r = ruleset(rid)
        marks += [f"{rid}: {m}" for m in r.marks_used()]
        sw[rid] = r.switches(switches)
        notes += [f"{rid} open point {n}" for n in r.switch_notes(switches)]
    used_inputs = pd.concat([inputs.get(k).assign(period=k) for k in sorted(inputs._cache)],
                            ignore_index=True)
    fp = fingerprint(used_inputs, used, sw, exempt, per.label)
    qf = {lab: flows(g, amount="amount", awards=None).as_dict()
          for lab, g in quarters.groupby("period", sort=True)}
    return Ledger("air", per.label, used, quarters, clear, fl, awards, used_inputs, sw, notes,
                  marks, fp, qf)


def _water_from_store(con, label: str, keys: list[str]) -> pd.DataFrame:
    """Per city: the mean of its sections' period means (choice [M]) and whether every
    section met its target (from the water service)."""
    from qingshan.water import service as water_service
    m = water_service.water_means(con, label)
    a = water_service.water_assessment(con, label, "section")
    m = m[m.parameter.isin(keys)].merge(a[["code", "city_code"]],
                                        left_on="section_code", right_on="code")
    wide = m.pivot_table(index="city_code", columns="parameter", values="value", aggfunc="mean")
    met = a.groupby("city_code")["meets_target"].agg(lambda s: bool(s.fillna(False).all()))
    out = wide.reindex(columns=keys).reset_index().rename(columns={"city_code": "code"})
    out["targets_met"] = out["code"].map(met)
    out["source"] = f"water.service (store, {label})"
    return out


def water_compensation(con=None, period: str | Period = "", *, rules: str | None = None,
                       input_path=None, province: ProvinceConfig | None = None,
                       switches: dict | None = None, inputs: pd.DataFrame | None = None
                       ) -> Ledger:
    """The 2019 provincial surface-water ledger per city (terms known so far; unknown terms
    leave the row incomplete — see :func:`..engine.water.water_ledger`). ``inputs``: a stored
    run's inputs (re-run)."""
    per = parse_period(period)
    prov = province or load_province(get_settings().province)
    rs = ruleset(rules) if rules else rules_for(per.start, "water")
    keys = [i.key for i in rs.indicators]
    file = read_means(input_path, "water", prov) if input_path is not None else None
    names = pd.DataFrame({"code": [c.code for c in prov.cities],
                          "name": [c.short_zh for c in prov.cities]})

    def get(label):
        rows = _water_from_store(con, label, keys) if con is not None else \
            pd.DataFrame(columns=["code"])
        if file is not None:
            t = file.table
            f = t[t.period == label].assign(source=file.source_of()[t.period == label])
            rows = pd.concat([rows[~rows.code.isin(f.code)], f[["code", "source", *keys]]],
                             ignore_index=True)
        out = names.merge(rows, on="code", how="left")
        for k in keys + ["targets_met"]:
            if k not in out.columns:
                out[k] = float("nan") if k != "targets_met" else pd.NA
        out["source"] = out["source"].fillna("no data")
        return out
    if inputs is not None:
        inp = inputs.copy()
    else:
        this, last = get(per.label), get(per.previous_year().label)
        inp = this.merge(last[["code", "source", *keys]], on="code", suffixes=("", "_last"))
    led = water_ledger(inp, rs, switches, period=per.label, province_name=prov.name_zh)
    led["source"], led["source_last"] = inp["source"].to_numpy(), inp["source_last"].to_numpy()
    led["exempt"] = False
    led["marks"] = row_marks(rs, switches)
    if not led[keys].notna().any().any():
        raise ValueError(f"no data for {per.label}: no city has water means of the period")
    clear = clearing(led, None, [per.label], province_name=prov.name_zh)
    notes = [f"{rs.id} open point {n}" for n in rs.switch_notes(switches)]
    notes.append("city value = mean of its sections' period means (choice [M])")
    if not led["complete"].all():
        notes.append(f"partial: {int((~led['complete']).sum())} cities have a term whose rate "
                     f"is unknown (missing_terms) — not in the totals")
    return Ledger("water", per.label, [rs.id], led, clear, flows(clear), pd.DataFrame(), inp,
                  rs.switches(switches), notes, [f"{rs.id}: {m}" for m in rs.marks_used()],
                  fingerprint(inp, rs.id, rs.switches(switches), per.label))


def county_water_compensation(period: str | Period, input_path, *, rules: str | None = None,
                              city_name: str = "city", province: ProvinceConfig | None = None,
                              switches: dict | None = None,
                              inputs: pd.DataFrame | None = None) -> Ledger:
    """The fixed-target county ledger (菏泽 formula) of one quarter from a file of county
    quarter means (``county, name, period, cod, nh3n``), or a stored run's ``inputs``."""
    per = parse_period(period)
    if per.kind != "quarter":
        raise ValueError(f"the county water formula is settled by quarter, not {per.label}")
    prov = province or load_province(get_settings().province)
    rs = ruleset(rules) if rules else rules_for(per.start, "county-water")
    if inputs is not None:
        t = inputs.copy()
    else:
        file = read_means(input_path, "county-water", prov)
        t = file.table[file.table.period == per.label].assign(
            source=file.source_of()[file.table.period == per.label])
    if t.empty:
        raise ValueError(f"no data for {per.label}")
    led = county_water_ledger(t, rs, switches, period=per.label, city_name=city_name)
    led["source"], led["exempt"] = t["source"].to_numpy(), False
    led["marks"] = row_marks(rs, switches)
    clear = clearing(led, None, [per.label], province_name=city_name)
    clear["direction"] = led["direction"].to_numpy()
    clear["payer"], clear["payee"] = led["payer"].to_numpy(), led["payee"].to_numpy()
    fl = flows(clear)
    notes = [f"{rs.id} open point {n}" for n in rs.switch_notes(switches)]
    notes.append("sign: A > 0 the city pays the county (gross_out = city → counties)")
    return Ledger("county-water", per.label, [rs.id], led, clear, fl, pd.DataFrame(),
                  t.drop(columns="line", errors="ignore"),
                  rs.switches(switches), notes, [f"{rs.id}: {m}" for m in rs.marks_used()],
                  fingerprint(t.drop(columns="line", errors="ignore"), rs.id,
                              rs.switches(switches), per.label))


def parse_switches(items: list[str] | None) -> dict:
    """``["cap=500", "rounding=none", "x=false"]`` → ``{"cap": 500.0, "rounding": "none",
    "x": False}``."""
    out: dict = {}
    for it in items or []:
        name, sep, val = it.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--switch needs NAME=VALUE, not {it!r}")
        v = val.strip()
        if v.lower() in ("true", "false"):
            out[name.strip()] = v.lower() == "true"
        else:
            try:
                out[name.strip()] = float(v)
            except ValueError:
                out[name.strip()] = v
    return out


def rules_table(scheme: str | None = None) -> list[dict]:
    """Every rule version with its terms and marks (``qingshan compensation rules``)."""
    out = []
    for r in rulesets(scheme):
        terms = {k: {"value": m.value, "mark": m.mark, "source": m.source}
                 for k, m in r.terms.items()}
        out.append({
            "id": r.id, "scheme": r.scheme, "title": r.title, "document": r.document,
            "valid_from": str(r.valid_from), "valid_to": str(r.valid_to or ""),
            "status": r.status, "unit": r.unit, "terms": terms,
            "indicators": [{"key": i.key, "label": i.label, "unit": i.unit,
                            **{a: {"value": getattr(i, a).value, "mark": getattr(i, a).mark}
                               for a in ("weight", "target", "rate") if getattr(i, a)}}
                           for i in r.indicators],
            "region_coefficients": {"default": (r.region_default.value, r.region_default.mark)
                                    if r.region_default else None,
                                    **{f"{c} {r.region_names[c]}": (m.value, m.mark)
                                       for c, m in r.region.items()}},
            "awards": [{"key": a.key, "indicator": a.indicator, "grade": a.grade,
                        "amount": a.amount.value, "mark": a.amount.mark} for a in r.awards],
            "two_year_award": {k: {"value": m.value, "mark": m.mark}
                               for k, m in r.two_year.items()},
            "open_points": {k: {"default": p.default, "mark": p.mark, "question": p.question}
                            for k, p in r.open_points.items()},
            "sources": list(r.sources)})
    return out
