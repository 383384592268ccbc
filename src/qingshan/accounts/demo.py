"""Demo users: an administrator and one user per role, each with a new random password.

The passwords are printed and written to ``<workdir>/demo-logins.txt`` (mode 600). Run again, the
demo sets new passwords for the same users. Units: the province for province roles; for city and
county roles the first configured city that lists counties (else the first city) and its first
county.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select

from qingshan.accounts import roles, service
from qingshan.accounts.authz import Actor
from qingshan.accounts.models import User
from qingshan.accounts.orgtree import OrgTree
from qingshan.store import ops

__all__ = ["demo_users", "DEMO_USERS"]

#: (username, role, level) of the demo users
DEMO_USERS = [
    ("admin", roles.PROV_ADMIN, "province"), ("staff", roles.PROV_STAFF, "province"),
    ("leader", roles.PROV_LEADER, "province"), ("auditor", roles.AUDITOR, "province"),
    ("city", roles.CITY_STAFF, "city"), ("reviewer", roles.CITY_REVIEWER, "city"),
    ("cityleader", roles.CITY_LEADER, "city"), ("county", roles.COUNTY_STAFF, "county"),
    ("handler", roles.HANDLER, "county"),
]


def demo_users(url: str, prov, workdir: Path) -> list[tuple[str, str, str, str]]:
    """Create (or reset) the demo users; returns ``(username, password, role, unit)`` rows."""
    ops.upgrade(url)
    tree = OrgTree(prov)
    city = next((c for c in prov.cities if c.counties), prov.cities[0])
    county = city.counties[0].code if city.counties else city.code
    unit = {"province": prov.code, "city": city.code, "county": county}
    actor = Actor.system("demo", prov.code, tree)
    out = []
    with ops.session_scope(url) as s:
        for name, role, level in DEMO_USERS:
            if level == "county" and not city.counties:
                continue
            pw = "demo-" + secrets.token_urlsafe(9)
            if s.scalar(select(User).where(User.username == name)) is None:
                service.add_user(s, tree, actor, name, pw, role, unit[level],
                                 display_name=f"demo {role}")
            else:
                service.set_password(s, actor, name, pw)
            out.append((name, pw, role, unit[level]))
    workdir.mkdir(parents=True, exist_ok=True)
    f = workdir / "demo-logins.txt"
    f.write_text("".join(f"{n}\t{p}\t{r}\t{u}\n" for n, p, r, u in out), encoding="utf-8")
    os.chmod(f, 0o600)
    return out
