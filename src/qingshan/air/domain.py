"""The air domain's registration (see :mod:`qingshan.core.registry`)."""

from qingshan.core.registry import Domain

DOMAIN = Domain(
    name="air",
    title="Air quality (HJ 633, HJ 663, GB 3095)",
    cli=(("ingest", "qingshan.air.cli_ingest:app"), ("export", "qingshan.air.cli_export:app"),
         ("air", "qingshan.air.cli:app")),
    api="qingshan.air.api:router",
    pages="qingshan.air.pages:router",
    migrations="qingshan.air.migrations",
    parts={"report": "qingshan.air.report:build_air_report", "demo": "qingshan.air.demo:load_demo",
           "annual_figures": "qingshan.air.annual_figures:figures",
           "warm": "qingshan.air.api:warm"},
)
