"""Configuration: one typed Settings object and validated province configs (TOML)."""

from qingshan.config.province import City, ProvinceConfig, load_province
from qingshan.config.settings import Settings, get_settings

__all__ = ["City", "ProvinceConfig", "Settings", "get_settings", "load_province"]
