"""Air quality: HJ 633 AQI, HJ 663 statistics, GB 3095 compliance, city ranking — the standards,
the rules by date (:mod:`qingshan.air.rules`), the engine, ingest, the service and the air parts
of the shells (CLI, API, pages, bulletin)."""
