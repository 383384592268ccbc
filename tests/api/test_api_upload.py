"""API: uploading files — stored with a summary, or refused with file/line/field/reason."""

from __future__ import annotations

from tests.api._store import ARCHIVE, STATIONS, shared_or_skip
from tests.api.test_api_places import assert_error

P = "/api/v1"


def _post(client, name: str, data: bytes, **form):
    return client.post(f"{P}/upload", files={"file": (name, data, "text/csv")},
                       data={k: str(v) for k, v in form.items()})


def test_upload_station_list_then_archive_file(empty_client):
    shared_or_skip(STATIONS)
    shared_or_skip(ARCHIVE)
    r = _post(empty_client, "NewSiteList.csv", STATIONS.read_bytes(), kind="stations")
    assert r.status_code == 200, r.text
    (s,) = r.json()["batches"]
    assert s["outcome"] == "loaded" and s["rows_stored"] == 2026  # data README: 2,026 stations
    day = ARCHIVE / "china_sites_20190401.csv"
    r = _post(empty_client, day.name, day.read_bytes(), kind="cnemc")
    assert r.status_code == 200, r.text
    (s,) = r.json()["batches"]
    assert s["outcome"] == "loaded" and s["rows_stored"] > 0 and s["file"] == day.name
    again = _post(empty_client, day.name, day.read_bytes(), kind="cnemc").json()["batches"][0]
    assert again["outcome"] == "already loaded" and again["batch_id"] == s["batch_id"]
    batches = empty_client.get(f"{P}/batches").json()
    assert batches["total"] == 2
    assert batches["items"][0]["file_name"] == day.name


def test_bad_hour_is_reported_with_file_line_field(empty_client):
    # line 1 is the header; line 2 carries hour 25, which is not an hour 0..23
    bad = b"date,hour,type,1299A\n20190101,25,PM2.5,10\n"
    r = _post(empty_client, "china_sites_20190101.csv", bad, kind="cnemc")
    err = assert_error(r, 422, "invalid_file")
    (d,) = err["details"]
    assert d["file"] == "china_sites_20190101.csv" and d["line"] == 2 and d["field"] == "hour"
    assert "25" in d["msg"]
    # nothing was stored
    assert empty_client.get(f"{P}/batches").json()["total"] == 0


def test_bad_upload_parameters(empty_client):
    assert_error(_post(empty_client, "x.csv", b"a,b\n1,2\n", kind="pictures"), 422)
    assert_error(_post(empty_client, "x.csv", b"", kind="cnemc"), 422)
    assert_error(_post(empty_client, "x.csv", b"a,b\n1,2\n", kind="table"), 422)
    assert_error(_post(empty_client, "x.csv", b"a,b\n1,2\n", kind="table", map="nonsense"), 422)
    assert_error(empty_client.post(f"{P}/upload"), 422)


def test_read_only_server_refuses_uploads(tmp_path):
    from fastapi.testclient import TestClient

    from qingshan.api import create_app
    from qingshan.store import connect
    connect(tmp_path / "ro.duckdb").close()
    app = create_app(tmp_path / "ro.duckdb", read_only=True)
    with TestClient(app) as c:
        from tests._auth import auth_headers
        c.headers.update(auth_headers(app, "prov_staff"))
        assert_error(_post(c, "x.csv", b"a\n1\n", kind="cnemc"), 403, "forbidden")


def test_reupload_is_answered_from_the_batches_without_waiting_for_a_write(tmp_path):
    """A file loaded before is answered "already loaded" (the same batch) by a read of the
    batch table while another upload holds the write — when the uploader may store any content
    (province staff); otherwise it waits for the write (503 ``store_busy`` after the timeout)
    and ``authorize`` still sees the parsed file (a city user is refused as for a new file)."""
    import threading

    import pytest

    from qingshan.accounts.authz import Forbidden
    from qingshan.api.errors import ApiError
    from qingshan.api.store import Store
    from qingshan.api.upload import store_upload
    from qingshan.config import load_province
    shared_or_skip(STATIONS)
    shared_or_skip(ARCHIVE)
    day = ARCHIVE / "china_sites_20190401.csv"
    store = Store(tmp_path / "s.duckdb", load_province("shandong"), timeout=1.0, hold=True)
    try:
        store_upload(store, STATIONS.name, STATIONS.read_bytes(), kind="stations")
        (first,) = store_upload(store, day.name, day.read_bytes())
        assert first.outcome == "loaded"
        holding, done = threading.Event(), threading.Event()

        def write() -> None:
            with store.writer():
                holding.set()
                done.wait(30)

        t = threading.Thread(target=write)
        t.start()
        try:
            assert holding.wait(30)
            (again,) = store_upload(store, day.name, day.read_bytes())
            assert (again.outcome, again.batch_id, again.file) == ("already loaded",
                                                                    first.batch_id, day.name)
            with pytest.raises(ApiError) as e:
                store_upload(store, day.name, day.read_bytes(), any_content=False)
            assert e.value.status == 503
        finally:
            done.set()
            t.join()

        def refuse(con, parsed):
            raise Forbidden(f"not this file ({parsed.kind})")

        with pytest.raises(Forbidden, match="cnemc_sites"):
            store_upload(store, day.name, day.read_bytes(), authorize=refuse)
    finally:
        store.close()
