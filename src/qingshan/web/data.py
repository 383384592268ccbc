"""The data page: ingest batches and uploading a file in the browser (no JavaScript)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from qingshan.api import catalog
from qingshan.api.errors import ApiError, clip, clip_message, ingest_detail
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.api.auth import current_actor
from qingshan.api.upload import KINDS, safe_name
from qingshan.api.writes import authorized_upload
from qingshan.air.ingest import IngestError
from qingshan.web.render import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = 50


def _data_page(request: Request, offset: int = 0, status: int = 200, **ctx) -> HTMLResponse:
    offset = max(0, offset)
    with request.app.state.store.cursor() as con:
        df, total = catalog.batches(con, PAGE, offset)
    return page(request, "data.html", status=status, batches=df.to_dict(orient="records"),
                total=total, offset=offset, limit=PAGE, kinds=KINDS, **ctx)


def _clipped(d: dict) -> dict:
    """An error row of the page with no long user value in it."""
    out = dict(d)
    if out.get("msg") is not None:
        out["msg"] = clip_message(out["msg"])
    for k in ("file", "field"):
        if out.get(k) is not None:
            out[k] = clip(str(out[k]))
    if out.get("loc"):
        out["loc"] = [x if isinstance(x, int) else clip(str(x)) for x in out["loc"]]
    return out


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request, offset: int = 0) -> HTMLResponse:
    return _data_page(request, offset)


@router.post("/data/upload", response_class=HTMLResponse)
def data_upload(request: Request, file: UploadFile = File(...), kind: str = Form("cnemc"),
                map: str | None = Form(None),
                actor: Actor = Depends(current_actor)) -> HTMLResponse:
    """Validate and store the file; show its errors (file, line, field, reason) or summary.

    The file is streamed to disk in chunks (``store_upload``); the request body is bounded by
    the body-limit middleware. Error texts quote at most ``max_error_value_chars`` of a value.
    """
    try:
        res = authorized_upload(request, actor, request.app.state.store,
                                file.filename or "upload.csv", file.file, kind, map or None)
    except IngestError as e:
        return _data_page(request, status=422, errors=[_clipped(ingest_detail(e).model_dump())])
    except Forbidden as e:
        return _data_page(request, status=403, errors=[{"file": safe_name(file.filename),
                                                        "msg": str(e)}])
    except ApiError as e:
        errs = [d.model_dump() for d in e.details] or [{"msg": e.message}]
        for d in errs:
            if not d.get("file"):
                d["file"] = safe_name(file.filename)
        return _data_page(request, status=e.status, errors=[_clipped(d) for d in errs])
    return _data_page(request, stored=[asdict(s) for s in res])
