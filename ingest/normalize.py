"""One canonical form for all loaded text, so equal legal text compares and hashes equal.

PDF text layers often use radical code points instead of ideographs (⺠ for 民, ⻔ for 门),
full-width digits and letters, and a zoo of spaces; Markdown and Word copies do not. Unicode
NFKC fixes most of this but would also turn Chinese punctuation （，：；？！… into ASCII, which
changes the look of every quoted article, so that punctuation is shielded from NFKC.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["RADICAL_TO_IDEOGRAPH", "normalize_text"]


def _supplement_table() -> dict[int, str]:
    """CJK Radicals Supplement (U+2E80–U+2EF3) → equivalent unified ideograph.

    From the Unicode Character Database file EquivalentUnifiedIdeograph.txt (all 114
    mappings of this block; U+2E80 has no equivalent and U+2E9A is unassigned). NFKC maps
    only ⺟ and ⻳ of this block, so the rest needs this table.
    """
    pairs = (
        "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 ⺐尢 "
        "⺑𡯂 ⺒巳 ⺓幺 ⺔彑 ⺕彐 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 "
        "⺢氺 ⺣灬 ⺤爫 ⺥爫 ⺦丬 ⺧牛 ⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 "
        "⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑 ⺾艹 ⺿艹 ⻀艹 ⻁虎 "
        "⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝 ⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 "
        "⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 "
        "⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯 ⻮齿 ⻯竜 ⻰龙 ⻱龜 "
        "⻲亀 ⻳龟"
    )
    return {ord(pair[0]): pair[1] for pair in pairs.split()}


def _kangxi_table() -> dict[int, str]:
    """Kangxi Radicals (U+2F00–U+2FD5) → ideograph, read from their compatibility decompositions.

    NFKC already applies these; the explicit table keeps the mapping even where a caller's
    text bypasses NFKC (e.g. protected segments) and documents the intent.
    """
    table: dict[int, str] = {}
    for code in range(0x2F00, 0x2FD6):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition.startswith("<compat> "):
            table[code] = chr(int(decomposition.split()[1], 16))
    return table


RADICAL_TO_IDEOGRAPH: dict[int, str] = {**_supplement_table(), **_kangxi_table()}

# Chinese punctuation that NFKC would turn into ASCII ( ） → ")", ， → ",", … → "...") and
# enclosed numbers/ideographs that NFKC would flatten (① → "1", ㈠ → "(一)"): kept as they are.
_PROTECTED = re.compile(r"[（），：；？！…～\u2460-\u24ff\u3220-\u3243\u3280-\u32b0]+")

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\u0085\v\f]")
# BOM, zero-width characters, soft hyphen, bidi marks, and control characters except \n and \t.
_INVISIBLE = re.compile(r"[\ufeff\u200b-\u200f\u2060-\u2064\u00ad\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[^\S\n]+")  # any run of whitespace except newlines (tab, NBSP, U+3000, ...)
_BLANK_RUNS = re.compile(r"\n{3,}")


def _nfkc_outside_protected(text: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _PROTECTED.finditer(text):
        parts.append(unicodedata.normalize("NFKC", text[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(unicodedata.normalize("NFKC", text[position:]))
    return "".join(parts)


def normalize_text(text: str) -> str:
    """Return `text` in canonical form, keeping its line structure.

    Radical code points become ideographs; NFKC applies except to Chinese punctuation
    （），：；？！…～ and enclosed numbers (①, ㈠), which stay as they are, so full-width digits
    and letters become ASCII while `第一条　为了……，制定本法。` keeps its punctuation. Every run
    of spaces, tabs, NBSP or U+3000 becomes one ASCII space; line ends are stripped; runs of
    blank lines become one blank line; BOM, zero-width and control characters are removed;
    all line breaks become "\\n". Leading and trailing blank lines are dropped. Idempotent.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = text.translate(RADICAL_TO_IDEOGRAPH)
    text = _nfkc_outside_protected(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
