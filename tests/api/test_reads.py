"""The read endpoints answer the SPEC §4 shapes over the real ingest, with provenance."""

from __future__ import annotations

import csv
import io

from icalendar import Calendar

QUESTION = "高精尖中心多久要组织一次国际同行评估？"


def source_texts(client) -> dict[str, str]:
    from ingest.loaders import load_corpus

    return {d.doc_id: d.text for d in load_corpus(client.app.state.settings.corpus)}


def test_health_reports_everything_loaded(client):
    body = client.get("/health").json()
    assert body["graph"] and body["search"] and not body["problems"]


def test_search_returns_cited_clauses_whose_offsets_round_trip(client):
    r = client.get("/search", params={"q": QUESTION, "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == QUESTION.strip() and 1 <= len(body["results"]) <= 5
    texts = source_texts(client)
    for hit in body["results"]:
        assert texts[hit["doc_id"]][hit["start"] : hit["end"]] == hit["text"]
        assert hit["path"] and hit["doc_title"]
    assert any("国际同行评估" in h["text"] for h in body["results"])


def test_ask_answers_with_rules_or_abstains(client):
    body = client.get("/ask", params={"q": QUESTION}).json()
    assert set(body) >= {"question", "abstained", "answer", "rules"}
    assert not body["abstained"] and body["rules"]
    assert any("国际同行评估" in r["text"] for r in body["rules"])


def test_obligations_checklist_and_its_downloads(client):
    params = {"platform_type": "高精尖中心", "role": "依托高校"}
    body = client.get("/obligations", params=params).json()
    assert body["platform_type"] == "高精尖创新中心" and body["obligations"]
    texts = source_texts(client)
    for o in body["obligations"]:
        assert texts[o["doc_id"]][o["start"] : o["end"]] == o["text"]

    r = client.get("/obligations", params={**params, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert [row["clause_id"] for row in rows] == [o["clause_id"] for o in body["obligations"]]

    r = client.get("/obligations", params={"platform_type": "高精尖中心", "format": "ics"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert events, "the 高精尖中心 checklist has yearly duties (年度自评估 …): expected recurring events"
    assert all(e.get("rrule") for e in events), "without a cycle start only recurring duties have dates"

    # with the center's cycle start, cycle-bound reviews become dated events too, each citing its clause
    params = {"platform_type": "高精尖中心", "as_of": "2026-12-02", "since": "2022-02-19"}
    body = client.get("/obligations", params=params).json()
    assert body["since"] == "2022-02-19"
    due = {o["deadline"]: o["next_due"] for o in body["obligations"] if o.get("next_due")}
    assert due.get("end of cycle") == "2027-02-18" and due.get("R/P1Y") == "2026-12-31"
    events = Calendar.from_ical(client.get("/obligations", params={**params, "format": "ics"}).content).walk("VEVENT")
    one_off = [e for e in events if not e.get("rrule")]
    assert one_off and all("000:" in str(e.get("description")) for e in one_off)
    assert any(str(e.get("dtstart").dt) == "2027-02-18" for e in one_off)


def test_deadlines_are_normalized(client):
    body = client.get("/deadlines", params={"platform_type": "高精尖创新中心"}).json()
    assert body["deadlines"]
    assert any(d["normalized"] == "R/P1Y" for d in body["deadlines"])


def test_entity_resolves_aliases_with_its_neighbourhood(client):
    body = client.get("/entities/高精尖中心").json()
    assert body["entity"]["name"] == "高精尖创新中心"
    assert body["neighbours"]


def test_documents_and_clauses(client):
    docs = client.get("/documents").json()["documents"]
    assert [d["doc_id"] for d in docs] == ["000", "001", "002", "003", "004"]
    assert client.get("/documents/003").json()["status"] == "draft"
    clauses = client.get("/clauses", params={"doc": "000"}).json()["clauses"]
    one = client.get(f"/clauses/{clauses[5]['clause_id']}").json()
    assert one["text"] == clauses[5]["text"]


def test_overlap_matrix(client):
    body = client.get("/overlap", params={"by": "platform_type"}).json()
    assert set(body["matrix"]["高精尖创新中心"]) >= {"000"}


def test_page_and_its_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "问答" in page.text
    assert "http://" not in page.text and "https://" not in page.text, "the page must not load anything remote"
    for asset in ("/static/app.js", "/static/app.css"):
        r = client.get(asset)
        assert r.status_code == 200 and "https://" not in r.text


def test_openapi_docs_are_served_without_a_cdn(client):
    html = client.get("/docs").text
    assert "swagger-ui-bundle.js" in html and "http" not in html.replace("http-equiv", "")
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/search",
        "/ask",
        "/obligations",
        "/deadlines",
        "/overlap",
        "/entities/{name}",
        "/documents",
        "/documents/{doc_id}",
        "/clauses/{clause_id}",
        "/health",
    } <= set(paths)
