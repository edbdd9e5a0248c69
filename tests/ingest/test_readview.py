"""The reading view: glosses and doubled marks out, offsets back into the stored text."""

from __future__ import annotations

from ingest.aliases import load_aliases
from ingest.extract import extract_document
from ingest.matchform import match_form
from ingest.readview import reading_view, to_stored
from tests.graph.test_open_vocabulary import _doc


def test_glosses_and_doubled_marks_leave_the_view() -> None:
    stored = "各縣(區(qū))科技局,、高校,,要對本轄區(qū)材料負責(PDF)"
    view, where = reading_view(match_form(stored))
    assert view == "各县(区)科技局、高校，要对本辖区材料负责（PDF）".replace("(", "（").replace(")", "）")
    assert len(where) == len(view) and all(match_form(stored)[i] == ch for i, ch in zip(where, view))


def test_a_view_span_maps_back_to_the_stored_characters() -> None:
    stored = "前文。高校,,要對本轄區(qū)材料負責。"
    base = 3
    view, where = reading_view(match_form(stored[base:]))
    s = view.index("要")
    e = view.index("责") + 1
    a, b = to_stored(base + s, base + e, base, where)
    assert stored[a:b] == "要對本轄區(qū)材料負責"


def test_facts_in_a_glossed_copy_cite_the_stored_text() -> None:
    text = "各有关单位：\n二、各縣(區(qū))科技局,、高校,,、科研院所等主管單位,,要對本轄區(qū)評估材料的真實性負責。\n"
    doc = _doc(text, title="关于开展重点实验室评估工作的通知")
    facts = [f for f in extract_document(doc, load_aliases()) if f.kind == "obligation"]
    assert sorted(f.attrs["actor"] for f in facts) == ["县（区）科技局", "科研院所", "高校"]
    for f in facts:
        assert doc.text[f.start : f.end] == f.text and f.text.startswith("各縣(區(qū))") and f.text.endswith("負責")
