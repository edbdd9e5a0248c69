"""Center records as users keep them: CSV or XLSX, columns found by their
header names (English or Chinese, any order), extra columns kept."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ingest.centers import (
    COLUMNS,
    HeaderRow,
    column_of,
    find_centers_file,
    generated_record_id,
    load_centers,
)
from ingest.errors import CenterRecordError
from tests.centers.conftest import REAL_CENTERS

# a university's own list: a title row above the header, Chinese headers in
# their own order, a column the loader does not know, a row without a name
OWN_LIST = [
    ["北京某大学科研平台一览表（2024年）"],  # title, merged across the columns below
    ["依托单位", "研究领域", "序号", "平台名称", "认定年份", "平台类型", "联系电话"],
    ["物理学院", "量子计算、量子通信", 1, "量子信息前沿高精尖创新中心", 2022.0, "高精尖创新中心", "010-62750000"],
    [None] * 7,
    ["化学学院", "催化", 2, None, 2019, "北京实验室", "010-62751111"],  # no name
    ["环境学院", "环境", 3, "环境污染控制北京实验室", datetime.datetime(2016, 5, 1), "北京实验室", None],
]


def write_xlsx(path: Path, rows: list[list], *, title_merge: bool = True, before: list[list] | None = None) -> Path:
    book = openpyxl.Workbook()
    if before is not None:  # a first sheet of notes, the records on the second
        book.active.title = "说明"
        for row in before:
            book.active.append(row)
        sheet = book.create_sheet("平台")
    else:
        sheet = book.active
        sheet.title = "平台"
    for row in rows:
        sheet.append(row)
    if title_merge:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    book.save(path)
    return path


def test_xlsx_with_chinese_headers_a_title_row_and_an_extra_column(tmp_path: Path) -> None:
    load = load_centers(write_xlsx(tmp_path / "centers.xlsx", OWN_LIST))
    assert load.sheet == "平台" and load.file == "centers.xlsx"
    assert load.columns == {
        "依托单位": "host",
        "研究领域": "field",
        "序号": "record_id",
        "平台名称": "name",
        "认定年份": "year_or_batch",
        "平台类型": "platform_type",
        "联系电话": None,
    }
    first, second = load.records
    assert (first.record_id, first.name, first.platform_type) == ("1", "量子信息前沿高精尖创新中心", "高精尖创新中心")
    assert [h.name for h in first.hosts] == ["物理学院"] and [f.name for f in first.fields] == ["量子计算", "量子通信"]
    assert (first.year, first.batch) == (2022, "2022")  # a number cell, not "2022.0"
    assert first.extra == {"联系电话": "010-62750000"}
    assert (second.batch, second.year, second.extra) == ("2016-05-01", 2016, {})  # a date cell
    # defaults of a list without those columns; provenance is the file, sheet and row
    assert (first.record_kind, first.confidence, first.source_url, first.source_is_url) == ("center", "medium", "", False)
    assert first.source == {"file": "centers.xlsx", "row": 3, "source_url": "", "confidence": "medium", "sheet": "平台"}
    (bad,) = load.rejected
    assert (bad.row, bad.record_id) == (5, "2") and "missing required field(s): name/name_in_source" in bad.reason
    data = json.loads(json.dumps(load.to_dict(), ensure_ascii=False))
    assert data["records"][0]["extra"] == {"联系电话": "010-62750000"} and data["sheet"] == "平台"


def test_xlsx_merged_cells_headings_and_the_sheet_with_the_records(tmp_path: Path) -> None:
    rows = [
        ["名称", "类型", "依托单位"],
        ["一、高精尖创新中心"],  # a heading merged across the columns: not a record
        ["甲高精尖创新中心", "高精尖创新中心", "北京大学"],
        ["乙高精尖创新中心", "高精尖创新中心", None],  # host merged down from the row above
    ]
    path = write_xlsx(tmp_path / "centers.xlsx", rows, title_merge=False, before=[["本表由科研院填写"], ["联系人", "张三"]])
    book = openpyxl.load_workbook(path)
    book["平台"].merge_cells("A2:C2")
    book["平台"].merge_cells("C3:C4")
    book.save(path)
    load = load_centers(path)
    assert load.sheet == "平台" and load.rejected == []
    assert [(r.name, [h.name for h in r.hosts], r.source["row"]) for r in load.records] == [
        ("甲高精尖创新中心", ["北京大学"], 3),
        ("乙高精尖创新中心", ["北京大学"], 4),
    ]


def test_csv_with_english_headers_in_another_order_loads_the_same_records(tmp_path: Path) -> None:
    renamed = {
        "record_id": "Record ID",
        "name": "Name",
        "name_in_source": "Original name",
        "platform_type": "Type",
        "record_kind": "Kind",
        "host": "Host institution",
        "field": "Research field",
        "year_or_batch": "Year",
        "director": "Director",
        "source_url": "Source",
        "snippet": "Quote",
        "source2_url": "Second source",
        "snippet2": "snippet2",
        "confidence": "CONFIDENCE",
        "notes": "Notes",
        "category": "Category",
    }
    with REAL_CENTERS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    order = list(reversed(COLUMNS))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([renamed[c] for c in order])
    writer.writerows([[row[c] for c in order] for row in rows])
    path = tmp_path / "centers.csv"
    path.write_text(out.getvalue(), "utf-8")
    expected = load_centers(REAL_CENTERS)
    got = load_centers(path)
    assert set(got.columns.values()) == set(COLUMNS)
    # the real file has no cell spanning lines, so rows and provenance match too
    assert [r.to_dict() for r in got.records] == [r.to_dict() for r in expected.records]
    assert got.rejected == expected.rejected == []


def test_gbk_csv_with_chinese_headers_and_defaults(write_csv) -> None:
    header = "名称,类型,依托单位,领域,可信度,备注"
    rows = ["测试高精尖创新中心,高精尖创新中心,北京大学,集成电路,高,", "另一北京实验室,北京实验室,清华大学,能源,,自建"]
    load = load_centers(write_csv(*rows, header=header, encoding="gbk"))
    assert load.encoding == "gb18030"
    assert [(r.name, r.platform_type, r.confidence) for r in load.records] == [
        ("测试高精尖创新中心", "高精尖创新中心", "high")
    ]  # 高 → high
    (rejected,) = load.rejected  # a column the file has must be filled
    assert rejected.row == 3 and "missing required field(s): confidence" in rejected.reason


def test_generated_record_ids_are_stable(write_csv, tmp_path: Path) -> None:
    rows = ["甲北京实验室,北京实验室", "乙北京实验室,北京实验室"]
    first = load_centers(write_csv(*rows, header="名称,类型"))
    swapped = [",".join(reversed(r.split(","))) for r in ("丙北京实验室,北京实验室", *reversed(rows))]
    again = load_centers(write_csv(*swapped, header="类型 ,名 称", name="other.csv"))  # re-ordered, a row added
    ids = {r.name: r.record_id for r in first.records}
    assert ids == {r.name: r.record_id for r in again.records if r.name in ids}
    assert ids["甲北京实验室"] == generated_record_id("甲北京实验室") and ids["甲北京实验室"].startswith("auto-")


def test_a_repeated_name_without_record_ids_is_rejected(write_csv) -> None:
    load = load_centers(write_csv("甲北京实验室,北京实验室", "“甲北京實驗室”,北京实验室", header="名称,类型"))
    assert len(load.records) == 1
    assert load.rejected[0].reason == "duplicate name '甲北京实验室' (first at row 2)"


def test_a_list_of_names_alone(write_csv) -> None:
    load = load_centers(write_csv("甲北京实验室", "乙高精尖创新中心", header="中心名称"))
    assert [(r.name, r.platform_type, r.record_kind) for r in load.records] == [
        ("甲北京实验室", "", "center"),
        ("乙高精尖创新中心", "", "center"),
    ]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Record_ID", "record_id"),
        ("ＮＡＭＥ", "name"),
        ("＊名稱：", "name"),
        ("依托单位（牵头）", "host"),
        (" source url ", "source_url"),
        ("置信度", "confidence"),
        ("负责人", "director"),
        ("批次", "year_or_batch"),
    ],
)
def test_header_forms(header: str, column: str) -> None:
    assert column_of(header) is not None and column_of(header)[0] == column


def test_the_better_ranked_header_wins_and_the_other_is_kept() -> None:
    header = HeaderRow.match(["平台名称", "名称", "类型", ""])
    assert header.columns == {1: "name", 2: "platform_type"}
    assert header.extra_names() == {0: "平台名称", 3: "column 4"}


def test_coded_values_in_chinese(write_csv) -> None:
    load = load_centers(write_csv("甲专项,项目,低", header="名称,记录类型,可信度"))
    assert [(r.record_kind, r.confidence) for r in load.records] == [("program", "low")]


def test_corpus_folder_with_both_files_is_refused(tmp_path: Path) -> None:
    assert find_centers_file(tmp_path) is None
    write_xlsx(tmp_path / "centers.xlsx", OWN_LIST)
    assert find_centers_file(tmp_path) == tmp_path / "centers.xlsx"
    (tmp_path / "centers.csv").write_text("名称\n甲中心\n", "utf-8")
    with pytest.raises(CenterRecordError, match="both centers.csv and centers.xlsx"):
        find_centers_file(tmp_path)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "centers.xlsx"
    path.write_text("名称\n甲中心\n", "utf-8")
    with pytest.raises(CenterRecordError, match="not an .xlsx workbook"):
        load_centers(path)


def test_ingest_takes_centers_xlsx_into_the_graph(tmp_path: Path) -> None:
    """End to end: a one-document corpus with centers.xlsx → a Platform in the graph."""
    from api.cli import main
    from tests.conftest import CORPUS, link_model
    from tests.ingest.test_bad_input import GOOD_FILE, entry, make_corpus

    corpus = make_corpus(tmp_path / "corpus", [entry("003", GOOD_FILE)], {GOOD_FILE: (CORPUS / GOOD_FILE).read_bytes()})
    write_xlsx(corpus / "centers.xlsx", OWN_LIST)
    data = tmp_path / "data"
    link_model(data)
    args = ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "row 5" in result.output and "name/name_in_source" in result.output
    result = CliRunner().invoke(main, [*args, "--skip-bad-rows"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["centers"] == {"loaded": 2, "rejected": 1}
    store = (data / "current").resolve()
    graph = json.loads((store / "graph.json").read_text("utf-8"))
    nodes = graph.get("nodes", [])
    (platform,) = [n for n in nodes if n.get("label") == "Platform" and n.get("name") == "环境污染控制北京实验室"]
    assert platform["record"]["file"] == "centers.xlsx" and platform["record"]["sheet"] == "平台"
    centers = json.loads((store / "centers.json").read_text("utf-8"))
    assert centers["records"][0]["extra"] == {"联系电话": "010-62750000"}
