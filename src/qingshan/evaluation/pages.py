"""Evaluation pages: ``/evaluation`` (framework tree and ranking), ``/evaluation/scorecard``
(one unit's score with drill-down to the raw data), ``/evaluation/sensitivity`` (rank
intervals), ``/evaluation/submissions`` (the city's form and the province's review queue).

Figures come from :mod:`qingshan.evaluation.service` (the same as the JSON API); every [M]
target used is listed on the page, synthetic data shows a banner, no data is a message (404),
never a page of zeros. Templates live in this package (``templates/evaluation/``) and extend the
web's ``base.html`` (the folder is added to the renderer's search path once). Forms carry the
CSRF field.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from jinja2 import ChoiceLoader, FileSystemLoader

from qingshan.api.errors import ApiError
from qingshan.evaluation import service
from qingshan.evaluation.api import _ops, framework_of, inputs_of, read_upload
from qingshan.evaluation.engine.pipeline import EngineError
from qingshan.web import render
from qingshan.web.i18n import request_lang
from qingshan.web.render import page

__all__ = ["router", "LABELS"]

router = APIRouter(include_in_schema=False)
_DIR = Path(__file__).parent / "templates"

LABELS = {
    "title": ("美丽山东建设评价", "Evaluation"), "framework": ("指标体系", "Framework"),
    "year": ("年份", "Year"), "unit": ("单位", "Unit"), "node": ("指标/维度", "Node"),
    "score": ("得分", "Score"), "rank": ("排名", "Rank"), "complete": ("数据完整", "Complete"),
    "partial": ("数据不全，不参与排名", "incomplete data: not ranked"),
    "weight": ("权重", "Weight"), "contribution": ("贡献", "Contribution"),
    "raw": ("原始值", "Raw value"), "measure_unit": ("计量单位", "Unit"),
    "treatment": ("处理", "Treatment"), "normalised": ("标准化值", "Normalised"),
    "target": ("目标值", "Target"), "target_source": ("目标来源", "Target source"),
    "source": ("数据来源", "Data source"), "imputed": ("插补", "Imputed"),
    "marks": ("未核实目标 [M]", "Unverified targets [M]"),
    "synthetic": ("合成示例数据：数值均为虚构，仅用于演示。",
                  "SYNTHETIC demo data: every figure is invented."),
    "sum": ("贡献合计", "Sum of contributions"), "adjustment": ("非补偿性调整", "Non-compensatory "
                                                                            "adjustment"),
    "ranking": ("排名", "Ranking"), "tree": ("指标树", "Indicator tree"),
    "sensitivity": ("不确定性与敏感性", "Uncertainty and sensitivity"),
    "median": ("中位排名", "Median rank"), "interval": ("5–95% 排名区间", "5–95 % rank interval"),
    "shift": ("平均排名变动", "Mean rank shift"), "nominal": ("基准排名", "Nominal rank"),
    "sobol": ("Sobol 指数", "Sobol' indices"), "submissions": ("数据填报与审核",
                                                              "Submissions and review"),
    "value": ("数值", "Value"), "evidence": ("佐证说明", "Evidence note"),
    "state": ("状态", "State"), "submit": ("提交", "Submit"), "accept": ("通过", "Accept"),
    "return": ("退回", "Return"), "comment": ("意见", "Comment"),
    "login_needed": ("请先登录。", "Please log in."), "show": ("显示", "Show"),
    "no_data": ("暂无数据", "No data"), "indicator": ("指标", "Indicator"),
}


def _t(lang: str):
    i = 1 if lang == "en" else 0

    def et(key: str, **kw) -> str:
        pair = LABELS.get(key)
        text = pair[i] if pair else key
        return text.format(**kw) if kw else text
    return et


def _templates() -> None:
    env = render._ENV
    if not getattr(env, "_evaluation_templates", False):
        env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(_DIR))])
        env._evaluation_templates = True


def _render(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    _templates()
    return page(request, template, status, et=_t(request_lang(request)), **ctx)


def _year(fw, year: int | None) -> int:
    from datetime import date
    return year or fw.framework.year or date.today().year - 1


def _con(request: Request):
    return request.app.state.store.cursor()


def _fw_or_error(request, template, name, **ctx):
    try:
        return framework_of(name), None
    except ApiError as e:
        return None, _render(request, template, 404, error=e.message, **ctx)


@router.get("/evaluation", response_class=HTMLResponse)
def evaluation_home(request: Request, framework: str = "shandong-2035", year: int | None = None,
                    node: str | None = None) -> HTMLResponse:
    """The framework tree and the ranking of ``node`` (default: the index)."""
    names = [f["name"] for f in service.frameworks()]
    ctx = {"frameworks": names, "framework": framework, "tree": None, "rows": [], "marks": [],
           "synthetic": False, "warnings": []}
    fw, err = _fw_or_error(request, "evaluation/home.html", framework, year=year, **ctx)
    if err:
        return err
    y = _year(fw, year)
    ctx.update(year=y, tree=service.framework_tree(framework)["tree"], node=node or fw.root,
               fw=fw)
    with _con(request) as con:
        try:
            r = service.run(fw, y, **inputs_of(request, con, fw))
        except (EngineError, ValueError, FileNotFoundError) as e:
            return _render(request, "evaluation/home.html", 404, error=str(e), **ctx)
    t = r.table[r.table["node"] == (node or fw.root)].sort_values(["rank", "unit"],
                                                                  na_position="last")
    ctx.update(rows=t.to_dict(orient="records"), marks=r.marks, synthetic=r.result.synthetic,
               warnings=r.result.warnings)
    return _render(request, "evaluation/home.html", error=None, **ctx)


@router.get("/evaluation/scorecard", response_class=HTMLResponse)
def scorecard(request: Request, unit: str, framework: str = "shandong-2035",
              year: int | None = None, node: str | None = None) -> HTMLResponse:
    """One unit's score at ``node``: its children with weights and contributions; an
    indicator's raw value, unit, treatment, normalised value, target and source."""
    fw, err = _fw_or_error(request, "evaluation/scorecard.html", framework, e=None,
                           framework=framework, year=year)
    if err:
        return err
    y = _year(fw, year)
    with _con(request) as con:
        try:
            e = service.explain_unit(fw, y, unit, node, **inputs_of(request, con, fw))
        except (EngineError, ValueError, KeyError, FileNotFoundError) as ex:
            msg = str(ex.args[0]) if isinstance(ex, KeyError) and ex.args else str(ex)
            return _render(request, "evaluation/scorecard.html", 404, error=msg, e=None,
                           framework=framework, year=y)
    parents = []
    x = e["node"]
    while fw.by_code[x].parent:
        x = fw.by_code[x].parent
        parents.insert(0, (x, fw.name(x, request_lang(request))))
    return _render(request, "evaluation/scorecard.html", error=None, e=e, framework=framework,
                   year=y, parents=parents, fw=fw)


@router.get("/evaluation/sensitivity", response_class=HTMLResponse)
def sensitivity_page(request: Request, framework: str = "shandong-2035",
                     year: int | None = None, vary: str = "normalise=minmax,zscore,rank",
                     weight_noise: float = 0.2, n: int = 256, seed: int = 0) -> HTMLResponse:
    """Median rank and 5–95 % interval per unit, Sobol' indices per input."""
    fw, err = _fw_or_error(request, "evaluation/sensitivity.html", framework, r=None,
                           framework=framework, year=year, vary=vary)
    if err:
        return err
    y = _year(fw, year)
    n = max(8, min(n, 2000))
    weight_noise = max(0.0, min(weight_noise, 0.9))
    ctx = {"framework": framework, "year": y, "vary": vary, "weight_noise": weight_noise, "n": n}
    with _con(request) as con:
        try:
            r = service.sensitivity(fw, y, vary=service.parse_variations(
                [v for v in vary.split(";") if v]), weight_noise=weight_noise, n=n, seed=seed,
                **inputs_of(request, con, fw))
        except (EngineError, ValueError, FileNotFoundError) as e:
            return _render(request, "evaluation/sensitivity.html", 422 if "cannot" in str(e)
                           else 404, error=str(e), r=None, **ctx)
    ranks = r.ranks.sort_values("median").to_dict(orient="records")
    return _render(request, "evaluation/sensitivity.html", error=None, r=r, ranks=ranks,
                   nmax=len(ranks), **ctx)


@router.get("/evaluation/submissions", response_class=HTMLResponse)
def submissions_page(request: Request, framework: str = "shandong-2035",
                     year: int | None = None, msg: str | None = None) -> HTMLResponse:
    """The city's form (submitted indicators of the framework) and the review queue."""
    from qingshan.api.auth import optional_actor
    from qingshan.evaluation.submissions import list_submissions
    from qingshan.store import ops
    fw, err = _fw_or_error(request, "evaluation/submissions.html", framework, rows=[],
                           inds=[], framework=framework, year=year, msg=msg)
    if err:
        return err
    y = _year(fw, year)
    actor = optional_actor(request)
    rows = []
    if actor is not None:
        with ops.session_scope(_ops(request)) as s:
            prov_wide = actor.unit == request.app.state.province.code
            rows = list_submissions(s, fw.framework.code, y, None,
                                    None if prov_wide else actor.unit)
    inds = [i for i in fw.indicators if i.source == "submitted"]
    return _render(request, "evaluation/submissions.html", error=None, rows=rows, inds=inds,
                   framework=framework, year=y, msg=msg, logged_in=actor is not None,
                   default_unit=getattr(actor, "unit", ""))


def _back(framework: str, year: int, msg: str, lang: str) -> RedirectResponse:
    from urllib.parse import urlencode
    q = urlencode({"framework": framework, "year": year, "msg": msg[:300], "lang": lang})
    return RedirectResponse(f"/evaluation/submissions?{q}", status_code=303)


@router.post("/evaluation/submissions", response_class=HTMLResponse)
def submissions_form(request: Request, unit: str = Form(max_length=16),
                     year: int = Form(ge=1990, le=2100), indicator: str = Form(max_length=64),
                     value: str = Form(max_length=32), measure_unit: str = Form(max_length=32),
                     source: str = Form(max_length=500), evidence_note: str = Form(max_length=2000),
                     framework: str = Form("shandong-2035", max_length=64),
                     submit: bool = Form(False)):
    from qingshan.api.auth import current_actor
    from qingshan.evaluation.submissions import SubmissionError, ValueIn, save_values
    from qingshan.store import ops
    actor = current_actor(request)
    fw = framework_of(framework)
    lang = request_lang(request)
    try:
        with ops.session_scope(_ops(request)) as s:
            save_values(s, actor, fw, [ValueIn(unit, year, indicator, value, measure_unit,
                                               source, evidence_note)], submit=submit)
    except (SubmissionError, PermissionError) as e:
        return _back(framework, year, f"error: {e}", lang)
    return _back(framework, year, "ok", lang)


@router.post("/evaluation/submissions/{sid}/review", response_class=HTMLResponse)
def submissions_review(request: Request, sid: int, action: str = Form(max_length=16),
                       comment: str = Form("", max_length=2000),
                       framework: str = Form("shandong-2035", max_length=64),
                       year: int = Form(ge=1990, le=2100)):
    from qingshan.api.auth import current_actor
    from qingshan.evaluation.submissions import SubmissionError, transition
    from qingshan.store import ops
    actor = current_actor(request)
    lang = request_lang(request)
    try:
        with ops.session_scope(_ops(request)) as s:
            transition(s, actor, sid, action, comment)
    except (SubmissionError, PermissionError) as e:
        return _back(framework, year, f"error: {e}", lang)
    return _back(framework, year, "ok", lang)


@router.get("/evaluation/submissions/template")
def submissions_template(request: Request, city: str, year: int,
                         framework: str = "shandong-2035"):
    """The Excel template of ``city`` and ``year`` (the same as ``qingshan evaluate template``)."""
    import tempfile

    from starlette.background import BackgroundTask

    from qingshan.evaluation.ingest.template import write_template
    fw = framework_of(framework)
    try:
        c = request.app.state.province.city(city)
    except KeyError as e:
        raise ApiError(404, "not_found", str(e.args[0])) from None
    if not 1990 <= year <= 2100:
        raise ApiError(422, "invalid_parameter", "year: 1990–2100")
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    tmp.close()
    p = write_template(fw, c.code, c.name_zh, year, tmp.name)
    return FileResponse(p, filename=f"evaluation_{fw.framework.code}_{c.code}_{year}.xlsx",
                        background=BackgroundTask(Path(p).unlink, missing_ok=True))


@router.post("/evaluation/submissions/upload", response_class=HTMLResponse)
async def submissions_upload(request: Request, file: UploadFile = File(),
                             framework: str = Form("shandong-2035", max_length=64),
                             year: int = Form(ge=1990, le=2100), submit: bool = Form(False)):
    """A filled template from the form: every row validated, nothing stored when one is bad."""
    from qingshan.api.auth import current_actor
    from qingshan.evaluation.submissions import SubmissionError, save_values
    from qingshan.store import ops
    actor = current_actor(request)
    fw = framework_of(framework)
    lang = request_lang(request)
    try:
        rows = await read_upload(request, file, fw)
        with ops.session_scope(_ops(request)) as s:
            ids = save_values(s, actor, fw, rows, submit=submit)
    except ApiError as e:
        return _back(framework, year, f"error: {e.message}", lang)
    except (SubmissionError, PermissionError) as e:
        return _back(framework, year, f"error: {e}", lang)
    return _back(framework, year, f"ok: {len(ids)}", lang)
