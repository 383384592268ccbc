"""Store an uploaded file with the same ingest functions as the CLI (``qingshan ingest``).

The upload is copied to a temporary file in chunks (never read whole into memory), below the
store's private upload folder, and counted on the way: more than the limit
(``Settings.max_upload_bytes``, env ``QINGSHAN_MAX_UPLOAD_BYTES``) is refused with 413. The
request-body middleware (:mod:`qingshan.api.limits`) has normally refused such a body before
this point; the check here bounds callers that do not go through HTTP.

The file is parsed and validated first, without the store (an in-memory DuckDB connection,
locked down like the server's); only the write transaction holds the store read-write
(:meth:`qingshan.api.store.Store.writer`), so an invalid file never takes the store's lock and
a valid one keeps the server's readers and CLI commands waiting only while it is written.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import BinaryIO


from qingshan.api.errors import ApiError, ErrorDetail, quote
from qingshan.api.limits import LIMIT_SETTING
from qingshan.api.store import Store
from qingshan.config import get_settings
from qingshan.air.ingest.runner import loaded_before, parse_file, store_parsed
from qingshan.air.ingest.table import parse_map
from qingshan.store.batches import BatchSummary, file_info

__all__ = ["KINDS", "MAX_UPLOAD_BYTES", "MAX_NAME_CHARS", "CHUNK_BYTES", "store_upload",
           "save_upload", "copy_limited",
           "safe_name"]

#: upload kinds: CNEMC archive file, national station list, generic table with a column map
KINDS = ("cnemc", "stations", "table")
#: largest upload [bytes]: ``Settings.max_upload_bytes`` when this module was imported (a
#: server built by ``create_app`` uses its own ``app.state.max_upload_bytes``)
MAX_UPLOAD_BYTES = get_settings().max_upload_bytes
#: longest stored file name (characters, and at most 4 × this in UTF-8 bytes — file systems
#: allow 255 bytes; the extension is kept)
MAX_NAME_CHARS = 100
_MAX_NAME_BYTES = 200
#: copy chunk [bytes]
CHUNK_BYTES = 1 << 20
_SAFE = re.compile(r"[^\w.\-]+")


def _bad(field: str, msg: str, status: int = 422, code: str = "invalid_parameter") -> ApiError:
    return ApiError(status, code, f"{field}: {msg}", [ErrorDetail(loc=["body", field], msg=msg)])


def safe_name(filename: str | None) -> str:
    """The upload's file name reduced to one harmless path component.

    Directories (``../../etc/passwd``, ``C:\\x\\y``) are dropped, every character other than
    letters, digits, ``.``, ``-`` and ``_`` becomes ``_`` (shell metacharacters, NUL, spaces),
    leading/trailing dots and underscores go, and the name is cut to :data:`MAX_NAME_CHARS`
    characters (200 bytes of UTF-8) keeping its extension; an empty result is ``upload.csv``.
    """
    raw = (filename or "").replace("\\", "/").split("/")[-1]
    name = _SAFE.sub("_", raw).strip("._")
    if len(name) > MAX_NAME_CHARS or len(name.encode()) > _MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot else ""
        stem = stem if dot else name
        suffix = f".{ext}" if ext else ""
        stem = stem[:MAX_NAME_CHARS - len(suffix)]
        while len((stem + suffix).encode()) > _MAX_NAME_BYTES:
            stem = stem[:-1]
        name = stem.rstrip("._") + suffix
    return name or "upload.csv"


def _copy(src: BinaryIO | bytes, dest: Path, limit: int) -> int:
    """Write ``src`` to ``dest`` in chunks; returns the byte count (413 beyond ``limit``)."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        if len(src) > limit:
            raise _too_large(limit)
        dest.write_bytes(bytes(src))
        return len(src)
    n = 0
    with dest.open("wb") as out:
        while True:
            chunk = src.read(min(CHUNK_BYTES, limit + 1 - n))
            if not chunk:
                break
            n += len(chunk)
            if n > limit:
                raise _too_large(limit)
            out.write(chunk)
    return n


#: the public name of :func:`_copy` (domains' upload routes use it)
copy_limited = _copy


async def save_upload(file, dest_dir: Path, limit: int, suffix: str = ".xlsx") -> Path:
    """Stream an ``UploadFile`` into ``dest_dir`` in 1 MiB chunks under a harmless name ending in
    ``suffix``; 413 ``too_large`` once more than ``limit`` bytes arrived (the template uploads of
    the domains: carbon, evaluation)."""
    name = re.sub(r"[^\w.\-]", "_", file.filename or f"upload{suffix}")[-100:]
    if not name.lower().endswith(suffix):
        name += suffix
    p = Path(dest_dir) / name
    size = 0
    with p.open("wb") as f:
        while chunk := await file.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "too_large", f"upload larger than {limit} bytes "
                                                 "(QINGSHAN_MAX_UPLOAD_BYTES)")
            f.write(chunk)
    return p


def _too_large(limit: int) -> ApiError:
    return _bad("file", f"larger than {limit} bytes (the limit; setting {LIMIT_SETTING})", 413,
                "too_large")


def store_upload(store: Store, filename: str, data: BinaryIO | bytes, kind: str = "cnemc",
                 map_spec: str | None = None, long: bool = False,
                 register_unknown: bool = False,
                 max_bytes: int | None = None, authorize=None,
                 any_content: bool | None = None) -> list[BatchSummary]:
    """Copy ``data`` (a binary file object, read in chunks, or bytes) to a temporary file named
    like the upload (:func:`safe_name`), parse and validate it, then store it in one
    transaction (module docstring).

    Raises :class:`~qingshan.air.ingest.IngestError` (file, line, field, reason) when the file is
    invalid — nothing is stored then — and :class:`ApiError` for bad parameters (413 when the
    file is larger than ``max_bytes``, default :data:`MAX_UPLOAD_BYTES`).
    ``authorize(con, parsed)`` (:func:`qingshan.api.writes.authorize_upload`) runs after the
    parse, under the write lock, before anything is stored; it raises to refuse.

    A file whose content was loaded before is answered "already loaded" (what the store would
    answer) from a read of the batch table, without parsing it or taking the write lock, when
    ``any_content`` (default: no ``authorize``) says the uploader may store any content;
    otherwise ``authorize`` sees the parsed file first, as for a new one.
    """
    limit = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if store.read_only:
        raise ApiError(403, "forbidden", "the server was started read-only; uploads are refused")
    if kind not in KINDS:
        raise _bad("kind", f"{quote(kind)} is not one of {', '.join(KINDS)}")
    name = safe_name(filename)
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
    with tempfile.TemporaryDirectory(prefix="upload-", dir=store.upload_root) as tmp:
        path = Path(tmp) / name
        if _copy(data, path, limit) == 0:
            raise _bad("file", "the file is empty")
        info = file_info(path)
        if authorize is None if any_content is None else any_content:
            with store.cursor(slot=False) as con:   # one small read, no computing
                done = loaded_before(con, kind, info)
            if done is not None:
                return [done]
        with store.scratch() as scratch:    # no store: parse and validate first
            parsed = parse_file(kind, path, scratch, mapping=mapping, long=long, info=info)
        with store.writer() as con:
            if authorize is not None:
                authorize(con, parsed)
            return [store_parsed(con, parsed, unknown_stations=unknown,
                                 province=store.province)]
