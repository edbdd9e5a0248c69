"""Who a duty binds, whatever the document calls them (open vocabulary).

A Chinese duty names its bearer as the subject right before the modal or
duty verb: 承担单位应当…, 有关省级教育行政部门应督促…, 考核结果为不合格的平台须….
The alias table knows some bearers; every other one is still a bearer.  This
module finds that subject noun phrase and decides what it is:

1. ``subject_phrase``: the noun phrase at the start of a segment that ends in
   a bearer head (…单位, …部门, …中心; ``bearer_heads`` in the lexicon) or in
   a known name, followed (after at most a short adverbial) by a bearer cue;
2. ``split_phrase``: determiners (各/本/有关) dropped, a qualifier before the
   last 的 kept apart (考核结果为不合格 | 平台);
3. ``resolve_bearer``: the alias table first, then coreference (本中心/实验室
   → the platform type the document governs; 我委/我厅 → its issuer), then a
   new entity typed by its head noun, carrying the span it was found at.

Pure functions over strings and a small :class:`BearerScope`; the words come
from ``ingest/lexicon/extraction.yaml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import lexicon as L
from .aliases import AliasTable, Entity

_HEAD_KINDS = ("PlatformType", "Program", "Organization", "Role")
ACTOR_KINDS = ("Role", "Organization", "PlatformType")
MAX_SUBJECT = 30
"""A subject longer than this is a clause, not a noun phrase."""
MAX_QUALIFIED = 64
"""A subject with a 的-qualifier may run this long."""
MAX_GAP = 6
"""Characters of adverbial allowed between a subject and its cue (每年, 原则上)."""
_QUOTED_WORD = re.compile(r"“[^“”，。；：]{1,12}”(?=[\u4e00-\u9fff])")
"""a quoted name inside a subject (各“一室一中心”依托单位): no stop"""
_STOP = re.compile('[，,。；;：:！？!?《》“”"\n]')
"""the punctuation a subject does not run across"""
SETTING = L.compile_re(
    r"(?:在[^，。；]{1,30}?(?:{extraction.obligation_grammar.setting_ends})|[^，。；]{1,20}?(?:{extraction.obligation_grammar.circumstance_ends})"
    r"|(?:对[^，。；]{1,20}?)?(?:{extraction.obligation_grammar.conditional_openers})[^，,。；]{1,24}?)"
    r"(?:{extraction.obligation_grammar.clause_adverbs})?[，,]?"
)
"""A clause that sets when, where or on what condition a subject acts, between it
and its modal (申请单位填写申请书时一般应…, 依托单位在中心组建中，要…, 单位和个人如对…有异议，应当…,
单位和个人对公示如有异议，请…)"""
_MODAL_AFTER_COMMA = L.compile_re(
    r"(?:{extraction.modality.must_particles})?"
    r"(?!(?:{extraction.bearer_cues.modal})(?:{extraction.obligation_grammar.copulas}))(?:{extraction.bearer_cues.modal})"
)
"""a modal opening what follows a subject's comma, perhaps after 均/都 (…的各参与方，均须…);
not 可以是 (a description: …的独立法人机构，可以是…)"""
_PAREN = re.compile(r"[（(][^（()）]{0,12}[)）]")
SHORT_NAME = L.compile_re(r"[（(](?:{extraction.definitions.short_name})[“\"]?([^）)”\"]{2,12})[”\"]?[）)]")
"""…X（以下简称“Y”）: group 1 is the short name Y"""


@functools.lru_cache(maxsize=1)
def _heads() -> list[tuple[str, str]]:
    """(head word, kind), longest first, ties in the lexicon's kind order."""
    out = [(w, kind) for kind in _HEAD_KINDS for w in L.words(f"extraction.bearer_heads.{kind}")]
    return sorted(out, key=lambda hk: -len(hk[0]))


def head_of(name: str) -> tuple[str, str] | None:
    """The bearer head ``name`` ends with and the kind it gives, or None.

    A one-character head counts only after an organization domain (省科技厅),
    so 布局 and 全部 are not organizations."""
    division = _division(name)
    if division:
        return division, "Organization"  # 各区, 各县（市、区）: their governments
    lengths, heads, lasts = _head_index()
    if name[-1:] not in lasts and not name.endswith(("）", ")")) and 0 not in lengths:
        return None  # no head ends in this character (a bracket group only goes at the end)
    if name.endswith(("）", ")")):
        # 依托学院（单位）: an alternative in brackets; a short-name bracket ends no name
        if SHORT_NAME.search(name) or not _PAREN.search(name):
            return None
    if "（" in name or "(" in name:
        # 依托学院（单位） ends in 学院; 院（系） is 院系
        return next((hk for form in (_PAREN.sub("", name), _GLOSSED_END.sub(r"\1", name)) if (hk := _head_at_end(form))), None)
    return _head_at_end(name)


def _head_at_end(name: str) -> tuple[str, str] | None:
    lengths, heads, _lasts = _head_index()
    n = len(name)
    for size in lengths:
        if size > n:
            continue
        hk = heads.get(name[n - size :])
        if hk is None:
            continue
        if size == 1 and not name[:-1].endswith(_domains()):
            continue
        return hk
    return None


_GLOSSED_END = re.compile(r"[（(]([^（）()]{1,2})[）)]$")
"""a bracketed last character or two that completes the word before it (院（系）)"""


@functools.lru_cache(maxsize=1)
def _longer_heads() -> re.Pattern[str]:
    """Any head of two characters or more, anywhere in a text: one regex scan
    instead of a substring test per head."""
    return re.compile("|".join(re.escape(h) for h, _k in _heads() if len(h) > 1) or "(?!)")


@functools.lru_cache(maxsize=1)
def _longest_head() -> int:
    return max(len(h) for h, _k in _heads())


@functools.lru_cache(maxsize=1)
def _divisions() -> dict[str, str]:
    """Every way a division is written as a whole name (区, 各区, 各有关县（市、区）) → the division."""
    divisions = L.words("extraction.division_bearers")
    return {d + v: v for d in ("", *L.words("extraction.division_determiners")) for v in divisions}


def _division(name: str) -> str | None:
    """The administrative division a whole name is, after a distributive determiner (各区 → 区), else None."""
    return _divisions().get(name)


@functools.lru_cache(maxsize=1)
def _head_index() -> tuple[tuple[int, ...], dict[str, tuple[str, str]], frozenset[str]]:
    """:func:`_heads` as (head lengths, longest first; head word → its first (head, kind);
    the last characters of the heads): a name is looked up by its suffix of each length
    instead of tried against every head, and only when its last character ends a head."""
    heads: dict[str, tuple[str, str]] = {}
    for h, k in _heads():
        heads.setdefault(h, (h, k))
    return tuple(sorted({len(h) for h in heads}, reverse=True)), heads, frozenset(h[-1] for h in heads if h)


@functools.lru_cache(maxsize=1)
def _domains() -> tuple[str, ...]:
    return tuple(L.words("extraction.organization_domains"))


@functools.lru_cache(maxsize=4096)
def starts_like_subject(phrase: str, *, before_modal: bool = False) -> bool:
    """A subject opens with a noun, not a verb, preposition or adverb
    (jieba.posseg on the phrase), unless it opens with a multi-character
    head that itself starts with a verb (承担单位, 依托单位).

    Cached: a document names the same bearers again and again, and tagging
    the phrase is most of the cost (a pure function of the phrase, like
    :func:`_predicate_starts`)."""
    core = strip_determiners(phrase)[0]
    if core.startswith(_opening_heads()):
        return True
    if any(len(h) == 4 and core.startswith(h[:2]) and core.endswith(h[2:]) for h, _k in _heads()):
        return True  # 依托（牵头）二级单位: a verb-first head (依托单位) with words inside it
    parts = coordinated(core)
    rest = _PAREN.sub("", parts[0][2:])
    if core[:2] in _role_verbs() and (head := head_of(rest)) is not None and head[0] == rest and head[1] in ("Role", "Organization"):
        return True  # 依托学院, 承担企业, 牵头申报单位、…: a role-making verb (依托单位's 依托) before another role's head
    if _division(parts[0]):
        return True  # 各地、各部门: a division's government first (jieba reads 地 as a particle)
    if len(parts) > 1 and all((h := head_of(p)) is not None and h[0] == p for p in parts):
        return True  # 组织或个人: bare head nouns coordinated, whatever jieba tags the first
    never = ("not_subject_starts", "not_subject_verbs", "duty_verbs", "report_verbs")
    if any(core.startswith(w) for cls in never for w in L.words(f"extraction.{cls}")):
        return False
    import jieba.posseg as pseg

    toks = pseg.lcut(core)
    if not toks:
        return False
    flag = toks[0].flag
    bare = _PAREN.sub("", core)
    if before_modal and len(bare) <= 6 and head_of(bare) and flag not in ("d", "ad"):
        return True  # a short name before 应/要/须 that jieba may tag verb-first: 依托学院要… (not 切实保障高校)
    if flag.startswith("u") and len(toks[0].word) == 1 and len(toks) > 1 and toks[1].flag.startswith("n"):
        return True  # 地市科技管理部门: jieba reads 地 as a particle; none opens a subject
    if flag == "l" and len(toks) > 1 and toks[1].flag.startswith("n") and head_of(bare):
        return True  # 自然科学基金委员会: a set phrase (自然科学) qualifying a named body
    return not (flag in ("v", "vd", "p", "c", "d", "ad", "f", "m", "q", "t", "i", "l") or flag.startswith("u"))


@functools.lru_cache(maxsize=1)
def _opening_heads() -> tuple[str, ...]:
    """The heads of three characters or more (a phrase opening with one is a subject)."""
    return tuple(h for h, _k in _heads() if len(h) >= 3)


@functools.lru_cache(maxsize=1)
def _role_verbs() -> frozenset[str]:
    """The verbs that make a role of a unit (依托单位's 依托, 承担, 申报), two characters each."""
    return frozenset(w for w in L.words("extraction.role_verbs") if len(w) == 2)


@functools.lru_cache(maxsize=1)
def _determiners() -> tuple[str, ...]:
    return tuple(sorted(L.words("extraction.determiners"), key=len, reverse=True))


def strip_determiners(phrase: str) -> tuple[str, int]:
    """``(phrase without leading 各/本/有关…, characters dropped)``; 各地 is dropped
    only before an office named by its domain (各地教育行政部门)."""
    local = next((d for d in L.words("extraction.locality_determiners") if phrase.startswith(d)), "")
    if local and _DOMAIN.match(phrase, len(local)) and head_of(phrase):
        return phrase[len(local) :], len(local)
    dets = _determiners()
    if not phrase.startswith(dets):
        return phrase, 0  # most phrases: no determiner to try one by one
    dropped = 0
    changed = True
    while changed:
        changed = False
        for d in dets:
            if phrase.startswith(d) and len(phrase) > len(d) + 1:
                phrase, dropped, changed = phrase[len(d) :], dropped + len(d), True
                break
    return phrase, dropped


@dataclass(frozen=True)
class Subject:
    """A subject noun phrase ``text[:end]`` opening a segment, and where its cue starts."""

    phrase: str
    end: int
    cue_at: int
    short: str = ""
    """the short name a （以下简称“X”） right after the phrase gives it"""
    owns_limit: bool = False
    """the cue follows a thing the subject has, not the subject (项目负责人…主持的项目数不得超过…)"""


_CUE_REACH = MAX_SUBJECT + MAX_GAP + 4
"""How far into a segment a subject's cue is looked for."""


def _cue_positions(text: str, cues: str) -> list[int]:
    return [m.start for m in L.cue(cues).finditer(text[:_CUE_REACH])]


@functools.lru_cache(maxsize=4096)
def _predicate_starts(text: str) -> dict[int, str]:
    """Where a verb, adverb or preposition starts (jieba.posseg) → its flag:
    what may follow a subject when no cue word does.  A verbal noun (vn: 投资,
    管理) is kept with its flag: it is a predicate only right after a name.  A word the lexicon
    lists as a verb jieba mistags is a verb whatever its tag (科研处代表学校…:
    代表 tagged n), and so is a word that opens with one of the lexicon's adverbs."""
    import jieba.posseg as pseg

    verbs = frozenset(L.words("extraction.mistagged_verbs"))
    adverbs = tuple(w for w in L.words("extraction.obligation_grammar.adverbs") if len(w) > 1)
    out, pos = {}, 0
    for tok in pseg.lcut(text[: MAX_QUALIFIED + MAX_GAP + 4]):
        if tok.flag.startswith("v") or tok.flag in ("d", "ad", "a", "p", "l", "i"):  # 落实 is tagged a
            out[pos] = tok.flag
        elif tok.word in verbs:
            out[pos] = "v"
        elif tok.word.startswith(adverbs):
            out[pos] = "d"  # 认真总结 as one word tagged n: an adverb opens it
        pos += len(tok.word)
    return out


def _is_verb(flag: str) -> bool:
    """A verb's tag, not a verbal noun's."""
    return flag.startswith("v") and flag != "vn"


def _continues_name(window: str, p: int, ends: dict[int, int]) -> bool:
    """各地教育行政部门: a domain word (教育, jieba's verbal noun) right after a division
    goes on into a bearer's head, so no predicate starts there."""
    m = _DOMAIN.match(window, p)
    return m is not None and any(e > p and a >= p for e, a in ends.items()) and _division(window[:p]) is not None


def load_tagger() -> None:
    """Load jieba's part-of-speech dictionary now rather than on the first
    subject read, so worker processes forked after this share one copy
    (ingest/parallel.py) instead of each loading it (about 2 s).

    Only the word dictionary is loaded here: importing jieba.posseg already read
    the word tags, and ``pseg.initialize()`` would read all of dict.txt's
    349,000 tags again (about 1.5 s) to build the same table."""
    import jieba.posseg as pseg  # its word tags load on import

    pseg.dt.tokenizer.initialize()  # the dictionary


_SETTING_END = L.compile_re(r"(?:{extraction.obligation_grammar.setting_ends}|{extraction.obligation_grammar.circumstance_ends})$")


def _is_setting(gap: str) -> bool:
    return SETTING.fullmatch(gap) is not None


def subject_phrase(
    text: str, table: AliasTable, own_names: tuple[str, ...] = (), *, cues: str = "extraction.bearer_cues", any_verb: bool = False
) -> Subject | None:
    """The bearer noun phrase a segment opens with, if it has one.

    The phrase runs from the segment start to the last bearer head or known
    actor name that ends at most :data:`MAX_GAP` characters before the first
    cue (a word of the ``cues`` class; with ``any_verb`` also any verb right
    after the phrase); no punctuation may interrupt it.  The name after the
    last 的 is at most :data:`MAX_SUBJECT` long; a qualifier before it may be
    longer (…且通过自评符合认定标准的工程中心建设单位).  A cue inside a head
    word (依托 in 依托单位) is not a cue.
    """
    if not any_verb and not L.cue(cues).occurs_in(text[:_CUE_REACH]):
        # the cues are looked for in a prefix of this (the window): no cue word here, no cue
        # there, and no subject (most comma segments; the same None as below, found sooner)
        return None
    shorts = {m.start(): m for m in SHORT_NAME.finditer(text[: MAX_QUALIFIED + 40])}
    quoted = [m.span() for m in _QUOTED_WORD.finditer(text[: MAX_QUALIFIED + 40])]  # 各“一室一中心”依托单位
    stop = next(
        (
            i
            for i in (m.start() for m in _STOP.finditer(text))
            if not any(a < i < m.end() for a, m in shorts.items()) and not any(a <= i < b for a, b in quoted)
        ),
        len(text),
    )
    if stop < 2:
        return None
    head_end = stop  # the subject ends before any comma the window is extended past
    if text[stop : stop + 1] in ("，", ",") and (_SETTING_END.search(text[:stop]) or _MODAL_AFTER_COMMA.match(text, stop + 1)):
        # "各单位接到通知后，要…": the subject's modal comes after the setting's comma;
        # "各依托单位和共建单位，应履行…": after a comma that sets a long subject off
        after = _STOP.search(text, stop + 1)
        stop = after.start() if after else len(text)
    window = text[: min(stop, MAX_QUALIFIED + MAX_GAP + 2 + sum(len(m.group(0)) for m in shorts.values()))]
    positions = _cue_positions(window, cues)
    if not positions and not any_verb:
        return None  # no cue a subject could precede (most comma segments): no names to look for
    ends: dict[int, int] = {}
    """phrase end → where the head or name that ends there starts"""
    for m in table.find_mentions(window):
        if m.kind in ACTOR_KINDS or m.kind == "Program":
            ends[m.end] = m.start
    # a head ending after the last cue plus the longest head cannot end the subject or hold a cue
    last = len(window) if any_verb else min(len(window), max(positions) + _longest_head() + 2)
    own = tuple(own_names)
    for i in range(2, last + 1):
        head = head_of(window[:i])
        if head:
            a = i - len(head[0])
            ends.setdefault(i, a - 2 if window[max(a - 2, 0) : a] in _role_verbs() else a)  # 牵头|申报单位
        elif window[:i].endswith(own):
            ends.setdefault(i, i - 2)
    ends = {e: a for e, a in ends.items() if e <= head_end and not any(m.start() < e <= m.end() for m in shorts.values())}
    if any_verb:
        # a request names its bearer, then the act (请X认真编制…): any verb, or
        # simply the end of a name that no coordinated name follows
        starts = _predicate_starts(window)
        starts = {p: flag for p, flag in starts.items() if not _continues_name(window, p, ends)}
        verbs = {p for p, flag in starts.items() if (_is_verb(flag) and any(0 <= p - e <= MAX_GAP for e in ends)) or p in ends}
        chain_ends = {_chain_end(window, e, ends) for e in ends}
        chained = {c for c in chain_ends if c in starts}
        named = "的" not in window or _names_bearer(window.rsplit("的", 1)[1])  # …项目的负责人，
        if len(window) == stop and text[stop : stop + 1] in ("，", ",") and stop in chain_ends and named:
            chained.add(stop)  # 请省重点实验室和省工程中心，于…前完成: the names run up to the comma
        positions = sorted(set(positions) | verbs | chained)
    for cue_at in positions:
        if any(a <= cue_at < e for e, a in ends.items()):
            continue  # the cue is part of a name (依托单位, 负责人)
        cands = [
            e
            for e in ends
            if e <= cue_at and (cue_at - e - (len(shorts[e].group(0)) if e in shorts else 0) <= MAX_GAP or _is_setting(window[e:cue_at]))
        ]
        if not cands:
            continue
        e = max(cands)
        if e < cue_at and window[e:cue_at].startswith(_NOT_BEARER_WORDS()):
            # 专项资金必须…, 计划项目数不得超过…: the subject is a thing a name qualifies,
            # unless a bearer opening the sentence has it (项目负责人…主持的项目数不得超过…)
            return None if any_verb else owner_of_limit(window, ends, positions)
        verbs_at = {p for p, flag in _predicate_starts(window).items() if _is_verb(flag)}
        earlier = [
            e0
            for e0 in ends
            if e0 < e
            and e0 in verbs_at
            and ("的" not in window[e0:e] or starts_like_subject(window[:e0]))
            and not any(a == e0 for e2, a in ends.items() if e2 > e0)
        ]  # (a name that opens a 的-qualifier is not: 申报科技型企业创新贡献奖励资金的企业 is one name)
        gap = window[shorts[e].end() if e in shorts else e : cue_at]
        if head_of(gap) or _longer_heads().search(gap):
            continue
        if earlier:
            # 科研处代表学校对…, 单位或个人推荐…候选项目，应当…: the subject ends where its verb
            # starts; the names after it are that verb's objects, not a nearer subject
            e = min(earlier)
        short = shorts.get(e)
        if short is not None and short.end() > cue_at:
            continue  # the cue is inside the short-name parenthesis
        phrase = window[:e]
        name = split_phrase(phrase)[0]
        if len(phrase) < 2 or len(name) > MAX_SUBJECT or ("的" not in phrase and len(phrase) > MAX_SUBJECT):
            return None
        modal = any(window.startswith(w, cue_at) for w in L.words("extraction.bearer_cues.modal"))
        if _not_a_bearer(phrase) or not starts_like_subject(phrase if "的" not in phrase else name, before_modal=modal):
            return None
        return Subject(phrase, e, cue_at, short.group(1) if short is not None else "")
    return None if any_verb else owner_of_limit(window, ends, positions)


_CLAUSE_ADVERBS = L.compile_re(r"(?:{extraction.obligation_grammar.clause_adverbs})+$")


def _names_bearer(phrase: str, *, known: bool = False) -> bool:
    """Whether ``phrase`` ends in a bearer's head, not a programme's (计划, 项目);
    with ``known``, a known name without a head (市科委) counts too."""
    head = head_of(phrase)
    return head[1] != "Program" if head is not None else known


def owner_of_limit(window: str, ends: dict[int, int], cues: list[int]) -> Subject | None:
    """ "项目负责人同时主持的项目数原则上不得超过1项", "推荐单位评价优秀比例不得超过50%":
    a limit on a quantity or thing (a not-bearer noun right before the modal) that a
    named bearer opening the sentence has or does binds that bearer."""
    for cue_at in cues:
        before = window[:cue_at]
        adverbs = _CLAUSE_ADVERBS.search(before)
        thing = before[: adverbs.start()] if adverbs else before
        if not thing.endswith(_NOT_BEARER_WORDS()):
            continue
        opening = [
            e
            for e, a in ends.items()
            if e < len(thing) - 1 and (a == 0 or "的" not in window[:e]) and _names_bearer(window[:e], known=True)
        ]  # the name that opens the sentence (项目负责人); a programme owns no limit (专项资金, 计划项目数)
        if not opening:
            return None
        e = max(opening)
        if _not_a_bearer(window[:e]) or not starts_like_subject(window[:e], before_modal=True):
            return None
        return Subject(window[:e], e, cue_at, owns_limit=True)
    return None


@functools.lru_cache(maxsize=1)
def _NOT_BEARER_WORDS() -> tuple[str, ...]:
    return tuple(L.words("extraction.not_bearers"))


def _chain_end(window: str, e: int, ends: dict[int, int]) -> int:
    """Where a coordination of names starting before ``e`` ends
    (主管部门和依托单位: past the second name)."""
    while True:
        nxt = [e2 for e2 in ends if e2 > e and window[e : e + 1] in ("、", "和", "及", "与") and ends[e2] > e]
        if not nxt:
            return e
        e = min(nxt)


@functools.lru_cache(maxsize=4096)
def _not_a_bearer(phrase: str) -> bool:
    """A fund, a result or a document does not owe; nor does a phrase whose
    name part (after any 的-qualifier) holds a preposition or conjunction
    (评估结果经依托高校 is a clause about 依托高校, not a name).
    Cached like :func:`starts_like_subject`, for the same reason."""
    name = split_phrase(phrase)[0]
    parts = coordinated(name)
    if len(parts) > 1:
        return any(_not_a_bearer(p) for p in parts)
    core = _PAREN.sub("", name)
    if any(core.endswith(w) for w in L.words("extraction.not_bearers")):
        return True
    head = head_of(core)
    rest = core[: len(core) - len(head[0])] if head else core
    if not rest:
        return False
    cues = [w for w in L.words("extraction.bearer_cues") if len(w) > 1]
    rest = rest[:-2] if rest[-2:] in _role_verbs() else rest  # 项目牵头申报单位: a role-making verb before the head
    if not rest:
        return False
    if any(w in rest for w in cues) or any(ch in rest for ch in L.words("extraction.not_in_names")):
        return True  # 具体负责中心, 径向市科技局: a verb or a preposition inside, so not a name
    import jieba.posseg as pseg

    function_words = set(L.words("extraction.not_subject_starts"))
    conjunctions = set(L.words("extraction.conjunctions"))
    toks = pseg.lcut(rest)

    def joins_nouns(i: int) -> bool:
        # 资产与实验室管理处: a conjunction between two nouns inside one name
        return (
            toks[i].word in conjunctions
            and toks[i - 1].flag.startswith(("n", "vn"))  # 研究与开发计划项目
            and (i + 1 == len(toks) or toks[i + 1].flag.startswith(("n", "vn")))  # 科研与发展规划处
        )

    return any((tok.flag in ("p", "c") or tok.word in function_words) and not joins_nouns(i) for i, tok in enumerate(toks) if i)


COORDINATORS = "".join(L.words("extraction.grammar.coordinators"))
"""characters that join coordinated names (、和及与)"""
COORDINATED = re.compile(f"[{COORDINATORS}]")
_CONJUNCTION = L.compile_re(r"(?<=[\u4e00-\u9fff）)])(?:{extraction.conjunctions})(?=[\u4e00-\u9fff])")


def coordinated(phrase: str) -> list[str]:
    """The bearers a coordinated subject names: 各县市区科技（和经信）局、高新区科创局
    → two; split at 、 outside parentheses, and at a conjunction (和/及/与/或者)
    only where both sides end in a bearer head."""
    listed = _LIST_SUMMARY.search(phrase)
    if listed and head_of(phrase[: listed.start()]) and head_of(strip_determiners(listed.group(1))[0]):
        phrase = phrase[: listed.start()]  # 科技局、依托单位和共建单位等有关单位: the listed units, not the summary
    parts, depth, cur = [], 0, ""
    for ch in phrase:
        depth += ch in "（("
        depth -= ch in "）)"
        if ch == "、" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    parts = _distribute(_shared_head(parts))
    out: list[str] = []
    for part in parts:
        pieces = _CONJUNCTION.split(part)
        out.extend(pieces if len(pieces) > 1 and all(head_of(p) for p in pieces) else [part])
    return [p for p in out if p]


_SUMMED_HEAD = L.compile_re(r"^(.+?)(?:{extraction.grammar.list_summary})(?:{extraction.determiners})?([\u4e00-\u9fff]{1,6})$")


def _shared_head(parts: list[str]) -> list[str]:
    """教育、卫生健康、新闻出版等部门: domains listed bare before one head that
    sums them up each take that head (教育部门, 卫生健康部门, 新闻出版部门)."""
    m = _SUMMED_HEAD.match(parts[-1]) if len(parts) > 1 else None
    head = head_of(m.group(2)) if m else None
    if m is None or head is None or head[0] != m.group(2) or any(head_of(p) for p in parts[:-1]):
        return parts
    return [p + m.group(2) for p in parts[:-1]] + [m.group(1) + m.group(2)]


def _distribute(parts: list[str]) -> list[str]:
    """各县（市、区）、开发区科技管理部门: a place listed before a bearer that
    names its own place and domain (开发区 + 科技管理部门) takes the same
    bearer (县（市、区）科技管理部门).  The shared part starts at the domain word
    (科技, 教育, …) of the next part with a head; without one the part stays
    as it is (镇（街） in an addressee line is a bearer by itself)."""
    out = list(parts)
    for i, part in enumerate(parts):
        if head_of(part) and not _division(part):
            continue  # (a division is a bearer alone only when no later part shares its domain: 各地、各部门)
        nxt = next((q for q in parts[i + 1 :] if head_of(q) and not _division(q)), None)
        starts = [m.start() for m in _DOMAIN.finditer(nxt)] if nxt else []
        if nxt is not None and starts and starts[0] > 0:
            out[i] = part + nxt[starts[0] :]
    return out


_DOMAIN = L.compile_re(r"{extraction.organization_domains}")
_LIST_SUMMARY = L.compile_re(r"(?:{extraction.grammar.list_summary})([\u4e00-\u9fff]{1,8})$")
"""…等有关单位 closing a list of bearers: it sums the list up, it names no one else"""


_ITEM_MARKER = re.compile(r"[（(][一二三四五六七八九十\d]{1,3}[）)]")


_ANOTHER_BEARER = L.compile_re(r"(?<=[\u4e00-\u9fff）)])(?:{extraction.conjunctions})(?={extraction.other_bearer_openers})")


def alternatives(phrase: str) -> list[str]:
    """县(区)科技行政管理部门或其他具有推荐资格的主管部门 → the two bearers, each with its
    own qualifier: a conjunction before 其他 opens a second bearer when what precedes it
    is a bearer's name; otherwise the phrase is one bearer."""
    parts = _ANOTHER_BEARER.split(phrase)
    return parts if len(parts) > 1 and all(head_of(split_phrase(p)[0]) for p in parts) else [phrase]


def split_phrase(phrase: str) -> tuple[str, str]:
    """``(bearer name, qualifier)``: 各有关承担单位 → (承担单位, ""),
    考核结果为不合格的平台 → (平台, 考核结果为不合格)."""
    core, _ = strip_determiners(_ITEM_MARKER.split(phrase)[-1])  # 申报要求（一）申报单位: after the item marker
    qualifier = ""
    if "的" in core:
        before, _, head = core.rpartition("的")
        if len(head) >= 2:
            core, qualifier = strip_determiners(head)[0], before
    return _inner_determiners(core), qualifier


def _strip_reference(name: str) -> str:
    """各工程中心（附件4） → 工程中心: a trailing bracket that is no alternative name
    (nor the end of the word before it: 院（系）)."""
    m = re.search(r"[（(]([^（()）]*)[)）]$", name)
    if m and not head_of(m.group(1)) and len(name) > m.end() - m.start() and head_of(name[: m.start()]) is not None:
        return name[: m.start()]
    return name


def _inner_determiners(name: str) -> str:
    """区直各有关单位 → 区直单位: a determiner right before the head noun goes
    too, and 相关/有关 anywhere after the first word (国家相关工程技术研究中心 →
    国家工程技术研究中心)."""
    head = head_of(name)
    if head is None:
        return name
    stem = name[: len(name) - len(head[0])]
    for d in _determiners():
        if stem.endswith(d) and len(stem) > len(d):
            return stem[: -len(d)] + head[0]
    for d in L.words("extraction.inner_determiners"):
        at = stem.find(d, 2)
        if at > 0:
            return stem[:at] + stem[at + len(d) :] + head[0]
    return name


@dataclass
class BearerScope:
    """What coreference may point to inside one document."""

    own_platform: Entity | None = None
    issuer: Entity | None = None
    addressees: list[Entity] = field(default_factory=list)
    """who a notice's requests bind (its 各…： line)"""
    found: dict[str, Entity] = field(default_factory=dict)
    """new entities met so far in the document, by id"""
    local: dict[str, Entity] = field(default_factory=dict)
    """short names the document defines for a bearer (以下简称“主管部门”): they hold in it only"""


def resolve_bearer(
    name: str, table: AliasTable, scope: BearerScope, source: dict[str, object] | None = None, default_kind: str | None = None
) -> Entity | None:
    """The entity a bearer name stands for (see the module docstring), or None.

    A new entity is recorded in ``scope.found`` with ``source`` (document,
    clause, offsets, extractor) so the graph can cite where it was met.
    """
    if not name:
        return None
    name = _inner_determiners(_strip_reference(name))
    name = _division(name) or name  # 各区 → 区
    if name in scope.local:
        return scope.local[name]
    if name in L.words("extraction.issuer_pronouns"):
        return scope.issuer
    known = table.lookup(name)
    if known is not None and known.kind in ACTOR_KINDS + ("Program",):
        return known
    ms = [m for m in table.find_mentions(name) if m.kind in ACTOR_KINDS]
    if ms and ms[-1].end == len(name) and ms[-1].start == 0:
        return table.get(ms[-1].entity_id)
    own = scope.own_platform
    head = head_of(name)
    if own is not None and head and head[1] == "PlatformType" and (name == head[0] or any(f.endswith(name) for f in own.surfaces)):
        return own  # 本实验室, 中心, 该平台: the platform type the document governs
    if head is None and default_kind is None:
        return None
    head = head or (name, default_kind or "Role")
    if head[0] == name and head[1] == "Role":
        same = [a for a in scope.addressees if a.name.endswith(name)]
        if same:
            return same[0]
    ent = Entity(head[1], name, attrs={"source": dict(source or {}), "open_vocabulary": True})
    scope.found.setdefault(ent.id, ent)
    return scope.found[ent.id]


def names_no_one(name: str, phrase: str = "") -> bool:
    """A head that names no one without a determiner before it (in ``phrase``, the
    whole subject ``name`` is part of, if given): 组织职责 (organizational duties),
    …依托的主体学科; but 任何组织或个人 is anyone."""
    determined = strip_determiners(name)[1] or strip_determiners(phrase)[1]
    return split_phrase(name)[0] in L.words("extraction.lone_heads_naming_no_one") and not determined


def is_generic_alias(surface: str, ent: Entity) -> bool:
    """A bare head word (理事会, 技术创新中心) standing for an entity with a name of its own
    (建设管理委员会, 北京市技术创新中心): it means that entity only where the text names it."""
    head, own = head_of(surface), head_of(ent.name)
    return head is not None and head[0] == surface and surface != ent.name and not (own is not None and own[0] == ent.name)


def own_names(scope: BearerScope) -> tuple[str, ...]:
    """Surface forms of the document's own platform type (for subject ends)."""
    return scope.own_platform.surfaces if scope.own_platform else ()
