"""Store an uploaded file with the same ingest functions as the CLI (``qingshan ingest``)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from qingshan.api.errors import ApiError, ErrorDetail
from qingshan.api.store import Store
from qingshan.ingest import ingest_cnemc, ingest_stations, ingest_table
from qingshan.ingest.table import parse_map
from qingshan.store.batches import BatchSummary

__all__ = ["KINDS", "MAX_UPLOAD_BYTES", "store_upload"]

#: upload kinds: CNEMC archive file, national station list, generic table with a column map
KINDS = ("cnemc", "stations", "table")
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_SAFE = re.compile(r"[^\w.\-]+")


def _bad(field: str, msg: str, status: int = 422, code: str = "invalid_parameter") -> ApiError:
    return ApiError(status, code, f"{field}: {msg}", [ErrorDetail(loc=["body", field], msg=msg)])


def store_upload(store: Store, filename: str, data: bytes, kind: str = "cnemc",
                 map_spec: str | None = None, long: bool = False,
                 register_unknown: bool = False) -> list[BatchSummary]:
    """Write ``data`` to a temporary file named like the upload and ingest it in one transaction.

    Raises :class:`~qingshan.ingest.IngestError` (file, line, field, reason) when the file is
    invalid — nothing is stored then — and :class:`ApiError` for bad parameters.
    """
    if store.read_only:
        raise ApiError(403, "forbidden", "the server was started read-only; uploads are refused")
    if kind not in KINDS:
        raise _bad("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    if not data:
        raise _bad("file", "the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _bad("file", f"larger than {MAX_UPLOAD_BYTES} bytes", 413, "too_large")
    name = _SAFE.sub("_", Path(filename or "upload.csv").name).strip("._") or "upload.csv"
    mapping = None
    if kind == "table":
        if not map_spec:
            raise _bad("map", "a table upload needs a column map, e.g. station=station,time=time,"
                              "pm25=PM2.5")
        try:
            mapping = parse_map(map_spec)
        except ValueError as e:
            raise _bad("map", str(e)) from None
    unknown = "register" if register_unknown else "error"
    with tempfile.TemporaryDirectory(prefix="qingshan-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        with store.write_lock, store.cursor() as con:
            if kind == "stations":
                return [ingest_stations(con, path, store.province)]
            if kind == "table":
                return ingest_table(con, [path], mapping, long=long, unknown_stations=unknown)
            return ingest_cnemc(con, [path], unknown_stations=unknown)
