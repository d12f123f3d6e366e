"""PDF loader (.pdf): the text layer, normalised, without page furniture.

PDF lines are hard-wrapped by the layout; they are kept as they are (the structure parser
joins them), and only what is not part of the document is dropped: page numbers, running
headers and footers, browser-print headers and footers, and lines whose glyphs extract as
garbage because of a broken font mapping. Each kind of removal is reported as a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.errors import UnreadableFileError
from ingest.loaders.decode import read_bytes
from ingest.model import LoadedText
from ingest.normalize import normalize_text

__all__ = ["ENCRYPTED_REASON", "NO_TEXT_REASON", "clean_pages", "is_page_number", "load"]

ENCRYPTED_REASON = "encrypted PDF"
NO_TEXT_REASON = "PDF has no text layer (scanned image?)"

_MIN_PAGE_CHARS = 10  # fewer non-space characters than this: the page has no real text layer
_EDGE = 2  # lines at the top and at the bottom of a page where furniture is looked for
_MAX_FURNITURE_LEN = 40
_MIN_REPEAT_PAGES = 3
_MIN_REPEAT_SHARE = 0.5

# Page numbers that cannot be body text wherever they stand: —1—, - 12 -, ·3·, 第 1 页, 第1页 共27页.
_DECORATED_PAGE_NUMBER = re.compile(
    r"[-—–―－~·•]+ ?\d{1,4} ?[-—–―－~·•]+"
    r"|第 ?\d{1,4} ?页(?: ?[,，/]? ?共 ?\d{1,4} ?页)?"
    r"|共 ?\d{1,4} ?页 ?[,，]? ?第 ?\d{1,4} ?页"
    r"|(?i:page) ?\d{1,4}(?: ?(?i:of|/) ?\d{1,4})?"
)
# Page numbers that are only safe to drop at the top or bottom of a page: 7, 1/27.
_BARE_PAGE_NUMBER = re.compile(r"\d{1,3}|\d{1,4} ?/ ?\d{1,4}")
# Chrome/Edge print header "2022/12/7 21:49 <title>" or "12/7/22, 9:49 PM <title>"; footer "<url> 1/4".
_PRINT_HEADER = re.compile(
    r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},? (?:(?:上午|下午|AM|PM) ?)?"
    r"\d{1,2}:\d{2}(?::\d{2})?(?: ?(?:AM|PM))?(?: .*)?",
    re.IGNORECASE,
)
_PRINT_FOOTER = re.compile(r"(?:https?|file)://\S+(?: \d{1,4} ?/ ?\d{1,4})?")
_RADICALS = re.compile(r"[\u2e80-\u2fdf]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def is_page_number(line: str, at_edge: bool = True) -> bool:
    """True for a page-number line; bare numbers (`7`, `1/27`) count only when `at_edge`."""
    line = line.strip()
    return bool(_DECORATED_PAGE_NUMBER.fullmatch(line) or (at_edge and _BARE_PAGE_NUMBER.fullmatch(line)))


def _expected(char: str) -> bool:
    """Characters a Chinese legal text is made of; other scripts there mean a broken font mapping."""
    code = ord(char)
    return (
        code < 0x250  # ASCII, Latin-1, Latin Extended-A/B
        or 0x2000 <= code < 0x2700  # punctuation, number forms, arrows, math, enclosed, box, shapes
        or 0x3000 <= code < 0x3100  # CJK punctuation, kana
        or 0x3200 <= code < 0xA000  # enclosed CJK, compatibility, CJK ideographs
        or 0xAC00 <= code < 0xD7B0  # Hangul syllables
        or 0xF900 <= code < 0xFB00  # CJK compatibility ideographs
        or 0xFE30 <= code < 0xFFF0  # CJK compatibility forms, full-width forms
        or 0x20000 <= code < 0x40000  # CJK extensions
    )


def _is_garbled(line: str) -> bool:
    chars = [char for char in line if not char.isspace()]
    if len(chars) < 2:
        return False
    unexpected = sum(1 for char in chars if not _expected(char))
    return unexpected * 2 > len(chars)


def _undouble(line: str) -> str | None:
    """`X` for a line `XX` (a bold heading drawn twice and extracted twice), else None."""
    half, odd = divmod(len(line), 2)
    if odd or half < 2 or line[:half] != line[half:] or not any(char.isalpha() for char in line):
        return None
    return line[:half]


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line)


def _at_edge(lines: list[str], index: int) -> bool:
    return index < _EDGE or index >= len(lines) - _EDGE


def _is_print_furniture(lines: list[str], index: int) -> bool:
    line = lines[index]
    return bool(
        (index < _EDGE and _PRINT_HEADER.fullmatch(line))
        or (index >= len(lines) - _EDGE and _PRINT_FOOTER.fullmatch(line))
    )


def _is_browser_print(pages: list[list[str]]) -> bool:
    """True when at least half of the pages with text carry a browser's print header or footer."""
    with_text = [lines for lines in pages if lines]
    marked = sum(1 for lines in with_text if any(_is_print_furniture(lines, i) for i in range(len(lines))))
    return bool(with_text) and marked * 2 >= len(with_text)


def _is_page_number_line(lines: list[str], index: int) -> bool:
    return is_page_number(lines[index], at_edge=_at_edge(lines, index))


def _repeated_edge_keys(pages: list[list[str]]) -> set[str]:
    """Keys of short lines at the top or bottom of many pages: running headers and footers."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update(
            {
                _furniture_key(line)
                for index, line in enumerate(lines)
                if _at_edge(lines, index) and len(line) <= _MAX_FURNITURE_LEN
            }
        )
    needed = max(_MIN_REPEAT_PAGES, _MIN_REPEAT_SHARE * len(pages))
    return {key for key, count in counts.items() if count >= needed}


def _drop(
    pages: list[list[str]], is_furniture: Callable[[list[str], int], bool]
) -> tuple[list[list[str]], int]:
    kept = [[line for index, line in enumerate(lines) if not is_furniture(lines, index)] for lines in pages]
    return kept, sum(map(len, pages)) - sum(map(len, kept))


def clean_pages(pages: list[list[str]]) -> tuple[list[str], list[str]]:
    """Drop page furniture from per-page lines (normalised, non-empty); return (lines, warnings)."""
    removed: dict[str, int] = {}
    if _is_browser_print(pages):
        pages, removed["print"] = _drop(pages, _is_print_furniture)
    pages, removed["page number"] = _drop(pages, _is_page_number_line)
    repeated = _repeated_edge_keys(pages)
    pages, removed["running"] = _drop(
        pages, lambda lines, index: _at_edge(lines, index) and _furniture_key(lines[index]) in repeated
    )
    lines = [line for page in pages for line in page]
    letters = [char for line in lines for char in line if char.isalpha()]
    if letters and sum(1 for char in letters if _CJK.match(char)) * 2 >= len(letters):
        kept = [line for line in lines if not _is_garbled(line)]
        removed["garbled"] = len(lines) - len(kept)
        lines = kept
    undoubled = [_undouble(line) for line in lines]
    removed["doubled"] = sum(1 for line in undoubled if line is not None)
    lines = [new if new is not None else line for new, line in zip(undoubled, lines, strict=True)]

    messages = {
        "page number": "removed {} page-number lines",
        "running": "removed {} running header/footer lines ({} distinct)",
        "print": "removed {} browser-print header/footer lines",
        "garbled": "removed {} garbled lines (broken font mapping)",
        "doubled": "undoubled {} lines extracted twice (bold text drawn twice)",
    }
    warnings = [
        text.format(removed[kind], len(repeated)) for kind, text in messages.items() if removed.get(kind)
    ]
    return lines, warnings


def _corrupt(path: Path, exc: BaseException) -> UnreadableFileError:
    detail = " ".join(str(exc).split())[:80] or type(exc).__name__
    return UnreadableFileError(path, f"corrupt PDF: {detail}")


def _open(path: Path, data: bytes) -> PdfReader:
    if b"%PDF-" not in data[:1024]:
        raise UnreadableFileError(path, "corrupt PDF: no %PDF header")
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        # pypdf signals malformed files with PdfReadError but also with plain built-in
        # exceptions (KeyError, ValueError, TypeError, ...); all mean the same thing here.
        raise _corrupt(path, exc) from exc
    if encrypted:
        try:
            result = reader.decrypt("")  # many PDFs have only an owner password, which restricts nothing here
        except DependencyError as exc:
            raise UnreadableFileError(path, f"{ENCRYPTED_REASON} (decrypting needs: {exc})") from exc
        except Exception as exc:
            raise UnreadableFileError(path, ENCRYPTED_REASON) from exc
        if result == PasswordType.NOT_DECRYPTED:
            raise UnreadableFileError(path, ENCRYPTED_REASON)
    return reader


def _page_texts(path: Path, reader: PdfReader) -> tuple[list[str], list[str]]:
    try:
        pages = list(reader.pages)
    except Exception as exc:  # a broken page tree; see _open for why this is broad
        raise _corrupt(path, exc) from exc
    texts: list[str] = []
    warnings: list[str] = []
    for number, page in enumerate(pages, start=1):
        try:
            texts.append(page.extract_text())
        except Exception as exc:  # one bad content stream or font should not lose the other pages
            texts.append("")
            warnings.append(f"page {number}: text extraction failed ({type(exc).__name__})")
    return texts, warnings


def load(path: Path) -> LoadedText:
    """Load a PDF's text layer; encrypted, corrupt and image-only PDFs raise UnreadableFileError."""
    reader = _open(path, read_bytes(path))
    raw_pages, warnings = _page_texts(path, reader)
    pages = [[line for line in normalize_text(raw).split("\n") if line] for raw in raw_pages]
    sizes = [sum(len(line.replace(" ", "")) for line in lines) for lines in pages]
    if all(size < _MIN_PAGE_CHARS for size in sizes):
        raise UnreadableFileError(path, NO_TEXT_REASON)
    empty = [str(number) for number, size in enumerate(sizes, start=1) if size < _MIN_PAGE_CHARS]
    if empty:
        warnings.append(f"no text on page {', '.join(empty)} of {len(pages)} (scanned image or blank?)")
    radicals = sum(len(_RADICALS.findall(raw)) for raw in raw_pages)
    if radicals:
        warnings.append(f"replaced {radicals} radical code points with ideographs")
    lines, clean_warnings = clean_pages(pages)
    text = normalize_text("\n".join(lines))
    if not text:
        raise UnreadableFileError(path, NO_TEXT_REASON)
    return LoadedText(path=path, format="pdf", text=text, warnings=(*warnings, *clean_warnings))
