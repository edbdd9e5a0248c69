"""Writes: key-protected, validated, atomic; readers keep working during the swap."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

NEW_TEXT = """北京市量子测绘试验平台管理办法
一、总则
（一）本办法适用于北京市量子测绘试验平台的建设与管理。
二、职责分工
（一）量子测绘试验平台应当每年12月31日前向市科委报送年度运行报告。
（二）依托单位负责为量子测绘试验平台提供场地和人员保障。
三、附则
本办法自发布之日起施行。
"""
NEW_DOC = {
    "id": "t01",
    "title": "北京市量子测绘试验平台管理办法",
    "text": NEW_TEXT,
    "metadata": {"issuers": ["北京市科学技术委员会"], "kind": "管理办法", "year": 2024, "status": "final"},
}


def state(client) -> tuple[list[str], str, list[str]]:
    """What a failed write must leave as it was: the documents, the live store, the corpus copies."""
    data = Path(client.app.state.settings.data)
    docs = [d["doc_id"] for d in client.get("/documents").json()["documents"]]
    corpora = sorted(p.name for p in (data / "corpora").iterdir()) if (data / "corpora").exists() else []
    return docs, str((data / "current").resolve()), corpora


@pytest.fixture()
def KEY(write_key: str) -> dict[str, str]:
    return {"X-API-Key": write_key}


def test_writes_need_the_key(write_client):
    before = state(write_client)
    for headers in ({}, {"X-API-Key": "wrong"}):
        r = write_client.post("/documents", json=NEW_DOC, headers=headers)
        assert r.status_code == 401 and r.json()["error"]["message"]
        assert write_client.delete("/documents/000", headers=headers).status_code == 401
    assert state(write_client) == before


def test_failed_uploads_change_nothing(write_client, KEY):
    before = state(write_client)
    mixed = NEW_TEXT.encode("utf-8") + NEW_TEXT.encode("gbk")
    r = write_client.post(
        "/documents", headers=KEY, data={"id": "t02", "title": "混合编码"}, files={"file": ("t02.txt", mixed, "text/plain")}
    )
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "E002" and "t02.txt" in err["message"] and "mixes encodings" in err["message"]
    r = write_client.post("/documents", headers=KEY, files={"file": ("t02.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")})
    assert r.status_code == 415 and "PNG image" in r.json()["error"]["message"], r.text
    assert state(write_client) == before

    r = write_client.post("/documents", headers=KEY, json={**NEW_DOC, "id": "000"})
    assert r.status_code == 409 and "000" in r.json()["error"]["message"]
    r = write_client.post("/documents", headers=KEY, json={**NEW_DOC, "text": " \n "})
    assert r.status_code == 400 and r.json()["error"]["code"] == "E003"
    r = write_client.post("/documents", headers=KEY, json={**NEW_DOC, "id": "bad id!"})
    assert r.status_code == 422
    big = write_client.app.state.settings.max_upload_bytes
    r = write_client.post(
        "/documents",
        headers=KEY,
        data={"id": "t03", "title": "太大"},
        files={"file": ("t03.txt", "经费。".encode() * (big // 9 + 1), "text/plain")},
    )
    assert r.status_code == 413, r.text
    r = write_client.post("/documents", headers={**KEY, "Content-Type": "text/plain"}, content=b"hello")
    assert r.status_code == 415
    assert write_client.delete("/documents/zzz", headers=KEY).status_code == 404
    assert write_client.put("/documents/zzz", headers=KEY, json={**NEW_DOC, "id": "zzz"}).status_code == 404
    assert state(write_client) == before


def test_add_search_and_delete_while_readers_keep_reading(write_client, KEY):
    statuses: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            statuses.append(write_client.get("/search", params={"q": "年度运行报告", "k": 3}).status_code)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        r = write_client.post("/documents", headers=KEY, json=NEW_DOC)
        assert r.status_code == 200, r.text
        assert r.json()["action"] == "added" and r.json()["documents"] == 6

        hits = write_client.get("/search", params={"q": "量子测绘试验平台报送年度运行报告", "k": 3}).json()["results"]
        assert hits[0]["doc_id"] == "t01"
        assert NEW_TEXT[hits[0]["start"] : hits[0]["end"]] == hits[0]["text"]
        assert write_client.get("/documents/t01").json()["title"] == NEW_DOC["title"]

        replaced = NEW_TEXT.replace("年度运行报告", "年度绩效报告")
        r = write_client.put("/documents/t01", headers=KEY, json={**NEW_DOC, "text": replaced})
        assert r.status_code == 200 and r.json()["action"] == "replaced", r.text
        hits = write_client.get("/search", params={"q": "量子测绘试验平台报送年度绩效报告", "k": 3}).json()["results"]
        assert hits[0]["doc_id"] == "t01" and "年度绩效报告" in hits[0]["text"]
        assert write_client.put("/documents/t01", headers=KEY, json={**NEW_DOC, "id": "t09"}).status_code == 422

        r = write_client.delete("/documents/t01", headers=KEY)
        assert r.status_code == 200 and r.json()["documents"] == 5
        assert write_client.get("/clauses/t01:2.1").status_code == 404
    finally:
        stop.set()
        thread.join()
    assert statuses and set(statuses) == {200}, f"a reader saw {sorted(set(statuses))} during the writes"
    assert write_client.get("/documents/t01").status_code == 404
    hits = write_client.get("/search", params={"q": "量子测绘试验平台", "k": 5}).json()["results"]
    assert all(h["doc_id"] != "t01" for h in hits)


def test_a_store_ingested_from_outside_is_picked_up(write_client, corpus_dir):
    """`policykg ingest` into the data directory of a running server: it follows within seconds."""
    from api.commands_corpus import register_steps
    from ingest.pipeline import run_ingest

    register_steps()
    build = run_ingest(corpus_dir, write_client.app.state.settings.data)
    deadline = time.monotonic() + 60
    while write_client.get("/health").json()["store"] != f"stores/{Path(build.out_dir).name}":
        assert time.monotonic() < deadline, "the server did not pick up the new store"
        time.sleep(0.5)
    assert write_client.get("/search", params={"q": "国际同行评估"}).status_code == 200


def test_a_word_file_without_id_or_title_is_read_from_its_text(write_client, KEY, tmp_path):
    from tests.ingest.samples import DOCX, word_file

    data = word_file(tmp_path / DOCX.name).read_bytes()
    r = write_client.post("/documents", headers=KEY, files={"file": (DOCX.name, data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    doc_id = r.json()["doc_id"]
    doc = write_client.get(f"/documents/{doc_id}").json()
    assert (doc["title"], doc["doc_no"], doc["issued"], doc["effective"]) == (DOCX.title, DOCX.doc_no, DOCX.issued, DOCX.effective)
    assert doc["source_format"] == "docx" and len(doc["source_sha256"]) == 64 and "title" in doc["inferred"]
    assert write_client.delete(f"/documents/{doc_id}", headers=KEY).status_code == 200
