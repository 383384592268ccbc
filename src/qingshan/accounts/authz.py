"""Who may do what: the acting user and the checks every write goes through.

Scoping (spec/governance.md §8.1): every permission is a role held at an organisation unit; a
user acts on a unit when their unit is that unit or lies above it in the tree. Each domain keeps
its own table of which roles may make which change (as data) and calls :func:`require`.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass, field

from qingshan.accounts.orgtree import OrgTree

__all__ = ["Actor", "Forbidden", "in_scope", "has_role", "require"]


class Forbidden(PermissionError):
    """The actor may not do this (HTTP 403; CLI exit code 4)."""


@dataclass(frozen=True)
class Actor:
    """The user a change is made by (or a named system job)."""

    user_id: int | None
    username: str
    role: str
    unit: str
    extra_roles: tuple[str, ...] = ()
    #: the organisation tree the unit is in (None: scope by unit codes alone)
    tree: OrgTree | None = field(default=None, compare=False, repr=False)
    #: how the actor authenticated: session | token | cli | system
    via: str = "session"

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role, *self.extra_roles)

    @classmethod
    def system(cls, name: str = "system", unit: str = "", tree: OrgTree | None = None) -> "Actor":
        """A job acting with no user (timers, migrations); holds the ``system`` role only."""
        return cls(None, name, "system", unit, (), tree, "system")

    @classmethod
    def os_user(cls) -> str:
        """The operating-system user running the CLI (recorded on ingest batches)."""
        try:
            return getpass.getuser()
        except Exception:
            return "unknown"


def in_scope(actor: Actor, unit: str | None) -> bool:
    """Whether ``unit`` is the actor's unit or below it (``None``: the whole province, only for
    province-level actors)."""
    if actor.role == "system":
        return True
    if unit is None:
        return actor.tree is not None and actor.unit == actor.tree.province
    if actor.tree is not None:
        return actor.tree.contains(actor.unit, unit)
    return _code_contains(actor.unit, unit)


def _code_contains(outer: str, inner: str) -> bool:
    """By GB/T 2260 codes alone: a province ``PP0000`` holds ``PP….``, a prefecture ``PPCC00``
    holds ``PPCC..``; any other unit holds only itself."""
    if outer == inner:
        return True
    if len(outer) == 6 and outer.isdigit() and len(inner) == 6:
        if outer[2:] == "0000":
            return inner[:2] == outer[:2]
        if outer[4:] == "00":
            return inner[:4] == outer[:4]
    return False


def has_role(actor: Actor, roles: Iterable[str], unit: str | None = None) -> bool:
    """Whether the actor holds one of ``roles`` and (when ``unit`` is given) acts on ``unit``."""
    want = set(roles)
    if not want.intersection(actor.roles):
        return False
    return unit is None or in_scope(actor, unit)


def require(actor: Actor | None, roles: Iterable[str], unit: str | None = None,
            what: str = "this") -> Actor:
    """Return ``actor`` when it may do ``what`` on ``unit``; raise :class:`Forbidden` otherwise."""
    roles = tuple(roles)
    if actor is None:
        raise Forbidden(f"{what} needs a logged-in user")
    if not has_role(actor, roles, unit):
        where = f" for unit {unit}" if unit else ""
        raise Forbidden(f"user {actor.username!r} ({actor.role} of {actor.unit}) may not do "
                        f"{what}{where}; allowed: {', '.join(roles)}")
    return actor
