"""The one error type of ingestion (it names file, line, field and reason) and the one way a
value from the input is quoted in a message.

Every reader quotes a bad value with :func:`quote_value` (at most
``Settings.max_error_value_chars`` characters, ``repr``-escaped so that control characters are
visible) and refuses a file beyond a configured size limit with :func:`limit_error`, whose
message names the limit and its setting, e.g. ``1000001 columns, more than the limit of 512
(QINGSHAN_MAX_COLUMNS)``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["IngestError", "quote_value", "quote_values", "show_name", "clip_text",
           "limit_error", "error_value_chars", "MAX_NAME_CHARS"]

#: longest file name shown unabridged in a message
MAX_NAME_CHARS = 255


def error_value_chars() -> int:
    """``Settings.max_error_value_chars`` (``QINGSHAN_MAX_ERROR_VALUE_CHARS``), default 80."""
    try:
        from qingshan.config.settings import get_settings
        return get_settings().max_error_value_chars
    except Exception:  # a broken environment must not hide the ingest error itself
        return 80


def quote_value(value: object, limit: int | None = None) -> str:
    """A value from the input as it should appear in an error message.

    Parameters
    ----------
    value : object
        The bad value (converted with ``str`` when it is not a string).
    limit : int, optional
        Most characters of the value quoted; default ``Settings.max_error_value_chars``.

    Returns
    -------
    str
        ``repr`` of the value (quotes included, control characters escaped), truncated to
        ``limit`` characters followed by ``… (N characters)`` when longer.

    Examples
    --------
    >>> quote_value("abc")
    "'abc'"
    >>> quote_value("a\\x00" + "b" * 100, limit=4)
    "'a\\\\x00bb'… (102 characters)"
    """
    s = value if isinstance(value, str) else str(value)
    n = error_value_chars() if limit is None else limit
    if len(s) <= n:
        return repr(s)
    return f"{s[:n]!r}… ({len(s)} characters)"


def quote_values(values: Iterable[object], limit: int | None = None, max_items: int = 10) -> str:
    """A list of input values for a message: ``['a', 'b', … (25 in all)]``, each value quoted
    by :func:`quote_value`, at most ``max_items`` of them."""
    vals = list(values)
    shown = ", ".join(quote_value(v, limit) for v in vals[:max_items])
    more = f", … ({len(vals)} in all)" if len(vals) > max_items else ""
    return f"[{shown}{more}]"


def show_name(name: str, limit: int | None = None) -> str:
    """A file or column name for a message: as is when it is short printable text without
    quotes, else :func:`quote_value` of it."""
    n = error_value_chars() if limit is None else limit
    if len(name) <= n and name.isprintable() and "'" not in name:
        return name
    return quote_value(name, n)


def clip_text(text: str, limit: int | None = None) -> str:
    """A parser's message (which may embed a line of the input) for an error message: its first
    line, control characters escaped, at most twice ``max_error_value_chars`` characters."""
    n = 2 * (error_value_chars() if limit is None else limit)
    first = (text.splitlines() or [""])[0]
    shown = first if first.isprintable() else "".join(
        c if c.isprintable() else repr(c)[1:-1] for c in first)
    if len(shown) <= n:
        return shown
    return f"{shown[:n]}… ({len(first)} characters)"


def limit_error(file: str, what: str, count: int, limit: int, setting: str, *,
                unit: str = "", line: int | None = None, at_least: bool = False,
                factor: int = 1, detail: str = "") -> "IngestError":
    """The refusal of a file beyond a size limit.

    Parameters
    ----------
    file : str
        File name.
    what : str
        What was counted, plural ("columns", "data rows", "bytes in one line" …).
    count : int
        The count found (a lower bound when ``at_least``).
    limit : int
        The limit.
    setting : str
        Name of the ``Settings`` field (``max_columns`` …); the message names its environment
        variable (``QINGSHAN_MAX_COLUMNS``).
    unit : str
        Unit of the limit (" bytes").
    line : int, optional
        Line of the file where the limit was passed.
    at_least : bool
        Say "at least N".
    factor : int
        The limit is ``factor`` times the setting (shown as ``8 × QINGSHAN_MAX_COLUMNS``).
    detail : str
        Text after the setting's name inside the parentheses.

    Returns
    -------
    IngestError
        E.g. ``x.csv:1: 1000001 columns, more than the limit of 512 (QINGSHAN_MAX_COLUMNS)``.
    """
    n = f"at least {count}" if at_least else f"{count}"
    env = f"QINGSHAN_{setting.upper()}"
    env = env if factor == 1 else f"{factor} × {env}"
    return IngestError(file, f"{n} {what}, more than the limit of {limit}{unit} "
                             f"({env}{detail})", line=line)


class IngestError(ValueError):
    """Bad input. ``str(err)`` reads ``file:line: field 'X': reason`` (line and field optional).

    Line numbers are 1-based physical lines of the file (line 1 is the header of a CSV). File
    and field names are shown by :func:`show_name` (escaped and shortened when they are not
    plain short text); the attributes keep them as given.
    """

    def __init__(self, file: str, reason: str, line: int | None = None, field: str | None = None,
                 more: int = 0):
        self.file, self.reason, self.line, self.field, self.more = file, reason, line, field, more
        f = show_name(str(file), max(MAX_NAME_CHARS, error_value_chars()))
        loc = f if line is None else f"{f}:{line}"
        if field:
            shown = show_name(str(field))
            fld = f" field '{shown}'" if shown == str(field) else f" field {shown}"
        else:
            fld = ""
        extra = f" (and {more} more error(s) in this file)" if more else ""
        super().__init__(f"{loc}:{fld} {reason}{extra}")
