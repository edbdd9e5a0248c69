"""The clause parser on the real corpus: offsets, paths, sizes, coverage."""

from __future__ import annotations

import pytest

from ingest.parse import MAX_CHARS, find_marker, parse_document, split_sentences

# Pinned so that a parser change that moves clause boundaries is noticed.
EXPECTED_CLAUSES = {"000": 71, "001": 41, "002": 74, "003": 17, "004": 77}


def test_every_clause_round_trips(documents):
    for doc in documents:
        for c in doc.clauses:
            assert doc.text[c.start : c.end] == c.text, c.clause_id


def test_clause_counts_are_pinned(documents):
    assert {d.doc_id: len(d.clauses) for d in documents} == EXPECTED_CLAUSES


def test_clauses_are_short_have_paths_and_unique_ids(documents):
    ids = set()
    for doc in documents:
        for c in doc.clauses:
            assert len(c.text) <= MAX_CHARS, c.clause_id
            assert c.path and all(c.path), c.clause_id
            assert c.clause_id.startswith(doc.doc_id + ":")
            assert c.clause_id not in ids
            ids.add(c.clause_id)


def test_clauses_cover_at_least_90_percent_of_non_space_text(documents):
    for doc in documents:
        covered = sum(len("".join(c.text.split())) for c in doc.clauses)
        total = len("".join(doc.text.split()))
        assert covered / total >= 0.9, doc.doc_id


def test_clauses_do_not_overlap_and_are_in_order(documents):
    for doc in documents:
        for a, b in zip(doc.clauses, doc.clauses[1:]):
            assert a.end <= b.start, (a.clause_id, b.clause_id)


def _find(documents, doc_id, prefix):
    doc = next(d for d in documents if d.doc_id == doc_id)
    return next(c for c in doc.clauses if c.text.startswith(prefix))


def test_known_path_of_international_peer_review(documents):
    c = _find(documents, "000", "6.组织国际同行评估")
    assert c.path == ("五、责任分工", "（三）高精尖中心主要职责", "6")
    assert c.clause_id == "000:5.3.6"
    assert c.kind == "item"


@pytest.mark.parametrize(
    "doc_id,prefix,path",
    [
        ("000", "1.中心建设领域面向国际科技发展前沿", ("三、组织实施", "（一）立项标准", "1")),
        ("000", "高校可根据自身优势和特点", ("三、组织实施", "（二）实施程序", "3.高校申报")),
        ("000", "3.协调各种资源", ("五、责任分工", "（二）依托高校主要职责", "3")),
        ("001", "1.支持重大基础研究。", ("三、主要任务", "（一）加强基础研究，增强高校创新源头供给质量", "1.支持重大基础研究")),
        ("001", "（三）加强考核评估。", ("四、实施保障", "（三）加强考核评估")),
        ("002", "第三步，到2030年", ("二、发展目标",)),
        ("003", "第五章考核评估共6条", ("三、主要内容", "第五章")),
        ("003", "[bookmark: _GoBack]第二章", ("三、主要内容", "第二章")),
        (
            "004",
            "实施市属高校科研计划一般项目",
            ("三、重要措施", "（二）系统优化高校基础研究布局", "重点任务3", "实施北京高校基础研究创新工程"),
        ),
        (
            "004",
            "30. 高水平建设北京高校国际科技期刊",
            (
                "三、重要措施",
                "（六）开展高水平国际交流合作",
                "重点任务8",
                "建设系列高水平科研交流合作平台",
                "30.高水平建设北京高校国际科技期刊",
            ),
        ),
    ],
)
def test_known_paths(documents, doc_id, prefix, path):
    assert _find(documents, doc_id, prefix).path == path


def test_titles_and_attachment_lines(documents):
    by_id = {d.doc_id: d for d in documents}
    assert by_id["000"].clauses[0].text == "北京高等学校高精尖创新中心建设计划\n实施方案"
    assert by_id["001"].clauses[0].text.endswith("（2022—2024年）")
    assert [c.kind for c in by_id["003"].clauses[:2]] == ["attachment", "title"]


def test_long_paragraph_is_cut_into_whole_sentences(documents):
    doc = next(d for d in documents if d.doc_id == "002")
    parts = [c for c in doc.clauses if c.clause_id.startswith("002:3.1.1.p1~")]
    assert len(parts) == 2
    assert parts[0].text.endswith("。") and parts[1].start == parts[0].end


def test_marker_styles():
    assert find_marker("第十二条 本办法").style == "article"
    assert find_marker("（十）其他").number == "十"
    assert find_marker("30. 高水平").number == "30"
    assert find_marker("2024年底") is None
    assert find_marker("（2022—2024年）") is None
    assert find_marker("[bookmark: _GoBack]第二章组建").style == "chapter"


def test_sentence_split_keeps_offsets():
    text = "前言。第一句；第二句！尾"
    spans = split_sentences(text, 10)
    assert [s.text for s in spans] == ["前言。", "第一句；", "第二句！", "尾"]
    assert all(text[s.start - 10 : s.end - 10] == s.text for s in spans)


def test_unstructured_text_still_yields_clauses():
    text = "没有任何编号的一段话。" * 60
    clauses = parse_document("900", text)
    assert clauses and all(len(c.text) <= MAX_CHARS for c in clauses)
    assert "".join(c.text for c in clauses) == text


def test_an_article_holds_its_paragraphs_and_items() -> None:
    """第四条 …是：（一）…, then a paragraph and （二）: all inside 第四条, not back in 序言."""
    text = "某某管理办法\n第三条 中心依托大型医院组建。\n鼓励多家单位联合组建中心。\n第四条 中心的主要职责是：（一）开展临床研究。\n根据建设方向，选择重点病种。\n（二）开展推广研究。\n第五条 附则。\n"
    paths = {c.text[:6]: c.path for c in parse_document("x", text)}
    assert paths["鼓励多家单位"] == paths["第三条 中心"]
    assert paths["根据建设方向"] == paths["第四条 中心"]
    assert paths["（二）开展推"][0] == paths["第四条 中心"][0]
    assert paths["第五条 附则"][0].startswith("第五条")


def test_a_flattened_document_keeps_its_articles_and_chapters():
    """A web copy flattened to one line is parsed into the articles it stood for,
    with offsets into the text as stored (made-up text in the shape of such pages)."""
    text = (
        "某某学院科研平台管理办法(试行) 第一章 总 则第一条 为规范管理,制定本办法。"
        "第二条 本办法所称平台,是指学院设立的科研机构。第二章 管理职责第三条 科研处负责平台的日常管理。"
        "第四条 平台应当每年报送工作总结。"
    )
    clauses = parse_document("f", text)
    assert [c.path[-1] for c in clauses if c.kind == "item"][:1] == ["第一条"]
    by_text = {c.text: c for c in clauses}
    assert "第三条 科研处负责平台的日常管理。" in by_text
    assert by_text["第三条 科研处负责平台的日常管理。"].path == ("第二章 管理职责", "第三条")
    assert "第二章 管理职责" in by_text and by_text["第二章 管理职责"].kind == "heading"
    assert next(c for c in clauses if c.kind == "title").text == "某某学院科研平台管理办法(试行)"
    for c in clauses:
        assert text[c.start : c.end] == c.text


def test_an_inline_marker_outside_a_run_stays_text():
    """A cross-reference (按第五条) or a lone inline （一） does not open a unit; a
    flattened line's article pairs with its neighbour on another line."""
    text = "第四条 平台按第五条规定报送材料:(一)年度总结。\n第五条 材料报送科研处。第六条 科研处负责审核。\n"
    starts = [c.text[:4] for c in parse_document("f", text)]
    assert starts == ["第四条 ", "第五条 ", "第六条 "]


def test_clause_dict_holds_every_field_as_asdict_does(documents):
    """Clause.to_dict is written by hand for speed: it must keep every field, in field order."""
    from dataclasses import asdict

    for c in documents[0].clauses:
        assert list(c.to_dict().items()) == [(k, list(v) if k == "path" else v) for k, v in asdict(c).items()]
