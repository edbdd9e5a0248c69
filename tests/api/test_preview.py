"""POST /documents/preview: what a write would ingest, shown before anything is written."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.api.test_writes import NEW_TEXT, state


@pytest.fixture()
def KEY(write_key: str) -> dict[str, str]:
    return {"X-API-Key": write_key}


def written(client) -> tuple[object, list[tuple[str, int, int]], list[str]]:
    """Everything a write could touch: the documents, live store and corpus copies, every file of the
    data directory (name, size, mtime) and the server's base corpus."""
    settings = client.app.state.settings
    files = sorted(
        (str(p.relative_to(settings.data)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in Path(settings.data).rglob("*")
        if p.is_file() and not p.is_symlink()
    )
    return state(client), files, sorted(p.name for p in Path(settings.corpus).iterdir())


def preview_txt(client, key, **fields):
    return client.post(
        "/documents/preview", headers=key, data={"id": "t01", **fields}, files={"file": ("t01.txt", NEW_TEXT.encode("gbk"), "text/plain")}
    )


def test_a_text_file_is_previewed_with_clauses_and_facts_and_nothing_is_written(write_client, KEY):
    before = written(write_client)
    r = preview_txt(write_client, KEY)
    assert r.status_code == 200, r.text
    body = r.json()
    doc = body["document"]
    assert (doc["doc_id"], doc["title"], doc["source_format"], doc["encoding"]) == (
        "t01",
        "北京市量子测绘试验平台管理办法",
        "txt",
        "gb18030",
    )
    assert "title" in doc["inferred"] and body["exists"] is False and body["action"] == "add"
    clauses = body["clauses"]
    assert [c["clause_id"] for c in clauses][:3] == ["t01:title", "t01:1", "t01:1.1"]
    assert all(NEW_TEXT[c["start"] : c["end"]] == c["text"] for c in clauses)
    assert clauses[4]["path"] == ["二、职责分工", "（一）"]
    duty = next(f for f in body["facts"] if f["kind"] == "obligation" and f["clause_id"] == "t01:2.1")
    assert duty["actor"].endswith("量子测绘试验平台") and duty["modality"] == "must" and duty["recipient"] == "市科委"
    assert duty["deadline"] == "R/P1Y" and NEW_TEXT[duty["start"] : duty["end"]] == duty["text"]
    assert any(f["kind"] == "deadline" and f["phrase"] == "每年12月31日前" for f in body["facts"])
    counts = body["counts"]
    assert counts["clauses"] == len(clauses) == doc["clauses"] and counts["facts"] == len(body["facts"])
    assert counts["obligation"] == sum(f["kind"] == "obligation" for f in body["facts"]) >= 1
    assert body["warnings"] == []
    assert written(write_client) == before


def test_an_existing_id_is_a_replacement_and_a_word_file_is_read_like_a_write(write_client, KEY, tmp_path):
    from api.corpus_edit import NewDocument, prepare
    from tests.ingest.samples import DOCX, word_file

    before = written(write_client)
    r = preview_txt(write_client, KEY, id="000", title="替换")
    assert r.status_code == 200, r.text
    assert (r.json()["exists"], r.json()["action"], r.json()["document"]["title"]) == (True, "replace", "替换")

    data = word_file(tmp_path / DOCX.name).read_bytes()
    r = write_client.post("/documents/preview", headers=KEY, files={"file": (DOCX.name, data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    doc = r.json()["document"]
    assert doc["doc_id"] == prepare(NewDocument(None, None, data, {}, DOCX.name)).doc_id  # the id a POST gives it
    assert (doc["title"], doc["doc_no"], doc["issued"], doc["effective"]) == (DOCX.title, DOCX.doc_no, DOCX.issued, DOCX.effective)
    assert doc["source_format"] == "docx" and doc["source_file"].endswith(".orig.docx")
    assert any(f["kind"] == "obligation" and DOCX.duty.rstrip("；") in f["text"] for f in r.json()["facts"])
    assert any(f["kind"] == "funding" for f in r.json()["facts"])
    assert written(write_client) == before


def test_a_bad_upload_gets_the_error_a_write_gets(write_client, KEY):
    before = written(write_client)
    big = write_client.app.state.settings.max_upload_bytes
    bad = [
        {"data": {"id": "t02"}, "files": {"file": ("t02.txt", NEW_TEXT.encode() + NEW_TEXT.encode("gbk"), "text/plain")}},
        {"files": {"file": ("t02.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")}},
        {"json": {"id": "t02", "text": " \n "}},
        {"json": {"id": "t02", "text": NEW_TEXT[:30] + "\x07" + NEW_TEXT[30:]}},
        {"json": {"id": "bad id!", "text": NEW_TEXT}},
        {"files": {"file": ("t03.txt", "经费。".encode() * (big // 9 + 1), "text/plain")}},
        {"content": b"hello", "headers": {"Content-Type": "text/plain"}},
    ]
    for request in bad:
        request = copy.deepcopy(request)
        headers = {**KEY, **request.pop("headers", {})}
        preview = write_client.post("/documents/preview", headers=headers, **request)
        post = write_client.post("/documents", headers=headers, **request)
        assert preview.status_code >= 400 and (preview.status_code, preview.json()) == (post.status_code, post.json()), request
    for headers in ({}, {"X-API-Key": "wrong"}):
        r = preview_txt(write_client, headers)
        assert r.status_code == 401 and r.json()["error"]["message"]
    assert written(write_client) == before


def test_the_preview_has_the_facts_an_ingest_of_the_upload_stores(tmp_path):
    """The same document committed and ingested (corpus steps and graph build, no embedding)
    gets exactly the clauses, metadata and facts the preview showed."""
    import shutil

    from api.corpus_edit import NewDocument, document_ids, put_document
    from api.preview import preview_document
    from graph.build import build_graph
    from ingest.aliases import aliases_for_corpus
    from ingest.centers import load_centers
    from ingest.loaders import load_corpus
    from ingest.scope import introduce
    from tests.ingest.samples import HTML, html_page

    corpus = shutil.copytree(Path(__file__).resolve().parents[2] / "corpus", tmp_path / "corpus")
    upload = NewDocument(None, None, html_page(), {}, HTML.name)
    shown = preview_document(upload, aliases_for_corpus(corpus), document_ids(corpus))
    assert shown["action"] == "add" and shown["counts"]["obligation"] >= 1
    put_document(corpus, upload, replace=False)
    docs = load_corpus(corpus)
    introduce(docs, aliases_for_corpus(corpus))  # as the load_corpus step does
    _, _, facts = build_graph(docs, aliases_for_corpus(corpus), load_centers(corpus / "centers.csv").records)
    [doc] = [d for d in docs if d.doc_id == shown["document"]["doc_id"]]
    assert shown["document"] == doc.meta()
    assert shown["clauses"] == [c.to_dict() for c in doc.clauses]
    assert shown["facts"] == [f.to_dict() for f in facts if f.doc_id == doc.doc_id]
