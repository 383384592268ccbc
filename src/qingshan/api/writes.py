"""Who may write monitoring data: the check every upload passes before it is stored (issue 12).

Province staff may load any data of the province. City staff may load files whose every station
lies in their city (its evaluation stations, or stations whose prefecture is the city); a
station list, a city-level CNEMC file or a file with stations the store does not know needs
province staff. Leaders and auditors never write. The check runs after the file is parsed and
before anything is stored, under the store's write lock (so the station table it reads is the
one the write sees).
"""

from __future__ import annotations

import duckdb

from qingshan.accounts import roles
from qingshan.accounts.authz import Actor, Forbidden, has_role, require
from qingshan.config.province import ProvinceConfig

__all__ = ["authorize_upload", "upload_cities", "authorized_upload"]


def upload_cities(con: duckdb.DuckDBPyConnection, parsed, prov: ProvinceConfig) -> set[str] | None:
    """The city codes a parsed air file writes to, or None when it is not city-bounded (a station
    list, city-level data, or stations unknown to the store)."""
    if parsed.kind not in ("cnemc_sites", "table"):
        return None
    tbl = parsed.data
    if "station_code" not in tbl.column_names and "code" not in tbl.column_names:
        return None
    col = "station_code" if "station_code" in tbl.column_names else "code"
    codes = sorted({c for c in tbl.column(col).to_pylist() if c is not None})
    if not codes:
        return set()
    by_name = {c.name_zh: c.code for c in prov.cities}
    rows = con.execute(
        "SELECT s.code, s.prefecture, cs.city_code FROM (SELECT unnest(?::VARCHAR[]) AS code) q "
        "LEFT JOIN station s USING (code) LEFT JOIN city_station cs ON cs.station_code = q.code",
        [codes]).fetchall()
    out: set[str] = set()
    for code, prefecture, city in rows:
        c = city or by_name.get(prefecture or "")
        if code is None or c is None:
            return None
        out.add(c)
    return out


def authorize_upload(actor: Actor | None, con: duckdb.DuckDBPyConnection, parsed,
                     prov: ProvinceConfig) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may store ``parsed`` (module docstring)."""
    require(actor, roles.MONITORING_WRITE, what="uploading monitoring data")
    if has_role(actor, {roles.PROV_STAFF}, prov.code):
        return
    cities = upload_cities(con, parsed, prov)
    if cities is None:
        raise Forbidden(f"this file ({parsed.kind}) is not limited to one city's known stations: "
                        "only province staff may load it")
    for c in sorted(cities):
        require(actor, roles.MONITORING_WRITE, c, what="uploading monitoring data")


def authorized_upload(request, actor: Actor, store, filename: str, data, kind: str = "cnemc",
                      map_spec: str | None = None, long: bool = False,
                      register_unknown: bool = False):
    """:func:`qingshan.api.upload.store_upload` for ``actor``: checked by
    :func:`authorize_upload` before the write, the batch recorded as the actor's, and one
    ``upload`` row per stored batch in the audit log."""
    from qingshan.accounts import audit
    from qingshan.api.upload import store_upload
    from qingshan.store import ops
    from qingshan.store.batches import acting_as

    prov = request.app.state.province
    require(actor, roles.MONITORING_WRITE, what="uploading monitoring data")
    with acting_as(actor.username):
        res = store_upload(store, filename, data, kind, map_spec, long, register_unknown,
                           max_bytes=request.app.state.max_upload_bytes,
                           authorize=lambda con, parsed: authorize_upload(actor, con, parsed, prov),
                           any_content=has_role(actor, {roles.PROV_STAFF}, prov.code))
    # The batch is committed in the analytic store; the audit row follows in the operational
    # store (two databases: no shared transaction). The batch row itself names its user.
    # (a file already loaded stores nothing: no write transaction to wait for)
    loaded = [b for b in res if b.batch_id is not None and b.outcome == "loaded"]
    if loaded:
        with ops.session_scope(request.app.state.ops_url) as s:
            for b in loaded:
                audit.record(s, actor, "upload", "batch", b.batch_id,
                             after={"file": b.file, "kind": b.kind,
                                    "rows_stored": b.rows_stored,
                                    "superseded": len(b.superseded)},
                             request_id=getattr(request.state, "request_id", None),
                             client_ip=request.client.host if request.client else None)
    return res
