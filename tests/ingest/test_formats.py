"""ingest.convert on inline bytes: encodings, formats, and what it refuses."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.convert import MAX_SOURCE_BYTES, convert, drop_glosses, sniff
from ingest.errors import CorruptDocumentError, EmptyDocumentError, EncodingError, PayloadTooLargeError, UnsupportedFormatError
from tests.ingest import samples

TEXT = "北京市新型研发机构绩效评价工作指引\n第一条 为规范新型研发机构绩效评价工作，制定本指引。\n第二条 新型研发机构应当每年报送报告。\n"
TRADITIONAL = (
    "北京市新型研發機構績效評價工作指引\n第一條 為規範新型研發機構績效評價工作，制定本指引。\n第二條 新型研發機構應當每年報送報告。\n"
)


@pytest.mark.parametrize(
    "codec, expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("gbk", "gb18030"),
        ("gb2312", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_text_in_any_common_encoding_decodes_to_the_same_text(codec, expected):
    converted = convert(TEXT.encode(codec), "guide.txt")
    assert (converted.text, converted.encoding, converted.source_format) == (TEXT, expected, "txt")


def test_big5_traditional_text():
    converted = convert(TRADITIONAL.encode("big5"), "guide.txt")
    assert converted.text == TRADITIONAL and converted.encoding in ("big5", "cp950")


def test_crlf_and_bom_are_normalised_and_the_hash_is_of_the_bytes_supplied():
    import hashlib

    raw = ("\ufeff" + TEXT.replace("\n", "\r\n")).encode("utf-8")
    converted = convert(raw, "guide.txt")
    assert converted.text == TEXT and converted.sha256 == hashlib.sha256(raw).hexdigest()


def test_pinyin_glosses_of_a_web_copy_are_dropped():
    """應(yīng)當(dāng)於… reads 應當於…; brackets that are no gloss (a letter without a tone
    mark, an ordinary note) stay, and the hash is still of the bytes supplied."""
    raw = "第三條 各院(系)應(yīng)當(dāng)制定安全管理制度(試行),見附件(a)。\n".encode("utf-8")
    converted = convert(raw, "rules.txt")
    assert converted.text == "第三條 各院(系)應當制定安全管理制度(試行),見附件(a)。\n"
    assert drop_glosses("重點(diǎn)實驗室") == "重點實驗室"


def test_mixed_encodings_are_refused():
    raw = TEXT.encode("utf-8") + TEXT.encode("gb18030")
    with pytest.raises(EncodingError, match="mixes encodings"):
        convert(raw, "mixed.txt")


def test_unknown_format_names_the_file_and_what_was_found():
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    with pytest.raises(UnsupportedFormatError) as err:
        convert(png, "scan.png")
    assert "scan.png" in err.value.message and "PNG image" in err.value.message
    with pytest.raises(UnsupportedFormatError, match="legacy Office/WPS"):
        convert(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.doc")


def test_content_decides_over_a_wrong_suffix(tmp_path):
    pdf = samples.pdf_file(tmp_path / "draft.pdf").read_bytes()
    assert convert(pdf, "draft.txt").source_format == "pdf"
    with pytest.raises(CorruptDocumentError, match="holds text"):
        convert(TEXT.encode(), "draft.pdf")


def test_corrupt_docx_and_pdf(tmp_path):
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<broken")
        z.writestr("word/document.xml", "<w:document")
    with pytest.raises(CorruptDocumentError, match="not a readable Word document"):
        convert(broken.getvalue(), "broken.docx")
    pdf = samples.pdf_file(tmp_path / "draft.pdf").read_bytes()
    with pytest.raises(CorruptDocumentError, match="not a readable PDF"):
        convert(pdf[:600], "truncated.pdf")


def test_encrypted_pdf_says_so():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    with pytest.raises(CorruptDocumentError) as err:
        convert(bytes(pdf.output()), "locked.pdf")
    assert "password" in err.value.message.lower() and "password" in err.value.hint


def test_scanned_pdf_without_text_layer():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 150, 200, style="F")  # stands for a scanned page image
    with pytest.raises(EmptyDocumentError, match="no text layer"):
        convert(bytes(pdf.output()), "scan.pdf")


def test_page_without_main_text():
    page = (
        "<html><head><title>通知公告</title></head><body><div class=nav><a>首页</a> <a>政务公开</a></div>"
        "<script>var a = 1;</script><div class=footer>京ICP备05083327号</div></body></html>"
    )
    with pytest.raises(EmptyDocumentError, match="no main text"):
        convert(page.encode("utf-8"), "index.html")


def test_oversized_and_empty_files():
    with pytest.raises(PayloadTooLargeError, match=str(MAX_SOURCE_BYTES)):
        convert(b" " * (MAX_SOURCE_BYTES + 1), "huge.txt")
    with pytest.raises(EmptyDocumentError, match="empty"):
        convert(b"\r\n  \r\n", "blank.txt")


def test_html_keeps_main_text_and_drops_site_chrome():
    converted = convert(samples.html_page(), samples.HTML.name)
    assert converted.encoding == "gb18030" and converted.text.startswith(samples.HTML.title + "\n")
    for chrome in ("当前位置", "字体", "打印", "分享到", "京ICP备", "网站地图", "政务公开"):
        assert chrome not in converted.text, chrome
    assert samples.HTML.duty in converted.text


def test_pdf_drops_running_heads_and_page_numbers_and_joins_wrapped_lines(tmp_path):
    text = convert(samples.pdf_file(tmp_path / "draft.pdf").read_bytes(), "draft.pdf").text
    assert text.count(samples.PDF.title) == 0  # the running head; the title itself wraps over two lines
    assert "北京高校协同创新中心管理办法\n（征求意见稿）\n第一条" in text
    assert not any(line.strip().startswith("- ") for line in text.splitlines())
    assert f"第三十条 {samples.PDF.duty}，报告内容" in text  # one line, though it wrapped on the page


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.7", "pdf"),
        (b"\x89PNG", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        ("文本".encode(), "text"),
        (bytes(range(32)) * 4, "binary"),
    ],
)
def test_sniff(data, kind):
    assert sniff(data) == kind


def test_word_list_styles_are_numbered_as_word_shows_them():
    import docx

    document = docx.Document()
    document.add_paragraph("工作要求")
    for text in ("按时报送", "据实填写", "加强管理"):
        document.add_paragraph(text, style="List Number")  # numbering that comes from the style
    document.add_paragraph("附注", style="List Bullet")  # a bullet is no number
    out = io.BytesIO()
    document.save(out)
    assert convert(out.getvalue(), "list.docx").text == "工作要求\n1. 按时报送\n2. 据实填写\n3. 加强管理\n附注"
