"""Bad center-record files and rows: clear errors for files, reasons for rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.centers import load_centers
from ingest.errors import CenterRecordError, PolicyKGError

GOOD = "C901,测试高精尖创新中心,測試高精尖創(chuàng)新中心,高精尖创新中心,center,北京大学,测试,,2020,,http://example.org/a,片段,,,high,"


def test_good_row_loads(write_csv) -> None:
    load = load_centers(write_csv(GOOD))
    assert [r.name for r in load.records] == ["测试高精尖创新中心"]
    assert load.records[0].aliases == ["测试高精尖创新中心"]
    assert load.rejected == []


def test_missing_name_column_names_file_headers_and_accepted_names(write_csv) -> None:
    header = "record_id,title,platform_type,record_kind,source_url,confidence"
    path = write_csv("C1,甲中心,北京实验室,center,http://x,high", header=header)
    with pytest.raises(CenterRecordError) as err:
        load_centers(path)
    message = err.value.message
    assert "no name column" in message and str(path) in message
    assert "headers found: record_id, title, platform_type" in message
    assert "名称" in err.value.hint and "name" in err.value.hint
    assert isinstance(err.value, PolicyKGError) and err.value.code == "E005"


def test_a_required_column_the_file_lacks_takes_its_default(write_csv) -> None:
    # once a column is there every row must fill it (test below); a file without it loads
    header = "record_id,name,name_in_source,record_kind,source_url,confidence"
    (rec,) = load_centers(write_csv("C1,甲中心,甲中心,center,http://x,high", header=header)).records
    assert (rec.record_id, rec.platform_type, rec.confidence) == ("C1", "", "high")


def test_optional_columns_may_be_absent(write_csv) -> None:
    header = "record_id,name,name_in_source,platform_type,record_kind,source_url,confidence"
    load = load_centers(write_csv("C1,甲中心,,北京实验室,center,http://x,Low", header=header))
    rec = load.records[0]
    assert (rec.hosts, rec.fields, rec.year, rec.confidence) == ([], [], None, "low")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("C902,,,高精尖创新中心,center,,,,,,http://x,,,,high,", "name/name_in_source"),
        ("C903,某中心,某中心,,center,,,,,,http://x,,,,high,", "platform_type"),
        ("C904,某中心,某中心,高精尖创新中心,,,,,,,http://x,,,,high,", "record_kind"),
        ("C905,某中心,某中心,高精尖创新中心,center,,,,,,,,,,high,", "source_url"),
        (",某中心,某中心,高精尖创新中心,center,,,,,,http://x,,,,high,", "record_id"),
        ("C906,某中心,某中心,高精尖创新中心,center,,,,,,http://x,,,,,", "confidence"),
    ],
)
def test_row_missing_required_field_is_rejected_not_fatal(write_csv, row: str, expected: str) -> None:
    load = load_centers(write_csv(row, GOOD))
    assert [r.record_id for r in load.records] == ["C901"]
    (rejected,) = load.rejected
    assert rejected.row == 2
    assert "missing required field" in rejected.reason and expected in rejected.reason


def test_name_in_source_alone_is_enough(write_csv) -> None:
    load = load_centers(write_csv("C907,,“環境技術北京實驗室”,北京实验室,center,,,,,,http://x,,,,medium,"))
    assert load.records[0].name == "环境技术北京实验室"


def test_unknown_confidence_and_kind_are_rejected_with_reason(write_csv) -> None:
    load = load_centers(
        write_csv(
            "C908,某中心,某中心,高精尖创新中心,center,,,,,,http://x,,,,very high,",
            "C909,某中心,某中心,高精尖创新中心,institute,,,,,,http://x,,,,HIGH,",
        )
    )
    assert load.records == []
    reasons = {r.record_id: r.reason for r in load.rejected}
    assert "unknown confidence 'very high'" in reasons["C908"]
    assert "unknown record_kind 'institute'" in reasons["C909"]


def test_duplicate_record_id_rejected(write_csv) -> None:
    load = load_centers(write_csv(GOOD, GOOD.replace("测试高精尖", "另一高精尖")))
    assert [r.name for r in load.records] == ["测试高精尖创新中心"]  # the first one wins
    (dup,) = load.rejected
    assert (dup.row, dup.record_id) == (3, "C901")
    assert "duplicate record_id 'C901' (first at row 2)" in dup.reason


def test_ragged_and_blank_rows_rejected(write_csv) -> None:
    load = load_centers(write_csv(GOOD.replace("测试,", "测试,额外,"), ",,,,,,,,,,,,,,,", GOOD))
    assert len(load.records) == 1
    assert "17 fields but the header has 16" in load.rejected[0].reason
    assert load.rejected[1].reason == "blank row"


def test_gbk_file_is_decoded_and_its_encoding_recorded(write_csv) -> None:
    # decoded as documents are (ingest.convert.decode_text): GBK → its superset GB18030
    load = load_centers(write_csv(GOOD, encoding="gbk"))
    assert [r.name for r in load.records] == ["测试高精尖创新中心"]
    assert load.encoding == "gb18030" and load.to_dict()["encoding"] == "gb18030"


def test_mixed_encodings_are_refused_naming_the_file(write_csv) -> None:
    path = write_csv(GOOD)
    path.write_bytes(path.read_bytes() + GOOD.replace("C901", "C902").encode("gbk") + b"\n")
    with pytest.raises(CenterRecordError) as err:
        load_centers(path)
    assert str(path) in err.value.message and "mixes encodings" in err.value.message


def test_empty_file(write_csv) -> None:
    path = write_csv(header=None)
    with pytest.raises(CenterRecordError, match="is empty"):
        load_centers(path)


def test_header_only_file_loads_nothing(write_csv) -> None:
    load = load_centers(write_csv())
    assert (load.records, load.rejected) == ([], [])


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "centers.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CenterRecordError, match="binary"):
        load_centers(path)


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(CenterRecordError, match="cannot read"):
        load_centers(tmp_path / "nope.csv")
    with pytest.raises(CenterRecordError, match="cannot read"):
        load_centers(tmp_path)  # a directory


def test_new_rows_load_without_code_changes(write_csv) -> None:
    row = (
        "X-77,,量子計算北京實驗室 / Beijing Laboratory of Quantum Computing (BLQC),北京实验室,center,"
        "某某大学 (牵头)、另一大学,量子计算/量子通信,,2031 (立项),,https://example.org/q,片段,,,medium,"
    )
    (rec,) = load_centers(write_csv(row)).records
    assert rec.name == "量子计算北京实验室"
    assert rec.english_names == ["Beijing Laboratory of Quantum Computing (BLQC)"]
    assert rec.acronyms == ["BLQC"]
    assert [(h.name, h.note) for h in rec.hosts] == [("某某大学", "牵头"), ("另一大学", "")]
    assert [f.name for f in rec.fields] == ["量子计算", "量子通信"]
    assert rec.year == 2031
