"""The one error type of ingestion: it names file, line, field and reason."""

from __future__ import annotations

__all__ = ["IngestError"]


class IngestError(ValueError):
    """Bad input. ``str(err)`` reads ``file:line: field 'X': reason`` (line and field optional).

    Line numbers are 1-based physical lines of the file (line 1 is the header of a CSV).
    """

    def __init__(self, file: str, reason: str, line: int | None = None, field: str | None = None,
                 more: int = 0):
        self.file, self.reason, self.line, self.field, self.more = file, reason, line, field, more
        loc = file if line is None else f"{file}:{line}"
        fld = f" field '{field}'" if field else ""
        extra = f" (and {more} more error(s) in this file)" if more else ""
        super().__init__(f"{loc}:{fld} {reason}{extra}".replace(": ", ": ", 1))
