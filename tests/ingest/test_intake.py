"""`policykg add` on real files of each format: clauses, offsets, metadata, facts.

One data directory gets all four samples (tests/ingest/samples.py) added to
an empty corpus, through the CLI and so through the same path as the API's
POST /documents. Each format is then checked on its own: the stored text is
what every clause offset points into, the original bytes are kept beside it
under their SHA-256, the metadata is read from the text, and extraction finds
the document's duty.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from api.cli import main
from tests.conftest import link_model
from tests.ingest import samples
from tests.ingest.samples import DOCX, GB18030, HTML, PDF, Sample

FORMATS = {HTML.name: "html", DOCX.name: "docx", PDF.name: "pdf", GB18030.name: "txt"}
ENCODINGS = {HTML.name: "gb18030", DOCX.name: "utf-8", PDF.name: None, GB18030.name: "gb18030"}


def run(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """(data dir, files, the `add` result) after adding every sample to an empty corpus."""
    root = tmp_path_factory.mktemp("intake")
    files = samples.write_all(root / "incoming")
    (root / "empty").mkdir()
    data = root / "data"
    link_model(data)
    result = run("add", *map(str, files.values()), "--corpus", str(root / "empty"), "--data", str(data))
    return data, files, result


def _document(data, sample: Sample) -> dict:
    docs = [d for d in run("documents", "--data", str(data))["documents"] if d["title"] == sample.title]
    assert len(docs) == 1, [d["title"] for d in run("documents", "--data", str(data))["documents"]]
    return docs[0]


def _stored_text(data, doc: dict) -> str:
    from ingest.store_files import read_documents

    return next(d["text"] for d in read_documents((data / "current").resolve()) if d["doc_id"] == doc["doc_id"])


@pytest.mark.parametrize("sample", [HTML, DOCX, PDF, GB18030], ids=lambda s: s.name)
def test_added_file_reads_right(added, sample):
    data, files, result = added
    assert result["documents"] == 4
    doc = _document(data, sample)

    # metadata read from the text, each such field listed as inferred
    assert (doc["doc_no"], doc["issuers"], doc["issued"], doc["effective"], doc["status"]) == (
        sample.doc_no,
        sample.issuers,
        sample.issued,
        sample.effective,
        sample.status,
    )
    assert doc["year"] == int(sample.issued[:4])
    assert {"title", "issuers", "issued", "effective"} <= set(doc["inferred"])
    assert ("doc_no" in doc["unknown"]) == (sample.doc_no is None)
    assert doc["source_format"] == FORMATS[sample.name] and doc["encoding"] == ENCODINGS[sample.name]

    # the original bytes are kept, under the hash the document reports
    original = files[sample.name].read_bytes()
    assert doc["source_sha256"] == hashlib.sha256(original).hexdigest()
    corpus = (data / "corpus").resolve()
    assert (corpus / doc["source_file"]).read_bytes() == original
    assert (corpus / doc["file"]).read_text("utf-8") == _stored_text(data, doc)

    # every clause offset round-trips into the stored text; no page furniture in it
    text = _stored_text(data, doc)
    assert "\r" not in text and "字体" not in text and "京ICP备" not in text and "- 2 -" not in text
    clauses = run("clauses", "--doc", doc["doc_id"], "--data", str(data))["clauses"]
    assert clauses and all(text[c["start"] : c["end"]] == c["text"] for c in clauses)
    assert any(sample.duty in c["text"] for c in clauses), [c["text"] for c in clauses]

    # and extraction finds the duty, with its bearer's platform type in scope
    assert sample.platform_type in " ".join(doc["scope"]), doc["scope"]
    scope = min((s for s in doc["scope"] if sample.platform_type in s), key=len)
    # --all-versions: a draft (征求意见稿) is never in force, so today's checklist leaves it out
    duties = run("obligations", "--platform-type", scope, "--all-versions", "--data", str(data))["obligations"]
    assert any(o["doc_id"] == doc["doc_id"] and sample.duty[:12] in o["text"] for o in duties), duties


def test_word_numbering_is_written_into_the_text(added):
    data, _, _ = added
    text = _stored_text(data, _document(data, DOCX))
    assert "第二条 重点实验室依托单位应当履行以下职责：\n（一）每年1月31日前" in text
    assert "重点实验室\t每年不超过200万元" in text  # a table row stays one line


def test_adding_the_same_file_again_replaces_it(added, tmp_path):
    data, files, _ = added
    before = _document(data, GB18030)
    again = run("add", str(files[GB18030.name]), "--data", str(data))
    assert again["documents"] == 4 and again["added"][0]["doc_id"] == before["doc_id"]
