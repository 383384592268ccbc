"""Users, roles, login with lock-out, sessions and tokens — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from qingshan.accounts import audit, roles, service
from qingshan.accounts.authz import Actor, Forbidden, has_role, in_scope, require
from qingshan.accounts.models import ApiToken, User
from qingshan.store import ops

PW = "correct horse battery"


def _add(url, tree, system, name, role, unit=None):
    with ops.session_scope(url) as s:
        service.add_user(s, tree, system, name, PW, role, unit)


def _login(url, tree, name, pw=PW):
    with ops.session_scope(url) as s:
        return service.login(s, tree, name, pw, failures=5, lock_minutes=15).username


def test_add_user_checks_role_unit_and_password(ops_url, tree, system):
    _add(ops_url, tree, system, "wang", roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        with pytest.raises(service.AccountError, match="exists"):
            service.add_user(s, tree, system, "wang", PW, roles.CITY_STAFF, "371000")
    for role, unit, msg in [("boss", "371000", "unknown role"),
                            (roles.CITY_STAFF, "999999", "no organisation unit"),
                            (roles.CITY_STAFF, "370000", "held at city level"),
                            (roles.COUNTY_STAFF, "371000", "held at county level"),
                            (roles.PROV_STAFF, "371000", "held at province level")]:
        with ops.session_scope(ops_url) as s, pytest.raises(service.AccountError, match=msg):
            service.add_user(s, tree, system, "li", PW, role, unit)
    with ops.session_scope(ops_url) as s, pytest.raises(service.AccountError, match="10 char"):
        service.add_user(s, tree, system, "li", "short", roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        rows = service.list_users(s)
        assert [(r["username"], r["role"], r["unit"]) for r in rows] == \
            [("wang", "city_staff", "371000")]
        stored = s.scalar(select(User.password_hash))
        assert stored.startswith("$argon2id$") and PW not in stored     # memory-hard, salted


def test_only_an_administrator_manages_users(ops_url, tree, system):
    _add(ops_url, tree, system, "admin", roles.PROV_ADMIN)
    _add(ops_url, tree, system, "staff", roles.PROV_STAFF)
    with ops.session_scope(ops_url) as s:
        admin = service.actor_for(s.scalar(select(User).where(User.username == "admin")), tree)
        staff = service.actor_for(s.scalar(select(User).where(User.username == "staff")), tree)
    with ops.session_scope(ops_url) as s, pytest.raises(Forbidden):
        service.add_user(s, tree, staff, "x1", PW, roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        service.add_user(s, tree, admin, "x1", PW, roles.CITY_STAFF, "371000")


def test_login_wrong_password_and_lock_out_after_five(ops_url, tree, system):
    _add(ops_url, tree, system, "wang", roles.CITY_STAFF, "371000")
    assert _login(ops_url, tree, "wang") == "wang"
    for _ in range(4):
        with pytest.raises(service.LoginRefused) as e:
            _login(ops_url, tree, "wang", "wrong password")
        assert e.value.locked_until is None
    with pytest.raises(service.LoginRefused):          # the fifth failure locks
        _login(ops_url, tree, "wang", "wrong password")
    with pytest.raises(service.LoginRefused) as e:     # even the right password is refused now
        _login(ops_url, tree, "wang")
    assert e.value.locked_until is not None
    assert e.value.locked_until - datetime.now(timezone.utc) > timedelta(minutes=14)
    with ops.session_scope(ops_url) as s:              # 15 minutes later
        s.execute(update(User).values(locked_until=datetime.now(timezone.utc)
                                      - timedelta(seconds=1)))
    assert _login(ops_url, tree, "wang") == "wang"
    with pytest.raises(service.LoginRefused, match="wrong username or password"):
        _login(ops_url, tree, "nobody")
    with ops.session_scope(ops_url) as s:
        acts = [e.action for e in audit.events(s, object_type="user", object_id="wang")]
    # newest first: login, (lock) login_failed, 5 × login_failed, login, create
    assert acts == ["login", "login_failed"] + ["login_failed"] * 5 + ["login", "create"]


def test_disabled_user_cannot_log_in_and_loses_sessions(ops_url, tree, system):
    _add(ops_url, tree, system, "wang", roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        u = service.login(s, tree, "wang", PW, failures=5, lock_minutes=15)
        cookie, csrf = service.open_session(s, u, 8)
    with ops.session_scope(ops_url) as s:
        actor, tok = service.session_actor(s, tree, cookie)
        assert actor.username == "wang" and tok == csrf
        service.disable_user(s, system, "wang")
    with ops.session_scope(ops_url) as s:
        assert service.session_actor(s, tree, cookie) is None
    with pytest.raises(service.LoginRefused):
        _login(ops_url, tree, "wang")


def test_token_expiry_and_revocation(ops_url, tree, system):
    _add(ops_url, tree, system, "wang", roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        t1 = service.create_token(s, tree, system, "wang", 30, "laptop")
        t2 = service.create_token(s, tree, system, "wang", 30, "script")
    assert t1.token.startswith("qs_") and len(t1.token) > 40
    with ops.session_scope(ops_url) as s:
        assert service.token_actor(s, tree, t1.token).username == "wang"
        assert service.token_actor(s, tree, "qs_" + "x" * 43) is None
        # only the hash is stored
        assert t1.token not in [t.token_hash for t in s.scalars(select(ApiToken))]
        s.execute(update(ApiToken).where(ApiToken.id == t1.id)
                  .values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    with ops.session_scope(ops_url) as s:
        assert service.token_actor(s, tree, t1.token) is None            # expired
        assert service.token_actor(s, tree, t2.token) is not None
        service.revoke_token(s, tree, system, t2.id)
    with ops.session_scope(ops_url) as s:
        assert service.token_actor(s, tree, t2.token) is None            # revoked
        assert [r["revoked"] for r in service.list_tokens(s, "wang")] == [False, True]


def test_set_role_takes_effect_at_once(ops_url, tree, system):
    _add(ops_url, tree, system, "wang", roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        t = service.create_token(s, tree, system, "wang", 30)
        service.set_role(s, tree, system, "wang", roles.CITY_LEADER)
    with ops.session_scope(ops_url) as s:
        assert service.token_actor(s, tree, t.token) is None      # old credentials end
        ev = audit.events(s, object_type="user", object_id="wang")[0]
        assert ev.action == "permission_change" and "city_leader" in ev.diff


def test_scope_by_the_organisation_tree(tree):
    prov = Actor(1, "p", roles.PROV_STAFF, "370000", tree=tree)
    city = Actor(2, "c", roles.CITY_STAFF, "371000", tree=tree)
    county = Actor(3, "k", roles.COUNTY_STAFF, "371002", tree=tree)
    assert in_scope(prov, "371002") and in_scope(prov, "370100") and in_scope(prov, None)
    assert in_scope(city, "371000") and in_scope(city, "371082")       # its county (荣成)
    assert in_scope(city, "371099")        # an unlisted county code of Weihai, by GB/T 2260
    assert not in_scope(city, "370100") and not in_scope(city, None)   # Jinan; the province
    assert in_scope(county, "371002") and not in_scope(county, "371003")
    assert not in_scope(county, "371000")
    assert has_role(city, {roles.CITY_STAFF}, "371083")
    with pytest.raises(Forbidden, match="371000"):
        require(county, {roles.CITY_STAFF, roles.COUNTY_STAFF}, "371000", "uploading")
    with pytest.raises(Forbidden, match="logged-in"):
        require(None, {roles.CITY_STAFF})


def test_scope_without_a_tree_by_gbt2260_codes():
    weihai = Actor(2, "c", roles.CITY_STAFF, "371000")          # no tree: codes alone
    assert in_scope(weihai, "371000") and in_scope(weihai, "371082")
    # Rizhao 371100, Linyi 371300 share the leading "371" but are other prefectures
    assert not in_scope(weihai, "371100") and not in_scope(weihai, "371300")
    prov = Actor(1, "p", roles.PROV_STAFF, "370000")
    assert in_scope(prov, "371100") and not in_scope(prov, "410100")
    county = Actor(3, "k", roles.COUNTY_STAFF, "371002")
    assert in_scope(county, "371002") and not in_scope(county, "371003")


def test_a_token_is_checked_without_a_write_and_its_use_noted_every_5_min(ops_url, tree, system):
    """``token_use`` reads only (a read scope keeps nothing); the last use is a write of its
    own (``touch_token``), needed again only when the last noted use is over 5 minutes old."""
    _add(ops_url, tree, system, "wang", roles.CITY_STAFF, "371000")
    with ops.session_scope(ops_url) as s:
        t = service.create_token(s, tree, system, "wang", 30)
    with ops.read_scope(ops_url) as s:
        actor, stale = service.token_use(s, tree, t.token)
        assert actor.username == "wang" and stale == t.id          # never used yet
        service.touch_token(s, stale)                               # … in a read scope
    with ops.read_scope(ops_url) as s:
        assert s.get(ApiToken, t.id).last_used_at is None           # was not kept
        assert service.token_use(s, tree, "qs_" + "x" * 43) == (None, None)
    with ops.session_scope(ops_url) as s:
        service.touch_token(s, t.id)
    with ops.read_scope(ops_url) as s:
        assert service.token_use(s, tree, t.token)[1] is None       # noted just now
        s.get(ApiToken, t.id).last_used_at = datetime.now(timezone.utc) - timedelta(minutes=6)
        s.flush()
        assert service.token_use(s, tree, t.token)[1] == t.id       # 6 minutes ago: again


def test_a_read_scope_does_not_wait_for_a_writer(tmp_path):
    """SQLite: a read scope sees the last commit at once while another connection holds the
    write lock (a session scope would wait up to busy_timeout, 30 s)."""
    import threading
    import time

    url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    ops.upgrade(url)
    holding, done = threading.Event(), threading.Event()

    def writer():
        with ops.session_scope(url) as s:                  # BEGIN IMMEDIATE: the write lock
            s.get(User, 1)
            holding.set()
            done.wait(10)

    th = threading.Thread(target=writer)
    th.start()
    try:
        assert holding.wait(10)
        t0 = time.monotonic()
        with ops.read_scope(url) as s:
            assert s.scalars(select(User)).all() == []
        assert time.monotonic() - t0 < 2.0
    finally:
        done.set()
        th.join()
    ops.get_engine(url).dispose()
