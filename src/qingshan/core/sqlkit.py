"""The one place where a name becomes SQL text.

Rules of the code base (issue "No way in through an input"):

- a **value** that comes from outside (a cell, a file name, a station code, a unit, a period, a
  request parameter …) never becomes SQL text: it is a bound parameter (``?``) or a column of a
  registered table;
- a **name** that comes from outside (a column of an uploaded file, a source column of a column
  map) enters SQL text only through :func:`quote_ident`;
- names and numbers that are the engine's own constants (pollutant columns of our own tuples,
  decimals, limits from ``qingshan.air.standards``) may be written into SQL directly; where that is
  not obvious from the code, :func:`known_name` states (and checks) it.

There is deliberately no helper that turns a value into a SQL string literal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

__all__ = ["MAX_IDENT_CHARS", "quote_ident", "ident_list", "known_name"]

#: longest name :func:`quote_ident` accepts (characters)
MAX_IDENT_CHARS = 255


def quote_ident(name: str) -> str:
    """Quote a name (column, table) as a SQL identifier.

    The name is wrapped in double quotes and every embedded double quote is doubled, so any
    text — quotes, semicolons, comment markers, newlines, any Unicode — stays one identifier
    (DuckDB and ANSI SQL; Spark SQL reads such identifiers the same way after ``sqlglot``).

    Parameters
    ----------
    name : str
        The name, exactly as it appears in the data (case and spaces kept).

    Returns
    -------
    str
        The quoted identifier, e.g. ``'"PM2.5"'`` or ``'"a""b"'``.

    Raises
    ------
    TypeError
        ``name`` is not a ``str``.
    ValueError
        ``name`` is empty, contains a NUL character or is longer than :data:`MAX_IDENT_CHARS`
        characters.

    Examples
    --------
    >>> quote_ident("PM2.5")
    '"PM2.5"'
    >>> quote_ident('a"; DROP TABLE x; --')
    '"a""; DROP TABLE x; --"'
    """
    if not isinstance(name, str):
        raise TypeError(f"an SQL name must be a str, not {type(name).__name__}")
    if name == "":
        raise ValueError("an SQL name must not be empty")
    if "\x00" in name:
        raise ValueError("an SQL name must not contain a NUL character")
    if len(name) > MAX_IDENT_CHARS:
        raise ValueError(f"an SQL name must not be longer than {MAX_IDENT_CHARS} characters "
                         f"(got {len(name)})")
    return '"' + name.replace('"', '""') + '"'


def ident_list(names: Iterable[str]) -> str:
    """Comma-separated quoted identifiers (:func:`quote_ident` of each name).

    Parameters
    ----------
    names : iterable of str
        Column names.

    Returns
    -------
    str
        E.g. ``'"code", "time"'``; the empty string for no names.

    Raises
    ------
    TypeError, ValueError
        As :func:`quote_ident`, for the first bad name.

    Examples
    --------
    >>> ident_list(["code", 'we"ird'])
    '"code", "we""ird"'
    """
    return ", ".join(quote_ident(n) for n in names)


def known_name(name: str, allowed: Collection[str]) -> str:
    """Return ``name`` unchanged after checking it is one of the engine's own names.

    Use it where an internal constant (a pollutant column, a statistic suffix) is written into
    SQL without quoting, so that the reader sees why that is safe and a future change that lets
    an outside value reach the spot fails loudly instead of producing SQL.

    Parameters
    ----------
    name : str
        The name to be written into SQL text as is.
    allowed : collection of str
        The known names (e.g. ``HOURLY_COLUMNS``).

    Returns
    -------
    str
        ``name``.

    Raises
    ------
    ValueError
        ``name`` is not in ``allowed``.

    Examples
    --------
    >>> known_name("pm25", ("pm25", "pm10"))
    'pm25'
    """
    if name not in allowed:
        raise ValueError(f"{name!r} is not one of the known names {sorted(allowed)}")
    return name
