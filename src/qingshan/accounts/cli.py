"""``qingshan user …``, ``qingshan token …``, ``qingshan audit …``: administration from the CLI.

Whoever can run the CLI on the server's machine can read its store files, so the CLI acts as
the administrator (recorded in the audit log as ``cli:<operating-system user>``, or the
``--as`` user). Passwords are read from stdin or ``--password-file``, never from an argument.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from qingshan.accounts import audit, roles, service
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.accounts.orgtree import tree_for
from qingshan.cli.common import DbOpt, ProvinceOpt, console
from qingshan.config import get_settings, load_province
from qingshan.store import ops

__all__ = ["user_app", "token_app", "audit_app", "cli_actor", "ops_context"]

user_app = typer.Typer(help="Users of the server: add, list, disable, set a role.",
                       no_args_is_help=True)
token_app = typer.Typer(help="API bearer tokens: create, list, revoke.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log: verify the chain, show entries.",
                        no_args_is_help=True)

RoleOpt = Annotated[str, typer.Option("--role", help=f"one of: {', '.join(roles.PRIMARY)}")]
UnitOpt = Annotated[str | None, typer.Option(
    "--unit", help="organisation unit code (province, city or county; default the province)")]
AsOpt = Annotated[str | None, typer.Option(
    "--as", help="record the change as made by this user (default: the OS user, as cli:<name>)")]


def ops_context(db: Path | None, province: str | None):
    """(settings, URL of the operational store, org tree), the store migrated."""
    settings = get_settings(db=db, province=province)
    url = ops.database_url(settings)
    try:
        ops.upgrade(url)
    except Exception as e:
        typer.echo(f"error: cannot open the operational store {_safe_url(url)}: "
                   f"{str(e).splitlines()[0]}", err=True)
        raise typer.Exit(2) from None
    return settings, url, tree_for(load_province(settings.province))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def cli_actor(url: str, tree, as_user: str | None) -> Actor:
    """The actor of a CLI command: the ``--as`` user (must exist and be enabled) or the OS user."""
    if not as_user:
        return Actor(None, f"cli:{Actor.os_user()}", "system", tree.province, (), tree, "cli")
    from sqlalchemy import select

    from qingshan.accounts.models import User
    with ops.session_scope(url) as s:
        u = s.scalar(select(User).where(User.username == as_user))
        if u is None or u.disabled:
            typer.echo(f"error: --as {as_user}: no such enabled user", err=True)
            raise typer.Exit(2)
        return service.actor_for(u, tree, "cli")


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8")
        except OSError as e:
            typer.echo(f"error: --password-file {password_file}: {e.strerror}", err=True)
            raise typer.Exit(2) from None
    elif sys.stdin.isatty():
        import getpass
        text = getpass.getpass("password: ")
    else:
        text = sys.stdin.readline()
    return text.rstrip("\r\n")


def _run(fn):
    try:
        return fn()
    except (service.AccountError, Forbidden) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2 if isinstance(e, service.AccountError) else 4) from None


@user_app.command("add")
def user_add(username: str, role: RoleOpt, unit: UnitOpt = None,
             password_file: Annotated[Path | None, typer.Option(
                 "--password-file", help="read the password from this file (else stdin)")] = None,
             name: Annotated[str, typer.Option("--name", help="display name")] = "",
             functional: Annotated[list[str] | None, typer.Option(
                 "--functional", help=f"functional role, repeatable: {', '.join(roles.FUNCTIONAL)}"
             )] = None,
             as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Add a user. Example: ``echo 's3cret-pass-word' | qingshan user add wang --role city_staff
    --unit 371000``."""
    settings, url, tree = ops_context(db, province)
    pw = _password(password_file)
    by = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            u = service.add_user(s, tree, by, username, pw, role, unit, name, tuple(functional or ()))
            return u.username, u.role, u.unit
    name_, role_, unit_ = _run(go)
    console.print(f"added {name_}: {role_} of {unit_} ({tree.get(unit_).name_zh})")


@user_app.command("list")
def user_list(fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
              db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """List users. Example: ``qingshan user list``."""
    _, url, tree = ops_context(db, province)
    with ops.session_scope(url) as s:
        rows = service.list_users(s)
    if fmt == "json":
        typer.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return
    from rich.table import Table
    t = Table(title="Users")
    for c in ("username", "role", "unit", "functional", "disabled", "locked until", "last login"):
        t.add_column(c)
    for r in rows:
        unit = f"{r['unit']} {tree.get(r['unit']).name_zh}" if r["unit"] in tree else r["unit"]
        t.add_row(r["username"], r["role"], unit, ",".join(r["extra_roles"]),
                  "yes" if r["disabled"] else "", str(r["locked_until"] or ""),
                  str(r["last_login_at"] or ""))
    console.print(t)


@user_app.command("disable")
def user_disable(username: str, enable: Annotated[bool, typer.Option(
        "--enable", help="enable the user again instead")] = False,
        as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Disable a user (ends their sessions and tokens). Example: ``qingshan user disable wang``."""
    _, url, tree = ops_context(db, province)
    by = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            service.disable_user(s, by, username, not enable)
    _run(go)
    console.print(f"{'enabled' if enable else 'disabled'} {username}")


@user_app.command("set-role")
def user_set_role(username: str, role: RoleOpt, unit: UnitOpt = None,
                  as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Change a user's role (and unit); their sessions end. Example: ``qingshan user set-role
    wang --role prov_staff --unit 370000``."""
    _, url, tree = ops_context(db, province)
    by = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            u = service.set_role(s, tree, by, username, role, unit)
            return u.role, u.unit
    r, u = _run(go)
    console.print(f"{username}: {r} of {u}")


@user_app.command("set-password")
def user_set_password(username: str, password_file: Annotated[Path | None, typer.Option(
        "--password-file", help="read the password from this file (else stdin)")] = None,
        as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Set a user's password (unlocks the account, ends sessions). Example: ``qingshan user
    set-password wang < pw.txt``."""
    _, url, tree = ops_context(db, province)
    pw = _password(password_file)
    by = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            service.set_password(s, by, username, pw)
    _run(go)
    console.print(f"password of {username} set")


@token_app.command("create")
def token_create(username: str, days: Annotated[float | None, typer.Option(
        "--days", help="lifetime in days (default Settings.token_days, 30)")] = None,
        name: Annotated[str, typer.Option("--name", help="what the token is for")] = "",
        as_user: AsOpt = None, db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Create an API bearer token for a user; prints it once. Example: ``qingshan token create
    wang --days 7 --name laptop`` then ``curl -H "Authorization: Bearer qs_…" …``."""
    settings, url, tree = ops_context(db, province)
    by = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            return service.create_token(s, tree, by, username, days or settings.token_days, name)
    t = _run(go)
    typer.echo(t.token)
    typer.echo(f"token {t.id} for {username}, expires {t.expires_at:%Y-%m-%d %H:%M} UTC", err=True)


@token_app.command("list")
def token_list(username: Annotated[str | None, typer.Argument()] = None,
               db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """List tokens (never their values). Example: ``qingshan token list wang``."""
    _, url, _ = ops_context(db, province)
    with ops.session_scope(url) as s:
        rows = service.list_tokens(s, username)
    for r in rows:
        state = "revoked" if r["revoked"] else f"expires {r['expires_at']:%Y-%m-%d %H:%M}"
        console.print(f"{r['id']:>5}  {r['user']:<20} {r['name']:<20} {state}")


@token_app.command("revoke")
def token_revoke(token_id: int, as_user: AsOpt = None, db: DbOpt = None,
                 province: ProvinceOpt = None) -> None:
    """Revoke a token at once. Example: ``qingshan token revoke 12``."""
    _, url, tree = ops_context(db, province)
    by = cli_actor(url, tree, as_user)

    def go():
        with ops.session_scope(url) as s:
            service.revoke_token(s, tree, by, token_id)
    _run(go)
    console.print(f"token {token_id} revoked")


@audit_app.command("verify")
def audit_verify(anchor: Annotated[str | None, typer.Option(
        "--anchor", help="SEQ:HASH printed by an earlier verify: also check the chain still "
                         "passes through it (detects a rewritten and re-hashed log)")] = None,
        db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Recompute the audit chain; exit 1 naming the first bad row. Example: ``qingshan audit
    verify`` (prints the anchor SEQ:HASH to keep)."""
    _, url, _ = ops_context(db, province)
    with ops.session_scope(url) as s:
        v = audit.verify(s)
        if v.ok and anchor:
            seq, _, h = anchor.partition(":")
            from qingshan.accounts.models import AuditEvent
            ev = s.get(AuditEvent, int(seq)) if seq.isdigit() else None
            if ev is None or ev.hash != h:
                typer.echo(f"audit log FAILS: row {seq} does not carry the anchor hash {h[:16]}…",
                           err=True)
                raise typer.Exit(1)
    if not v.ok:
        typer.echo(f"audit log FAILS at row {v.first_bad_seq}: {v.problem} "
                   f"({v.rows} rows before it verified)", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit log OK: {v.rows} rows; anchor {v.rows}:{v.last_hash}")


@audit_app.command("show")
def audit_show(entity: Annotated[str | None, typer.Option(
        "--entity", help="TYPE or TYPE:ID, e.g. user:wang, batch:12")] = None,
        actor: Annotated[str | None, typer.Option("--actor", help="only this user's rows")] = None,
        limit: Annotated[int, typer.Option("--limit")] = 50,
        fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
        db: DbOpt = None, province: ProvinceOpt = None) -> None:
    """Show audit rows, newest first. Example: ``qingshan audit show --entity user:wang``."""
    _, url, _ = ops_context(db, province)
    otype, _, oid = (entity or "").partition(":")
    with ops.session_scope(url) as s:
        rows = audit.events(s, object_type=otype or None, object_id=oid or None, actor=actor,
                            limit=limit)
        data = [{k: getattr(e, k) for k in ("seq", "ts_local", "actor_username", "actor_role",
                                            "action", "object_type", "object_id", "from_state",
                                            "to_state", "diff", "reason", "client_ip")}
                for e in rows]
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    from rich.table import Table
    t = Table(title="Audit log")
    for c in ("seq", "when (local)", "who", "action", "entity", "change"):
        t.add_column(c)
    for r in data:
        states = f"{r['from_state'] or ''}→{r['to_state']}" if r["to_state"] else ""
        t.add_row(str(r["seq"]), r["ts_local"][:19], f"{r['actor_username']} ({r['actor_role']})",
                  r["action"], f"{r['object_type']}:{r['object_id']}",
                  " ".join(x for x in (states, r["reason"] or "", r["diff"][:120]) if x))
    console.print(t)
