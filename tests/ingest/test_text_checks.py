"""Text that is no document is refused; damaged text is accepted with a warning naming the place."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from ingest.errors import ControlCharacterError, EmptyDocumentError
from ingest.text_checks import check_text
from tests.conftest import CORPUS, link_model
from tests.ingest.test_bad_input import GOOD_FILE, entry, make_corpus, snapshot

SEED = (CORPUS / GOOD_FILE).read_text("utf-8")
ARTICLES = (
    "北京市科研平台管理办法\n第一条 为加强科研平台管理，制定本办法。\n第二条 平台应当每年报送年度报告。\n"
    "第三条 依托单位负责平台的日常管理。\n第五条 市科委负责组织评估。\n"
)
SECTIONS = (
    "北京市科研平台管理办法\n一、总体要求\n平台应当每年报送年度报告。\n二、职责分工\n依托单位负责日常管理。\n"
    "四、保障措施\n市科委负责组织评估和经费保障。\n"
)


def kinds(text: str) -> list[str]:
    return [w.kind for w in check_text(text, "t.txt")]


def test_the_seed_documents_pass_without_warnings():
    for path in sorted(CORPUS.glob("00*.txt")):
        assert check_text(path.read_text("utf-8"), path.name) == [], path.name


@pytest.mark.parametrize(
    "text", ["\u3000" * 500, " \n\t\u3000\xa0\u2003\n" * 20, "Annual report due by 31 December.", "关于印发通知" + "\u3000" * 100]
)
def test_effectively_empty_text_is_refused(text):
    with pytest.raises(EmptyDocumentError):
        check_text(text, "t.txt")


@pytest.mark.parametrize(("junk", "at"), [("\x00", 2000), ("\x07", 10), ("\x1b[31m", 200), ("\x7f", 300), ("\x85", 40)])
def test_control_characters_and_nuls_are_refused_with_their_offset(junk, at):
    text = SEED[:at] + junk + SEED[at:]
    with pytest.raises(ControlCharacterError) as err:
        check_text(text, "t.txt")
    assert f"offset {at}" in err.value.message and f"U+{ord(junk[0]):04X}" in err.value.message


def test_layout_controls_are_text():
    assert check_text(SEED.replace("\n", "\r\n", 3).replace("。", "。\f", 1).replace("，", "\t，", 1), "t.txt") == []


def test_a_text_cut_mid_sentence_is_accepted_with_a_warning_at_the_cut():
    cut = SEED[: SEED.index("，", len(SEED) // 2) + 6]
    [warning] = check_text(cut, "t.txt")
    assert warning.kind == "truncated" and warning.offset == len(cut.rstrip()) and cut.rstrip()[-5:] in warning.message


@pytest.mark.parametrize(
    "ending",
    [
        "\n北京市科学技术委员会\n2024年3月1日",
        "\n联系电话：010-12345678、010-87654321",
        "\n北京市科研平台申报书.docx",
        "本办法自发布之日起施行。\n",
        "\n详见《北京市科研平台管理办法》",
    ],
)
def test_signatures_dates_and_contacts_end_a_document(ending):
    assert kinds(SEED + ending) == []


def test_skipped_article_and_section_numbers_are_named():
    [gap] = check_text(ARTICLES, "t.txt")
    assert gap.kind == "numbering_gap" and "第五条 follows 第三条" in gap.message and "第四条" in gap.message
    assert ARTICLES[gap.offset :].startswith("第五条")
    [gap] = check_text(SECTIONS, "t.txt")
    assert "四、 follows 二、" in gap.message and SECTIONS[gap.offset :].startswith("四、")
    assert kinds(ARTICLES.replace("第五条", "第四条")) == []
    assert kinds(SECTIONS + "附件\n一、名单\n市科委负责组织评估和经费保障。\n") == ["numbering_gap"]  # a restart at 一 is a new list


def test_an_announced_attachment_that_never_follows_is_named():
    text = SEED + "\n请按要求填写申报书（见附件1）。\n"
    [warning] = check_text(text, "t.txt")
    assert warning.kind == "missing_attachment" and text[warning.offset :].startswith("附件1")
    assert kinds(text + "附件1\n北京市科研平台申报书\n") == []


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = tmp_path_factory.mktemp("checks")
    corpus = make_corpus(root / "good", [entry("003", GOOD_FILE)], {GOOD_FILE: SEED.encode("utf-8")})
    data = root / "data"
    link_model(data)
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert "warnings" not in json.loads(result.stdout)["summary"] or not json.loads(result.stdout)["summary"]["warnings"]
    return root, data


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("ideographic_spaces", "\u3000".encode("utf-8") * 3000, "E003"),
        ("late_nul", SEED.encode("utf-8")[:6000] + b"\x00" + SEED.encode("utf-8")[6000:], "U+0000"),
        ("escape_codes", ("\x1b[1m" + SEED).encode("utf-8"), "offset 0"),
    ],
)
def test_junk_is_refused_by_ingest_and_the_previous_store_kept(baseline, name, data, needle):
    root, data_dir = baseline
    before = snapshot(data_dir)
    corpus = make_corpus(root / name, [entry("201", f"201_{name}.txt")], {f"201_{name}.txt": data})
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data_dir), "--json"])
    assert result.exit_code == 2 and needle in result.output, result.output
    assert snapshot(data_dir) == before


def test_warnings_are_in_the_ingest_summary(baseline):
    root, data_dir = baseline
    files = {GOOD_FILE: SEED.encode("utf-8"), "202_cut.txt": (ARTICLES + "第六条 平台应当于每年").encode("utf-8")}
    corpus = make_corpus(root / "warned", [entry("003", GOOD_FILE), entry("202", "202_cut.txt")], files)
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data_dir), "--json"])
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["summary"]["warnings"]
    assert list(warnings) == ["202"]
    assert [w["kind"] for w in warnings["202"]] == ["numbering_gap", "truncated"]
