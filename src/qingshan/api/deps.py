"""FastAPI dependencies: the store cursor of a request and the province of the server."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
from fastapi import Request

from qingshan.api.store import Store

__all__ = ["get_store", "get_con"]


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    with request.app.state.store.cursor() as cur:
        yield cur
