"""The one typed Settings object.

Values come from (highest first) explicit arguments, environment variables prefixed
``QINGSHAN_`` (``QINGSHAN_DB``, ``QINGSHAN_PROVINCE``, ``QINGSHAN_LANG``,
``QINGSHAN_MEMORY_LIMIT``) and the defaults below.
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


def get_settings(**overrides) -> Settings:
    """Settings from the environment, with non-None keyword overrides applied."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
