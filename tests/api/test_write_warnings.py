"""A write answers with what its document was accepted with, and refuses junk with the offset."""

from __future__ import annotations

from tests.api.test_writes import NEW_DOC, NEW_TEXT, state


def test_a_truncated_upload_is_written_with_its_warning(write_client, write_key):
    cut = NEW_TEXT[: NEW_TEXT.index("提供场地")]  # the download stopped inside （二）
    r = write_client.post("/documents", headers={"X-API-Key": write_key}, json={**NEW_DOC, "text": cut})
    assert r.status_code == 200, r.text
    [warning] = r.json()["warnings"]
    assert warning["kind"] == "truncated" and warning["offset"] == len(cut)


def test_an_upload_with_control_characters_is_refused_naming_the_offset(write_client, write_key):
    before = state(write_client)
    text = NEW_TEXT[:30] + "\x07\x1b" + NEW_TEXT[30:]
    r = write_client.post("/documents", headers={"X-API-Key": write_key}, json={**NEW_DOC, "text": text})
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "E021" and "offset 30" in err["message"] and "U+0007" in err["message"]
    assert state(write_client) == before
