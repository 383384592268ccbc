"""The compensation domain's registration (see :mod:`qingshan.core.registry`).

Ecological compensation ledgers (spec/compensation.md): Shandong's air-quality scheme by
version, the 2019 surface-water scheme and the 菏泽 county formula. Reads the air and water
services (layers: compensation above water and air)."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="compensation",
    title="Ecological compensation (山东省环境空气质量生态补偿, 地表水环境质量生态补偿)",
    depends=("air", "water"),
    cli=(("compensation", "qingshan.compensation.cli:app"),),
    api="qingshan.compensation.api:router",
    pages="qingshan.compensation.pages:router",
    ops_migrations="qingshan.compensation.ops_migrations",
    parts={"nav": "/compensation", "section": "qingshan.compensation.report:section"},
)
