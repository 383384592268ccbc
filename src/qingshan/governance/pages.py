"""Governance pages: case lists with filters and CSV/XLSX download, the case page with its
timeline and a form for every step the user's role may take, the city dashboard of rates
(each rate links to the cases behind it), the overdue board and the annual reports' progress
board. Templates live in ``governance/templates`` and extend the site's ``base.html``."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.api.auth import current_actor, optional_actor
from qingshan.core.exportsafe import neutralise, write_csv
from qingshan.governance import annual, service
from qingshan.governance import repository as repo
from qingshan.governance.rates import RatesError
from qingshan.governance.workflows import MACHINES, TransitionError
from qingshan.store import ops
from qingshan.web import render as web_render
from qingshan.web.i18n import request_lang, translator

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_ENV = Environment(loader=ChoiceLoader([
    FileSystemLoader(Path(__file__).parent / "templates"),
    FileSystemLoader(Path(web_render.__file__).parent / "templates")]),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
Auth = Annotated[Actor, Depends(current_actor)]
MaybeAuth = Annotated[Actor | None, Depends(optional_actor)]


def _page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Like :func:`qingshan.web.render.page`, with this domain's templates first."""
    lang = request_lang(request)
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "zh" else "zh"

    def url(path: str, **q: Any) -> str:
        qq = {k: v for k, v in q.items() if v not in (None, "")}
        qq["lang"] = lang
        return f"{path}?{urlencode(qq)}"

    prov = request.app.state.province
    html = _ENV.get_template(template).render(
        request=request, lang=lang, t=translator(lang), url=url, fmt=web_render.fmt,
        fnum=web_render.num, L=lambda zh, en: zh if lang == "zh" else en,
        switch_url=f"{request.url.path}?{urlencode(params)}",
        province_name=prov.name_zh if lang == "zh" else prov.name_en,
        actor=web_render._actor(request),
        csrf_field=lambda: Markup(web_render._csrf_field(request)), **ctx)
    return HTMLResponse(html, status_code=status)


def _url(request: Request) -> str:
    return request.app.state.ops_url


def _rows(request: Request, actor: Actor, kind, city, state) -> list[dict]:
    with ops.session_scope(_url(request)) as s:
        return [{"public_no": r.public_no, "kind": r.kind, "city_code": r.city_code,
                 "state": r.state, "title": r.title, "synthetic": r.synthetic}
                for r in repo.list_cases(s, actor, kind=kind or None, city=city or None,
                                         state=state or None, limit=5000)]


@router.get("/governance/cases", response_class=HTMLResponse)
def cases_page(request: Request, actor: Auth, kind: str = "", city: str = "",
               state: str = "") -> HTMLResponse:
    rows = _rows(request, actor, kind, city, state)
    return _page(request, "gov_cases.html", rows=rows, kinds=MACHINES, kind=kind, city=city,
                 state=state, any_synthetic=any(r["synthetic"] for r in rows))


@router.get("/governance/cases.{fmt}")
def cases_download(request: Request, actor: Auth, fmt: str, kind: str = "", city: str = "",
                   state: str = "") -> Response:
    df = pd.DataFrame(_rows(request, actor, kind, city, state))
    if fmt == "csv":
        return Response(write_csv(df, encoding="utf-8-sig") or "", media_type="text/csv",
                        headers={"Content-Disposition": "attachment; filename=cases.csv"})
    if fmt == "xlsx":
        buf = io.BytesIO()
        neutralise(df).to_excel(buf, index=False)
        return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=cases.xlsx"})
    return Response(status_code=404)


@router.get("/governance/cases/{public_no}", response_class=HTMLResponse)
def case_page(request: Request, public_no: str, actor: MaybeAuth,
              message: str = "", error: int = 0) -> HTMLResponse:
    with ops.session_scope(_url(request)) as s:
        try:
            c = service.case_page(s, actor, public_no)
        except repo.NotFound:
            return _page(request, "gov_message.html", 404, message=f"no case {public_no}")
    can_edit = bool(actor and c["kind"] == "annual_report" and "edit" in c.get("steps", ()))
    return _page(request, "gov_case.html", c=c, message=message, error=error,
                 can_edit=can_edit)


@router.post("/governance/reports/{public_no}/sections/{section}")
async def report_section(request: Request, public_no: str, section: str,
                         actor: Auth) -> Response:
    form = await request.form()
    text = form.get("text")
    figures = {}
    for k, v in form.items():
        if k.startswith("value__"):
            fid = k[7:]
            figures[fid] = (str(v)[:200] or None, str(form.get(f"source__{fid}", ""))[:300]
                            or None)
    msg, err = "ok", 0
    try:
        with ops.session_scope(_url(request)) as s:
            annual.fill_report(s, actor, public_no, today=date.today(), section=section,
                               text=str(text)[:20_000] if text is not None else None,
                               figures=figures)
    except (TransitionError, repo.NotFound, Forbidden) as e:
        msg, err = str(e), 1
    q = urlencode({"lang": request_lang(request), "message": msg[:300], "error": err})
    return RedirectResponse(f"/governance/cases/{public_no}?{q}#sec-{section}", status_code=303)


@router.post("/governance/cases/{public_no}/step")
def case_step(request: Request, public_no: str, actor: Auth,
              name: Annotated[str, Form(max_length=64)],
              reason: Annotated[str, Form(max_length=2000)] = "",
              params: Annotated[str, Form(max_length=2000)] = "") -> Response:
    p = {}
    for part in params.split(";"):
        k, sep, v = part.strip().partition("=")
        if sep and k.strip():
            p[k.strip()] = v.strip()
    msg, err = "ok", 0
    try:
        with ops.session_scope(_url(request)) as s:
            row, _ = repo.get_case(s, actor, public_no)
            if row.kind == "annual_report" and name in ("submit", "resubmit", "refresh"):
                from qingshan.governance.api import analytic
                prov = request.app.state.province
                with analytic(request) as con:
                    if name == "refresh":
                        annual.refresh_report(s, actor, public_no, today=date.today(),
                                              con=con, province=prov)
                    else:
                        annual.submit_report(s, actor, public_no, today=date.today(),
                                             step=name, con=con, province=prov)
            else:
                repo.transition(s, actor, public_no, name, today=date.today(), params=p,
                                reason=reason or None)
    except (TransitionError, repo.NotFound) as e:
        msg, err = str(e), 1
    except Forbidden as e:
        msg, err = str(e), 1
    q = urlencode({"lang": request_lang(request), "message": msg[:300], "error": err})
    return RedirectResponse(f"/governance/cases/{public_no}?{q}", status_code=303)


@router.get("/governance", response_class=HTMLResponse)
def dashboard(request: Request, actor: Auth, cutoff: str = "") -> HTMLResponse:
    try:
        cut = date.fromisoformat(cutoff) if cutoff else date.today()
        st = date.fromisoformat(request.query_params.get("from")) \
            if request.query_params.get("from") else date(cut.year, 1, 1)
    except ValueError:
        return _page(request, "gov_message.html", 422, message="cutoff/from: YYYY-MM-DD")
    blocks, syn = {}, False
    with ops.session_scope(_url(request)) as s:
        for kind in ("complaint", "inspection", "dc_petition", "dc_task", "permit"):
            try:
                res = service.rates_for(s, actor, kind, cut, period_start=st,
                                        province=request.app.state.province.code)
                blocks[kind] = {"rows": [{"unit": u, **r.as_dict()} for u, rs in res.items()
                                         for r in rs.values()]}
            except RatesError as e:
                blocks[kind] = {"error": str(e)}
        syn = any(r.synthetic for r in repo.list_cases(s, actor, limit=50))
    return _page(request, "gov_dashboard.html", blocks=blocks, cutoff=cut.isoformat(),
                 start=st.isoformat(), any_synthetic=syn)


def _drill(request: Request, actor: Actor, kind: str, rate: str, unit: str, part: str,
           cutoff: str) -> dict | str:
    """The drill-down of one figure (:func:`qingshan.governance.drilldown.cases_behind`), or
    the message to show instead."""
    from qingshan.governance.drilldown import DrilldownError, cases_behind

    try:
        cut = date.fromisoformat(cutoff) if cutoff else date.today()
        st = request.query_params.get("from")
        st = date.fromisoformat(st) if st else None
    except ValueError:
        return "cutoff/from: YYYY-MM-DD"
    with ops.session_scope(_url(request)) as s:
        try:
            return cases_behind(s, actor, kind, rate, unit, part, cut, period_start=st,
                                province=request.app.state.province.code)
        except (RatesError, DrilldownError) as e:
            return str(e)


@router.get("/governance/drilldown", response_class=HTMLResponse)
def drilldown_page(request: Request, actor: Auth, kind: str = "", rate: str = "",
                   unit: str = "", part: str = "numerator", cutoff: str = "") -> HTMLResponse:
    d = _drill(request, actor, kind, rate[:64], unit[:16], part[:80], cutoff)
    if isinstance(d, str):
        return _page(request, "gov_message.html", 404, message=d)
    return _page(request, "gov_drill.html", d=d)


@router.get("/governance/drilldown.csv")
def drilldown_csv(request: Request, actor: Auth, kind: str = "", rate: str = "",
                  unit: str = "", part: str = "numerator", cutoff: str = "") -> Response:
    d = _drill(request, actor, kind, rate[:64], unit[:16], part[:80], cutoff)
    if isinstance(d, str):
        return Response(d, status_code=404, media_type="text/plain; charset=utf-8")
    df = pd.DataFrame(d["cases"], columns=["public_no", "kind", "city_code", "state_at_cutoff",
                                           "state", "title", "synthetic"])
    df.insert(0, "part", d["part"])
    df.insert(0, "unit", d["unit"])
    df.insert(0, "rate", d["rate"]["name"])
    df["cutoff"], df["rule_version"] = d["cutoff"], d["rate"]["rule_version"]
    return Response(write_csv(df, encoding="utf-8-sig") or "", media_type="text/csv",
                    headers={"Content-Disposition": "attachment; filename=drilldown.csv"})


def _import_page(request: Request, status: int = 200, **ctx: Any) -> HTMLResponse:
    from qingshan.governance.ingest import templates

    return _page(request, "gov_import.html", status, templates=sorted(
        templates().values(), key=lambda t: t.name), **ctx)


@router.get("/governance/import", response_class=HTMLResponse)
def import_form(request: Request, actor: Auth, template: str = "") -> HTMLResponse:
    return _import_page(request, chosen=template)


@router.post("/governance/import", response_class=HTMLResponse)
async def import_post(request: Request, actor: Auth, file: Annotated[UploadFile, File()],
                      template: Annotated[str, Form(max_length=64)]) -> HTMLResponse:
    """The API's import (:func:`qingshan.governance.api.import_upload`) from the page form;
    its errors (file, line, field) shown on the page."""
    from qingshan.api.errors import ApiError
    from qingshan.governance.api import import_upload

    try:
        out = await import_upload(request, actor, template, file, date.today())
    except ApiError as e:
        errs = [d.model_dump() for d in e.details] or [{"msg": e.message}]
        return _import_page(request, e.status, errors=errs, chosen=template)
    return _import_page(request, result=out, chosen=template)


@router.get("/governance/overdue", response_class=HTMLResponse)
def overdue_page(request: Request, actor: Auth, day: str = "") -> HTMLResponse:
    try:
        d = date.fromisoformat(day) if day else date.today()
    except ValueError:
        return _page(request, "gov_message.html", 422, message="day: YYYY-MM-DD")
    with ops.session_scope(_url(request)) as s:
        rows = service.overdue(s, actor, d)
    return _page(request, "gov_overdue.html", rows=rows, day=d.isoformat())


@router.get("/governance/reports", response_class=HTMLResponse)
def reports_page(request: Request, actor: Auth, year: int | None = None) -> HTMLResponse:
    y = year or date.today().year - 1
    with ops.session_scope(_url(request)) as s:
        rows = annual.progress(s, actor, request.app.state.province, y)
    return _page(request, "gov_reports.html", rows=rows, year=y)
