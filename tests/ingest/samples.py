"""Real files of each supported format, made by the tests themselves.

Each is a small made-up policy document in the shape of real ones (文号 on
its own line, 第X条 articles, a duty with a deadline, a 落款 with the issuer
and the date, a closing 施行 sentence), so that conversion, metadata reading
and extraction are all exercised on one file:

* a page saved from a government site (GB2312 declared, GB18030 bytes) with
  navigation, breadcrumb, 字体[大 中 小], share buttons and a footer;
* a Word file written by python-docx whose 第X条 and （一） numbers are
  Word's automatic list numbering, with a table;
* a PDF written by fpdf2 in the wqy-microhei font, with a running head and
  page numbers on every page;
* GB18030 plain text with CRLF line ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """A sample file and what reading it must give."""

    name: str
    title: str
    doc_no: str | None
    issuers: list[str]
    issued: str
    effective: str
    status: str
    platform_type: str
    duty: str
    """Text of a clause that carries an obligation."""


HTML = Sample(
    "notice.html",
    "北京市教育委员会关于印发《北京高等学校卓越实验室建设管理办法》的通知",
    "京教研〔2022〕13号",
    ["北京市教育委员会"],
    "2022-05-10",
    "2022-05-10",
    "final",
    "卓越实验室",
    "依托高校应当每年12月31日前向市教委报送卓越实验室年度工作报告。",
)
DOCX = Sample(
    "measures.docx",
    "北京市重点实验室建设与运行管理办法",
    "京科发〔2021〕8号",
    ["北京市科学技术委员会"],
    "2021-03-01",
    "2021-04-01",
    "final",
    "重点实验室",
    "每年1月31日前向市科委报送上一年度运行报告；",
)
PDF = Sample(
    "draft.pdf",
    "北京高校协同创新中心管理办法（征求意见稿）",
    None,
    ["北京市教育委员会", "北京市财政局"],
    "2023-09-15",
    "2023-09-15",
    "draft",
    "协同创新中心",
    "协同创新中心应当每年11月30日前向市教委报送年度绩效自评报告",
)
GB18030 = Sample(
    "guide.txt",
    "北京市新型研发机构绩效评价工作指引",
    "京科发〔2023〕5号",
    ["北京市科学技术委员会"],
    "2023-02-20",
    "2023-03-01",
    "final",
    "新型研发机构",
    "新型研发机构应当每年3月31日前向市科委报送上一年度绩效自评报告。",
)


def font_path() -> Path:
    """The WenQuanYi Micro Hei font file, found through fontconfig (installed by scripts/test.sh)."""
    import subprocess

    found = subprocess.run(["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"], capture_output=True, text=True)
    path = Path(found.stdout.strip())
    if found.returncode != 0 or "wqy-microhei" not in path.name:
        raise RuntimeError("fonts-wqy-microhei is not installed: run `bash scripts/test.sh` (it installs it)")
    return path


def html_page() -> bytes:
    body = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{HTML.title}_通知公告_北京市教育委员会</title></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/bsfw">办事服务</a> <a href="/hdjl">互动交流</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
<div class="article">
<h1>{HTML.title}</h1>
<div class="info">发布时间：2022-05-11 来源：北京市教育委员会 字体：[<a>大</a> <a>中</a> <a>小</a>] <a>打印</a> <a>关闭</a></div>
<div class="content">
<p>{HTML.doc_no}</p>
<p>各有关高等学校：</p>
<p>为加强北京高等学校卓越实验室建设，现将《北京高等学校卓越实验室建设管理办法》印发给你们，请认真贯彻执行。</p>
<p>北京高等学校卓越实验室建设管理办法</p>
<p>第一章 总则</p>
<p>第一条 为规范北京高等学校卓越实验室（以下简称卓越实验室）的建设与管理，制定本办法。</p>
<p>第二条 卓越实验室依托北京地区高等学校建设，建设周期为五年。</p>
<p>第二章 职责</p>
<p>第三条 {HTML.duty}</p>
<p>第四条 卓越实验室应当在一个建设周期内至少组织一次国际同行评估。考核不合格的，市教委将减少经费支持；连续两次不合格的，撤销资格并摘牌。</p>
<p>第五条 本办法自印发之日起施行。</p>
<p>北京市教育委员会</p>
<p>2022年5月10日</p>
</div></div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="footer"><p>主办：北京市教育委员会 地址：北京市西城区前门西大街109号 邮编：100031</p>
<p>京ICP备05083327号 京公网安备11010202000001号 网站标识码：1100000063</p>
<p><a>网站地图</a> <a>联系我们</a> <a>使用帮助</a></p></div>
</body></html>
"""
    return body.encode("gb18030")


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_file(path: Path) -> Path:
    """A .docx whose article and item numbers are Word's own list numbering."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {_W} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int = 0) -> None:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    document.add_paragraph(DOCX.title)
    document.add_paragraph(DOCX.doc_no)
    numbered(" 为加强北京市重点实验室（以下简称重点实验室）的建设与运行管理，制定本办法。")
    numbered(" 重点实验室依托单位应当履行以下职责：")
    numbered(DOCX.duty, 1)
    numbered("为重点实验室提供必要的科研用房和配套经费。", 1)
    numbered(" 市科委对重点实验室给予经费支持，标准如下：")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "类别", (0, 1): "支持额度", (1, 0): "重点实验室", (1, 1): "每年不超过200万元"}.items():
        table.cell(r, c).text = text
    numbered(" 本办法自2021年4月1日起施行。")
    document.add_paragraph("北京市科学技术委员会")
    document.add_paragraph("2021年3月1日")
    document.save(str(path))
    return path


def pdf_file(path: Path) -> Path:
    """A two-page PDF with a running head and page numbers, Chinese text in wqy-microhei."""
    from cn2an import an2cn
    from fpdf import FPDF

    font = font_path()

    class Pages(FPDF):
        def header(self) -> None:
            self.set_font("wqy", size=9)
            self.cell(0, 8, PDF.title, align="C")
            self.ln(12)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("wqy", size=9)
            self.cell(0, 8, f"- {self.page_no()} -", align="C")

    pdf = Pages()
    pdf.add_font("wqy", fname=str(font))
    pdf.add_page()
    pdf.set_font("wqy", size=12)
    lines = [
        "北京高校协同创新中心管理办法",
        "（征求意见稿）",
        "第一条 为规范北京高校协同创新中心（以下简称协同创新中心）的建设与管理，提升高校服务首都经济社会发展的能力，制定本办法。",
    ]
    lines += [
        f"第{an2cn(n)}条 协同创新中心应当围绕首都重大需求开展第{n}项协同攻关，建立健全内部管理制度，规范经费使用，定期开展自我评估，并接受市教委和市财政局的监督检查。"
        for n in range(2, 30)
    ]
    lines += [
        f"第三十条 {PDF.duty}，报告内容包括协同攻关进展、人才培养、经费使用等情况。",
        "第三十一条 本办法自印发之日起施行。",
        "北京市教育委员会  北京市财政局",
        "2023年9月15日",
    ]
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
    pdf.output(str(path))
    return path


def gb18030_text() -> bytes:
    lines = [
        GB18030.title,
        GB18030.doc_no,
        "各新型研发机构：",
        "第一条 为规范新型研发机构绩效评价工作，制定本指引。",
        f"第二条 {GB18030.duty}",
        "第三条 市科委每三年组织一次绩效评价，评价结果作为后续支持的重要依据。",
        "第四条 本指引自2023年3月1日起施行。",
        "北京市科学技术委员会",
        "2023年2月20日",
        "",
    ]
    return "\r\n".join(lines).encode("gb18030")


def write_all(folder: Path) -> dict[str, Path]:
    """Every sample in ``folder``, by sample name."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HTML.name).write_bytes(html_page())
    (folder / GB18030.name).write_bytes(gb18030_text())
    word_file(folder / DOCX.name)
    pdf_file(folder / PDF.name)
    return {s.name: folder / s.name for s in (HTML, DOCX, PDF, GB18030)}
