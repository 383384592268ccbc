"""The compensation domain's registration (see :mod:`qingshan.core.registry`).

Work in progress: the parts (cli, api, pages, report section, demo, migrations) are added here
as they are built."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="compensation",
    title="compensation",
)
