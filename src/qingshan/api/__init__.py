"""JSON API (FastAPI) over the services; ``create_app`` also mounts the web pages."""

from qingshan.api.app import API_PREFIX, create_app

__all__ = ["create_app", "API_PREFIX"]
