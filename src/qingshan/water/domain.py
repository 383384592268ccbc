"""The water domain's registration (see :mod:`qingshan.core.registry`)."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="water",
    title="Surface and coastal water (GB 3838-2002, 环办〔2011〕22号, GB 3097-1997)",
    depends=("air",),  # its API and pages use helpers of air's (see .importlinter); tables: store
    cli=(("water", "qingshan.water.cli:app"),),
    api="qingshan.water.api:router",
    pages="qingshan.water.pages:router",
    migrations="qingshan.water.migrations",
    parts={"report": "qingshan.water.report:water_section",
           "section": "qingshan.water.report:section",
           "demo": "qingshan.water.service:generate_water_demo",
           "annual_figures": "qingshan.water.annual_figures:figures"},
)
