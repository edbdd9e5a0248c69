"""ingest.metadata: what a document's text states about itself, and nothing more."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from ingest.metadata import read_metadata, resolve
from tests.conftest import link_model

NOTICE = """北京市教育委员会文件
京教研〔2022〕13号
北京市教育委员会 北京市财政局关于印发
《北京高等学校卓越实验室建设管理办法》的通知
各有关高等学校：
根据《北京市人民政府关于加强科技创新的意见》（京政发〔2016〕12号），现将办法印发给你们。
第一条 本办法自2022年6月1日起施行。
附件：1.申报书
北京市教育委员会　　北京市财政局
二〇二二年五月十日
（此件主动公开）
"""


def values(text: str) -> dict:
    return {k: v.value for k, v in read_metadata(text).items()}


def test_a_notice_in_official_layout():
    found = read_metadata(NOTICE)
    assert {k: v.value for k, v in found.items()} == {
        "title": "北京市教育委员会 北京市财政局关于印发《北京高等学校卓越实验室建设管理办法》的通知",
        "doc_no": "京教研〔2022〕13号",
        "issuers": ["北京市教育委员会", "北京市财政局"],
        "issued": "2022-05-10",
        "effective": "2022-06-01",
    }
    for key in ("doc_no", "issued"):
        assert NOTICE[found[key].start : found[key].end].startswith(("京教研", "二〇二二"))


def test_a_cited_doc_no_is_not_the_documents_own():
    text = "关于加强科研管理的意见\n根据《关于深化改革的意见》（国发〔2016〕12号），提出如下意见。\n"
    assert "doc_no" not in values(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("北京高校科研创新发展行动计划\n（2022—2024年）\n为深入贯彻……。", "北京高校科研创新发展行动计划（2022—2024年）"),
        (
            "附件2\n关于《北京市技术创新中心建设工作指引\n（征求意见稿）》的起草说明\n一、背景",
            "关于《北京市技术创新中心建设工作指引（征求意见稿）》的起草说明",
        ),
        ("发布时间:2023-07-18\n政策级别:市级\n关于开展绩效评估的通知\n各单位：", "关于开展绩效评估的通知"),
    ],
)
def test_titles_that_wrap_or_follow_page_fields(text, expected):
    assert values(text)["title"] == expected


def test_web_copy_fields_and_drafts():
    text = "发文机关：北京市科学技术委员会\n成文日期：2023-02-20\n北京市技术创新中心建设工作指引（征求意见稿）\n第一条 本指引自印发之日起施行。"
    assert values(text) == {
        "title": "北京市技术创新中心建设工作指引（征求意见稿）",
        "status": "draft",
        "issuers": ["北京市科学技术委员会"],
        "issued": "2023-02-20",
        "effective": "2023-02-20",
    }


def test_nothing_stated_nothing_invented():
    text = "各单位应当每年年底前报送年度报告。\n市教委负责解释。\n"
    meta = resolve({}, text, default_title="report")
    assert meta["title"] == "report" and "title" in meta["inferred"]
    assert meta["unknown"] == ["doc_no", "issuers", "issued", "effective", "year"]
    assert (meta["doc_no"], meta["issuers"], meta["issued"], meta["effective"], meta["year"]) == (None, [], None, None, None)


def test_the_manifest_overrides_and_its_null_is_kept():
    meta = resolve({"title": "给定标题", "year": None, "issuers": ["某厅"]}, NOTICE, default_title="x")
    assert (meta["title"], meta["year"], meta["issuers"]) == ("给定标题", None, ["某厅"])
    assert meta["doc_no"] == "京教研〔2022〕13号" and "doc_no" in meta["inferred"]
    assert not {"title", "year", "issuers"} & set(meta["inferred"])
    assert meta["spans"]["doc_no"] == [NOTICE.index("京教研"), NOTICE.index("京教研") + len("京教研〔2022〕13号")]


def test_a_folder_without_manifest_ingests_with_metadata_from_the_text(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notice.txt").write_bytes(NOTICE.encode("gb18030"))
    (corpus / "plain.txt").write_text("各单位应当每年年底前向市教委报送年度报告。\n", "utf-8")
    (corpus / "readme.md").write_text("not a document", "utf-8")
    data = tmp_path / "data"
    link_model(data)
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["documents", "--data", str(data), "--json"])
    docs = {d["file"]: d for d in json.loads(result.stdout)["documents"]}
    assert set(docs) == {"notice.txt", "plain.txt"}
    notice, plain = docs["notice.txt"], docs["plain.txt"]
    assert notice["doc_no"] == "京教研〔2022〕13号" and notice["encoding"] == "gb18030" and notice["year"] == 2022
    assert notice["doc_id"].startswith("n") and plain["doc_id"].startswith("h")
    assert plain["title"] == "plain" and set(plain["unknown"]) == {"doc_no", "issuers", "issued", "effective", "year"}
    # ids are stable: the same folder gives the same ids
    again = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert again.exit_code == 0
    result = CliRunner().invoke(main, ["documents", "--data", str(data), "--json"])
    assert {d["doc_id"] for d in json.loads(result.stdout)["documents"]} == {notice["doc_id"], plain["doc_id"]}


def test_cited_documents_with_their_doc_no():
    meta = resolve({}, NOTICE, default_title="x")
    assert [(c["title"], c["doc_no"]) for c in meta["cites"]] == [
        ("北京高等学校卓越实验室建设管理办法", None),
        ("北京市人民政府关于加强科技创新的意见", "京政发〔2016〕12号"),
    ]
    first = meta["cites"][1]
    assert NOTICE[first["start"] : first["end"]] == "《北京市人民政府关于加强科技创新的意见》（京政发〔2016〕12号）"
    assert "cites" in meta["inferred"] and resolve({"cites": []}, NOTICE, default_title="x")["cites"] == []
