"""Bad input: a clear message, a non-zero exit, and the previous store intact."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from api.cli import main
from tests.conftest import CORPUS, link_model

GOOD_FILE = "003_e789a2cf16242bbd.txt"


def make_corpus(root: Path, entries: list[dict], files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources.yaml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), "utf-8")
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def entry(doc_id: str, file: str) -> dict:
    return {"id": doc_id, "file": file, "title": f"文件{doc_id}", "kind": "意见", "status": "final"}


def ingest(corpus: Path, data: Path):
    return CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data)])


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A data directory with one good store (a one-document corpus)."""
    root = tmp_path_factory.mktemp("bad")
    corpus = make_corpus(root / "good", [entry("003", GOOD_FILE)], {GOOD_FILE: (CORPUS / GOOD_FILE).read_bytes()})
    data = root / "data"
    link_model(data)
    result = ingest(corpus, data)
    assert result.exit_code == 0, result.output
    return root, data


def snapshot(data: Path) -> dict[str, bytes]:
    store = (data / "current").resolve()
    return {p.name: p.read_bytes() for p in store.iterdir() if p.is_file()}


GBK_TEXT = "关于加强科研管理的意见\n一、总体要求\n各单位应当每年年底前报送年度报告。\n"

BAD_CASES = {
    "mixed encodings": (
        [entry("100", "100_mixed.txt")],
        {"100_mixed.txt": GBK_TEXT.encode("utf-8") + GBK_TEXT.encode("gbk")},
        ["100_mixed.txt", "mixes encodings"],
    ),
    "unsupported format": (
        [entry("107", "107_scan.png")],
        {"107_scan.png": b"\x89PNG\r\n\x1a\n" + bytes(64)},
        ["107_scan.png", "not a supported format", "PNG image"],
    ),
    "corrupt docx": ([entry("108", "108.docx")], {"108.docx": b"PK\x03\x04" + bytes(64)}, ["108.docx", "ZIP archive"]),
    "empty": ([entry("101", "101_empty.txt")], {"101_empty.txt": b""}, ["101_empty.txt", "empty"]),
    "binary": ([entry("102", "102_bin.txt")], {"102_bin.txt": bytes(range(256)) * 8}, ["102_bin.txt", "binary"]),
    "duplicate id": (
        [entry("003", GOOD_FILE), entry("003", "003_copy.txt")],
        {GOOD_FILE: (CORPUS / GOOD_FILE).read_bytes(), "003_copy.txt": (CORPUS / GOOD_FILE).read_bytes()},
        ["share the id 003"],
    ),
    "missing file": ([entry("104", "104_absent.txt")], {}, ["cannot read", "104_absent.txt"]),
    "bad manifest": ([{"id": "105", "title": "x"}], {}, ["lacks file"]),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_corpus_fails_clearly_and_keeps_previous_store(baseline, case):
    root, data = baseline
    before = snapshot(data)
    entries, files, needles = BAD_CASES[case]
    corpus = make_corpus(root / case.replace(" ", "_"), entries, files)
    result = ingest(corpus, data)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle.lower() in result.output.lower(), result.output
    assert snapshot(data) == before
    assert not [p for p in (data / "stores").iterdir() if p.name.endswith(".partial")]


def test_unreadable_path(baseline, tmp_path):
    _, data = baseline
    before = snapshot(data)
    result = ingest(tmp_path / "no-such-corpus", data)
    assert result.exit_code == 2 and "does not exist" in result.output
    # A directory where a file should be cannot be read either.
    corpus = make_corpus(tmp_path / "dir", [entry("106", "106.txt")], {})
    (corpus / "106.txt").mkdir()
    result = ingest(corpus, data)
    assert result.exit_code == 2 and "cannot read" in result.output
    assert snapshot(data) == before


def test_json_errors_are_one_json_document(baseline, tmp_path):
    import json

    _, data = baseline
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(tmp_path / "nope"), "--data", str(data), "--json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout.strip().splitlines()[0])
    assert doc["error"]["code"] == "E001"


def test_gb18030_text_is_decoded_and_its_encoding_recorded(tmp_path):
    from ingest.loaders import load_document

    (tmp_path / "gbk.txt").write_bytes((GBK_TEXT * 5).encode("gb18030"))
    doc = load_document(tmp_path, {"file": "gbk.txt"})
    assert doc.text == GBK_TEXT * 5 and doc.encoding == "gb18030" and doc.title == "关于加强科研管理的意见"


def test_oversized_file_is_refused_before_it_is_read(baseline, tmp_path):
    from ingest.convert import MAX_SOURCE_BYTES

    _, data = baseline
    before = snapshot(data)
    corpus = make_corpus(tmp_path / "huge", [], {})
    with (corpus / "huge.txt").open("wb") as fh:  # 50 MB, sparse
        fh.truncate(50_000_000)
    result = ingest(corpus, data)
    assert result.exit_code == 2 and "huge.txt" in result.output and str(MAX_SOURCE_BYTES) in result.output
    assert snapshot(data) == before


def test_manifest_matches_the_corpus_files():
    from ingest.loaders import read_manifest

    entries = read_manifest(CORPUS)
    listed = {e["file"] for e in entries}
    on_disk = {p.name for p in CORPUS.glob("*.txt")}
    assert listed == on_disk
    for e in entries:
        assert e["file"].startswith(e["id"] + "_")
        assert set(e.get("inferred", [])) <= {"issuers", "kind", "year", "status", "title"}
    by_id = {e["id"]: e for e in entries}
    assert by_id["003"]["status"] == "draft" and by_id["003"]["kind"] == "起草说明"
    # byte for byte as received: SHA-256 recorded when the seeds were copied in (tests/data/README.md)
    sums = dict(reversed(line.split(maxsplit=1)) for line in (CORPUS / "SHA256SUMS").read_text("utf-8").splitlines())
    assert set(sums) == listed
    for e in entries:
        assert hashlib.sha256((CORPUS / e["file"]).read_bytes()).hexdigest() == sums[e["file"]], e["file"]


def _centers_csv(rows: list[str]) -> bytes:
    header = (CORPUS / "centers.csv").read_text("utf-8").splitlines()[0]
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_center_row_missing_required_fields(baseline):
    root, data = baseline
    before = snapshot(data)
    good_row = (CORPUS / "centers.csv").read_text("utf-8").splitlines()[1]
    bad_row = "C999,,,,center,,,,,,,,,,high,"  # no name, no platform type, no source
    files = {GOOD_FILE: (CORPUS / GOOD_FILE).read_bytes(), "centers.csv": _centers_csv([good_row, bad_row])}
    corpus = make_corpus(root / "bad_center", [entry("003", GOOD_FILE)], files)
    result = ingest(corpus, data)
    assert result.exit_code == 2, result.output
    assert "C999" in result.output or "row 3" in result.output
    assert snapshot(data) == before
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--skip-bad-rows", "--json"])
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(result.stdout)["summary"]
    assert summary["centers"] == {"loaded": 1, "rejected": 1}


def test_add_refuses_an_oversized_file_and_writes_nothing(baseline, tmp_path):
    from ingest.convert import MAX_SOURCE_BYTES

    _, data = baseline
    before, corpora = snapshot(data), sorted((data / "corpora").glob("*")) if (data / "corpora").exists() else []
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as fh:  # 50 MB, sparse
        fh.truncate(50_000_000)
    result = CliRunner().invoke(main, ["add", str(huge), "--data", str(data)])
    assert result.exit_code == 2 and "huge.pdf" in result.output and str(MAX_SOURCE_BYTES) in result.output
    assert snapshot(data) == before
    assert (sorted((data / "corpora").glob("*")) if (data / "corpora").exists() else []) == corpora


def test_add_into_a_new_data_directory_without_a_corpus(tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)  # no corpus/ here: the new data directory starts from an empty corpus
    data = tmp_path / "data"
    link_model(data)
    (tmp_path / "guide.txt").write_bytes(GBK_TEXT.encode("gb18030"))
    result = CliRunner().invoke(main, ["add", "guide.txt", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 1
