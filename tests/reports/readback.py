"""Read bulletins back: HTML tables (stdlib parser), PDF text and fonts (pypdf), PNG pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._id: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.svg_count = 0
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._id = a.get("id")
            self.tables[self._id] = []
        elif tag == "tr" and self._id is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "svg":
            self.svg_count += 1
        for k in ("src", "href"):
            v = a.get(k) or ""
            if re.match(r"(https?:)?//", v) and tag not in ("svg",):
                self.external.append(f"{tag} {k}={v}")
        if tag in ("link", "script") and (a.get("src") or a.get("href")):
            self.external.append(f"{tag} {a}")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._id].append(self._row)
            self._row = None
        elif tag == "table":
            self._id = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> _Tables:
    """Parse every ``<table id=…>``: ``.tables[id]`` = rows of cell texts (header row first)."""
    p = _Tables()
    p.feed(html)
    return p


def table_dict(rows: list[list[str]], key_col: str) -> dict[str, dict[str, str]]:
    """Rows keyed by the text of ``key_col``: {key: {header: cell}}."""
    head = rows[0]
    return {r[head.index(key_col)]: dict(zip(head, r)) for r in rows[1:]}


def pdf_fonts(path: Path) -> dict[str, bool]:
    """BaseFont name → embedded? for every font of every page (descendant fonts included)."""
    from pypdf import PdfReader

    out: dict[str, bool] = {}
    for page in PdfReader(str(path)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            f = ref.get_object()
            desc = [d.get_object() for d in f.get("/DescendantFonts", [])] or [f]
            for d in desc:
                fd = d.get("/FontDescriptor")
                fd = fd.get_object() if fd is not None else {}
                embedded = any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                out[str(d.get("/BaseFont", f.get("/BaseFont")))] = embedded
    return out


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)


def render_pages(path: Path, out_dir: Path, dpi: int = 30) -> list[Path]:
    """Render every PDF page to PNG with pdftoppm (poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        import pytest

        pytest.skip("pdftoppm not installed (Debian package poppler-utils)")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(out_dir / "page")],
                   check=True)
    return sorted(out_dir.glob("page*.png"))


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def keep_first_page(path: Path, name: str, dpi: int = 80) -> Path | None:
    """Render the PDF's first page to ``test-artifacts/<name>.png`` (for people to look at;
    nothing is asserted on it). None when pdftoppm is not installed."""
    if shutil.which("pdftoppm") is None:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


def uncovered_characters(text: str, font_names: list[str]) -> set[str]:
    """Characters of ``text`` that no system font behind ``font_names`` has a glyph for.

    ``font_names`` are PDF BaseFont names (``ABCDEF+Noto-Sans-CJK-SC``); each is resolved to its
    file with ``fc-match`` and its character map read with fontTools.  An empty result means
    every character was drawn with a real glyph (no missing-glyph boxes).
    """
    from fontTools.ttLib import TTCollection, TTFont

    if shutil.which("fc-match") is None:
        import pytest

        pytest.skip("fontconfig (fc-match) not installed")
    covered: set[int] = set()
    for name in font_names:
        family = name.lstrip("/").split("+", 1)[-1].replace("-", " ")
        family = re.sub(r"\s+(Bold|Regular|Italic|Oblique)$", "", family)
        file = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,
                              text=True).stdout.strip()
        fonts = TTCollection(file).fonts if file.endswith(".ttc") else [TTFont(file)]
        for f in fonts[:1]:
            covered |= set(f.getBestCmap())
    return {c for c in set(text) if not c.isspace() and ord(c) not in covered}
