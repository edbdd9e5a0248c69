"""The same document in the forms web copies take — ASCII punctuation,
traditional characters, CRLF line ends — yields the same facts (issue 12,
item 3).  Extraction reads every text in its match form (ingest/matchform.py:
simplified characters, Chinese punctuation, one character for one), so the
offsets still point into the text as stored, whatever variant that is."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import opencc
import pytest

from graph.build import build_graph
from ingest.aliases import aliases_for_corpus
from ingest.document import Document
from ingest.parse import parse_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
_ASCII = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})
VARIANTS = {
    "ascii punctuation": lambda text: text.translate(_ASCII),
    "traditional characters": opencc.OpenCC("s2t").convert,
    "crlf line ends": lambda text: text.replace("\n", "\r\n"),
}


def _facts(documents: list[Document]) -> tuple[Counter, list]:
    _g, _t, facts = build_graph(documents, aliases_for_corpus(CORPUS))
    key = Counter(
        (f.kind, f.clause_id, f.attrs.get("actor", ""), f.attrs.get("normalized", f.attrs.get("deadline", "")), f.attrs.get("modality", ""))
        for f in facts
    )
    return key, facts


@pytest.fixture(scope="module")
def seeds(documents: list[Document]) -> tuple[list[Document], Counter]:
    return documents, _facts(documents)[0]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_seed_gives_the_same_facts_in_every_variant(seeds, variant: str) -> None:
    documents, expected = seeds
    changed = []
    for doc in documents:
        text = VARIANTS[variant](doc.text)
        copy = replace(doc, text=text)
        copy.clauses = parse_document(doc.doc_id, text)
        changed.append(copy)
    got, facts = _facts(changed)
    assert got == expected, (variant, expected - got, got - expected)
    texts = {d.doc_id: d.text for d in changed}
    assert all(texts[f.doc_id][f.start : f.end] == f.text for f in facts)  # offsets into the variant as stored
    assert [c.clause_id for d in changed for c in d.clauses] == [c.clause_id for d in documents for c in d.clauses]
