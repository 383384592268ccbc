"""Whether the bulletin's governance section has no case of the period, read cheaply.

:func:`qingshan.governance.report.section` asks, per ledger kind, for the rates of the period
(:func:`~qingshan.governance.service.rates_for`), which reads the kind's whole event log (every
case with its fields and clocks, every event with its payload) before the rate function finds
no case of the period and raises :class:`~qingshan.governance.rates.RatesError` — the section
is then left out. A monthly bulletin of a month without complaints or inspections paid for that
(≈ 0.3 s on the demo ledgers, and the governance service's imports) to show nothing.

:func:`kind_is_empty` reads only the dates those rate functions filter on, with the values of
the same expressions (``fields -> '$."key"'`` decoded by ``json.loads``, the event ``day``
parsed by ``pd.Timestamp``, the case column parsed by ``pd.to_datetime`` in the event log's
order) and says True only when no case can fall in the period:

- complaints (``complaint_rates``): a case counts when its ``received_at`` — the field, or
  else its first event's day — lies in [start, cut-off]; True when no field value and no event
  day of the kind lies there (a first event's day is one of the event days);
- inspections (``off_site_rates``): a case counts when its ``date_end`` field lies in
  [start, cut-off]; True when none does.

Anything else — another database than SQLite, a kind without events, a value that does not
parse, an error — is False: the section is computed as before. So the section is the same;
only the reading of a period that has no case is skipped. Read-only: nothing is written.
"""

from __future__ import annotations

import json
from datetime import date

__all__ = ["kind_is_empty"]

#: ledger kind → the date fields of its cases its rate function filters on
_FIELDS = {"complaint": ("received_at",), "inspection": ("date_end",)}
#: kind → its fixed statement (made once from the constant field names above; no input in it,
#: the kind is a bound parameter)
_CASES_SQL = {kind: "SELECT id, " + ", ".join(f"fields -> '$.\"{f}\"'"
                                              for f in ("received_at", *fields))
              + " FROM governance_case WHERE kind = ? ORDER BY id DESC"
              for kind, fields in _FIELDS.items()}


def _decoded(texts) -> list:
    return [None if t is None else json.loads(t) for t in texts]


def kind_is_empty(url: str, kind: str, start: date, end: date) -> bool:
    """True only when the ``kind`` ledger of the SQLite operational store ``url`` provably has
    no case in [``start``, ``end``] for its bulletin rate (module docstring); else False."""
    if kind not in _FIELDS or not url.startswith("sqlite"):
        return False
    try:
        return _empty(url, kind, start, end)
    except Exception:       # anything unexpected: the full reading decides, as before
        return False


def _connect(url: str):
    """A read-only connection to the SQLite file of ``url`` (no transaction that takes the
    write lock, as the ledger's sessions do: a reader beside a server writing never waits)."""
    import sqlite3
    from urllib.parse import quote

    from qingshan.store.ops_where import sqlite_file

    path = sqlite_file(url)
    if path is None:
        raise FileNotFoundError(url)
    return sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)


def _empty(url: str, kind: str, start: date, end: date) -> bool:
    import pandas as pd

    con = _connect(url)
    try:
        cases = con.execute(_CASES_SQL[kind], (kind,)).fetchall()
        if not cases:
            return False        # no case at all: the event log's own RatesError (kept as is)
        days = [r[0] for r in con.execute(
            "SELECT DISTINCT e.day FROM governance_event e JOIN governance_case k "
            "ON k.id = e.case_id WHERE k.kind = ?", (kind,)).fetchall()]
    finally:
        con.close()
    if not days:
        return False            # the event log without events: left to the full reading
    lo, cut = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(hours=23, minutes=59)
    stamps = [pd.Timestamp(d) for d in days]
    # the event log parses received_at for every kind: a value it cannot parse is its error
    received = pd.to_datetime(pd.Series(_decoded([r[1] for r in cases])))
    if kind == "complaint":
        in_period = (received >= lo) & (received <= cut)
        return not in_period.any() and not any(lo <= s <= cut for s in stamps)
    ends = pd.to_datetime(pd.Series(_decoded([r[2] for r in cases])))
    return not ((ends <= cut) & (ends >= lo)).any()
