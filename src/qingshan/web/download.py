"""CSV and Excel download of every table of every page, exactly as the page shows it.

``GET /download?path=/city/370100%3Fyear%3D2019&table=compliance&format=csv`` renders the page
``path`` for the same visitor (an internal request through the whole app: the same sign-in,
language and checks as the page itself), takes the ``<table id="compliance">`` of it, and sends
its header and cells as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese) or XLSX.
Every text cell goes through :mod:`qingshan.core.exportsafe` (a cell starting with ``=``, ``+``,
``-``, ``@`` … is quoted so that no spreadsheet runs it as a formula; the Excel writer stores
text as text); cells holding a plain number are written as numbers.

``path`` must be a page of this site (a path beginning with one ``/``, no scheme or host,
at most 400 characters, not ``/download`` itself); ``table`` an element id of the page.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Annotated, Literal
from urllib.parse import urlsplit

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qingshan.api.errors import ApiError
from qingshan.core.exportsafe import neutralise, write_csv, write_excel

__all__ = ["router", "extract_table", "download_href"]

router = APIRouter(include_in_schema=False)
_NUM = re.compile(r"^-?\d+(\.\d+)?$")
_ID = r"^[A-Za-z][A-Za-z0-9_-]{0,60}$"


class _Tables(HTMLParser):
    """Rows (lists of cell texts) of the ``<table>`` with a given id."""

    def __init__(self, table_id: str):
        super().__init__(convert_charrefs=True)
        self.want, self.depth, self.rows = table_id, 0, []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            if self.depth or dict(attrs).get("id") == self.want:
                self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self._row = []
        elif self.depth == 1 and tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth == 1 and tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self.depth == 1 and tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def extract_table(html: str, table_id: str) -> pd.DataFrame | None:
    """The table ``table_id`` of ``html`` as a frame (first row = header; numeric-looking cells
    as numbers, "—" as empty), or None when the page has no such table."""
    p = _Tables(table_id)
    p.feed(html)
    if not p.rows:
        return None
    head, body = p.rows[0], p.rows[1:]
    width = len(head)
    body = [(r + [""] * width)[:width] for r in body]

    def cell(v: str):
        if v in ("—", ""):
            return None
        if _NUM.match(v):
            return float(v) if "." in v else int(v)
        return v

    df = pd.DataFrame([[cell(v) for v in r] for r in body], columns=_unique(head))
    return df


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        out.append(n if not k else f"{n} ({k + 1})")
    return out


def download_href(path: str, table_id: str, fmt: str) -> str:
    """The download link of table ``table_id`` of the page at ``path`` (path + query)."""
    from urllib.parse import urlencode
    return "/download?" + urlencode({"path": path, "table": table_id, "format": fmt})


def _check_path(path: str) -> str:
    u = urlsplit(path)
    if (not path.startswith("/") or path.startswith("//") or u.scheme or u.netloc
            or u.path.startswith("/download") or u.path.startswith("/api/")):
        raise ApiError(422, "invalid_parameter", "path: must be a page of this site")
    return path


async def _render(request: Request, path: str) -> tuple[int, str]:
    """The page at ``path`` rendered by this app for the same visitor (headers kept)."""
    u = urlsplit(path)
    scope = {**request.scope, "path": u.path, "raw_path": u.path.encode(),
             "query_string": u.query.encode(), "method": "GET"}
    scope.pop("route", None)
    scope.pop("endpoint", None)
    scope["state"] = dict(request.scope.get("state") or {})
    # no compressed body: the parser reads the HTML itself
    scope["headers"] = [(k, v) for k, v in request.scope["headers"] if k != b"accept-encoding"]
    status, chunks = 500, []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await request.app(scope, receive, send)
    return status, b"".join(chunks).decode("utf-8", "replace")


@router.get("/download")
async def download(request: Request,
                   path: Annotated[str, Query(max_length=400)],
                   table: Annotated[str, Query(pattern=_ID)],
                   format: Annotated[Literal["csv", "xlsx"], Query()] = "csv") -> Response:
    status, html = await _render(request, _check_path(path))
    if status != 200:
        raise ApiError(status if 400 <= status < 600 else 502, "not_found" if status == 404
                       else "bad_request", f"the page {path[:100]!r} answered {status}")
    df = extract_table(html, table)
    if df is None:
        raise ApiError(404, "not_found", f"no table {table!r} on that page")
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", (urlsplit(path).path.strip("/") or "overview"))
    name = f"qingshan-{name}-{table}"[:120]
    if format == "csv":
        body = "\ufeff" + write_csv(df)
        return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    buf = io.BytesIO()
    write_excel(neutralise(df), buf, sheet_name=table[:31])
    return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-officedocument."
                                                "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
