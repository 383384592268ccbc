"""Checks a bulletin must pass before it is built: output path, CJK fonts for PDF.

A refusal is a :class:`ReportRefused` (a ``ValueError``) whose message says what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

__all__ = ["ReportRefused", "check_fonts", "check_output", "cjk_fonts", "FONT_PACKAGE"]

#: the Debian/Ubuntu package with the CJK fonts the PDF embeds (Noto Sans/Serif CJK SC)
FONT_PACKAGE = "fonts-noto-cjk"


class ReportRefused(ValueError):
    """The bulletin is not built (the message names the reason and the remedy)."""


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """Families of the installed fonts covering Chinese (fontconfig ``fc-list :lang=zh``);
    empty when fontconfig is missing or no such font is installed."""
    exe = shutil.which("fc-list")
    if exe is None:
        return ()
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fams = {f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()}
    return tuple(sorted(fams))


def check_fonts() -> tuple[str, ...]:
    """The CJK font families, or :class:`ReportRefused` when there is none (a PDF would print
    every Chinese character as a box)."""
    fams = cjk_fonts()
    if not fams:
        raise ReportRefused(
            f"no font with Chinese characters is installed, so the PDF would show boxes; "
            f"install the Debian package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or "
            f"write --format html")
    return fams


def check_output(path: str | Path) -> Path:
    """``path`` can be written: not a directory, its folder exists and is writable."""
    p = Path(path)
    if p.is_dir():
        raise ReportRefused(f"{p} is a directory; give a file name with --output")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ReportRefused(f"the folder {parent} of --output does not exist")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise ReportRefused(f"{p} cannot be written (permissions)")
    return p
