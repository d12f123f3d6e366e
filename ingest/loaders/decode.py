"""Bytes → str for the text-like formats (.txt, .md, .html), with one policy for all of them.

Chinese policy files come as UTF-8 (with or without BOM) or GB18030/GBK. Strict UTF-8 is
tried first because it almost never decodes non-UTF-8 bytes by accident; GB18030 (a
superset of GBK and GB2312) next; charset-normalizer's guess only as a last resort.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.errors import UnreadableFileError

__all__ = ["BINARY_REASON", "UNDECODABLE_REASON", "Decoded", "codec_name", "decode_bytes", "read_bytes"]

BINARY_REASON = "binary data, not text"
UNDECODABLE_REASON = "cannot decode text (tried UTF-8, GB18030 and charset detection)"

# Share of control characters above which data is treated as binary rather than text.
_MAX_CONTROL_SHARE = 0.05
# C0 controls that never occur in text (tab, line feed, vertical tab, form feed, CR excluded).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = {chr(b) for b in _CONTROL_BYTES} | {chr(c) for c in range(0x80, 0xA0)}
# Declared HTML charsets that real pages use for a larger repertoire (WHATWG Encoding Standard).
_CODEC_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec that produced it, and notes worth passing on as warnings."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def read_bytes(path: Path) -> bytes:
    """Read a whole file, turning OS errors into UnreadableFileError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(path, "file not found") from None
    except IsADirectoryError:
        raise UnreadableFileError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot read file: {exc.strerror or exc}") from exc


def codec_name(label: str) -> str | None:
    """Python codec name for an encoding label such as a `<meta charset>`; None if unknown."""
    label = label.strip().lower()
    label = _CODEC_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for char in text if char in _CONTROL_CHARS) / len(text)


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls / len(data) > _MAX_CONTROL_SHARE if data else False


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, path: Path, declared: str | None = None) -> Decoded:
    """Decode `data` read from `path`; `declared` is a charset the file names for itself.

    Order: a UTF-16/32 byte-order mark; the declared charset (strict); UTF-8 (BOM allowed);
    GB18030; charset-normalizer's best guess. NUL bytes or many control characters mean
    binary data. Raises UnreadableFileError when nothing fits.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is None:
                raise UnreadableFileError(path, UNDECODABLE_REASON)
            return _checked(Decoded(text, codec), path)
    if _looks_binary(data):
        raise UnreadableFileError(path, BINARY_REASON)

    warnings: list[str] = []
    declared_codec = codec_name(declared) if declared is not None else None
    if declared is not None and declared_codec is None:
        warnings.append(f"unknown declared charset {declared!r}, ignored")
    candidates = [declared_codec] if declared_codec is not None else []
    for codec in [*candidates, "utf-8-sig", "gb18030"]:
        text = _strict(data, codec)
        if text is not None:
            name = "utf-8" if codec == "utf-8-sig" else codec
            if declared_codec is not None and codec != declared_codec:
                warnings.append(f"declared charset {declared!r} does not fit the bytes; decoded as {name}")
            return _checked(Decoded(text, name, tuple(warnings)), path)

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFileError(path, UNDECODABLE_REASON)
    warnings.append(f"encoding guessed as {best.encoding} (not UTF-8 or GB18030)")
    return _checked(Decoded(str(best), best.encoding, tuple(warnings)), path)


def _checked(decoded: Decoded, path: Path) -> Decoded:
    if _control_share(decoded.text) > _MAX_CONTROL_SHARE:
        raise UnreadableFileError(path, BINARY_REASON)
    return decoded
