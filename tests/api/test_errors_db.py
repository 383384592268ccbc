"""Which operational-database errors are "not reachable, try again" (503) and which are faults
(500): a schema error must not be answered "try again" (review finding)."""

import sqlite3

from sqlalchemy import exc as sa_exc

from qingshan.api.errors import _unreachable


def _op(msg: str) -> sa_exc.OperationalError:
    return sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError(msg))


def test_unreachable_or_fault():
    assert _unreachable(_op("database is locked"))
    assert _unreachable(_op("server closed the connection unexpectedly"))
    assert _unreachable(_op("terminating connection due to administrator command"))
    assert _unreachable(sa_exc.InterfaceError("SELECT 1", {}, Exception("cursor closed")))
    assert not _unreachable(_op("no such table: governance_case"))
    assert not _unreachable(_op("table governance_case has no column named x"))
