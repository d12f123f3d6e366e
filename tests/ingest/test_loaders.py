"""Loaders on the real shared files, on files generated here, and on bad files."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from ingest.errors import UnreadableFileError
from ingest.loaders import LOADERS, SUPPORTED_SUFFIXES, load_file
from ingest.loaders.pdf import clean_pages, is_page_number

CONTRACT_LAW_PDF = "中华人民共和国劳动合同法.pdf"
REGULATION_PDF = "中华人民共和国劳动合同法实施条例.pdf"
LABOUR_LAW_PDF = "中华人民共和国劳动法.pdf"
CASE_PDF = "指导案例18号：中兴通讯（杭州）有限责任公司诉王鹏劳动合同纠纷案.pdf"
CONTRACT_LAW_DOCX = "劳动合同法.docx"
REGULATION_DOCX = "劳动合同法实施条例.docx"
SAMPLE_TEXT = (
    "中华人民共和国劳动合同法\n\n第一条 为了完善劳动合同制度，制定本法。\n第二条 企业（用人单位）适用本法。"
)


def make_text_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with one Helvetica text line per entry, top to bottom, on each page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (" ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages))).encode(), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
        ops = ["BT /F1 11 Tf 72 800 Td"] + [f"0 -16 Td ({line}) Tj" for line in escaped] + ["ET"]
        content = "\n".join(ops).encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def reason_of(path: Path) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        load_file(path)
    assert str(caught.value) == f"{path}: {caught.value.reason}"
    assert caught.value.path == path
    return caught.value.reason


# --- real files -------------------------------------------------------------------------------


def test_pdf_loader_regulation_has_no_radicals(files_dir: Path) -> None:
    loaded = load_file(files_dir / REGULATION_PDF)
    assert loaded.format == "pdf"
    assert not [char for char in loaded.text if 0x2E80 <= ord(char) <= 0x2FDF]
    assert "中华人民共和国劳动合同法实施条例" in loaded.text
    assert (
        "第一条 为了贯彻实施《中华人民共和国劳动合同法》（以下简称劳动合同法），制定本条例。\n" in loaded.text
    )
    assert "有关部门" in loaded.text and "人民政府" in loaded.text
    assert "replaced 623 radical code points with ideographs" in loaded.warnings


def test_pdf_loader_contract_law_has_no_page_numbers(files_dir: Path) -> None:
    loaded = load_file(files_dir / CONTRACT_LAW_PDF)
    lines = loaded.text.split("\n")
    assert not [line for line in lines if re.fullmatch(r"[-—–]\s*\d+\s*[-—–]", line)]
    assert "removed 27 page-number lines" in loaded.warnings
    assert lines[0] == "中华人民共和国劳动合同法"
    assert "第一条 为了完善劳动合同制度，明确劳动合同双方当事人" in lines
    assert lines[-1] == "第九十八条 本法自 2008 年 1 月 1 日起施行。"
    assert "" not in lines


def test_pdf_loader_labour_law_keeps_all_articles(files_dir: Path) -> None:
    loaded = load_file(files_dir / LABOUR_LAW_PDF)
    starts = [line for line in loaded.text.split("\n") if re.match(r"第[一二三四五六七八九十百零]+条 ", line)]
    assert len(starts) == 107
    assert loaded.warnings == ()


def test_pdf_loader_guiding_case_drops_garbled_and_doubled_lines(files_dir: Path) -> None:
    loaded = load_file(files_dir / CASE_PDF)
    lines = loaded.text.split("\n")
    assert "裁判要点" in lines and "裁判要点裁判要点" not in lines
    assert "指导案例18号" in lines
    assert not [char for char in loaded.text if 0x0590 <= ord(char) <= 0x10FF]  # Hebrew..Georgian glyph junk
    assert "removed 5 garbled lines (broken font mapping)" in loaded.warnings
    assert "no text on page 3 of 3 (scanned image or blank?)" in loaded.warnings


def test_docx_loader_contract_law_marks_heading_styles(files_dir: Path) -> None:
    loaded = load_file(files_dir / CONTRACT_LAW_DOCX)
    lines = loaded.text.split("\n")
    assert loaded.format == "docx"
    assert "### 第一章总则" in lines
    assert lines[2].startswith("第一条为了完善劳动合同制度")
    assert "2 paragraphs use automatic numbering; the numbers are not in the text" in loaded.warnings


def test_docx_loader_regulation_has_one_line_per_paragraph(files_dir: Path) -> None:
    loaded = load_file(files_dir / REGULATION_DOCX)
    lines = loaded.text.split("\n")
    assert len(lines) == 79
    assert lines[0] == "劳动合同法实施条例"
    assert lines[2].startswith("第一条 为了贯彻实施《中华人民共和国劳动合同法》")


def test_markdown_loader_official_file_keeps_headings(official_dir: Path) -> None:
    loaded = load_file(official_dir / "法律" / "劳动合同法(2012-12-28).md")
    lines = loaded.text.split("\n")
    assert loaded.format == "md"
    assert loaded.front_matter == {}
    assert lines[0] == "# 中华人民共和国劳动合同法"
    assert "<!-- INFO END -->" in lines
    assert "## 第一章 总则" in lines
    assert any(line.startswith("第一条 为了完善劳动合同制度") for line in lines)


def test_markdown_loader_every_official_file_loads(official_dir: Path) -> None:
    files = sorted(official_dir.rglob("*.md"))
    files.remove(official_dir / "README.md")
    assert len(files) == 90
    for path in files:
        loaded = load_file(path)
        assert loaded.text.startswith("# "), path
        assert loaded.warnings == (), path


# --- generated files ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_loader_encoding_round_trips(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / f"{encoding}.txt", SAMPLE_TEXT.replace("\n", "\r\n").encode(encoding))
    loaded = load_file(path)
    assert loaded.format == "txt"
    assert loaded.text == SAMPLE_TEXT
    assert loaded.warnings == ()


def test_text_loader_other_encoding_is_guessed_with_warning(tmp_path: Path) -> None:
    source = "Le salarié a droit à un congé payé. Déjà vu à Noël.\n" * 3  # é + space: invalid GB18030
    loaded = load_file(write(tmp_path / "a.txt", source.encode("cp1252")))
    assert loaded.text.startswith("Le salari")
    assert len(loaded.warnings) == 1
    assert loaded.warnings[0].startswith("encoding guessed as ")


def test_text_loader_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert load_file(write(tmp_path / "a.TXT", "第一条 内容")).text == "第一条 内容"


def test_markdown_loader_front_matter_becomes_dict(tmp_path: Path) -> None:
    source = "---\ntitle: 劳动法\ndate: 2018-12-29\ntopics: [工资, 工时]\n---\n# 劳动法\n\n第一条 内容\n"
    loaded = load_file(write(tmp_path / "a.md", source))
    expected = {"title": "劳动法", "date": datetime.date(2018, 12, 29), "topics": ["工资", "工时"]}
    assert loaded.front_matter == expected
    assert loaded.text == "# 劳动法\n\n第一条 内容"


def test_markdown_loader_strips_comments_but_keeps_info_end(tmp_path: Path) -> None:
    source = (
        "# 标题\n<!-- 注释\n多行 -->\n2008年公布\n<!-- INFO END -->\n## 第一章 总则\n第一条 内容<!-- x -->\n"
    )
    loaded = load_file(write(tmp_path / "a.md", source))
    assert loaded.text == "# 标题\n\n2008年公布\n\n<!-- INFO END -->\n\n## 第一章 总则\n第一条 内容"


def test_html_loader_headings_and_blocks(tmp_path: Path) -> None:
    page = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<nav>首页 > 政策</nav><header>网站头</header>"
        "<h1>中华人民共和国  劳动合同法</h1><h2>第一章 总则</h2>"
        "<p>第一条&nbsp;为了完善<b>劳动合同</b>制度，\n制定本法。</p>"
        "<div>第二条 内容<br>第二款</div><ul><li>（一）甲</li><li>（二）乙</li></ul>"
        "<table><tr><td>姓名</td><td>张三</td></tr></table>"
        "<script>var x = 1;</script><!-- 注释 --><footer>版权所有</footer></body></html>"
    )
    loaded = load_file(write(tmp_path / "a.html", page))
    assert loaded.format == "html"
    assert loaded.text.split("\n") == [
        "# 中华人民共和国 劳动合同法",
        "## 第一章 总则",
        "第一条 为了完善劳动合同制度， 制定本法。",
        "第二条 内容",
        "第二款",
        "（一）甲",
        "（二）乙",
        "姓名 张三",
    ]


def test_html_loader_respects_declared_gbk_charset(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gb2312"></head><body><h3>工伤保险条例</h3><p>第一条 保障</p></body>'
    loaded = load_file(write(tmp_path / "a.htm", page.encode("gbk")))
    assert loaded.text == "### 工伤保险条例\n第一条 保障"
    assert loaded.warnings == ()


def test_html_loader_wrong_declared_charset_falls_back(tmp_path: Path) -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><p>第一条 为了保障</p>'
    loaded = load_file(write(tmp_path / "a.html", page.encode("gb18030")))
    assert loaded.text == "第一条 为了保障"
    assert loaded.warnings == ("declared charset 'utf-8' does not fit the bytes; decoded as gb18030",)


def test_docx_loader_generated_heading_paragraphs_and_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("中华人民共和国劳动法", level=1)
    document.add_heading("第一章　总则", level=2)
    document.add_paragraph("第一条　为了保护劳动者的合法权益，制定本法。")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "标准"
    table.cell(1, 0).text, table.cell(1, 1).text = "最低工资", "２０００元"
    path = tmp_path / "a.docx"
    document.save(str(path))
    loaded = load_file(path)
    assert loaded.text.split("\n") == [
        "# 中华人民共和国劳动法",
        "## 第一章 总则",
        "第一条 为了保护劳动者的合法权益，制定本法。",
        "项目 | 标准",
        "最低工资 | 2000元",
    ]


def test_pdf_loader_generated_running_header_and_page_numbers_removed(tmp_path: Path) -> None:
    body = ["Employers shall pay wages", "in full and on time.", "Overtime is paid at", "a higher rate.",
            "Workers may rest", "on public holidays.", "Disputes go to", "arbitration first."]  # fmt: skip
    pages = [
        ["Labour Bureau Annual Report", body[2 * i], body[2 * i + 1], f"Page {i + 1} of 4"] for i in range(4)
    ]
    loaded = load_file(write(tmp_path / "a.pdf", make_text_pdf(pages)))
    assert loaded.text.split("\n") == body
    assert loaded.warnings == (
        "removed 4 page-number lines",
        "removed 4 running header/footer lines (1 distinct)",
    )


def test_pdf_loader_generated_browser_print_furniture_removed(tmp_path: Path) -> None:
    pages = [
        ["2022/12/7 21:49 Labour Contract Regulation", "Article 1 text.", "https://www.gov.cn/a.htm 1/2"],
        ["2022/12/7 21:49 Labour Contract Regulation", "Article 2 text.", "https://www.gov.cn/a.htm 2/2"],
    ]
    loaded = load_file(write(tmp_path / "a.pdf", make_text_pdf(pages)))
    assert loaded.text == "Article 1 text.\nArticle 2 text."
    assert loaded.warnings == ("removed 4 browser-print header/footer lines",)


def test_pdf_loader_owner_password_only_is_readable(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_text_pdf([["Article 1 applies to employers."]]))))
    writer.encrypt(user_password="", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert load_file(write(tmp_path / "a.pdf", buffer.getvalue())).text == "Article 1 applies to employers."


@pytest.mark.parametrize(
    "line",
    [
        "—1—",
        "— 12 —",
        "- 3 -",
        "-3-",
        "·4·",
        "第 1 页",
        "第1页 共27页",
        "第1页，共27页",
        "共27页 第1页",
        "Page 2 of 9",
    ],
)
def test_is_page_number_decorated_forms_anywhere(line: str) -> None:
    assert is_page_number(line, at_edge=False)


@pytest.mark.parametrize("line", ["12", "1/27", "3 / 4"])
def test_is_page_number_bare_forms_only_at_edge(line: str) -> None:
    assert is_page_number(line, at_edge=True)
    assert not is_page_number(line, at_edge=False)


@pytest.mark.parametrize("line", ["第一条", "2008", "第1条", "—", "（一）", "第十二页的内容"])
def test_is_page_number_body_lines_are_not(line: str) -> None:
    assert not is_page_number(line)


def test_clean_pages_bare_number_mid_page_is_kept() -> None:
    lines, warnings = clean_pages([["7", "甲", "30", "乙", "8"]])
    assert lines == ["甲", "30", "乙"]
    assert warnings == ["removed 2 page-number lines"]


# --- bad files ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".md", ".pdf", ".docx", ".txt", ".html"])
def test_load_file_zero_bytes_is_empty_file(tmp_path: Path, suffix: str) -> None:
    assert reason_of(write(tmp_path / f"a{suffix}", b"")) == "empty file"


def test_load_file_whitespace_only_is_empty_file(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path / "a.txt", " \u3000\r\n\t\n")) == "empty file"


def test_load_file_front_matter_only_is_empty_file(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path / "a.md", "---\ntitle: x\n---\n")) == "empty file"


def test_text_loader_binary_data_is_rejected(tmp_path: Path) -> None:
    data = bytes(range(256)) * 8  # includes NUL bytes, like any binary file
    assert reason_of(write(tmp_path / "a.txt", data)) == "binary data, not text"


def test_text_loader_control_characters_are_rejected(tmp_path: Path) -> None:
    data = b"\x01\x02\x03\x04abc" * 50
    assert reason_of(write(tmp_path / "a.txt", data)) == "binary data, not text"


def test_text_loader_undecodable_bytes_are_rejected(tmp_path: Path) -> None:
    data = bytes(range(0x80, 0x100)) * 4  # invalid UTF-8 and GB18030, no plausible legacy encoding
    reason = reason_of(write(tmp_path / "a.txt", data))
    assert reason == "cannot decode text (tried UTF-8, GB18030 and charset detection)"


def test_pdf_loader_garbage_bytes_are_corrupt(tmp_path: Path) -> None:
    data = bytes(range(1, 256)) * 4
    assert reason_of(write(tmp_path / "a.pdf", data)) == "corrupt PDF: no %PDF header"


def test_pdf_loader_truncated_file_is_corrupt(tmp_path: Path, files_dir: Path) -> None:
    data = (files_dir / LABOUR_LAW_PDF).read_bytes()[:5000]
    assert reason_of(write(tmp_path / "a.pdf", data)).startswith("corrupt PDF: ")


def test_pdf_loader_user_password_is_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert reason_of(write(tmp_path / "a.pdf", buffer.getvalue())) == "encrypted PDF"


def test_pdf_loader_blank_page_has_no_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert reason_of(write(tmp_path / "a.pdf", buffer.getvalue())) == "PDF has no text layer (scanned image?)"


def test_docx_loader_garbage_is_corrupt_docx(tmp_path: Path) -> None:
    assert reason_of(write(tmp_path / "a.docx", bytes(range(256)) * 4)) == "corrupt DOCX"


def test_docx_loader_zip_without_word_parts_is_corrupt_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    assert reason_of(write(tmp_path / "a.docx", buffer.getvalue())) == "corrupt DOCX"


def test_docx_loader_legacy_doc_is_explained(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    reason = reason_of(write(tmp_path / "a.docx", data))
    assert reason == "corrupt DOCX (legacy .doc or password-protected file)"


def test_load_file_unsupported_suffix(tmp_path: Path) -> None:
    reason = reason_of(write(tmp_path / "a.xyz", "text"))
    assert reason == "unsupported file type .xyz (supported: .md, .markdown, .txt, .pdf, .docx, .html, .htm)"


def test_load_file_missing_file(tmp_path: Path) -> None:
    assert reason_of(tmp_path / "missing.md") == "file not found"


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("title: a: b", "invalid front matter: mapping values are not allowed here (line 2)"),
        ("title: [unclosed", "invalid front matter: expected ',' or ']', but got '<stream end>' (line 3)"),
        ("- a\n- b", "invalid front matter: not a mapping (got list)"),
        ("date: 2024-02-30", "invalid front matter: day is out of range for month"),
    ],
)
def test_markdown_loader_invalid_front_matter(tmp_path: Path, front_matter: str, reason: str) -> None:
    path = write(tmp_path / "a.md", f"---\n{front_matter}\n---\n# 标题\n")
    assert reason_of(path) == reason


def test_loaders_registry_matches_supported_suffixes() -> None:
    expected = {".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm"}
    assert set(LOADERS) == set(SUPPORTED_SUFFIXES) == expected


def test_clean_pages_date_line_on_one_page_of_four_is_kept() -> None:
    pages = [["2011/7/27 10:00 仲裁庭开庭审理", "甲"], ["乙"], ["丙"], ["丁"]]
    lines, warnings = clean_pages(pages)
    assert lines == ["2011/7/27 10:00 仲裁庭开庭审理", "甲", "乙", "丙", "丁"]
    assert warnings == []
