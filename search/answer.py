"""`ask`: the rules that apply to a question, an extractive answer, or an abstention.

No text is generated: the answer is composed of the sentences of the cited
clauses that best match the question, each introduced by its document and
section path and by the scope of the rule (whose rule it is).

A candidate clause *applies* when, among the best-ranked clauses,

* its scope covers the platform type or center the question names (a rule
  for 北京市技术创新中心 is not one for 国家技术创新中心; a clause that names
  no platform type inherits its document's scope, but only from a document
  devoted to one platform type), and
* it holds a value of the kind the question asks for, when it asks for one
  (几月几号 needs a date, 百分之几 a percentage, 多少经费 an amount), and
* it is close enough to the question at all: the best dense similarity must
  clear a floor calibrated on the dev set and on off-topic
  questions (e5 similarities bunch in 0.8–0.95, so the floor sits in that band).

Nothing applies → abstain (:func:`rule_abstains`). Otherwise the abstention
classifier of search/ranker.py decides, over :func:`abstention_features`
(the floors above, the ranking's scores and margins, whether the
clauses that hold the asked value are about what the question asks, how much
of what the question names the best of the top clauses says and how much of
it the corpus never says, each word weighed by its rarity in general Chinese:
:func:`question_units`); its
threshold was chosen on the dev splits so that the rule and the classifier
together abstain on at most 5 % of answerable questions.

Abstention → ``"abstained": true``, a plain statement that no rule was
found (naming the scope and the missing value), and the nearest clauses in
``related`` so the user sees what the corpus does say.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest import lexicon

from .bilingual import translate
from .features import INDEX
from .index import pieces_of
from .intent import (
    QueryAnalysis,
    alternatives,
    asked_measure,
    asked_predicate,
    asked_role,
    cue_alternation,
    english_terms,
    formal_words,
    satisfies_answer_type,
)
from .ranker import ABSTAIN_FEATURES
from .tokenize import EN_STOPWORDS, general_idf, search_form

if TYPE_CHECKING:
    from .service import Scored, Searcher

CANDIDATES = 5
"""How deep in the ranking an applicable clause may be."""
MAX_RULES = 3
MIN_DENSE_ZH = 0.875
"""Best clause cosine below this = the corpus does not talk about the question.
Measured (command in the report): Chinese dev questions that the corpus
answers have a best cosine of 0.897–0.933; off-topic Chinese questions
(天气, 落户政策, 医保报销, 年假, 养老保险 …) 0.82–0.87."""
MIN_DENSE_EN = 0.74
"""English questions meet Chinese clauses at lower cosines, and the cosine hardly
separates them: answerable ones 0.77–0.83 (dev and tests/search/own_dev_qa.jsonl (formerly heldout_qa.jsonl)),
a paraphrase of one 0.756, off-topic ones (weather, hukou, hospitals, taxes)
0.79–0.81. So what decides is that the question names an entity of the alias
table or uses enough domain words (MIN_ENGLISH_TERMS); the floor only turns
away questions far from everything."""
RELATED = 3
_AMOUNT_TYPES = ("money", "percent", "count")
"""Values that belong to what they are stated for (a grant, a share, a number
of centers), unlike a place or a recipient, which a clause may give for a
program without naming it."""

_TYPE_LABEL = {str(t["type"]): str(t["label"]) for t in lexicon.entry("search.answer_types")}
_TEXT: dict[str, str] = {str(k): str(v) for k, v in lexicon.mapping("search.answer_text").items()}
"""the sentences an answer or an abstention is written with"""
"""How an abstention names the missing value of each answer type."""
# Wording read from the clause where the graph has no fact (ingest/lexicon/search.yaml answer_fields).
_MODALITY = [(str(m["modality"]), alternatives(m["cues"])) for m in lexicon.entry("search.answer_fields.modality")]
_DEADLINE = re.compile(rf"({cue_alternation('search.answer_fields.deadline_phrases')})[^，。；]{{0,12}}")
# An amount is number grammar (digits, 万/亿, a 至 range, 元 or %), kept in code.
_AMOUNT = re.compile(r"\d+(\.\d+)?\s*(万|亿)(至\d+(\.\d+)?\s*(万|亿))?元?|\d+(\.\d+)?\s*%")
_SANCTION = re.compile(rf"[^，。；]{{0,12}}({cue_alternation('search.answer_fields.sanction_effects')})[^，。；]{{0,12}}")
_HIDDEN_HEADINGS = tuple(lexicon.words("search.citation.hidden_headings"))
_EN_CONTENT = re.compile(r"[a-z][a-z'-]{2,}")
"""An English content word for question_units: three letters or more."""


@dataclass(frozen=True)
class Judgement:
    """Why a candidate clause does or does not apply."""

    index: int
    score: float
    in_scope: bool
    typed: bool

    @property
    def applies(self) -> bool:
        return self.in_scope and self.typed


MIN_ENGLISH_TERMS = 2
"""An English question naming no entity is on topic when it uses at least this
many words of the domain glossary (intent.english_terms: funding, university,
industry …): "annual leave of employees" uses none."""


def on_topic(analysis: QueryAnalysis, best_dense: float) -> bool:
    """Does the corpus talk about the question at all?"""
    if analysis.english:
        named = bool(analysis.mentions) or len(english_terms(analysis.text)) >= MIN_ENGLISH_TERMS
        return best_dense >= MIN_DENSE_EN and named
    return best_dense >= MIN_DENSE_ZH


def in_scope(searcher: "Searcher", i: int, analysis: QueryAnalysis) -> bool:
    """Does clause ``i`` govern the platform types / centers the question names?"""
    asked = set(analysis.scope_ids())
    if not asked:
        return True
    row = searcher.row(i)
    facts = [f for f in searcher.graph_facts(row.clause_id) if f.get("kind") == analysis.intent]
    if facts:
        # The graph says whom this clause's rules of the asked kind apply to:
        # naming a platform type in passing does not make its rules apply to it.
        return any(asked & set(f.get("applies_to") or ()) for f in facts)
    if asked & set(row.entities):
        return True
    named = {e for e in row.entities if e.split(":", 1)[0] in ("PlatformType", "Platform")}
    if named:  # names other platform types only
        return False
    # Inherited scope counts only from a document about one platform type.
    return len(row.scope) == 1 and bool(asked & set(row.scope))


def says_predicate(searcher: "Searcher", text: str, analysis: QueryAnalysis) -> bool:
    """For "由谁任命" / "是谁牵头成立的": does the clause say the asked act (任命,
    成立, or a formal word for it)? Who appoints a director is not answered by
    a clause about who hires staff. For "X是谁", the clause must name X's head
    noun. Words of one character are too loose to test."""
    if analysis.english:
        return True
    words = [w for w in searcher.tokens(asked_predicate(analysis.text)) if len(w) > 1]
    if words and not any(f in text for w in words for f in formal_words(w)):
        return False
    # "学术委员会主任是谁": the clause must name the role's head noun (主任).
    # A role of the alias table (依托单位) is left to entity linking: the
    # documents name it by its variants (依托高校).
    role_text = asked_role(analysis.text)
    if not role_text or searcher.table.find_mentions(role_text):
        return True
    role = [w for w in searcher.tokens(role_text) if len(w) > 1]
    return not role or any(f in text for f in formal_words(role[-1]))


def holds_asked_value(searcher: "Searcher", i: int, analysis: QueryAnalysis) -> bool:
    """A value of the asked type, stated for what the question names.

    A program the question names (卓越青年科学家计划) must be named by, or be
    the scope of, the clause holding an amount: 5000万至1亿元 for 高精尖中心 is
    not the grant of another program; a place must be given for something the
    question names (在京落户 of research institutes is not where a forum meets).
    Platform types are checked by in_scope.
    The noun of "多少X" must occur too (an amount of 管理费 is not one of 经费).
    """
    row = searcher.row(i)
    if not satisfies_answer_type(analysis.answer_type, row.text):
        return False
    if analysis.answer_type is None:
        return True
    if analysis.answer_type == "place":  # where *what* is: the clause must name it
        named = [m.entity_id for m in analysis.mentions if m.kind != "Role"]
    elif analysis.answer_type in _AMOUNT_TYPES:
        named = [m.entity_id for m in analysis.mentions if m.kind == "Program"]
    else:
        named = []
    if named and not any(e in row.entities or e in row.scope for e in named):
        return False
    # "多少管理费": an amount of something else (5000万 of funding) is not it.
    measure = [w for w in searcher.tokens(asked_measure(analysis.text)) if len(w) > 1]
    return all(any(f in row.text for f in formal_words(w)) for w in measure)


def judge(searcher: "Searcher", ranked: list[tuple[int, float]], analysis: QueryAnalysis) -> list[Judgement]:
    out = []
    for i, s in ranked[:CANDIDATES]:
        text = searcher.row(i).text
        typed = holds_asked_value(searcher, i, analysis) and says_predicate(searcher, text, analysis)
        out.append(Judgement(i, s, in_scope(searcher, i, analysis), typed))
    return out


TITLE_SENTENCE_CHARS = 20
"""A clause's first sentence shorter than this names its topic (an item's title sentence)."""


def best_sentence(searcher: "Searcher", i: int, qvec: np.ndarray, analysis: QueryAnalysis) -> tuple[int, int]:
    """Offsets (within the clause text) of the sentence that best answers the question.

    Dense similarity of each sentence, plus small credits for the question's
    words, for wording of the asked rule kind (摘牌 for a sanction question)
    and for holding a value of the asked type.
    """
    row = searcher.row(i)
    pieces = pieces_of(row.text)
    if not pieces:
        return 0, len(row.text)
    vectors = searcher.sentence_vectors(i)
    if len(vectors) != len(pieces):
        return 0, len(row.text)
    sims = vectors @ qvec
    words = set(searcher.tokens(analysis.text + " " + " ".join(analysis.expansion(searcher.table, translated=False))))
    cue = searcher.kind_cue(analysis.intent)

    def score(k: int) -> float:
        p = pieces[k]
        credit = 0.01 * sum(1 for w in words if len(w) > 1 and w in p)
        credit += 0.03 if cue and re.search(cue, p) else 0.0
        credit += 0.03 if analysis.answer_type and satisfies_answer_type(analysis.answer_type, p) else 0.0
        return float(sims[k]) + credit

    k = max(range(len(pieces)), key=score)
    start = row.text.find(pieces[k])
    if start < 0:
        return 0, len(row.text)
    end = start + len(pieces[k])
    if k == 0 and len(pieces[0]) < TITLE_SENTENCE_CHARS and len(pieces) > 1:
        # "4.支持哲学社会科学重大实践创新。": an item's short first sentence names its
        # topic; what it says about the topic follows, so the answer runs on through it
        nxt = row.text.find(pieces[1], end)
        end = nxt + len(pieces[1]) if nxt >= 0 else end
    return start, end


def structured_fields(searcher: "Searcher", i: int, analysis: QueryAnalysis, span: tuple[int, int] | None = None) -> dict[str, Any]:
    """kind, scope, modality, actor, action, object, recipient, deadline, amount, sanction.

    The graph's facts for the clause (graph/store.py ``rules_for``) come first:
    they carry normalized deadlines, recipients and sanction triggers. Where
    the graph has nothing, the fields are read from the clause wording.
    """
    row = searcher.row(i)
    facts = searcher.graph_facts(row.clause_id)
    kinds = searcher.fact_kinds(i) | {f["kind"] for f in facts}
    kind = (
        analysis.intent
        if analysis.intent in kinds
        else next((k for k in ("obligation", "deadline", "funding", "sanction", "condition") if k in kinds), "fact")
    )
    actors = [e.split(":", 1)[1] for e in row.entities if e.split(":", 1)[0] in ("Organization", "Role")]
    fields: dict[str, Any] = {
        "kind": kind,
        "scope": [e.split(":", 1)[1] for e in row.scope],
        "modality": next((m for m, cue in _MODALITY if re.search(cue, row.text)), None),
        "actor": actors[0] if actors else None,
        "action": None,
        "object": None,
        "recipient": None,
        "deadline": _first(_DEADLINE, row.text),
        "amount": _first(_AMOUNT, row.text),
        "sanction": _first(_SANCTION, row.text),
    }
    lo, hi = span or (row.start, row.end)
    # The asked kind first, then facts inside the answering sentence, then text order.
    ordered = sorted(facts, key=lambda f: (f["kind"] != kind, not (lo <= f["start"] < hi), f["start"]))
    filled: set[str] = set()

    def put(key: str, value: Any) -> None:
        if value and key not in filled:
            fields[key] = value
            filled.add(key)

    for f in ordered:
        if f["kind"] == "obligation":
            for key in ("modality", "actor", "action", "object", "recipient"):
                put(key, f.get(key))
        elif f["kind"] == "deadline" and f.get("phrase"):
            put("deadline_normalized", f.get("normalized"))
            put("deadline", f["phrase"])
        elif f["kind"] == "sanction" and f.get("effect"):
            put("sanction", f"{f.get('trigger', '')} → {f['effect']}".strip(" →"))
        elif f["kind"] == "funding":
            put("funder", f.get("funder"))
        applies = [a.split(":", 1)[1] for a in f.get("applies_to") or () if a.split(":", 1)[0] in ("PlatformType", "Platform")]
        put("scope", list(dict.fromkeys(applies)))
    if facts:
        fields["facts"] = [f["id"] for f in facts]
    return fields


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None


def _cite(hit: dict[str, Any]) -> str:
    path = " > ".join(p for p in hit["path"] if p not in _HIDDEN_HEADINGS)
    return f"《{hit['doc_title']}》{path}" if path else f"《{hit['doc_title']}》"


def abstention_features(searcher: "Searcher", analysis: QueryAnalysis, scored: "Scored", judged: list[Judgement]) -> np.ndarray:
    """The question-level features the abstention classifier reads (ranker.ABSTAIN_FEATURES)."""
    c = scored.candidates
    order = np.lexsort((c.index, -scored.score))
    top = order[:CANDIDATES]
    best_dense = float(c.dense[top].max()) if top.size else 0.0
    n_tokens = max(1, len(searcher.tokens(analysis.text)))
    words = question_words(searcher, analysis)
    units = question_units(searcher, analysis)
    # the slot: among the candidates holding a value of the asked type, the best one
    typed = order[scored.features[order, INDEX["answer_type"]] > 0] if analysis.answer_type else order
    first_typed = typed[0] if typed.size else None
    values = {
        "top_score": float(scored.score[order[0]]) if order.size else 0.0,
        "margin": float(scored.score[order[0]] - scored.score[order[1]]) if order.size > 1 else 0.0,
        "best_dense": best_dense,
        "best_lexical": float(c.lexical[top].max()) / n_tokens if top.size else 0.0,
        "english": float(analysis.english),
        "entities": float(bool(analysis.entity_ids)),
        "on_topic": float(on_topic(analysis, best_dense)),
        "applies": float(any(j.applies for j in judged)),
        "in_scope": float(any(j.in_scope for j in judged)),
        "typed": float(any(j.typed for j in judged)),
        "asks_value": float(analysis.answer_type is not None),
        "top_entity": float(scored.features[order[0], INDEX["entity"]]) if order.size else 0.0,
        "top_kind": float(scored.features[order[0], INDEX["rule_kind"]]) if order.size else 0.0,
        "coverage": coverage(searcher, words, int(c.index[order[0]])) if order.size else 0.0,
        "typed_gap": float(scored.score[order[0]] - scored.score[first_typed]) if first_typed is not None else 2.0,
        "typed_coverage": coverage(searcher, words, int(c.index[first_typed])) if first_typed is not None else 0.0,
        "typed_entity": float(scored.features[first_typed, INDEX["entity"]]) if first_typed is not None else 0.0,
        "best_coverage": max((weighted_coverage(searcher, units, int(c.index[k])) for k in top), default=0.0),
        "unseen": unseen_share(searcher, units),
    }
    return np.array([values[name] for name in ABSTAIN_FEATURES], dtype=np.float32)


def question_words(searcher: "Searcher", analysis: QueryAnalysis) -> set[str]:
    """The question's Chinese words of two characters or more, with its expansion
    (linked names, formal words, the glossary's Chinese for English words)."""
    text = analysis.text + " " + " ".join(analysis.expansion(searcher.table, translated=False))
    return {w for w in searcher.tokens(text) if len(w) > 1 and any("\u4e00" <= ch <= "\u9fff" for ch in w)}


def coverage(searcher: "Searcher", words: set[str], i: int) -> float:
    """Share of ``words`` found in clause ``i`` (its text or its headings)."""
    if not words:
        return 0.0
    row = searcher.row(i)
    text = row.text + " ".join(row.path)
    return sum(1 for w in words if w in text) / len(words)


Unit = tuple[float, tuple[str, ...]]
"""One thing a question names: its weight and the Chinese words any of which says it."""


def question_units(searcher: "Searcher", analysis: QueryAnalysis) -> list[Unit]:
    """What the question names, each with its weight.

    A Chinese question: its words of two characters or more with their expansion
    (:func:`question_words`), each weighed by how rare it is in general Chinese
    (tokenize.general_idf), so 公积金 counts for more than 办理. An English
    question: each content word, said by any of the Chinese words the dictionary
    gives for it (search/bilingual.py), all weighing the same (the dictionary's
    many words for one English word are alternatives, not more evidence); a word
    the dictionary does not know (a foreign program's name) is said by nothing."""
    if analysis.english:
        content = [w for w in _EN_CONTENT.findall(analysis.text.lower()) if w not in EN_STOPWORDS]
        return [(1.0, translate(w)) for w in dict.fromkeys(content)]
    idf = general_idf()
    return [(idf.weight(w), (w,)) for w in sorted(question_words(searcher, analysis))]


def _share(units: list[Unit], said: Callable[[str], bool]) -> float:
    total = sum(weight for weight, _ in units)
    return sum(weight for weight, words in units if any(said(w) for w in words)) / total if total else 0.0


def weighted_coverage(searcher: "Searcher", units: list[Unit], i: int) -> float:
    """Weighted share of the question's units that clause ``i`` says: its text, its
    headings or its document's title, read in search form (simplified characters)."""
    row = searcher.row(i)
    text = search_form(" ".join([row.text, *row.path, row.doc_title]))
    return _share(units, lambda w: w in text)


def unseen_share(searcher: "Searcher", units: list[Unit]) -> float:
    """Weighted share of the question's units that no clause of the corpus says."""
    return 1.0 - _share(units, searcher.in_corpus) if units else 0.0


def rule_abstains(x: np.ndarray) -> bool:
    """Abstain, whatever the classifier says, when no top clause applies: none governs
    the platform type the question names, or none holds the value it asks for."""
    return not x[ABSTAIN_FEATURES.index("applies")]


def hand_abstains(x: np.ndarray) -> bool:
    """The first release's rule (kept as the baseline): abstain unless the question
    is on topic and some top clause applies."""
    return not (x[ABSTAIN_FEATURES.index("on_topic")] and x[ABSTAIN_FEATURES.index("applies")])


def assess(searcher: "Searcher", analysis: QueryAnalysis, scored: "Scored") -> tuple[list[Judgement], np.ndarray]:
    """The top candidates judged, and the question's abstention features."""
    judged = judge(searcher, scored.ranked(), analysis)
    return judged, abstention_features(searcher, analysis, scored, judged)


def answer(
    searcher: "Searcher",
    question: str,
    analysis: QueryAnalysis,
    scored: "Scored",
    assessed: tuple[list[Judgement], np.ndarray] | None = None,
) -> dict[str, Any]:
    """The ``ask`` document of SPEC §4 for an analysed, scored question
    (``assessed``: :func:`assess` of it, when the caller already has it).

    ``confidence`` tells how sure the abstention classifier is that the corpus
    does not answer (``p_unanswerable``) and where it abstains (``threshold``).
    """
    qvec = searcher.query_vector(question)
    judged, x = assessed or assess(searcher, analysis, scored)
    model = searcher.ranker.abstention
    abstains = (rule_abstains(x) or model.abstains(x)) if model is not None else hand_abstains(x)
    confidence = {"p_unanswerable": round(model.probability(x), 4), "threshold": model.threshold} if model is not None else None
    if abstains:
        return _abstain(searcher, question, analysis, judged, float(x[ABSTAIN_FEATURES.index("best_dense")])) | {"confidence": confidence}
    applicable = [j for j in judged if j.applies]
    top = applicable[0].score
    applicable = [j for j in applicable if j.score >= top - searcher.ranker.rule_margin][:MAX_RULES]
    rules, parts = [], []
    for j in applicable:
        hit = searcher.hit(j.index, j.score)
        s, e = best_sentence(searcher, j.index, qvec, analysis)
        fields = structured_fields(searcher, j.index, analysis, (hit["start"] + s, hit["start"] + e))
        hit.update(fields)
        hit["answer_span"] = {"start": hit["start"] + s, "end": hit["start"] + e, "text": hit["text"][s:e]}
        rules.append(hit)
        row = searcher.row(j.index)
        named = any(e in row.entities for e in row.scope) or "facts" in fields
        label = _TEXT["scope_label"] if named else _TEXT["inherited_scope_label"]  # inherited from the document
        hit["scope_source"] = "clause" if named else "document"
        parts.append(
            _TEXT["rule"].format(
                label=label, scope="、".join(fields["scope"]) or _TEXT["unrestricted"], cite=_cite(hit), text=hit["text"][s:e]
            )
        )
    return {
        "question": question,
        "abstained": False,
        "intent": analysis.intent,
        "answer": "\n".join(parts),
        "rules": rules,
        "confidence": confidence,
    }


def _abstain(searcher: "Searcher", question: str, analysis: QueryAnalysis, judged: list[Judgement], best_dense: float) -> dict[str, Any]:
    scope = [e.split(":", 1)[1] for e in analysis.scope_ids()]
    what = _TEXT["applies_to"].format(scope="、".join(scope)) if scope else ""
    why = []
    if not on_topic(analysis, best_dense):
        why.append(_TEXT["off_topic"])
    if scope and not any(j.in_scope for j in judged):
        why.append(_TEXT["out_of_scope"].format(scope="、".join(scope)))
    if analysis.answer_type and not any(j.typed and j.in_scope for j in judged):
        why.append(_TEXT["no_value"].format(what=_TYPE_LABEL[analysis.answer_type]))
    related = [searcher.hit(j.index, j.score) for j in judged[:RELATED]]
    text = _TEXT["abstain"].format(what=what) + (f"（{'；'.join(why)}）" if why else "") + "。"
    if related:
        text += _TEXT["related"] + "；".join(_cite(h) for h in related) + "。"
    return {"question": question, "abstained": True, "intent": analysis.intent, "answer": text, "rules": [], "related": related}
