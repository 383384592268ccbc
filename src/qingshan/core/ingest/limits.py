"""Size limits of ingested files, checked cheaply before a file is parsed.

Every file reader calls one of these before handing the file to a parser, so that a hostile or
broken file is refused in bounded time and memory with an :class:`IngestError` naming the file,
the line when known, and the limit with its setting (``qingshan.config.settings``):

- :func:`check_csv` — text files read as CSV: refuses binary data (a NUL byte), UTF-16/UTF-32
  text (not decoded: save as UTF-8 or GBK), a header with more than ``max_columns`` columns, a
  line longer than ``max_line_bytes`` and more than ``max_rows_per_file`` data lines. It streams
  the file in fixed-size chunks (numpy finds the line ends), so memory stays a few chunk sizes
  whatever the file holds, and stops at the first limit passed;
- :func:`check_xlsx` — an ``.xlsx`` must be a zip container whose members' declared sizes sum to
  at most ``max_decompressed_bytes`` and whose large members are compressed at most
  :data:`MAX_COMPRESSION_RATIO`:1 (zip-bomb guard; :mod:`zipfile` never inflates a member
  beyond its declared size, so the declared sizes bound what the parser reads);
- :func:`check_parquet` — ``num_columns`` / ``num_rows`` from the Parquet footer.

Physical lines are counted (a quoted value spanning lines counts each line).
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qingshan.config.settings import Settings, get_settings
from qingshan.core.ingest.errors import IngestError, limit_error

__all__ = ["TextShape", "check_csv", "check_archive_csv", "check_xlsx", "check_parquet",
           "MAX_COMPRESSION_RATIO", "ARCHIVE_COLUMN_FACTOR", "CHUNK_BYTES"]

#: bytes read per step by :func:`check_csv`
CHUNK_BYTES = 4 * 1024 * 1024
#: largest compression ratio accepted for an xlsx member of more than 1 MiB (legitimate sheets
#: compress about 5–30:1; a zip bomb 1000:1)
MAX_COMPRESSION_RATIO = 100
_RATIO_MIN_BYTES = 1024 * 1024
#: the national-network daily archive has one column per station (about 1,600 in 2019, 512 is
#: the default column limit of other tables): its column limit is this many times max_columns
ARCHIVE_COLUMN_FACTOR = 8
#: most members of an xlsx container
MAX_ZIP_MEMBERS = 10_000


@dataclass(frozen=True)
class TextShape:
    """What :func:`check_csv` found: header columns, physical lines (header included), bytes."""

    columns: int
    lines: int
    size: int


def _utf16(head: bytes) -> str | None:
    """'UTF-16' / 'UTF-32' when the first bytes look like such text, else None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = head[:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        # ASCII-range text in UTF-16: every other byte is NUL
        if odd.count(0) > 0.4 * len(odd) or even.count(0) > 0.4 * len(even):
            return "UTF-16"
    return None


def _header_columns(line: bytes, delimiter: bytes) -> int:
    """Columns of a header line, quotes respected (only called for a line that fits the
    line-length limit)."""
    text = line.decode("utf-8", errors="replace") if line else ""
    try:
        row = next(csv.reader([text.rstrip("\r")], delimiter=delimiter.decode()))
    except (StopIteration, csv.Error):
        return line.count(delimiter) + 1
    return len(row)


def check_csv(path: str | Path, *, name: str | None = None, delimiter: bytes = b",",
              settings: Settings | None = None, column_factor: int = 1,
              column_note: str = "") -> TextShape:
    """Refuse a text file beyond the limits before any parser sees it.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        Name in messages (default: the file name).
    delimiter : bytes
        Field delimiter of the header (one byte).
    settings : Settings, optional
        Limits; default :func:`~qingshan.config.settings.get_settings`.
    column_factor, column_note : int, str
        The column limit is ``column_factor × max_columns`` (the national-network archive has
        one column per station: :data:`ARCHIVE_COLUMN_FACTOR`), explained by ``column_note``.

    Returns
    -------
    TextShape
        Header columns, physical lines and bytes of the file.

    Raises
    ------
    IngestError
        Binary data; UTF-16/UTF-32 text; more than ``max_columns`` header columns; a line of
        more than ``max_line_bytes`` bytes; more than ``max_rows_per_file`` data lines.
    """
    s = settings or get_settings()
    p = Path(path)
    name = name or p.name
    max_line, max_cols, max_rows = s.max_line_bytes, s.max_columns, s.max_rows_per_file
    cols_limit = (max_cols * column_factor, column_factor, column_note)
    size = p.stat().st_size
    line_no = 1          # number of the line being read
    cur = 0              # bytes of that line read so far
    header_delims = 0
    header_done = False
    header_bytes = b""   # the header line, kept while it fits the line limit
    pos = 0
    with p.open("rb") as f:
        first = True
        while True:
            chunk = f.read(CHUNK_BYTES)
            if not chunk:
                break
            if first:
                first = False
                enc = _utf16(chunk)
                if enc:
                    raise IngestError(name, f"text is {enc}, which is not read; save the file "
                                            "as UTF-8 or GBK")
            nul = chunk.find(b"\x00")
            if nul >= 0:
                line = line_no + chunk.count(b"\n", 0, nul)
                raise IngestError(name, f"binary data (a NUL byte at byte {pos + nul}), not a "
                                        "text file", line=line)
            arr = np.frombuffer(chunk, dtype=np.uint8)
            ends = np.flatnonzero(arr == 10)
            if not header_done:
                stop = int(ends[0]) if len(ends) else len(chunk)
                header_delims += chunk.count(delimiter, 0, stop)
                if cur + stop <= max_line:
                    header_bytes += chunk[:stop]
                if len(ends):
                    header_done = True
                    _check_header(name, header_delims, cur + stop, header_bytes, delimiter,
                                  cols_limit, max_line)
            if len(ends):
                lengths = np.diff(ends, prepend=-1) - 1
                lengths[0] += cur
                over = np.flatnonzero(lengths > max_line)
                if len(over):
                    k = int(over[0])
                    raise limit_error(name, "bytes in one line", int(lengths[k]), max_line,
                                      "max_line_bytes", unit=" bytes", line=line_no + k)
                line_no += len(ends)
                cur = len(chunk) - int(ends[-1]) - 1
                if line_no - 2 > max_rows:   # complete lines after the header
                    raise limit_error(name, "data rows", line_no - 2, max_rows,
                                      "max_rows_per_file", at_least=True)
            else:   # an over-long line is scanned to its end, so its length is exact
                cur += len(chunk)
            pos += len(chunk)
    if not header_done:
        if cur == 0:
            return TextShape(0, 0, size)
        _check_header(name, header_delims, cur, header_bytes, delimiter, cols_limit, max_line)
    elif cur > max_line:   # the last line, without a line end
        raise limit_error(name, "bytes in one line", cur, max_line, "max_line_bytes",
                          unit=" bytes", line=line_no)
    lines = line_no if cur > 0 else line_no - 1
    if lines - 1 > max_rows:
        raise limit_error(name, "data rows", lines - 1, max_rows, "max_rows_per_file")
    return TextShape(header_delims + 1, lines, size)


def check_archive_csv(path: str | Path, *, settings: Settings | None = None) -> TextShape:
    """:func:`check_csv` for a national-network archive file (one column per station: the
    column limit is :data:`ARCHIVE_COLUMN_FACTOR` × ``max_columns``)."""
    return check_csv(path, settings=settings, column_factor=ARCHIVE_COLUMN_FACTOR,
                     column_note=": a national-network archive has one column per station")


def _check_header(name, delims, length, header, delimiter, cols_limit, max_line) -> None:
    max_cols, factor, note = cols_limit
    if delims + 1 > max_cols:
        cols = delims + 1
        if length <= max_line:  # quoted delimiters do not separate columns
            cols = _header_columns(header, delimiter)
        if cols > max_cols:
            raise limit_error(name, "columns", cols, max_cols, "max_columns", line=1,
                              factor=factor, detail=note)
    if length > max_line:
        raise limit_error(name, "bytes in one line", length, max_line, "max_line_bytes",
                          unit=" bytes", line=1)


def check_xlsx(path: str | Path, *, name: str | None = None,
               settings: Settings | None = None) -> None:
    """Refuse an ``.xlsx`` that is not a zip container or would inflate beyond the limits.

    Raises
    ------
    IngestError
        Not a zip / not a workbook; more than :data:`MAX_ZIP_MEMBERS` members; declared content
        beyond ``max_decompressed_bytes``; a member of more than 1 MiB compressed more than
        :data:`MAX_COMPRESSION_RATIO`:1.
    """
    s = settings or get_settings()
    p = Path(path)
    name = name or p.name
    if not zipfile.is_zipfile(p):
        with p.open("rb") as f:
            magic = f.read(8)
        hint = (" (it looks like a legacy .xls workbook: save it as .xlsx)"
                if magic.startswith(b"\xd0\xcf\x11\xe0") else "")
        raise IngestError(name, f"not an xlsx workbook: not a zip container{hint}")
    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise IngestError(name, f"not an xlsx workbook: damaged zip container ({e})") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise IngestError(name, f"{len(infos)} members in the xlsx container, more than "
                                f"{MAX_ZIP_MEMBERS} (zip-bomb guard)")
    total = sum(i.file_size for i in infos)
    if total > s.max_decompressed_bytes:
        raise limit_error(name, "bytes of decompressed xlsx content", total,
                          s.max_decompressed_bytes, "max_decompressed_bytes", unit=" bytes")
    for i in infos:
        if i.file_size > _RATIO_MIN_BYTES and i.file_size > MAX_COMPRESSION_RATIO * max(
                i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise IngestError(name, f"member {i.filename[:80]!r} inflates {ratio}:1 "
                                    f"({i.file_size} bytes from {i.compress_size}), more than "
                                    f"{MAX_COMPRESSION_RATIO}:1 (zip-bomb guard)")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise IngestError(name, "not an xlsx workbook: no xl/workbook.xml in the zip container")


def check_parquet(path: str | Path, *, name: str | None = None,
                  settings: Settings | None = None) -> None:
    """Refuse a Parquet file whose footer declares too many columns or rows (or no footer)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    s = settings or get_settings()
    p = Path(path)
    name = name or p.name
    try:
        md = pq.ParquetFile(p).metadata
    except (pa.ArrowInvalid, OSError) as e:
        raise IngestError(name, f"not a Parquet file ({str(e).splitlines()[0][:200]})") from None
    if md.num_columns > s.max_columns:
        raise limit_error(name, "columns", md.num_columns, s.max_columns, "max_columns")
    if md.num_rows > s.max_rows_per_file:
        raise limit_error(name, "data rows", md.num_rows, s.max_rows_per_file,
                          "max_rows_per_file")
