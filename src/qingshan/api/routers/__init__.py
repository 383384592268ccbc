"""Routers of the JSON API, mounted under ``/api/v1``."""
