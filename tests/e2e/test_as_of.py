"""Which rule applies now, in a real browser: the header's 截至日期 date picker and 显示全部版本 box
reach every view through the page's own controls; a rule whose source is not in force carries a
badge (草案, 已失效, …), a checklist names what it left out, the documents view shows each term of force."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.playwright
TIMEOUT = 60_000  # ms; the first question warms jieba and the model on a shared 2-core machine
DATED = ("/search", "/ask", "/obligations", "/deadlines", "/entities/", "/overlap")


def dated_requests(page) -> list[dict[str, list[str]]]:
    """The query of every request the page makes to a dated read route, as it makes them."""
    seen: list[dict[str, list[str]]] = []
    page.on("request", lambda r: seen.append(parse_qs(urlparse(r.url).query)) if urlparse(r.url).path.startswith(DATED) else None)
    return seen


def checklist_shown(page, as_of: str) -> None:
    """Wait until the checklist answered as of ``as_of`` is on the page (its status names the date)."""
    page.wait_for_function("(d) => document.querySelector('#cl-status').textContent.includes(d)", arg=as_of, timeout=TIMEOUT)


def row_docs(page) -> set[str]:
    return set(page.locator("#cl-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.doc)"))


def test_date_picker_and_all_versions_reach_checklist_and_ask(page):
    requests = dated_requests(page)
    page.goto(page.base + "/#checklist")
    page.wait_for_selector("#cl-pt option[value='高精尖创新中心']", state="attached", timeout=TIMEOUT)
    page.select_option("#cl-pt", "高精尖创新中心")
    page.click("#checklist-form button")
    page.wait_for_selector("#cl-table tbody tr", timeout=TIMEOUT)

    # 2016-06-01: only 000 was in force; 001 and 004 are named as left out
    page.get_by_label("截至日期").fill("2016-06-01")
    checklist_shown(page, "2016-06-01")
    assert row_docs(page) == {"000"}
    assert page.locator("#cl-table .badge.standing").count() == 0
    note = page.locator("#cl-left-out .left-out")
    assert note.inner_text().startswith("未列入")
    assert note.locator("li").evaluate_all("lis => lis.map(l => l.dataset.doc)") == ["001", "004"]
    assert "尚未施行" in note.inner_text() and "显示全部版本" in note.inner_text()
    assert "as_of=2016-06-01" in page.url, "the date is not kept in the view's address"
    assert requests[-1]["as_of"] == ["2016-06-01"] and requests[-1]["all_versions"] == ["false"]

    # cleared (today): the draft 003 rule is cited with its 草案 badge
    page.get_by_label("截至日期").fill("")
    today = dt.date.today().isoformat()
    checklist_shown(page, today)
    assert "001" not in row_docs(page), "the expired 001 rule is listed without 显示全部版本"
    page.click("nav a[data-view=ask]")
    page.fill("#ask-q", "技术创新中心多久考核一次")
    page.press("#ask-q", "Enter")
    draft = page.locator("#ask-rules li.card[data-clause^='003:']").first
    draft.wait_for(timeout=TIMEOUT)
    badge = draft.locator(".badge.standing")
    assert badge.inner_text() == "草案"
    assert badge.get_attribute("title").startswith("有效期")
    assert page.inner_text("#ask-answer").startswith("【征求意见稿，未生效】")
    assert "as_of" not in page.url and "as_of" not in requests[-1]

    # 显示全部版本: the checklist of today includes the expired 001 rule, marked 已失效
    page.get_by_label("显示全部版本").check()
    page.wait_for_function("() => location.hash.includes('all_versions=true')")
    page.click("nav a[data-view=checklist]")
    expired = page.locator("#cl-table tbody tr[data-doc='001']").first
    expired.wait_for(timeout=TIMEOUT)
    assert expired.locator(".badge.standing").inner_text() == "已失效"
    assert "2024-12-31" in expired.locator(".badge.standing").get_attribute("title")
    assert {"000", "001"} <= row_docs(page)
    assert page.locator("#cl-left-out .left-out").count() == 0
    assert page.get_by_label("显示全部版本").is_checked()
    assert requests and all("all_versions" in q for q in requests), "a dated request went without all_versions"
    assert requests[-1]["all_versions"] == ["true"]


def test_documents_view_shows_each_term_of_force_and_relations(page):
    page.goto(page.base + "/#docs?as_of=2016-06-01")
    page.wait_for_selector("#docs-list li .validity", timeout=TIMEOUT)
    assert page.get_by_label("截至日期").input_value() == "2016-06-01"

    def status(doc: str) -> str:
        return page.locator(f"#docs-list li[data-doc='{doc}'] .validity .badge.standing").inner_text()

    assert [status(d) for d in ("000", "001", "003")] == ["现行有效", "尚未施行", "草案"]
    assert "2022-01-01 至 2024-12-31" in page.inner_text("#docs-list li[data-doc='001'] .validity")
    page.get_by_label("截至日期").fill("")
    page.wait_for_function("() => !location.hash.includes('as_of')")
    page.wait_for_function(
        "() => document.querySelector(\"#docs-list li[data-doc='001'] .badge.standing\").textContent === '已失效'", timeout=TIMEOUT
    )
    relations = page.locator("#docs-list li[data-doc='001'] .validity details")
    relations.locator("summary").click()
    assert "依据 《“十四五”北京国际科技创新中心建设战略行动计划》" in relations.inner_text()
