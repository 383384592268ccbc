"""The provincial summary of the accepted city reports (spec/governance.md §7.5 [D]): one table
of cities × figures from each report's frozen snapshot, province totals (counts Σ; rates
recomputed as Σ numerators / Σ denominators, §1.4), completeness (which cities, which
versions); exported as an editable DOCX (python-docx) and an XLSX of every city's figures
(formula-safe). Cities without an accepted report are listed as missing, never counted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.config.province import ProvinceConfig
from qingshan.core.exportsafe import neutralise
from qingshan.governance.annual.report import progress, report_template
from qingshan.governance.models import Case
from qingshan.governance.rates.core import percent_text

__all__ = ["summary_frame", "summary_xlsx", "summary_docx", "SUMMARY_ROLES"]

SUMMARY_ROLES = frozenset({"prov_staff", "prov_leader", "auditor", "prov_admin"})
ACCEPTED = ("accepted", "locked")


def _figure_ids() -> list[tuple[str, str]]:
    return [(f["id"], f["label"]) for s in report_template()["sections"]
            for f in s.get("figures", ()) if s["id"] != "0"]


def summary_frame(session: Session, actor: Actor, province: ProvinceConfig,
                  year: int) -> tuple[pd.DataFrame, list[dict]]:
    """(table, progress): one row per city with an accepted report, then the province row."""
    if not set(actor.roles) & SUMMARY_ROLES:
        raise Forbidden("the provincial summary is for province staff, leaders and auditors")
    reps = session.scalars(select(Case).where(Case.kind == "annual_report", Case.year == year,
                                              Case.state.in_(ACCEPTED))).all()
    latest: dict[str, Case] = {}
    for r in reps:
        if r.city_code not in latest or r.version > latest[r.city_code].version:
            latest[r.city_code] = r
    ids = _figure_ids()
    rows, sums, partial = [], {}, set()
    for c in province.cities:
        r = latest.get(c.code)
        if r is None:
            continue
        figs = (r.fields or {}).get("snapshot", {}).get("figures", {})
        row = {"city_code": c.code, "city": c.name_zh, "report": r.public_no,
               "version": r.version, "synthetic": "synthetic" if r.synthetic else ""}
        for fid, _ in ids:
            f = figs.get(fid, {})
            row[fid] = f.get("text", f.get("value"))
            if f.get("valid") is False:          # a flagged source: the total is partial
                partial.add(fid)
            if "numerator" in f and "denominator" in f:
                n, d = sums.get(fid, (0, 0))
                sums[fid] = (n + int(f["numerator"]), d + int(f["denominator"]))
            elif isinstance(f.get("value"), int) and not isinstance(f.get("value"), bool):
                n, d = sums.get(fid, (0, None))
                sums[fid] = (n + f["value"], None)
        rows.append(row)
    df = pd.DataFrame(rows)
    if rows:
        prov = {"city_code": province.code, "city": province.name_zh + " (Σ / pooled)",
                "report": f"{len(rows)} of {len(province.cities)} cities", "version": None,
                "synthetic": "synthetic" if any(r["synthetic"] for r in rows) else ""}
        for fid, (n, d) in sums.items():
            prov[fid] = n if d is None else percent_text(n, d)
            if fid in partial:
                prov[fid] = f"{prov[fid]} (partial: a city's source is not valid)"
        df = pd.concat([df, pd.DataFrame([prov])], ignore_index=True)
    return df, progress(session, actor, province, year)


def summary_xlsx(df: pd.DataFrame, prog: list[dict], path: str | Path) -> Path:
    """Two sheets: every city's figures (+ province row) and the progress board."""
    p = Path(path)
    labels = dict(_figure_ids())
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        neutralise(df.rename(columns=labels)).to_excel(xw, sheet_name="figures", index=False)
        neutralise(pd.DataFrame(prog)).to_excel(xw, sheet_name="progress", index=False)
    return p


def summary_docx(df: pd.DataFrame, prog: list[dict], province: ProvinceConfig, year: int,
                 path: str | Path) -> Path:
    """An editable DOCX: title, preface placeholder, completeness, the figures table."""
    from docx import Document

    doc = Document()
    doc.add_heading(f"{province.name_zh}{year}年度美丽山东建设工作情况汇总", level=1)
    if (df.get("synthetic") == "synthetic").any() if len(df) else False:
        doc.add_paragraph("注意：本汇总含合成示例数据 (synthetic demo data), 不得作为正式数据使用。")
    doc.add_paragraph("（省生态环境厅前言，待编辑）")
    done = [r for r in prog if r["state"] in ACCEPTED]
    missing = [r["city"] for r in prog if r["state"] not in ACCEPTED]
    doc.add_heading("一、报送情况", level=2)
    doc.add_paragraph(f"已接收 {len(done)} 个市的报告；未接收：{'、'.join(missing) or '无'}。")
    doc.add_heading("二、主要指标", level=2)
    ids = _figure_ids()
    if len(df):
        cols = ["city"] + [fid for fid, _ in ids if fid in df.columns]
        t = doc.add_table(rows=1, cols=len(cols))
        t.style = "Table Grid"
        labels = dict(ids) | {"city": "城市"}
        for j, c in enumerate(cols):
            t.rows[0].cells[j].text = labels[c]
        for _, r in df.iterrows():
            cells = t.add_row().cells
            for j, c in enumerate(cols):
                v = r.get(c)
                cells[j].text = "—" if v is None or (isinstance(v, float) and pd.isna(v)) \
                    else str(v)
    else:
        doc.add_paragraph("尚无已接收的城市报告。")
    p = Path(path)
    doc.save(p)
    return p
