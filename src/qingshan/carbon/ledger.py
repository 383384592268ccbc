"""The carbon ledger in the operational store (:mod:`qingshan.store.ops`): read every table
into a :class:`~qingshan.carbon.data.CarbonData`, write validated tables in one transaction with
an audit row per table written (:func:`qingshan.accounts.audit.record`).

Who may write (data, checked with :func:`qingshan.accounts.authz.require` for the city of every
enterprise touched): :data:`WRITE_ROLES`. Rows are replaced by their key (enterprise credit code,
unit id, unit × year, unit × month × fuel, a surrender by enterprise × vintage × day, …; bill
lines are replaced per product, plan items per unit × version), so importing a file twice stores it
once. Values go in as bound parameters (SQLAlchemy expressions), never as SQL text.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sqlalchemy import Date, delete, insert, select, tuple_

from qingshan.accounts import roles as R
from qingshan.accounts.audit import record
from qingshan.accounts.authz import Actor, require
from qingshan.carbon.data import COLUMNS, CarbonData
from qingshan.carbon.models import TABLES
from qingshan.store.ops import session_scope, upgrade

__all__ = ["WRITE_ROLES", "READ_ROLES", "load", "save", "KEYS"]

#: action → roles allowed (at the enterprise's city or above): province staff and city staff,
#: like every monitoring-data write (``qingshan.accounts.roles.MONITORING_WRITE``)
WRITE_ROLES = {"import": tuple(sorted(R.MONITORING_WRITE)), "demo": ("system",)}
#: roles that may read the ledger (every logged-in bureau role)
READ_ROLES = R.ALL
#: the key of every table (rows with the same key are replaced)
KEYS = {"enterprises": ("credit_code",), "units": ("unit_id",), "annual": ("unit_id", "year"),
        "fuel": ("unit_id", "year", "month", "fuel"), "electricity": ("unit_id", "year", "month"),
        "verified": ("unit_id", "vintage"), "prices": ("month",), "products": ("product_id",),
        "bom": ("product_id",), "surrenders": ("credit_code", "vintage", "date"),
        "dqcp": ("unit_id", "version")}
_ORDER = ("enterprises", "units", "annual", "fuel", "electricity", "verified", "surrenders",
          "prices", "products", "bom", "dqcp")


def load(settings=None) -> CarbonData:
    """Every carbon table of the operational store (migrated first)."""
    upgrade(settings)
    d = CarbonData()
    with session_scope(settings) as s:
        for name, model in TABLES.items():
            cols = list(COLUMNS[name])
            rows = s.execute(select(*[getattr(model, c) for c in cols])).all()
            setattr(d, name, pd.DataFrame(rows, columns=cols))
    return d


def _records(df: pd.DataFrame, cols, model=None) -> list[dict]:
    out = df.reindex(columns=list(cols))
    if model is not None:                      # Date columns take date objects
        for c in model.__table__.columns:
            if c.name in out and isinstance(c.type, Date):
                out[c.name] = pd.to_datetime(out[c.name], errors="coerce").dt.date
    out = out.astype(object)
    out = out.where(pd.notna(out), None)
    recs = out.to_dict(orient="records")
    for r in recs:
        for k, v in r.items():
            if isinstance(v, np.generic):
                r[k] = v.item()
    return recs


def _cities(data: CarbonData, s) -> set[str]:
    """Cities of every enterprise the write touches (from the data or the store)."""
    from qingshan.carbon.models import Enterprise, Product, Unit
    codes = set(data.enterprises["credit_code"]) | set(data.units["credit_code"]) | set(
        data.surrenders["credit_code"]) | set(data.products["credit_code"])
    unit_ids = set()
    for t in ("annual", "fuel", "electricity", "verified", "dqcp"):
        unit_ids |= set(getattr(data, t)["unit_id"])
    if unit_ids:
        codes |= {c for (c,) in s.execute(select(Unit.credit_code).where(
            Unit.unit_id.in_(sorted(unit_ids - set(data.units["unit_id"])))))}
    pids = set(data.bom["product_id"]) - set(data.products["product_id"])
    if pids:
        codes |= {c for (c,) in s.execute(select(Product.credit_code).where(
            Product.product_id.in_(sorted(pids))))}
    known = dict(zip(data.enterprises["credit_code"], data.enterprises["city_code"]))
    rest = sorted(codes - set(known))
    if rest:
        known |= dict(s.execute(select(Enterprise.credit_code, Enterprise.city_code).where(
            Enterprise.credit_code.in_(rest))).all())
    return {known[c] for c in codes if c in known}


def save(data: CarbonData, actor: Actor, settings=None, *, source: str = "",
         request_id: str | None = None, client_ip: str | None = None,
         action: str = "import") -> dict[str, int]:
    """Write every non-empty table of ``data`` in one transaction (replace by key), with one
    audit row per table (action ``ingest``, object ``carbon_<table>``, the sha256 of the rows as
    evidence). Raises :class:`~qingshan.accounts.authz.Forbidden` before writing anything when
    the actor may not write for one of the cities touched."""
    upgrade(settings)
    now = datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    with session_scope(settings) as s:
        for city in sorted(_cities(data, s)) or [None]:
            require(actor, WRITE_ROLES[action], unit=city, what=f"{action} carbon data")
        for name in _ORDER:
            df = getattr(data, name)
            if df is None or not len(df):
                continue
            model = TABLES[name]
            cols = [c for c in COLUMNS[name]] + (["updated_at"] if name == "enterprises" else [])
            if name == "enterprises":
                df = df.assign(updated_at=now)
            recs = _records(df, cols, model)
            key = KEYS[name]
            if key:
                vals = sorted({tuple(r[k] for k in key) for r in recs}, key=str)
                kcols = [getattr(model, k) for k in key]
                cond = (kcols[0].in_([v[0] for v in vals]) if len(key) == 1
                        else tuple_(*kcols).in_(vals))
                if name in ("enterprises", "units", "products"):
                    # parents: update in place (children keep their foreign keys)
                    have = {tuple(r) for r in s.execute(select(*kcols).where(cond)).all()}
                    new = [r for r in recs if tuple(r[k] for k in key) not in have]
                    for r in recs:
                        if tuple(r[k] for k in key) in have:
                            s.merge(model(**r))
                    recs = new
                else:
                    s.execute(delete(model).where(cond))
            if recs:
                s.execute(insert(model), recs)
            digest = hashlib.sha256(json.dumps(_records(df, COLUMNS[name]), default=str,
                                               sort_keys=True).encode()).hexdigest()
            record(s, actor, "ingest", f"carbon_{name}", source or name,
                   after={"rows": int(len(df)), "source": source}, evidence_sha256=[digest],
                   request_id=request_id, client_ip=client_ip)
            counts[name] = int(len(df))
    return counts
