"""The alias table: longest-match mentions with exact offsets, resolution, jieba lines."""

from __future__ import annotations

import pytest

from ingest.aliases import AliasTable, Entity, load_aliases
from ingest.errors import CorpusError, NotFoundError


@pytest.fixture(scope="module")
def table() -> AliasTable:
    return load_aliases()


def test_table_loads_without_conflicts(table: AliasTable) -> None:
    assert table.conflicts == []
    assert table.get("PlatformType:高精尖创新中心") is not None


@pytest.mark.parametrize(
    "name, eid",
    [
        ("高精尖中心", "PlatformType:高精尖创新中心"),
        ("北京高等学校高精尖创新中心", "PlatformType:高精尖创新中心"),
        ("Beijing Advanced Innovation Center", "PlatformType:高精尖创新中心"),
        ("北京市教育委员会", "Organization:市教委"),
        ("beijing municipal education commission", "Organization:市教委"),
        ("北京市科学技术委员会", "Organization:市科委"),
        ("host university", "Role:依托高校"),
        ("高精尖計劃", "Program:高精尖计划"),
        ("“揭榜挂帅”", "Mechanism:揭榜挂帅"),
    ],
)
def test_resolve(table: AliasTable, name: str, eid: str) -> None:
    assert table.resolve(name).id == eid


def test_unknown_name_suggests_nearest(table: AliasTable) -> None:
    with pytest.raises(NotFoundError) as err:
        table.resolve("市教喂")
    assert "市教委" in err.value.suggestions
    with pytest.raises(NotFoundError):
        table.resolve("   ")


def test_longest_match_first_and_exact_offsets(table: AliasTable) -> None:
    text = "经北京高等学校高精尖创新中心建设计划领导小组同意，高精尖中心向市教委报送材料。"
    ms = table.find_mentions(text)
    assert [m.entity_id for m in ms] == ["Organization:高精尖计划领导小组", "PlatformType:高精尖创新中心", "Organization:市教委"]
    assert all(text[m.start : m.end] == m.surface for m in ms)


def test_english_needs_word_boundaries(table: AliasTable) -> None:
    assert [m.entity_id for m in table.find_mentions("AI research")] == ["Field:人工智能"]
    assert table.find_mentions("maintain the chair") == []


def test_jieba_lines_are_chinese_and_keep_names_whole(table: AliasTable) -> None:
    lines = table.jieba_userdict_lines()
    words = {line.split(" ")[0] for line in lines}
    assert {"高精尖创新中心", "市教委", "依托高校", "揭榜挂帅"} <= words
    assert all(len(line.split(" ")) == 3 for line in lines)


def test_extend_keeps_curated_names(table: AliasTable) -> None:
    bigger = table.extend([Entity("Platform", "某某高精尖创新中心", aliases=("高精尖中心",))])
    assert bigger.resolve("高精尖中心").id == "PlatformType:高精尖创新中心"
    assert bigger.resolve("某某高精尖创新中心").kind == "Platform"
    assert bigger.conflicts


def test_bad_kind_is_rejected() -> None:
    with pytest.raises(CorpusError):
        AliasTable([Entity("Planet", "火星")])


def test_name_with_host_prefix_resolves_by_containment(table: AliasTable) -> None:
    bigger = table.extend([Entity("Platform", "海洋声学高精尖创新中心"), Entity("Organization", "某某海洋大学")])
    assert bigger.resolve("某某海洋大学海洋声学高精尖创新中心").id == "Platform:海洋声学高精尖创新中心"
    # a long unknown name that merely contains a platform type is not that type
    with pytest.raises(NotFoundError):
        bigger.resolve("某某大学量子引力与宇宙学高精尖创新中心")


def test_institute_name_is_not_read_as_its_field(table: AliasTable) -> None:
    """002 推广北京生命科学研究所等管理模式 names an institute, not the field 生命科学."""
    text = "推广北京生命科学研究所等管理模式"
    assert [m.entity_id for m in table.find_mentions(text)] == ["Organization:北京生命科学研究所"]
    assert table.find_mentions(text, ["Field"]) == []


def test_cited_strategy_is_not_a_rule_target(table: AliasTable) -> None:
    """A clause serving 创新驱动发展战略 does not make its rules rules of the strategy;
    a platform type named beside it still is a target."""
    text = "北京高校基本建立适应创新驱动发展战略的体系，引导校企共建创新联合体"
    assert {m.entity_id for m in table.find_mentions(text, ["Program", "PlatformType"])} == {
        "Program:国家创新驱动发展战略",
        "PlatformType:创新联合体",
    }
    assert [m.entity_id for m in table.rule_targets(text)] == ["PlatformType:创新联合体"]
    assert table.get("Program:国家创新驱动发展战略").to_dict()["rule_target"] is False


@pytest.mark.parametrize(
    "surface, eid",
    [
        ("十大高精尖产业", "Field:高精尖产业"),
        ("六大未来产业", "Field:未来产业"),
        ("重点基础材料", "Field:基础材料"),
        ("科研创新分类评价机制", "Mechanism:分类评价"),
        ("持续稳定支持", "Mechanism:稳定支持"),
        ("“一带一路”", "Place:一带一路"),
        ("竞争性支持", "Mechanism:竞争性支持"),
        ("新型研发机构", "Role:新型研发机构"),
        ("朱雀人才", "Program:朱雀人才"),
    ],
)
def test_overlap_requested_entries(table: AliasTable, surface: str, eid: str) -> None:
    assert [m.entity_id for m in table.find_mentions(surface)] == [eid]


def test_a_table_without_some_surfaces_still_finds_the_others(table: AliasTable) -> None:
    """AliasTable.without (a text's bare head words for bodies it never names): the dropped
    surface is found no more, a longer one that contains it still is."""
    narrow = table.without(["理事会"])
    assert narrow.lookup("理事会") is None
    assert [m.surface for m in narrow.find_mentions("理事会负责审议")] == []
    assert [m.entity_id for m in narrow.find_mentions("市教委负责")] == ["Organization:市教委"]
    assert table.lookup("理事会") is not None  # the table it came from is unchanged
    assert table.without([]) is table
