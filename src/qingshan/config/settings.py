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

    # ---- operational store and accounts (issue 12) ---------------------------------------
    database_url: str | None = Field(
        None, description="operational store (accounts, audit log, ledgers): an SQLAlchemy URL, "
        "e.g. 'postgresql+psycopg://qingshan@db/qingshan'; default an SQLite file beside `db` "
        "(qingshan.duckdb -> qingshan.ops.sqlite)")
    public_pages: bool = Field(
        True, description="read-only dashboards and the read-only JSON API without logging in; "
        "writes (uploads, ledgers, submissions) always need a user")
    session_hours: float = Field(8.0, gt=0, description="a login session lasts this long [h]")
    token_days: float = Field(30.0, gt=0, description="default lifetime of an API token [d]")
    lockout_failures: int = Field(
        5, ge=1, description="failed logins in a row that lock an account for `lockout_minutes`")
    lockout_minutes: float = Field(15.0, gt=0, description="how long a locked account waits")
    secure_cookies: bool | None = Field(
        None, description="mark the session cookie Secure; default: when the request came over "
        "HTTPS (directly or X-Forwarded-Proto from a trusted proxy)")
    public_base_url: str | None = Field(
        None, description="the pages' public address, e.g. 'https://air.example.gov.cn/qingshan/' "
        "(behind a reverse proxy): absolute links are built from it, never from the Host header; "
        "default: links relative to the page")
    heavy_queries_per_user: int = Field(
        2, ge=1, description="assessments/rankings/reports one user (or one client address, "
        "anonymous) may run at the same time; more get 429")

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
