"""``/api/v1/batches`` and ``/api/v1/upload``: ingest batches and uploading a file."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile

from qingshan.api import catalog
from qingshan.api.deps import get_con, get_store
from qingshan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from qingshan.api.models import BatchOut, Page, UploadOut, records
from qingshan.api.store import Store
from qingshan.accounts.authz import Actor
from qingshan.api.auth import current_actor
from qingshan.api.upload import KINDS
from qingshan.api.writes import authorized_upload

__all__ = ["router"]

router = APIRouter(tags=["data"], responses=ERROR_RESPONSES)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]


@router.get("/batches", response_model=Page[BatchOut], summary="Ingest batches")
def list_batches(con: Con, limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict:
    """Every ingest batch (newest first) with its summary: rows read, stored, flagged, skipped."""
    df, total = catalog.batches(con, limit, offset)
    return {"items": records(df), "total": total, "limit": limit, "offset": offset}


@router.get("/batches/{batch_id}", response_model=BatchOut, summary="One ingest batch")
def get_batch(con: Con, batch_id: Annotated[int, Path(ge=0, le=2**62, examples=[1])]) -> dict:
    b = catalog.batch(con, batch_id)
    if b is None:
        raise ApiError(404, "not_found", f"unknown batch {batch_id}")
    return b


@router.post("/upload", response_model=UploadOut, summary="Upload a data file",
             responses={413: {"model": ErrorResponse, "description": "file too large"},
                        403: {"model": ErrorResponse, "description": "server is read-only"}})
def upload(request: Request, store: Annotated[Store, Depends(get_store)],
           actor: Annotated[Actor, Depends(current_actor)],
           file: Annotated[UploadFile, File(description="the file")],
           kind: Annotated[str, Form(description=f"one of {', '.join(KINDS)}",
                                     examples=["cnemc"])] = "cnemc",
           map: Annotated[str | None, Form(description="column map for kind=table, e.g. "
                                           "station=station,time=time,pm25=PM2.5")] = None,
           long: Annotated[bool, Form()] = False,
           register_unknown: Annotated[bool, Form()] = False) -> dict:
    """Validate and store a file with the same ingest as ``qingshan ingest``.

    An invalid file stores nothing and answers 422 with ``details`` naming file, line, field
    and reason. Limit: ``QINGSHAN_MAX_UPLOAD_BYTES`` (default 64 MiB) for the whole request
    body; a larger one is refused with 413 before it is read.
    """
    res = authorized_upload(request, actor, store, file.filename or "upload.csv", file.file,
                            kind, map, long, register_unknown)
    return {"batches": [asdict(s) for s in res]}
