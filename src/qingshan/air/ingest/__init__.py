"""Readers (parse + validate, never compute) and the transactional ingest runner."""

from qingshan.core.ingest.errors import IngestError
from qingshan.air.ingest.runner import ingest_cnemc, ingest_stations, ingest_table, expand_paths

__all__ = ["IngestError", "ingest_cnemc", "ingest_stations", "ingest_table", "expand_paths"]
