"""Text decoding shared by readers: UTF-8 (with or without BOM) or GBK/GB18030, detected."""

from __future__ import annotations

from pathlib import Path

from qingshan.core.ingest.errors import IngestError
from qingshan.core.ingest.limits import check_csv

__all__ = ["read_text_detect"]


def read_text_detect(path: str | Path) -> tuple[str, str]:
    """Return (text, encoding) of a CSV file. UTF-8 is tried first, then GB18030 (a superset of
    GBK).

    The file is first checked against the input limits (:func:`qingshan.core.ingest.limits.check_csv`:
    binary data, UTF-16/UTF-32 text, columns, line length, rows), so it is read whole only when
    it is a bounded text file. A file that is neither UTF-8 nor GBK raises IngestError naming
    the line of the first undecodable byte.
    """
    p = Path(path)
    check_csv(p)
    raw = p.read_bytes()
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as e_utf8:
        try:
            return raw.decode("gb18030"), "gbk"
        except UnicodeDecodeError:
            line = raw[: e_utf8.start].count(b"\n") + 1
            raise IngestError(
                p.name,
                f"text is neither UTF-8 nor GBK/GB18030 (undecodable byte 0x{raw[e_utf8.start]:02x} "
                f"at byte {e_utf8.start})",
                line=line,
            ) from None
