"""Names of a package imported on first use (PEP 562 module ``__getattr__``), so that a process
that needs one light module of the package (a bulletin's PDF or chart helper) does not load the
heavy ones (pandas, Altair, Jinja) by importing the package."""

from __future__ import annotations

import importlib
from typing import Any, Callable

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, where: dict[str, str], namespace: dict[str, Any]
                 ) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``: name ``n`` is ``package.<where[n]>.n``,
    imported when first read and then kept in ``namespace`` (the package's ``globals()``);
    any other name is an ``AttributeError``, as for a module without one."""
    def __getattr__(name: str) -> Any:
        if name in where:
            value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__
