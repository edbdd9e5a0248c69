"""Every golden YAML file follows its typed format (graph/golden.py), and a
misspelled key anywhere fails with the file, the case and the key named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graph.evaluate import load_golden
from graph.golden import (
    ConflictsFile,
    DatedFile,
    ExtractionFile,
    GoldenFormatError,
    MatrixFile,
    ProfileFile,
    SearchCase,
    ToolsFile,
    load,
    load_list,
)

TESTS = Path(__file__).resolve().parent
FILES = [
    (TESTS / "golden" / "profiles.yaml", ProfileFile),
    (TESTS / "golden" / "extraction.yaml", ExtractionFile),
    (TESTS / "golden" / "dated" / "as_of.yaml", DatedFile),
    (TESTS / "overlap" / "golden" / "matrix.yaml", MatrixFile),
    (TESTS / "overlap" / "golden" / "conflicts.yaml", ConflictsFile),
    (TESTS / "overlap" / "golden" / "policy_tools.yaml", ToolsFile),
    *[(p, ExtractionFile) for p in sorted(TESTS.glob("extraction_*/gold.yaml"))],
]


@pytest.mark.parametrize("path, model", FILES, ids=[str(p.relative_to(TESTS)) for p, _ in FILES])
def test_every_golden_file_follows_its_format(path: Path, model) -> None:
    load(path, model)


def test_search_cases_follow_their_format() -> None:
    assert len(load_list(TESTS / "search" / "golden_qa.yaml", SearchCase)) >= 10


def _misspell(case: dict, key: str) -> None:
    """Rename ``key`` (at any depth of the case) to a misspelling."""
    for k, v in list(case.items()):
        if k == key:
            case[key + "x"] = case.pop(key)
            return
        if isinstance(v, dict):
            _misspell(v, key)


@pytest.mark.parametrize(
    "rel, model, key",
    [
        ("golden/profiles.yaml", ProfileFile, "obligations"),
        ("golden/profiles.yaml", ProfileFile, "platform_type"),
        ("overlap/golden/matrix.yaml", MatrixFile, "exhaustive"),
        ("overlap/golden/policy_tools.yaml", ToolsFile, "tools"),
        ("golden/dated/as_of.yaml", DatedFile, "left_out"),
    ],
)
def test_a_misspelled_key_names_file_case_and_key(tmp_path: Path, rel: str, model, key: str) -> None:
    data = yaml.safe_load((TESTS / rel).read_text("utf-8"))
    case = next(c for c in data["cases"] if key in str(c))
    _misspell(case, key)
    bad = tmp_path / Path(rel).name
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(GoldenFormatError) as err:
        load(bad, model)
    message = err.value.message
    assert bad.name in message and repr(case["name"]) in message and f"{key}x" in message, message


def test_a_misspelled_annotation_key_is_reported_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "gold.yaml").write_text(
        'annotations:\n  obligation:\n    - {doc: "000", span: 向市教委提交建设方案, actr: 高校}\n', "utf-8"
    )
    annotations, errors, _ = load_golden(tmp_path)
    assert not annotations and len(errors) == 1 and "actr" in errors[0] and "gold.yaml" in errors[0]
