"""FastAPI dependencies: the store cursor of a request and the province of the server."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
from fastapi import Request

from qingshan.api import slots
from qingshan.api.store import Store

__all__ = ["get_store", "get_con"]


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """The request's read connection, opened in one of the server's computing slots
    (:mod:`qingshan.api.slots`; taken before the store's lock). FastAPI may run the two halves
    of this generator in different worker threads, so the slot is bound to the connection
    (:func:`slots.mark`), not to a thread."""
    slots.take()
    try:
        with request.app.state.store.cursor(slot=False) as cur:
            slots.mark(cur)
            try:
                yield cur
            finally:
                slots.unmark(cur)
    finally:
        slots.give_back()
