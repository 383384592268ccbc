"""Stored ledger runs: rule version, inputs' fingerprint, who ran it, audit row, re-run."""

import pytest

from qingshan.accounts.audit import events, verify
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.compensation import runs
from qingshan.config import get_settings
from qingshan.store.ops import session_scope

HEAD = "city,period,pm25,pm10,so2,no2,good_day_ratio,source\n"
BODY = "淄博,2017-Q1,50,80,10,30,60,通报\n淄博,2018-Q1,45,72,7,32,64,通报\n"
STAFF = Actor(7, "wang", "prov_staff", "370000")


@pytest.fixture(scope="module")
def settings(ops_db):
    # the folder's one operational store (the Alembic upgrade runs once)
    return get_settings(db=str(ops_db))


@pytest.fixture
def means(tmp_path):
    p = tmp_path / "official_means.csv"
    p.write_text(HEAD + BODY, encoding="utf-8")
    return p


def test_run_is_stored_with_rules_fingerprint_actor_and_audit_row(settings, means, province):
    rid, led = runs.run_ledger(STAFF, "air", "2018-Q1", input_path=means, province=province,
                               settings=settings)
    got = runs.get_run(STAFF, rid, settings)
    assert got["rules"] == ["sd-air-2017"] and got["created_by"] == "wang"
    assert got["fingerprint"] == led.fingerprint and len(got["input_sha256"]) == 64
    zibo = next(r for r in got["rows"] if r["code"] == "370300")
    assert zibo["amount"] == 436 and zibo["s_conc"] == pytest.approx(4.45)   # spec §1.3
    assert got["flows"]["gross_out"] == 436 and got["complete"] is False
    with session_scope(settings) as s:
        ev = events(s, object_type="compensation_run", object_id=str(rid))
        assert len(ev) == 1 and ev[0].action == "run" and ev[0].rule_version == "sd-air-2017"
        assert ev[0].actor_username == "wang"
        assert verify(s).ok
    assert rid in [r["id"] for r in runs.list_runs(STAFF, "air", settings=settings)]


def test_rerun_gives_the_same_result(settings, means, province, tmp_path):
    rid, led = runs.run_ledger(STAFF, "air", "2018-Q1", input_path=means, province=province,
                               settings=settings, switches={"cap": 400})
    new, led2, same = runs.rerun(STAFF, rid, province=province, settings=settings)
    assert same == {"same_result": True, "same_inputs": True} and new != rid
    assert led2.quarters.set_index("code").loc["370300", "amount"] == 400   # cap kept
    assert runs.get_run(STAFF, new, settings)["rerun_of"] == rid
    # audited values arrive: re-reading the sources changes the inputs and the result
    means.write_text(HEAD + BODY.replace("45,72", "44,72"), encoding="utf-8")
    _, _, diff = runs.rerun(STAFF, rid, province=province, settings=settings,
                            from_sources=True)
    assert diff == {"same_result": False, "same_inputs": False}


def test_only_province_staff_may_run(settings, means, province):
    city = Actor(8, "li", "city_staff", "370300")
    with pytest.raises(Forbidden):
        runs.run_ledger(city, "air", "2018-Q1", input_path=means, province=province,
                        settings=settings)
    leader = Actor(9, "zhao", "prov_leader", "370000")
    with pytest.raises(Forbidden):
        runs.run_ledger(leader, "air", "2018-Q1", input_path=means, province=province,
                        settings=settings)
    assert isinstance(runs.list_runs(city, settings=settings), list)   # reading: every role
