"""English question words → Chinese through the real CC-CEDICT (search/bilingual.py)."""

from __future__ import annotations

from search.bilingual import base_forms, dictionary_file, gloss_key, read_index, translate


def test_dictionary_ships_in_its_package() -> None:
    assert dictionary_file().name.startswith("cedict") and dictionary_file().stat().st_size > 5_000_000


def test_gloss_keys_drop_what_no_question_says() -> None:
    assert gloss_key("to assess") == "assess"
    assert gloss_key("funds (for a project)") == "funds"
    assert gloss_key("CL:個|个[ge4]") == ""
    assert gloss_key("variant of 經費|经费") == ""


def test_reversed_entries_keep_words_of_two_characters() -> None:
    lines = ["經費 经费 [jing1 fei4] /funds/expenditure/", "費 费 [fei4] /fee/", "考核 考核 [kao3 he2] /to assess/appraisal/"]
    index = read_index(lines)
    assert index["funds"] == ["经费"] and index["assess"] == ["考核"]
    assert "fee" not in index


def test_inflections_fold_to_base_forms() -> None:
    assert (
        "fail" in base_forms("fails")
        and "assess" in base_forms("assesses")
        and "approve" in base_forms("approved")
        and "fund" in base_forms("funding")
    )
    assert "laboratory" in base_forms("laboratories")


def test_english_question_gets_the_chinese_policy_words() -> None:
    words = translate("Which key laboratories must submit an annual report, and who assesses their performance?")
    for expected in ("实验室", "年度报告", "绩效", "考核"):
        assert expected in words, expected
    assert all(len(w) > 1 for w in words)
    assert translate("高精尖中心的经费") == ()
