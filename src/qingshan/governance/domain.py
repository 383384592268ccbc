"""The governance domain's registration (see :mod:`qingshan.core.registry`).

Ledgers of inspection problems, complaints, enforcement, EIA and permits, project registers and
the annual city work report (spec/governance.md). Parts are added as they are built."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="governance",
    title="Governance ledgers: inspection rectification, complaints, enforcement, EIA/permits, "
          "annual city reports",
    depends=("accounts",),
    cli=(("calendar", "qingshan.governance.cli_calendar:app"),
         ("governance", "qingshan.governance.cli:app")),
    api="qingshan.governance.api:router",
    pages="qingshan.governance.pages:router",
    ops_migrations="qingshan.governance.ops_migrations",
    parts={"nav": "/governance", "section": "qingshan.governance.report:section",
           "ops_demo": "qingshan.governance.demo:load_demo"},
)
