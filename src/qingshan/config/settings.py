"""The one typed Settings object.

Values come from (highest first) explicit arguments, environment variables prefixed
``QINGSHAN_`` (``QINGSHAN_DB``, ``QINGSHAN_PROVINCE``, ``QINGSHAN_LANG``,
``QINGSHAN_MEMORY_LIMIT``, ``QINGSHAN_MAX_UPLOAD_BYTES`` …) and the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QINGSHAN_", extra="ignore")

    db: Path = Field(Path("qingshan.duckdb"), description="DuckDB database file")
    province: str = Field(
        "shandong",
        description="province config: a bundled name (e.g. 'shandong') or a path to a TOML file",
    )
    lang: Literal["zh", "en"] = Field("zh", description="label language")
    memory_limit: str | None = Field(
        None, description="DuckDB memory limit, e.g. '2GB' (default: DuckDB's 80 % of RAM)")

    # ---- input limits (issue 10): every upload and file ingest is bounded -------------------
    max_upload_bytes: int = Field(
        64 * 1024 * 1024, ge=1, description="largest request body / uploaded file [bytes]; "
        "refused with 413 while streaming, before it is read whole")
    max_columns: int = Field(512, ge=1, description="most columns in one ingested table")
    max_line_bytes: int = Field(
        1024 * 1024, ge=1, description="longest line of an ingested text file [bytes]")
    max_rows_per_file: int = Field(
        20_000_000, ge=1, description="most data rows in one ingested file")
    max_decompressed_bytes: int = Field(
        256 * 1024 * 1024, ge=1, description="largest decompressed content of an xlsx/zip "
        "container [bytes] (zip-bomb guard)")
    max_error_value_chars: int = Field(
        80, ge=8, description="most characters of a bad value quoted in an error message")


def get_settings(**overrides) -> Settings:
    """Settings from the environment, with non-None keyword overrides applied."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
