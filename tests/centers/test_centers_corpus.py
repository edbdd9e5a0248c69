"""The real corpus/centers.csv: every row loads or is rejected with a reason."""

from __future__ import annotations

import csv
import json

import pytest

from ingest.centers import CenterLoad, load_centers
from tests.centers.conftest import REAL_CENTERS


@pytest.fixture(scope="module")
def load() -> CenterLoad:
    assert REAL_CENTERS.is_file(), f"missing real center records at {REAL_CENTERS}"
    return load_centers(REAL_CENTERS)


@pytest.fixture(scope="module")
def by_id(load: CenterLoad) -> dict:
    return {r.record_id: r for r in load.records}


def test_every_row_is_accounted_for(load: CenterLoad) -> None:
    with REAL_CENTERS.open(encoding="utf-8", newline="") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    assert len(load.records) + len(load.rejected) == n_rows
    assert all(r.reason for r in load.rejected)


def test_counts_pinned(load: CenterLoad) -> None:
    assert (len(load.records), len(load.rejected)) == (28, 0)
    kinds = [r.record_kind for r in load.records]
    assert (kinds.count("center"), kinds.count("program")) == (26, 2)


def test_provenance_on_every_record(load: CenterLoad) -> None:
    for rec in load.records:
        assert rec.source["file"] == "centers.csv"
        assert rec.source["source_url"] == rec.source_url
        assert rec.source["confidence"] == rec.confidence in {"high", "medium", "low"}
        assert rec.name and rec.aliases and rec.aliases[0] == rec.name
    # row numbers are file lines: the header is line 1 and no cell spans lines here
    assert [r.source["row"] for r in load.records] == list(range(2, 30))


def test_to_dict_is_json_ready(load: CenterLoad) -> None:
    data = json.loads(json.dumps(load.to_dict(), ensure_ascii=False))
    first = data["records"][0]
    assert first["source"] == {
        "file": "centers.csv",
        "row": 2,
        "source_url": "http://betterchoiceinc.com/news/720?secondId=8",
        "confidence": "high",
    }
    assert first["hosts"][1] == {"name": "清华大学", "note": "联合牵头"}


def test_traditional_with_pinyin_glosses_is_cleaned(by_id: dict) -> None:
    c001 = by_id["C001"]
    assert c001.name_in_source == "集成電路高精尖創(chuàng)新中心"  # raw kept
    assert "集成电路高精尖创新中心" in c001.aliases
    c002 = by_id["C002"]
    assert "未来区块链与隐私计算高精尖创新中心" in c002.aliases


def test_no_alias_keeps_traditional_forms_quotes_or_glosses(load: CenterLoad) -> None:
    for rec in load.records:
        for alias in rec.aliases + [h.name for h in rec.hosts] + [f.name for f in rec.fields]:
            assert not any(ch in alias for ch in "創聯區實驗術號“”"), (rec.record_id, alias)
            assert "(chu" not in alias and "(lián)" not in alias, (rec.record_id, alias)


def test_quoted_names_lose_their_quotes(by_id: dict) -> None:
    assert by_id["C003"].aliases == ["北京未来芯片技术高精尖创新中心"]
    assert by_id["C018"].aliases == ["环境前沿技术北京实验室"]
    assert by_id["C019"].aliases == ["脑与认知智能北京实验室"]


def test_english_names(by_id: dict) -> None:
    c004 = by_id["C004"]
    assert c004.english_names == ["Beijing Advanced Innovation Center for Structural Biology (ICSB)"]
    assert c004.acronyms == ["ICSB"]
    assert "Beijing Advanced Innovation Center for Structural Biology" in c004.aliases
    assert "清华大学结构生物学高精尖创新中心" in c004.aliases
    # from a quoted phrase in the notes
    assert by_id["C001"].english_names == ["Beijing Advanced Innovation Center for Integrated Circuits"]
    # a machine-translated phrase with an editorial bracket is not a name
    assert by_id["C003"].english_names == []
    # an affiliation's trailing host is split off the name
    assert by_id["C014"].english_names == ["Beijing Advanced Innovation Center for Big Data-Based Precision Medicine"]
    # a snippet fragment ("Innovation Center for Genomics") does not add a name
    assert by_id["C012"].english_names == ["Beijing Advanced Innovation Center for Genomics (ICG)"]
    # a comma inside the name stays; the source's missing space does not make a second name
    assert by_id["C010"].english_names == ["Beijing Materials and Gene Engineering high-grade, precision and advanced Innovation Center"]


def test_english_only_record_keeps_chinese_short_name(by_id: dict) -> None:
    c013 = by_id["C013"]
    assert c013.name == "Beijing Advanced Innovation Center for Biomedical Engineering"
    assert "生医高精尖中心" in c013.aliases


def test_source_note_in_name_in_source_becomes_a_note(by_id: dict) -> None:
    c007 = by_id["C007"]
    assert c007.aliases == ["林木分子设计育种高精尖创新中心", "北京林业大学林木分子设计育种高精尖创新中心"]
    assert c007.name_notes == ["中国教育报 2016-10-18, search excerpt without URL"]


def test_hosts_split_with_notes(by_id: dict) -> None:
    assert [(h.name, h.note) for h in by_id["C001"].hosts] == [("北京大学", ""), ("清华大学", "联合牵头")]
    assert [(h.name, h.note) for h in by_id["C002"].hosts] == [("北京航空航天大学", "per paper affiliation")]
    c018 = by_id["C018"]
    assert [h.name for h in c018.hosts][-1] == "中持新兴环境技术中心(北京)有限公司"  # inner parens kept
    assert c018.lead_hosts == ["清华大学"]
    c021 = by_id["C021"]
    assert [(h.name, h.note) for h in c021.hosts] == [("北汽新能源", "牵头, 北京经济技术开发区")]
    c010 = by_id["C010"]
    assert [(h.name, h.note) for h in c010.hosts] == [
        ("北京科技大学", "led"),
        ("北京信息科技大学", "co-builders"),
        ("中科院物理研究所", "co-builders"),
        ("China Iron & Steel", "co-builders; truncated in source"),
    ]
    assert by_id["C016"].hosts == []


def test_fields_directors_and_years(by_id: dict) -> None:
    assert [f.name for f in by_id["C003"].fields] == ["芯片", "集成电路"]
    assert [(f.name, f.note) for f in by_id["C020"].fields] == [("先进信息网络", "5G/6G, 未来网络, 物联网")]
    assert [(d.name, d.note) for d in by_id["C009"].directors] == [("李宇明", "主任, earlier"), ("刘利", "主任, 2020-07")]
    assert by_id["C001"].year == 2022
    assert by_id["C017"].year == 2023
    assert by_id["C002"].year is None  # "新一期第一个 (before 2022-02-19)"
    assert by_id["C024"].year is None  # "before 2018-01 …" is not a founding year
    assert by_id["C024"].batch.startswith("before 2018-01")


def test_platform_types_and_sources(by_id: dict, load: CenterLoad) -> None:
    assert {r.platform_type for r in load.records} == {"高精尖创新中心", "北京实验室", "国家技术创新中心", "北京市技术创新中心", "other"}
    assert by_id["C012"].source_is_url is False
    assert by_id["C001"].source_is_url is True
    assert [s.source_url for s in by_id["C001"].snippets] == [by_id["C001"].source_url, by_id["C001"].source2_url]
    assert by_id["C007"].snippets[0].text == "molecular design breeding"
