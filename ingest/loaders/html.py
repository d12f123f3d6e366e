"""HTML loader (.html, .htm): the readable text of a saved web page, one block per line.

Government sites are saved as GBK as often as UTF-8, so the bytes are decoded with the
shared policy, trying the page's own `<meta charset>` first. h1–h6 become Markdown
headings so the structure parser sees the same heading syntax as in .md files.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, ParserRejectedMarkup, Tag
from bs4.element import Comment, Declaration, Doctype, NavigableString, PageElement, ProcessingInstruction

from ingest.errors import UnreadableFileError
from ingest.loaders.decode import decode_bytes, read_bytes
from ingest.model import LoadedText
from ingest.normalize import normalize_text

__all__ = ["declared_charset", "html_to_text", "load"]

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DROPPED = {"script", "style", "nav", "header", "footer", "head", "noscript", "template", "iframe", "svg"}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_BLOCKS = {
    "p", "div", "li", "tr", "br", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
    "section", "article", "main", "aside", "blockquote", "pre", "hr", "form", "fieldset", "figure",
    "figcaption", "address", "center", "caption", "body", "html",
}  # fmt: skip
_CELLS = {"td", "th"}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a `<meta>` tag within its first 4 KiB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _collect(root: Tag) -> str:
    """Text of `root` with "\n" at block boundaries; iterative, so deep nesting is no problem."""
    out: list[str] = []
    # Work items: (node, inside <pre>) to visit, or a plain str to emit once a node's children are done.
    stack: list[tuple[PageElement, bool] | str] = [(child, False) for child in reversed(root.contents)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, pre = item
        if isinstance(node, _SKIPPED_STRINGS):
            continue
        if isinstance(node, NavigableString):
            out.append(str(node) if pre else _HTML_SPACE.sub(" ", str(node)))
            continue
        if not isinstance(node, Tag) or node.name in _DROPPED:
            continue
        name = node.name
        if name in _HEADINGS:
            heading = " ".join(node.get_text().split())
            if heading:
                out.append(f"\n{'#' * _HEADINGS[name]} {heading}\n")
            continue
        if name == "br":
            out.append("\n")
            continue
        is_block = name in _BLOCKS
        if is_block:
            out.append("\n")
        stack.append("\n" if is_block else " " if name in _CELLS else "")
        inner_pre = pre or name == "pre"
        stack.extend((child, inner_pre) for child in reversed(node.contents))
    return "".join(out)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document: one line per block, `#` headings, no blank lines."""
    soup = BeautifulSoup(markup, "html.parser")
    lines = normalize_text(_collect(soup)).split("\n")
    return "\n".join(line for line in lines if line)


def load(path: Path) -> LoadedText:
    """Load an HTML page, honouring its declared charset when the bytes fit it."""
    data = read_bytes(path)
    decoded = decode_bytes(data, path, declared=declared_charset(data))
    try:
        text = html_to_text(decoded.text)
    except (ParserRejectedMarkup, AssertionError, RecursionError) as exc:  # markup html.parser rejects
        raise UnreadableFileError(path, f"cannot parse HTML: {exc}") from exc
    return LoadedText(path=path, format="html", text=text, warnings=decoded.warnings)
