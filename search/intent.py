"""What a question is about: linked entities, actions, intent and expected answer type.

Why this exists: "which rule applies" depends on *who* (a platform type, a
role, a program, a named center — Chinese or English, through the one alias
table of ingest/aliases.py), *what action* (报送, 评估, 调整预算, 摘牌 …),
and *what kind of rule* is asked for (an obligation, a deadline, funding, a
sanction, a condition, or a plain fact). Ranking uses all three as boosts;
answering uses the expected answer type ("几月几号" needs a date, "百分之几"
a percentage) to notice when the corpus is silent.

Everything here is a pure function of the question text, the alias table
and the lexicon: the cue lists (ingest/lexicon/search.yaml) are general
vocabulary of policy questions, not dev questions; the grammar that combines
them stays here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest import lexicon
from ingest.aliases import AliasTable, Mention, load_aliases
from ingest.matchform import match_form

from .bilingual import translate

INTENTS = ("obligation", "deadline", "funding", "sanction", "condition", "fact")


def cue_alternation(path: str) -> str:
    """A cue class of the lexicon (ingest/lexicon/search.yaml) as one regex
    alternation: its entries joined by ``|`` in file order, unescaped (an
    entry may be a small regex, and the order is the alternation's priority,
    unlike :func:`ingest.lexicon.alternation`, which sorts and escapes)."""
    return alternatives(lexicon.words(path))


def alternatives(entries: list[str] | tuple[str, ...]) -> str:
    """Regex alternatives joined in their order (see :func:`cue_alternation`)."""
    return "|".join(str(e) for e in entries)


# Cues per intent: (Chinese regex, English regex). Order of INTENTS breaks ties.
_INTENT_CUES: dict[str, tuple[str, str]] = {
    name: (cue_alternation(f"search.intent.cues.{name}.zh"), cue_alternation(f"search.intent.cues.{name}.en"))
    for name in lexicon.mapping("search.intent.cues")
}

# Actions: canonical Chinese verb -> (Chinese surface regex, English regex).
_ACTIONS: dict[str, tuple[str, str]] = {str(a["action"]): (alternatives(a["zh"]), str(a["en"])) for a in lexicon.entry("search.actions")}

# Expected answer types: (question cue, what a clause must contain to answer it).
_ANSWER_TYPES: dict[str, tuple[str, str]] = {
    str(t["type"]): (alternatives(t["cue"]), alternatives(t["value"])) for t in lexicon.entry("search.answer_types")
}

# Colloquial words of questions -> the formal words policy documents use for
# the same thing (钱 for 经费 …), applied to the lexical query only.
_COLLOQUIAL: dict[str, tuple[str, ...]] = {
    str(word): tuple(map(str, formal)) for item in lexicon.entry("search.colloquial") for word, formal in item.items()
}

# English policy vocabulary (regex) -> the Chinese words the documents use:
# gives BM25 the plain domain words of an English question (search.yaml says why).
_ENGLISH_TERMS: dict[str, tuple[str, ...]] = {str(t["en"]): tuple(map(str, t["zh"])) for t in lexicon.entry("search.english_glossary")}


def english_terms(text: str) -> tuple[str, ...]:
    """Chinese words for the domain vocabulary an English question uses."""
    low = text.lower()
    words: list[str] = []
    for rx, zh in _ENGLISH_TERMS.items():
        if re.search(rx, low):
            words += zh
    return tuple(dict.fromkeys(words))


_ENGLISH_WORD = re.compile(r"[A-Za-z]+")


def fold_plurals(text: str) -> str:
    """English plurals to singulars, keeping the length (the alias table lists
    singular names; offsets of mentions stay valid): centers -> center_,
    laboratories -> laboratory__."""

    def one(m: re.Match[str]) -> str:
        w = m.group(0)
        if len(w) > 4 and w.lower().endswith("ies"):
            return w[:-3] + "y  "
        if len(w) > 3 and w.lower().endswith("s") and not w.lower().endswith(("ss", "us", "is")):
            return w[:-1] + " "
        return w

    return _ENGLISH_WORD.sub(one, text)


# "由谁任命", "是谁牵头成立的": the words after 谁 are what the asked actor does;
# a clause that never says it (or a formal word for it) cannot name that actor.
_WHO_PREDICATE = re.compile(rf"(?:{cue_alternation('search.question.who_does')})([\u4e00-\u9fff]{{1,8}})")


_WHO_SUBJECT = re.compile(rf"([\u4e00-\u9fff]{{2,16}})(?:{cue_alternation('search.question.who_is')})(?=[？?。，,！!]|$)")
# Particles that end the head of an asked role or act (的 of a possessive,
# 了/呢/吗 of the question).
_OF = re.compile(r"的")
_PREDICATE_END = re.compile(r"的|了|呢|吗")


def asked_role(text: str) -> str:
    """The role a "X是谁" question asks about: the words before a closing 是谁
    after the last 的 (学术委员会主任 in 高精尖中心的学术委员会主任是谁)."""
    m = _WHO_SUBJECT.search(text)
    return _OF.split(m.group(1))[-1] if m else ""


def asked_predicate(text: str) -> str:
    """The verb phrase a Chinese "who does X" question asks about ('' if none)."""
    m = _WHO_PREDICATE.search(text)
    if not m:
        return ""
    return _PREDICATE_END.split(m.group(1))[0]


def formal_words(word: str) -> tuple[str, ...]:
    """A word with its formal equivalents from the colloquial table (拍板 → 审定)."""
    return (word, *_COLLOQUIAL.get(word, ()))


# "多少管理费": what the asked amount is *of*. Words that only say "money",
# "time" or "people" are left out: any amount answers 多少钱.
_ASKED_MEASURE = re.compile(rf"多少(?:{cue_alternation('search.question.measures')})?([\u4e00-\u9fff]{{2,6}}?)(?=[？?，。,！!]|$)")
_GENERIC_MEASURE = frozenset(lexicon.words("search.question.generic_measures"))


def asked_measure(text: str) -> str:
    """The noun a "多少X" question asks an amount of ('' when generic or absent)."""
    m = _ASKED_MEASURE.search(text)
    return "" if not m or m.group(1) in _GENERIC_MEASURE else m.group(1)


ENTITY_KINDS_FOR_SCOPE = ("PlatformType", "Platform")
"""Kinds whose mention sets the *scope* of a rule (whose rule it is). Programs
are left out: a clause under a heading naming 双一流 is not a 双一流 rule."""


@dataclass(frozen=True)
class QueryAnalysis:
    """Everything ranking and answering need to know about one question."""

    text: str
    intents: tuple[str, ...]
    answer_type: str | None
    mentions: tuple[Mention, ...] = ()
    actions: tuple[str, ...] = ()
    english: bool = False
    entity_ids: tuple[str, ...] = field(default=())

    @property
    def intent(self) -> str:
        return self.intents[0] if self.intents else "fact"

    def scope_ids(self) -> tuple[str, ...]:
        """The platform types / centers the question is about."""
        return tuple(dict.fromkeys(m.entity_id for m in self.mentions if m.kind in ENTITY_KINDS_FOR_SCOPE))

    def expansion(self, table: AliasTable, *, translated: bool = True) -> list[str]:
        """Chinese words to add to the lexical query: canonical names of the linked
        entities (so 高精尖中心 and an English name both meet 高精尖创新中心),
        for English questions the Chinese action verbs, the glossary's words and
        (``translated``) the dictionary's (search/bilingual.py), and the formal
        words for colloquial ones. The dictionary gives many words for one English
        word, all fine for BM25 and too many to count as the question's words."""
        words = [m.name for m in self.mentions]
        if self.english:
            words += list(self.actions)
            words += list(english_terms(self.text))
            if translated:
                words += list(translate(self.text))
        for colloquial, formal in _COLLOQUIAL.items():
            if colloquial in self.text:
                words += formal
        return list(dict.fromkeys(words))


def is_english(text: str) -> bool:
    """Mostly Latin letters: the question needs the alias table to meet the corpus."""
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    return latin > 2 * cjk


def detect_intents(text: str) -> tuple[str, ...]:
    """Intents whose cues occur, strongest first; ``("fact",)`` when none do."""
    low = text.lower()
    found: list[tuple[int, int, str]] = []
    for order, name in enumerate(INTENTS[:-1]):
        zh, en = _INTENT_CUES[name]
        hits = len(re.findall(zh, text)) + len(re.findall(en, low))
        if hits:
            found.append((-hits, order, name))
    return tuple(name for _, _, name in sorted(found)) or ("fact",)


def detect_answer_type(text: str) -> str | None:
    """The kind of value the question asks for, if it asks for a value at all."""
    low = text.lower()
    for name, (cue, _) in _ANSWER_TYPES.items():
        if re.search(cue, low):
            return name
    return None


def satisfies_answer_type(answer_type: str | None, clause_text: str) -> bool:
    """Whether a clause contains a value of the expected type (True when none is expected)."""
    if answer_type is None:
        return True
    return re.search(_ANSWER_TYPES[answer_type][1], match_form(clause_text)) is not None


def detect_actions(text: str) -> tuple[str, ...]:
    low = text.lower()
    return tuple(a for a, (zh, en) in _ACTIONS.items() if re.search(zh, text) or re.search(en, low))


_COMPILED_FEATURES = [(f"act:{a}", re.compile(zh)) for a, (zh, _) in _ACTIONS.items()] + [
    (f"type:{t}", re.compile(sat)) for t, (_, sat) in _ANSWER_TYPES.items()
]


def text_features(text: str) -> frozenset[str]:
    """Which actions (``act:报送``) a clause names and which value types (``type:date``)
    it holds: computed once per clause at load, so ranking needs no regex per query."""
    text = match_form(text)  # traditional characters and ASCII punctuation read as the cues are written
    return frozenset(name for name, rx in _COMPILED_FEATURES if rx.search(text))


def action_regex(action: str) -> str:
    """The Chinese surface regex of a canonical action (for matching clauses)."""
    return _ACTIONS[action][0]


_TYPE_INTENT = {
    "money": "funding",
    "percent": "funding",
    "date": "deadline",
    "year": "deadline",
    "duration": "deadline",
    "time": "deadline",
    "recipient": "obligation",
}


def analyze(question: str, table: AliasTable | None = None) -> QueryAnalysis:
    """Link entities and actions, detect intent and expected answer type.

    An expected value decides the intent (a question asking for an amount is
    about funding even if it also says 每年).
    """
    table = table or load_aliases()
    english = is_english(question)
    mentions = tuple(table.find_mentions(fold_plurals(question) if english else question))
    answer_type = detect_answer_type(question)
    intents = detect_intents(question)
    lead = _TYPE_INTENT.get(answer_type or "")
    if lead:
        intents = (lead, *(i for i in intents if i not in (lead, "fact")))
    return QueryAnalysis(
        text=question,
        intents=intents,
        answer_type=answer_type,
        mentions=mentions,
        actions=detect_actions(question),
        english=english,
        entity_ids=tuple(dict.fromkeys(m.entity_id for m in mentions)),
    )


@lru_cache(maxsize=1)
def domain_words() -> tuple[str, ...]:
    """Chinese surface forms of the alias table: the jieba user dictionary."""
    return tuple(s for s in load_aliases().surface_forms(chinese_only=True) if " " not in s)
