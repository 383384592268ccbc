"""The accounts domain's registration (see :mod:`qingshan.core.registry`): users, roles, the
organisation tree, sessions, API tokens and the hash-chained audit log, in the operational store."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="accounts",
    title="Accounts, roles and the audit log (operational store)",
    cli=(("user", "qingshan.accounts.cli:user_app"), ("token", "qingshan.accounts.cli:token_app"),
         ("audit", "qingshan.accounts.cli:audit_app")),
    ops_migrations="qingshan.accounts.ops_migrations",
    parts={"demo": "qingshan.accounts.demo:demo_users"},
)
