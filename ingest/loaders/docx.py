"""Word loader (.docx): body paragraphs and tables in document order, one line each.

Paragraphs styled as headings (or Title) become Markdown headings, so the structure parser
gets the same heading syntax as from .md files. Text in headers, footers, footnotes and text
boxes is not read; automatic numbering is not in the paragraph text (a warning says so).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import OpcError
from docx.styles.style import CharacterStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.errors import UnreadableFileError
from ingest.loaders.decode import read_bytes
from ingest.model import LoadedText
from ingest.normalize import normalize_text

__all__ = ["CORRUPT_REASON", "heading_level", "load"]

CORRUPT_REASON = "corrupt DOCX"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, or an Office-encrypted .docx
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)
_TITLE_STYLES = {"title", "标题"}
# What python-docx, zipfile and lxml raise for a file that is not a well-formed Word package:
# not a zip (PackageNotFoundError), missing parts (KeyError), another Office type (ValueError),
# broken XML (lxml's XMLSyntaxError is a SyntaxError), broken compression (zlib.error, EOFError).
_OPEN_ERRORS = (
    OpcError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError, EOFError, zlib.error,
)  # fmt: skip


def heading_level(style: CharacterStyle | None) -> int | None:
    """Heading level 1–6 of a paragraph style (following `based on` links), None for body text."""
    for _ in range(5):  # styles are rarely based on more than a few others; guards against cycles
        if style is None:
            return None
        name = (style.name or "").strip()
        if name.lower() in _TITLE_STYLES:
            return 1
        match = _HEADING_STYLE.fullmatch(name)
        if match:
            return min(int(match.group(1)), 6)
        style = style.base_style
    return None


def _paragraph_lines(paragraph: Paragraph) -> list[str]:
    text = paragraph.text
    level = heading_level(paragraph.style)
    if level is None:
        return text.split("\n")
    heading = " ".join(text.split())
    return [f"{'#' * level} {heading}"] if heading else []


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:  # a merged cell is returned once per grid column it spans
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _has_numbering(paragraph: Paragraph) -> bool:
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _open(path: Path) -> DocxDocument:
    data = read_bytes(path)
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFileError(path, f"{CORRUPT_REASON} (legacy .doc or password-protected file)")
    try:
        return docx.Document(str(path))
    except _OPEN_ERRORS as exc:
        raise UnreadableFileError(path, CORRUPT_REASON) from exc


def load(path: Path) -> LoadedText:
    """Load a .docx file: headings as `#` lines, paragraphs as lines, table rows as `a | b` lines."""
    document = _open(path)
    lines: list[str] = []
    numbered = 0
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.extend(_paragraph_lines(block))
                numbered += _has_numbering(block) and bool(block.text.strip())
            else:
                lines.extend(_table_lines(block))
    except (KeyError, ValueError, IndexError) as exc:  # malformed table grids or part references
        raise UnreadableFileError(path, f"{CORRUPT_REASON}: unreadable content ({exc})") from exc
    warnings = []
    if numbered:
        warnings.append(f"{numbered} paragraphs use automatic numbering; the numbers are not in the text")
    text = "\n".join(line for line in normalize_text("\n".join(lines)).split("\n") if line)
    return LoadedText(path=path, format="docx", text=text, warnings=tuple(warnings))
