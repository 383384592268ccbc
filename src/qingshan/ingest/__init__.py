"""Readers (parse + validate, never compute) and the transactional ingest runner."""

from qingshan.ingest.errors import IngestError
from qingshan.ingest.runner import ingest_cnemc, ingest_stations, ingest_table, expand_paths

__all__ = ["IngestError", "ingest_cnemc", "ingest_stations", "ingest_table", "expand_paths"]
