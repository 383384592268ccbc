"""Accounts: users, passwords, login with lock-out, sessions and API tokens (issue 12).

Passwords are hashed with Argon2id (RFC 9106; argon2-cffi's default parameters: 3 passes,
64 MiB, 4 lanes) — memory-hard. Session cookies and API tokens are 256-bit random values; only
their SHA-256 is stored, so a copy of the store gives no usable credential. Every change to a
user, every login (and failed login) and every token issued or revoked is an audit row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts import audit, roles
from qingshan.accounts.authz import Actor, Forbidden, require
from qingshan.accounts.models import ApiToken, LoginSession, User
from qingshan.accounts.orgtree import OrgTree

__all__ = ["AccountError", "LoginRefused", "add_user", "list_users", "set_role", "disable_user",
           "set_password", "actor_for", "login", "open_session", "session_actor", "end_session",
           "create_token", "token_actor", "token_use", "touch_token", "revoke_token",
           "list_tokens", "TokenIssued", "MIN_PASSWORD", "hash_password"]

MIN_PASSWORD = 10
_PH = PasswordHasher()
#: a hash to verify against for unknown users, so a wrong username costs as long as a wrong password
_DUMMY = _PH.hash(secrets.token_hex(16))
TOKEN_PREFIX = "qs_"


class AccountError(ValueError):
    """A request about accounts that cannot be done (exit code 2 / HTTP 400)."""


class LoginRefused(Exception):
    """Wrong credentials, a disabled or a locked account (one message for all but the lock)."""

    def __init__(self, message: str, locked_until: datetime | None = None):
        super().__init__(message)
        self.locked_until = locked_until


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(t: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone=True columns: they were stored as UTC
    return t if t is None or t.tzinfo else t.replace(tzinfo=timezone.utc)


def _sha(v: str) -> str:
    return hashlib.sha256(v.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return _PH.hash(password)


def _check_role_unit(tree: OrgTree, role: str, unit: str, extra: tuple[str, ...]) -> None:
    if role not in roles.PRIMARY:
        raise AccountError(f"unknown role {role!r}; one of: {', '.join(roles.PRIMARY)}")
    bad = [r for r in extra if r not in roles.FUNCTIONAL]
    if bad:
        raise AccountError(f"unknown functional role(s) {bad}; one of: {', '.join(roles.FUNCTIONAL)}")
    if unit not in tree:
        raise AccountError(f"no organisation unit {unit!r} in province {tree.province} "
                           "(the province, its cities and the counties listed in its config)")
    need = roles.LEVEL[role]
    if need and tree.level(unit) != need:
        raise AccountError(f"role {role} is held at {need} level; unit {unit} is a "
                           f"{tree.level(unit)}")


def _user_dict(u: User) -> dict:
    return {"username": u.username, "role": u.role, "unit": u.unit,
            "extra_roles": list(u.extra_roles or []), "disabled": u.disabled,
            "display_name": u.display_name}


def actor_for(u: User, tree: OrgTree | None, via: str = "session") -> Actor:
    return Actor(u.id, u.username, u.role, u.unit, tuple(u.extra_roles or ()), tree, via)


def _admin(s: Session, by: Actor | None) -> None:
    if by is not None and by.role != "system":
        require(by, roles.USER_ADMIN, what="managing users")
    elif by is None:
        raise Forbidden("managing users needs an administrator or the CLI")


def add_user(s: Session, tree: OrgTree, by: Actor | None, username: str, password: str,
             role: str, unit: str | None = None, display_name: str = "",
             extra_roles: tuple[str, ...] = ()) -> User:
    """Create a user (``unit`` defaults to the province)."""
    _admin(s, by)
    username = username.strip()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-@" for c in username):
        raise AccountError("a username is 1–64 letters, digits or . _ - @")
    unit = unit or tree.province
    _check_role_unit(tree, role, unit, tuple(extra_roles))
    if s.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} exists")
    u = User(username=username, display_name=display_name, password_hash=hash_password(password),
             role=role, unit=unit, extra_roles=list(extra_roles), disabled=False,
             failed_logins=0, created_at=_now())
    s.add(u)
    s.flush()
    audit.record(s, by, "create", "user", username, after=_user_dict(u))
    return u


def _get(s: Session, username: str) -> User:
    u = s.scalar(select(User).where(User.username == username))
    if u is None:
        raise AccountError(f"no user {username!r}")
    return u


def list_users(s: Session) -> list[dict]:
    return [_user_dict(u) | {"last_login_at": _aware(u.last_login_at),
                             "locked_until": _aware(u.locked_until)}
            for u in s.scalars(select(User).order_by(User.username))]


def set_role(s: Session, tree: OrgTree, by: Actor | None, username: str, role: str,
             unit: str | None = None, extra_roles: tuple[str, ...] | None = None) -> User:
    _admin(s, by)
    u = _get(s, username)
    before = _user_dict(u)
    unit = unit or u.unit
    extra = tuple(u.extra_roles or ()) if extra_roles is None else tuple(extra_roles)
    _check_role_unit(tree, role, unit, extra)
    u.role, u.unit, u.extra_roles = role, unit, list(extra)
    _revoke_all(s, u)              # a changed role takes effect at once: log in again
    audit.record(s, by, "permission_change", "user", username, before=before, after=_user_dict(u))
    return u


def disable_user(s: Session, by: Actor | None, username: str, disabled: bool = True) -> User:
    _admin(s, by)
    u = _get(s, username)
    before = _user_dict(u)
    u.disabled = disabled
    if disabled:
        _revoke_all(s, u)
    audit.record(s, by, "disable" if disabled else "update", "user", username, before=before,
                 after=_user_dict(u))
    return u


def set_password(s: Session, by: Actor | None, username: str, password: str) -> None:
    _admin(s, by)
    u = _get(s, username)
    u.password_hash = hash_password(password)
    u.failed_logins, u.locked_until = 0, None
    _revoke_all(s, u)
    audit.record(s, by, "update", "user", username, reason="password set",
                 before={"password": "…"}, after={"password": "(new)"})


def _revoke_all(s: Session, u: User) -> None:
    now = _now()
    for x in s.scalars(select(LoginSession).where(LoginSession.user_id == u.id,
                                                   LoginSession.revoked_at.is_(None))):
        x.revoked_at = now
    for t in s.scalars(select(ApiToken).where(ApiToken.user_id == u.id,
                                              ApiToken.revoked_at.is_(None))):
        t.revoked_at = now


def login(s: Session, tree: OrgTree | None, username: str, password: str, *, failures: int,
          lock_minutes: float, client_ip: str | None = None,
          request_id: str | None = None) -> User:
    """Check a password. ``failures`` wrong passwords in a row lock the account for
    ``lock_minutes`` (OWASP ASVS 2.2.1: throttle per account); every attempt is audited."""
    u = s.scalar(select(User).where(User.username == username))
    now = _now()
    if u is None:
        _safe_verify(_DUMMY, password)            # same time as a wrong password
        raise LoginRefused("wrong username or password")
    locked = _aware(u.locked_until)
    if locked and locked > now:
        audit.record(s, actor_for(u, tree), "login_failed", "user", u.username,
                     reason="account locked", client_ip=client_ip, request_id=request_id)
        s.commit()           # the failure is recorded although the caller's block raises
        raise LoginRefused("too many failed logins: this account is locked", locked)
    if u.disabled or not _safe_verify(u.password_hash, password):
        if not u.disabled:
            u.failed_logins = (u.failed_logins or 0) + 1
            if u.failed_logins >= failures:
                u.locked_until, u.failed_logins = now + timedelta(minutes=lock_minutes), 0
        audit.record(s, actor_for(u, tree), "login_failed", "user", u.username,
                     reason="disabled" if u.disabled else "wrong password",
                     client_ip=client_ip, request_id=request_id)
        s.commit()           # the count and the audit row survive the refusal
        raise LoginRefused("wrong username or password")
    if _PH.check_needs_rehash(u.password_hash):
        u.password_hash = _PH.hash(password)
    u.failed_logins, u.locked_until, u.last_login_at = 0, None, now
    audit.record(s, actor_for(u, tree), "login", "user", u.username, client_ip=client_ip,
                 request_id=request_id)
    return u


def _safe_verify(h: str, password: str) -> bool:
    try:
        return _PH.verify(h, password)
    except (VerificationError, InvalidHashError):
        return False


def open_session(s: Session, u: User, hours: float, client_ip: str = "") -> tuple[str, str]:
    """A new login session: ``(cookie value, CSRF token)``."""
    value = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    s.add(LoginSession(id=_sha(value), user_id=u.id, csrf_token=csrf, created_at=now,
                       expires_at=now + timedelta(hours=hours), client_ip=client_ip or ""))
    return value, csrf


def session_actor(s: Session, tree: OrgTree | None, value: str) -> tuple[Actor, str] | None:
    """The actor and CSRF token of a live session cookie, or None."""
    row = s.get(LoginSession, _sha(value)) if value else None
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= _now():
        return None
    u = s.get(User, row.user_id)
    if u is None or u.disabled:
        return None
    return actor_for(u, tree, "session"), row.csrf_token


def end_session(s: Session, tree: OrgTree | None, value: str) -> None:
    row = s.get(LoginSession, _sha(value)) if value else None
    if row is not None and row.revoked_at is None:
        row.revoked_at = _now()
        u = s.get(User, row.user_id)
        audit.record(s, actor_for(u, tree), "logout", "user", u.username)


@dataclass(frozen=True)
class TokenIssued:
    token: str
    id: int
    expires_at: datetime


def create_token(s: Session, tree: OrgTree | None, by: Actor | None, username: str,
                 days: float, name: str = "") -> TokenIssued:
    """A bearer token for ``username`` (the user themself, or an administrator for them)."""
    u = _get(s, username)
    if by is None or (by.role != "system" and by.username != username):
        _admin(s, by)
    if u.disabled:
        raise AccountError(f"user {username!r} is disabled")
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = _now()
    t = ApiToken(user_id=u.id, name=name, token_hash=_sha(value), created_at=now,
                 expires_at=now + timedelta(days=days))
    s.add(t)
    s.flush()
    audit.record(s, by or actor_for(u, tree), "token_create", "token", t.id,
                 after={"user": username, "name": name, "expires_at": t.expires_at.isoformat()})
    return TokenIssued(value, t.id, t.expires_at)


def token_actor(s: Session, tree: OrgTree | None, value: str) -> Actor | None:
    """The actor of a live bearer token, or None (expired, revoked, unknown, disabled user);
    its last use noted (at most every 5 minutes)."""
    actor, stale = token_use(s, tree, value)
    if stale is not None:
        touch_token(s, stale)
    return actor


def token_use(s: Session, tree: OrgTree | None, value: str) -> tuple[Actor | None, int | None]:
    """(the actor of a live bearer token or None, the token's id when its last use is to be
    noted — :func:`touch_token`, not a write per request — or None); reads only."""
    if not value.startswith(TOKEN_PREFIX):
        return None, None
    t = s.scalar(select(ApiToken).where(ApiToken.token_hash == _sha(value)))
    now = _now()
    if t is None or t.revoked_at is not None or _aware(t.expires_at) <= now:
        return None, None
    u = s.get(User, t.user_id)
    if u is None or u.disabled:
        return None, None
    last = _aware(t.last_used_at)
    stale = t.id if last is None or now - last > timedelta(minutes=5) else None
    return actor_for(u, tree, "token"), stale


def touch_token(s: Session, token_id: int) -> None:
    """Note the token's last use now."""
    t = s.get(ApiToken, token_id)
    if t is not None:
        t.last_used_at = _now()


def revoke_token(s: Session, tree: OrgTree | None, by: Actor | None, token_id: int) -> None:
    t = s.get(ApiToken, token_id)
    if t is None:
        raise AccountError(f"no token {token_id}")
    u = s.get(User, t.user_id)
    if by is None or (by.role != "system" and by.username != u.username):
        _admin(s, by)
    if t.revoked_at is None:
        t.revoked_at = _now()
        audit.record(s, by, "token_revoke", "token", t.id, before={"user": u.username})


def list_tokens(s: Session, username: str | None = None) -> list[dict]:
    q = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
    if username:
        q = q.where(User.username == username)
    return [{"id": t.id, "user": name, "name": t.name, "created_at": _aware(t.created_at),
             "expires_at": _aware(t.expires_at), "revoked": t.revoked_at is not None}
            for t, name in s.execute(q.order_by(ApiToken.id))]
