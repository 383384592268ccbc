"""The carbon domain's registration (see :mod:`qingshan.core.registry`)."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="carbon",
    title="Carbon: national ETS compliance, MEE emission accounting, product footprints",
    depends=("accounts",),
    cli=(("carbon", "qingshan.carbon.cli:app"),),
    ops_migrations="qingshan.carbon.ops_migrations",
)
