"""Turn a file as users receive it into the one UTF-8 text all offsets refer to.

Policy documents arrive as pages saved from government sites, Word files,
PDFs and GBK/GB18030/Big5/UTF-16 text. Each is converted exactly once, by the
pure function :func:`convert` (bytes + file name → text, format, encoding);
the caller stores that text and keeps the original bytes and their SHA-256
beside it, so a citation's ``[start, end)`` points into a stable text and the
text can be traced back to the file the user supplied.

The work is left to maintained libraries wherever one exists: charset-
normalizer names legacy encodings, trafilatura separates a page's main text
from its navigation, breadcrumbs, font-size switches and footers,
python-docx reads Word paragraphs and tables, pypdfium2 reads a PDF's text
layer. What is written here is only the glue those libraries leave open:
Word's automatic numbering (which python-docx does not render), and a PDF's
running heads, page numbers and hard line wraps; and the pinyin glosses some
sites print after every character (應(yīng)當(dāng)), which no library drops.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from .errors import CorruptDocumentError, EmptyDocumentError, EncodingError, PayloadTooLargeError, UnsupportedFormatError

MAX_SOURCE_BYTES = 20_000_000
"""Largest source file accepted (20 MB): far above any policy text (the seeds
are under 60 KB, a 200-page PDF about 5 MB) and small enough that a
conversion never exhausts memory. Checked before anything is decoded."""

FORMATS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
"""File suffix → source format; every supported suffix is listed here."""


@dataclass(frozen=True)
class Converted:
    """A source converted to text: the text offsets refer to, and where it came from."""

    text: str
    source_format: str
    encoding: str | None
    """The source's character encoding as detected (``None`` for PDF: no text encoding applies)."""
    sha256: str
    """Of the bytes as supplied."""


def is_supported(filename: str) -> bool:
    """Whether ``filename`` has a suffix :func:`convert` reads."""
    return _suffix(filename) in FORMATS


def convert(data: bytes, filename: str, *, max_bytes: int = MAX_SOURCE_BYTES) -> Converted:
    """The UTF-8 text of ``data`` (the contents of ``filename``), or a clear error.

    The format follows the content when it is unmistakable (a PDF named
    ``.txt`` is read as a PDF), else the suffix. Line ends become ``\\n`` and
    a byte-order mark is dropped, so the text is the same whatever editor
    saved it.
    """
    if len(data) > max_bytes:
        raise PayloadTooLargeError(
            f"{filename} is {len(data)} bytes; the limit is {max_bytes}", hint="split the document, or supply only its text"
        )
    suffix = _suffix(filename)
    found = sniff(data)
    if suffix not in FORMATS:
        raise UnsupportedFormatError(
            f"{filename}: {suffix or 'no suffix'} is not a supported format; the content looks like {_describe(found)}",
            hint="supply it as " + ", ".join(sorted(set(FORMATS))) + " (save a .doc/.wps as .docx)",
        )
    fmt = found if found in ("pdf", "docx") else FORMATS[suffix]
    if fmt in ("pdf", "docx") and found != fmt:
        raise CorruptDocumentError(
            f"{filename} is named {suffix} but holds {_describe(found)}", hint=f"open it and save it again as {suffix}"
        )
    text, encoding = _CONVERTERS[fmt](data, filename)
    text = drop_glosses(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise EmptyDocumentError(f"{filename} is empty: it has no text", hint="supply the document's text")
    return Converted(text, fmt, encoding, hashlib.sha256(data).hexdigest())


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])\((?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
"""a tone-marked pinyin syllable in brackets right after a character: 應(yīng)"""


def drop_glosses(text: str) -> str:
    """``text`` without the pinyin glosses a web copy printed after its characters.

    應(yīng)當(dāng)于… is 应当于… to a reader, but no modal, name or date pattern
    sees it through the brackets, so the stored text (what every offset refers
    to) is the text as read. Gold spans copied from such a file are read
    through the same function (graph/evaluate.py, search/evaluate.py)."""
    return _GLOSS.sub("", text) if "(" in text else text


def _suffix(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
)
_DESCRIPTIONS = {
    "pdf": "a PDF document",
    "docx": "a Word (.docx) document",
    "ole": "a legacy Office/WPS file (.doc, .wps, .xls)",
    "xlsx": "an Excel workbook",
    "pptx": "a PowerPoint deck",
    "zip": "a ZIP archive",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "tiff": "a TIFF image",
    "rtf": "an RTF document",
    "gzip": "a gzip archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "text": "text",
    "binary": "binary data",
}


def sniff(data: bytes) -> str:
    """What the bytes are, from their signature: ``pdf``, ``docx``, ``png`` … or ``text``/``binary``."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        return "xlsx" if any(n.startswith("xl/") for n in names) else "pptx" if any(n.startswith("ppt/") for n in names) else "zip"
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    controls = sum(b < 9 or 13 < b < 32 for b in head)  # a stray one is damaged text, not binary
    return "binary" if controls > len(head) // 20 else "text"


def _describe(kind: str) -> str:
    return _DESCRIPTIONS.get(kind, kind)


# -- text and encodings ------------------------------------------------------------

_LEGACY_UPGRADE = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "cp950"}
"""Detected names → the superset codec that decodes every file of that family."""


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """``(text, encoding)`` of text bytes in any common Chinese encoding.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised exactly;
    anything else is named by charset-normalizer and decoded strictly. A file
    whose lines are partly UTF-8 and partly something else is refused: no
    single decoding would be right, and a guess would corrupt facts silently.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig", filename), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", filename), "utf-16"
    if sniff(data) == "binary":
        raise EncodingError(
            f"{filename} looks binary (found {_describe('binary')}), not a text document",
            hint="supply the document as text, .html, .docx or .pdf",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        bad_at = err.start
    _refuse_mixed(data, filename)
    encoding = guess_encoding(data)
    if encoding is None:
        raise EncodingError(
            f"{filename} is not UTF-8 (byte {bad_at}) and its encoding cannot be told",
            hint=f"convert it first, e.g. `iconv -f GB18030 -t UTF-8 {filename}`",
        )
    return _strict(data, encoding, filename), encoding


def guess_encoding(data: bytes) -> str | None:
    """The codec charset-normalizer finds for ``data`` (upgraded to its superset), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    name = best.encoding.lower().replace("_", "")
    return _LEGACY_UPGRADE.get(name, best.encoding.lower())


def _strict(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise EncodingError(
            f"{filename} cannot be decoded as {encoding}: {err}", hint="re-save the file in one encoding (UTF-8 preferred)"
        ) from err


def _refuse_mixed(data: bytes, filename: str) -> None:
    """Raise if some lines are valid non-ASCII UTF-8 and others are not UTF-8 at all."""
    utf8_line, other_line = None, None
    for number, line in enumerate(data.splitlines(), 1):
        if line.isascii():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
            continue
        if sum("\u4e00" <= ch <= "\u9fff" for ch in decoded) >= 3:
            utf8_line = utf8_line or number
    if utf8_line and other_line:
        raise EncodingError(
            f"{filename} mixes encodings: line {utf8_line} is UTF-8, line {other_line} is not",
            hint="re-save the whole file in one encoding (UTF-8 preferred)",
        )


# -- HTML ----------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def html_to_text(data: bytes, filename: str) -> tuple[str, str]:
    """The main text of a web page (trafilatura), its title first, and the page's encoding."""
    import trafilatura

    declared = _META_CHARSET.search(data[:4096])
    name = declared.group(1).decode().lower() if declared else ""
    if name and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = _LEGACY_UPGRADE.get(name.replace("-", "").replace("_", ""), name)
        try:
            page = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            page, encoding = decode_text(data, filename)
    else:
        page, encoding = decode_text(data, filename)
    doc = trafilatura.bare_extraction(page, include_tables=True, include_comments=False, with_metadata=True)
    found: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict() if doc is not None else {}  # a dict in older versions
    body = str(found.get("text") or "").strip()
    if not any("。" in line or len(line) >= 30 for line in body.splitlines()):  # link lists only
        raise EmptyDocumentError(
            f"{filename}: the page has no main text (only navigation, links or scripts)",
            hint="save the page of the document itself, or copy its text into a .txt file",
        )
    title = str(found.get("title") or "").strip()
    head = body[:300].replace("\n", "")
    return (f"{title}\n{body}" if title and title not in head else body), encoding


# -- DOCX ------------------------------------------------------------------------


def docx_to_text(data: bytes, filename: str) -> tuple[str, str]:
    """Paragraphs and tables in document order, Word's automatic numbering written out.

    Table rows become lines with cells joined by a tab, so a row stays one
    citable unit.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as err:
        raise CorruptDocumentError(
            f"{filename} is not a readable Word document: {err}", hint="open it in Word or WPS and save it again as .docx"
        ) from err
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells))  # merged cells repeat
                if any(cells):
                    lines.append("\t".join(cells))
        else:
            lines.append(numbering.label(block) + block.text)
    return "\n".join(lines), "utf-8"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _chinese(n: int) -> str:
    import cn2an

    return str(cn2an.an2cn(n))


_NUMBER_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": lambda n: _roman(n),
}


def _roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + sym, n - value
    return out


class _Numbering:
    """Renders Word's list numbers (第X条, 一、, （一）, 1.) the way Word displays them.

    python-docx exposes the numbering definitions but does not count; this
    keeps one counter per list and level, resets deeper levels when a level
    advances, and formats with the level's ``lvlText`` and ``numFmt``.
    """

    def __init__(self, document: object) -> None:
        self._levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            definition = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.iter(f"{_W}lvl"):
                fmt, text, start = (lvl.find(f"{_W}{tag}") for tag in ("numFmt", "lvlText", "start"))
                self._levels[(num.get(f"{_W}numId"), int(lvl.get(f"{_W}ilvl")))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    text.get(f"{_W}val") if text is not None else "",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )

    def label(self, paragraph: object) -> str:
        """The number Word shows before ``paragraph`` ("" when it is not in a list)."""
        num_id, ilvl = self._num_pr(paragraph)
        if num_id is None or (num_id, ilvl) not in self._levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        _, _, start = self._levels[(num_id, ilvl)]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def level_number(m: re.Match[str]) -> str:
            level = int(m.group(1)) - 1
            fmt, _, first = self._levels.get((num_id, level), ("decimal", "", 1))
            return _NUMBER_FORMATS.get(fmt, str)(counters.get(level, first))

        fmt, text, _ = self._levels[(num_id, ilvl)]
        if fmt in ("bullet", "none"):
            return ""
        label = re.sub(r"%(\d)", level_number, text)
        return label if label.endswith(("、", "条", "章", "节", "）", ")", " ", "\t")) else label + " "

    @staticmethod
    def _num_pr(paragraph: object) -> tuple[str | None, int]:
        """The paragraph's list and level, from its own properties or its style's."""
        for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):  # type: ignore[attr-defined]
            if holder is None:
                continue
            pr = holder if holder.tag == f"{_W}pPr" else holder.find(f"{_W}pPr")
            num_pr = pr.find(f"{_W}numPr") if pr is not None else None
            if num_pr is None:
                continue
            num_id, ilvl = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
            if num_id is not None and num_id.get(f"{_W}val") != "0":
                return num_id.get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
        return None, 0


# -- PDF -------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$")
_SENTENCE_END = ("。", "；", "：", "！", "？", ";", ":", "!", "?", "”", "」")
_ITEM_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节条款]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|附件)"
)


def pdf_to_text(data: bytes, filename: str) -> tuple[str, None]:
    """The text layer in reading order, without running heads, footers and page
    numbers, with the line wraps of full lines undone."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        hint = (
            "remove the password (print to a new PDF) and try again"
            if "password" in str(err).lower()
            else "open it and save it again as PDF"
        )
        raise CorruptDocumentError(f"{filename} is not a readable PDF: {err}", hint=hint) from err
    try:
        pages = [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n").replace("\r", "\n").split("\n") for i in range(len(pdf))]
    finally:
        pdf.close()
    if not any(line.strip() for page in pages for line in page):
        raise EmptyDocumentError(
            f"{filename} has no text layer ({len(pages)} page(s), a scan?)",
            hint="run OCR first (e.g. ocrmypdf -l chi_sim) or supply the text",
        )
    lines = [line for page in _strip_running_lines(pages) for line in page]
    return "\n".join(_unwrap(lines)), None


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    edges: Counter[str] = Counter()
    for page in pages:
        body = [ln for ln in page if ln.strip()]
        edges.update({key(ln) for ln in body[:2] + body[-2:]})
    repeated = {k for k, n in edges.items() if len(pages) >= 2 and n >= max(2, len(pages) * 0.6)}
    out = []
    for page in pages:
        body = [ln.rstrip() for ln in page if ln.strip()]  # a paragraph's indent is kept for _unwrap
        while body and (_PAGE_NUMBER.match(body[-1]) or key(body[-1]) in repeated):
            body.pop()
        while body and (_PAGE_NUMBER.match(body[0]) or key(body[0]) in repeated):
            body.pop(0)
        out.append(body)
    return out


def _width(line: str) -> float:
    """Visual width in full-width characters (ASCII counts half)."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in line)


def _unwrap(lines: list[str]) -> list[str]:
    """Join a line to the previous one when that one filled the line (it wrapped).

    Where the document indents its paragraphs (as 公文 do, with 　　), an
    unindented line after a full one continues it; otherwise a full line
    that ends a sentence is taken as a paragraph's end.
    """
    if not lines:
        return lines
    full = sorted(_width(ln.strip()) for ln in lines)[int(len(lines) * 0.9) - 1 if len(lines) > 1 else 0]
    indents = sum(ln[:1].isspace() for ln in lines) >= 3
    out: list[str] = []
    wrapped = False
    for line in lines:
        text = line.strip()
        starts = line[:1].isspace() or bool(_ITEM_START.match(text))
        if wrapped and not starts and (indents or not out[-1].endswith(_SENTENCE_END)):
            out[-1] += text
        else:
            out.append(line.rstrip() if line[:1].isspace() else text)
        wrapped = _width(text) >= full - 3
    return out


_CONVERTERS: dict[str, Callable[[bytes, str], tuple[str, str | None]]] = {
    "txt": decode_text,
    "html": html_to_text,
    "docx": docx_to_text,
    "pdf": pdf_to_text,
}
