"""The page in a real browser: ask and see the cited clause highlighted, open a
checklist and download its CSV, draw an entity's neighbourhood, click the overlap matrix."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.playwright
TIMEOUT = 60_000  # ms; the first question warms jieba and the model on a shared 2-core machine


def test_question_shows_answer_and_highlighted_cited_clause(page):
    question = "高精尖中心多久要组织一次国际同行评估？"
    page.goto(page.base + "/")
    page.fill("#ask-q", question)
    page.press("#ask-q", "Enter")
    page.wait_for_selector("#ask-rules li.card", timeout=TIMEOUT)
    assert page.inner_text("#ask-answer").strip()
    cited = page.locator("#ask-rules li.card", has_text="国际同行评估").first
    mark = cited.locator("mark").first
    assert mark.is_visible() and mark.inner_text().strip(), "the answering span of the cited clause is not highlighted"
    assert cited.locator(".path span").count() >= 1, "the cited clause's section path is not shown"
    assert "高精尖" in cited.inner_text()
    # what is highlighted is the answering span the API reports for that clause
    answer = page.request.get(page.base + "/ask", params={"q": question}).json()
    rule = next(r for r in answer["rules"] if r["clause_id"] == cited.get_attribute("data-clause"))
    assert mark.inner_text() == rule["answer_span"]["text"]


def test_documents_view_lists_the_corpus_and_its_clauses(page):
    page.goto(page.base + "/#docs?doc=003")
    page.wait_for_selector("#docs-clauses li.card", timeout=TIMEOUT)
    assert page.locator("#docs-list > li").count() == 5
    assert "draft" in page.inner_text("#docs-list > li:nth-child(4)")
    assert all(c.startswith("003:") for c in page.locator("#docs-clauses li.card").evaluate_all("cs => cs.map(c => c.dataset.clause)"))


def test_english_question_works(page):
    page.goto(page.base + "/")
    page.click("#lang")
    assert page.inner_text("nav a[data-view=ask]") == "Ask"
    page.fill("#ask-q", "How often must an advanced innovation center organize an international peer review?")
    page.click("#ask-form button")
    page.wait_for_selector("#ask-rules li.card mark", timeout=TIMEOUT)
    assert page.locator("#ask-rules li.card").count() >= 1


def test_checklist_table_and_csv_download(page, artifacts):
    page.goto(page.base + "/#checklist")
    page.wait_for_selector("#cl-pt option[value='高精尖创新中心']", state="attached", timeout=TIMEOUT)
    page.select_option("#cl-pt", "高精尖创新中心")
    page.select_option("#cl-role", "依托高校")
    page.click("#checklist-form button")
    page.wait_for_selector("#cl-table tbody tr", timeout=TIMEOUT)
    shown = page.locator("#cl-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.clause)")
    assert shown
    with page.expect_download() as info:
        page.click("#cl-csv")
    download = info.value
    target = artifacts / "checklist-高精尖创新中心-依托高校.csv"
    download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [r["clause_id"] for r in rows] == shown
    assert {"actor", "modality", "recipient", "deadline", "sanction", "text"} <= set(rows[0])
    assert all(r["text"] for r in rows)


def test_entity_neighbourhood_is_drawn(page):
    page.goto(page.base + "/#entity?name=" + quote("高精尖中心"))
    page.wait_for_selector("#entity-graph g.node circle", timeout=TIMEOUT)
    assert page.locator("#entity-graph g.node").count() > 2
    assert "高精尖创新中心" in page.inner_text("#entity-info h2")
    page.locator("#entity-graph g.node[data-name] circle").first.click()
    page.wait_for_function(
        "() => location.hash.startsWith('#entity?name=') && !location.hash.includes('%E9%AB%98%E7%B2%BE%E5%B0%96%E4%B8%AD%E5%BF%83')"
    )


def test_overlap_heatmap_cell_lists_clauses(page):
    page.goto(page.base + "/#overlap?by=platform_type")
    cell = page.locator("#ov-matrix td.cell[data-item='高精尖创新中心'][data-doc='000']")
    cell.wait_for(timeout=TIMEOUT)
    cell.click()
    page.wait_for_selector("#ov-cell li.card", timeout=TIMEOUT)
    assert all(c.startswith("000:") for c in page.locator("#ov-cell li.card").evaluate_all("cs => cs.map(c => c.dataset.clause)"))


def test_openapi_docs_render_offline(page):
    """Swagger UI is vendored: /docs renders every operation (the fixture fails on any remote request)."""
    page.goto(page.base + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=TIMEOUT)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/search" in paths and "/obligations" in paths
