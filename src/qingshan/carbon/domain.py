"""The carbon domain's registration (see :mod:`qingshan.core.registry`)."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="carbon",
    title="Carbon: national ETS compliance, MEE emission accounting, product footprints",
    depends=("accounts",),
    cli=(("carbon", "qingshan.carbon.cli:app"),),
    api="qingshan.carbon.api:router",
    pages="qingshan.carbon.pages:router",
    ops_migrations="qingshan.carbon.ops_migrations",
    parts={"nav": "/carbon", "section": "qingshan.carbon.report:section",
           "annual_figures": "qingshan.carbon.annual_figures:figures"},
)
