"""The computed indicators of an evaluation are read once per version of the store: the
results, a unit's derivation and the page of one framework and year ask the domain services
(air, water, coastal) once; an ingest batch makes the next call read them afresh."""

import pytest
from fastapi.testclient import TestClient

from qingshan.evaluation import service
from tests._auth import auth_headers

FW = {"framework": "shandong-2035", "year": 2019}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from qingshan.api import create_app
    from tests.api._store import copy_store
    a = create_app(copy_store(tmp_path_factory.mktemp("evkept")), "shandong")
    yield a
    a.state.store.close()


def test_one_read_of_the_domain_services_per_store_version(app, monkeypatch):
    calls = []
    real = service.computed_values

    def counted(con, fw, years):
        calls.append(tuple(years))
        return real(con, fw, years)
    monkeypatch.setattr(service, "computed_values", counted)
    c = TestClient(app, raise_server_exceptions=False)
    base = service.load_framework("shandong-2035").framework.base_year      # 2020
    years = tuple(sorted({2019, base}))                   # the year and the framework's base
    first = c.get("/api/v1/evaluation/results", params=FW)
    assert first.status_code == 200, first.text
    assert c.get("/api/v1/evaluation/explain", params={**FW, "unit": "370100"}).status_code \
        in (200, 404)
    assert c.get("/evaluation", params=FW).status_code == 200
    assert calls == [years]          # one read for the three answers
    again = c.get("/api/v1/evaluation/results", params=FW)
    assert again.json() == first.json() and calls == [years]
    # an ingest batch (one hour of 2030) changes the store: read afresh, same 2019 figures
    up = c.post("/api/v1/upload", data={"kind": "cnemc"},
                files={"file": ("china_sites_20300101.csv",
                                b"date,hour,type,1662A,1663A\n20300101,1,PM2.5,30,31\n")},
                headers=auth_headers(app, "prov_staff", "370000"))
    assert up.status_code == 200, up.text
    after = c.get("/api/v1/evaluation/results", params=FW)
    assert calls == [years, years] and after.json() == first.json()
