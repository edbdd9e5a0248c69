"""The upload form in a real browser: a file dropped or chosen is previewed (metadata, clauses,
facts grouped by kind, obligations first) for review, then committed or cancelled.

Against ``write_server`` (writes on over a private copy of the data); one commit in all,
since a commit re-ingests the corpus with the real model.
"""

from __future__ import annotations

import pytest

from tests.ingest.samples import GB18030, HTML, gb18030_text, html_page

pytestmark = pytest.mark.playwright
TIMEOUT = 60_000  # ms: a preview converts, parses and extracts on a shared 2-core machine
COMMIT_TIMEOUT = 300_000  # ms: a commit re-ingests the whole corpus, embeddings included

DROP = """(file) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
  return data;
}"""


def drop(page, name: str, data: bytes, mime: str) -> None:
    """Drag ``data`` as the file ``name`` onto the drop zone (dragover, then drop)."""
    transfer = page.evaluate_handle(DROP, {"bytes": list(data), "name": name, "type": mime})
    page.dispatch_event("#upload-drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#upload-drop", "drop", {"dataTransfer": transfer})


def document_ids(page) -> list[str]:
    return [d["doc_id"] for d in page.request.get(page.base + "/documents").json()["documents"]]


def test_a_dropped_file_is_previewed_for_review_and_cancelling_writes_nothing(write_page, write_key):
    page = write_page
    page.goto(page.base + "/#docs")
    page.wait_for_selector("#docs-list li", timeout=TIMEOUT)
    before = document_ids(page)
    assert page.get_by_label("文件", exact=True).is_visible() and page.get_by_label("API 密钥", exact=True).is_visible()

    drop(page, HTML.name, html_page(), "text/html")  # no key yet
    page.wait_for_selector("#upload-status.error", timeout=TIMEOUT)
    assert "API 密钥缺失或无效" in page.inner_text("#upload-status") and page.is_hidden("#upload-review")

    page.fill("#upload-key", write_key)
    drop(page, "scan.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
    page.wait_for_function("() => document.querySelector('#upload-status').textContent.includes('不支持的文件格式')", timeout=TIMEOUT)
    assert "PNG image" in page.inner_text("#upload-status")

    drop(page, HTML.name, html_page(), "text/html")
    page.wait_for_selector("#upload-review:not([hidden]) #upload-clauses li.card", timeout=TIMEOUT)
    assert page.input_value("#upload-file").endswith(HTML.name), "the dropped file is not shown as the chosen one"
    assert HTML.title in page.inner_text("#upload-review-title")
    meta = page.inner_text("#upload-meta")
    assert HTML.doc_no in meta and "北京市教育委员会" in meta
    kinds = page.locator("#upload-facts details.facts").evaluate_all("ds => ds.map(d => d.dataset.kind)")
    assert kinds[0] == "obligation" and "sanction" in kinds
    duty = page.locator("#upload-facts details[data-kind=obligation] li.card", has_text="年度工作报告").first
    assert duty.is_visible() and "依托高校" in duty.inner_text() and duty.locator("mark").inner_text()

    page.click("#lang")  # the review is shown again in English
    assert page.inner_text("#upload-review-title").startswith("For review:")
    assert page.inner_text("#upload-facts details[data-kind=obligation] summary").startswith("obligation")
    page.click("#upload-cancel")
    assert page.is_hidden("#upload-review") and "nothing was written" in page.inner_text("#upload-status")
    assert page.input_value("#upload-key") == write_key, "the key is kept for the next upload"
    assert document_ids(page) == before


def test_a_chosen_file_is_reviewed_committed_and_listed(write_page, write_key):
    page = write_page
    page.goto(page.base + "/#docs")
    page.wait_for_selector("#docs-list li", timeout=TIMEOUT)
    before = document_ids(page)
    page.fill("#upload-key", write_key)
    page.set_input_files("#upload-file", files=[{"name": GB18030.name, "mimeType": "text/plain", "buffer": gb18030_text()}])
    page.wait_for_selector("#upload-review:not([hidden]) #upload-clauses li.card", timeout=TIMEOUT)

    preview = page.locator("#upload-clauses li.card").evaluate_all("cs => cs.map(c => c.dataset.clause)")
    doc_id = preview[0].split(":")[0]
    assert doc_id not in before and "gb18030" in page.inner_text("#upload-meta")
    assert "提交将新增文档" in page.inner_text("#upload-warnings")
    duty = page.locator("#upload-facts details[data-kind=obligation] li.card").first
    assert GB18030.duty.rstrip("。") in duty.inner_text() and "必须" in duty.inner_text()
    assert duty.get_attribute("data-clause") in preview

    page.click("#upload-commit")
    page.wait_for_selector("#upload-result:not([hidden])", timeout=COMMIT_TIMEOUT)
    assert page.is_hidden("#upload-status.error"), page.inner_text("#upload-status")
    result = page.inner_text("#upload-result")
    assert doc_id in result and f"{len(preview)} 个条款" in result and f"{len(before) + 1} 个文档" in result
    page.wait_for_selector(f"#docs-list li:has-text('{GB18030.title}')", timeout=TIMEOUT)
    page.wait_for_selector(f"#docs-clauses li.card[data-clause='{preview[0]}']", timeout=TIMEOUT)
    assert document_ids(page) == [*before, doc_id]
    stored = page.request.get(page.base + "/clauses", params={"doc": doc_id}).json()["clauses"]
    assert [c["clause_id"] for c in stored] == preview, "the committed clauses are not the ones reviewed"
    assert page.request.get(page.base + f"/documents/{doc_id}").json()["encoding"] == "gb18030"
