"""Answers as of a date: every rule marked with the standing of its source, checklists cut to what is in force.

Staff ask what applies today, or on the day a center was approved. Each
document carries its term of force and the repeals that end it
(ingest/validity.py, stored with the document's metadata on both backends),
so one function of (result, documents, date) serves every read command, on
either backend, with the same answer:

* every item that cites a document gets ``doc_status``, ``in_force``,
  ``valid_from``, ``valid_to`` (SPEC: the standing of its source);
* checklists (obligations, deadlines, the rules of ``entity``) leave out what
  is not in force on that date, and say what they left out and why
  (``left_out``), unless ``all_versions`` asks for everything;
* search results, the rules of ``ask`` and the documents and conflict sides
  of ``overlap`` are only marked, and an answer
  whose first rule is not in force says so first (【征求意见稿，未生效】).

The CLI's ``--as-of`` / ``--all-versions`` and the API's ``as_of`` /
``all_versions`` both call :func:`apply_as_of`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from ingest.validity import AMENDS, REPEALS, SUPERSEDES, standing

from .errors import QueryError

STANDING_KEYS = ("doc_status", "in_force", "valid_from", "valid_to")
"""What every item citing a document is given (SPEC)."""
CHECKLISTS = {"obligations": ("obligations",), "deadlines": ("deadlines",), "entity": ("applies",), "rules_for": ("rules",)}
"""Results whose rules are a checklist (cut to what is in force), by command, and where their items are."""
MARKED = {"search": ("results",), "ask": ("rules",), "documents": ("documents",)}
"""Results whose items are only marked."""


def today() -> str:
    return dt.date.today().isoformat()


def parse_as_of(value: str | None) -> str:
    """``value`` as YYYY-MM-DD (today when empty); a clear error otherwise."""
    if value is None or not str(value).strip():
        return today()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise QueryError(f"as_of must be a date as YYYY-MM-DD, got {str(value)[:40]!r}", hint="for example --as-of 2024-06-01") from None


def standings(documents: Iterable[dict[str, Any]], as_of: str) -> dict[str, dict[str, Any]]:
    """Each document's standing on ``as_of`` (ingest.validity.standing), by doc_id."""
    out = {}
    for d in documents:
        validity = d.get("validity") or {}
        out[d["doc_id"]] = {**standing(validity, as_of, validity.get("ended_by") or []), "title": d.get("title")}
    return out


def _mark(item: dict[str, Any], by_doc: dict[str, dict[str, Any]]) -> bool:
    """Give ``item`` its source's standing; True when that source is in force (or unknown)."""
    s = by_doc.get(item.get("doc_id", ""))
    if s is None:
        return True
    item.update({k: s[k] for k in STANDING_KEYS})
    return bool(s["in_force"])


def _items(result: dict[str, Any], key: str) -> list[list[dict[str, Any]]]:
    """The item lists under ``key``: a list of items, or a mapping of kind → items (entity)."""
    value = result.get(key)
    if isinstance(value, list):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, list)]
    return []


def apply_as_of(
    command: str, result: dict[str, Any], documents: Iterable[dict[str, Any]], as_of: str, *, all_versions: bool = False
) -> dict[str, Any]:
    """``result`` of ``command`` as of ``as_of`` (see the module docstring); changed in place and returned."""
    documents = list(documents)
    meta = {d["doc_id"]: d for d in documents}
    by_doc = standings(documents, as_of)
    result["as_of"] = as_of
    result["all_versions"] = all_versions
    left_out: dict[str, int] = {}
    for key in CHECKLISTS.get(command, ()):
        for items in _items(result, key):
            kept = []
            for item in items:
                if _mark(item, by_doc) or all_versions:
                    kept.append(item)
                else:
                    left_out[item["doc_id"]] = left_out.get(item["doc_id"], 0) + 1
            items[:] = kept
    for key in MARKED.get(command, ()):
        for items in _items(result, key):
            for item in items:
                _mark(item, by_doc)
    if command == "ask":
        _say_standing(result, by_doc)
    if command == "overlap":
        _mark_overlap(result, by_doc)
        for conflict in result.get("conflicts") or []:
            conflict["resolution"] = resolve_conflict(conflict, by_doc, meta)
    if command in CHECKLISTS:
        result["left_out"] = [
            {
                "doc_id": doc_id,
                "title": by_doc[doc_id]["title"],
                "doc_status": by_doc[doc_id]["doc_status"],
                "reason": by_doc[doc_id]["reason"],
                "items": n,
            }
            for doc_id, n in sorted(left_out.items())
        ]
    return result


def _say_standing(result: dict[str, Any], by_doc: dict[str, dict[str, Any]]) -> None:
    """Prefix the answer with its source's standing when that source is not in force."""
    rules = result.get("rules") or []
    if result.get("abstained") or not rules:
        return
    s = by_doc.get(rules[0].get("doc_id", ""))
    if s and not s["in_force"] and result.get("answer"):
        result["answer"] = f"【{s['label']}】{result['answer']}"


def _mark_overlap(result: dict[str, Any], by_doc: dict[str, dict[str, Any]]) -> None:
    """Mark the documents of an overlap result and the sides of its conflicts and shared values.

    An overlap is about documents, expired ones included (a conflict between
    an expired plan and the rules in force is what an analyst looks for), so
    it is marked, never cut.
    """
    for d in result.get("documents") or []:
        _mark(d, by_doc)
    for group in ("conflicts", "shared"):
        for entry in result.get(group) or []:
            for side in entry.get("sides") or []:
                _mark(side, by_doc)


_ENDS_OR_CHANGES = (REPEALS, SUPERSEDES, AMENDS)


def resolve_conflict(conflict: dict[str, Any], by_doc: dict[str, dict[str, Any]], meta: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Which document's rule prevails where documents in force rule differently for the same subject.

    For each subject two or more in-force documents of ``conflict`` apply to
    (its ``applies_to`` by document), one prevails, by the first of:

    1. **relation**: one document repeals, supersedes or amends the other;
    2. **lex specialis**: one governs fewer subjects (its scope), the subject among them;
    3. **lex posterior**: one took effect later.

    Each resolution names the subject, the winner, the others and why, citing
    both; subjects only one in-force document rules on need none. Documents
    not in force never prevail (their sides are marked with their standing).
    """
    applies = conflict.get("applies_to") or {}
    live = [d for d in applies if by_doc.get(d, {}).get("in_force", True)]
    subjects: dict[str, list[str]] = {}
    for doc_id in live:
        for subject in applies.get(doc_id) or []:
            subjects.setdefault(subject, []).append(doc_id)
    out = []
    for subject, docs in subjects.items():
        if len(docs) < 2:
            continue
        winner, principle, reason = _prevailing(docs, subject, meta)
        out.append(
            {"subject": subject, "winner": winner, "over": [d for d in docs if d != winner], "principle": principle, "reason": reason}
        )
    return out


def _prevailing(docs: list[str], subject: str, meta: dict[str, dict[str, Any]]) -> tuple[str, str, str]:
    for a in docs:
        for rel in (meta.get(a, {}).get("validity") or {}).get("relations") or []:
            if rel.get("doc_id") in docs and rel.get("doc_id") != a and rel.get("relation") in _ENDS_OR_CHANGES:
                return a, "relation", f"{a} {rel['relation'].lower()} {rel['doc_id']} (《{rel['title']}》)"
    scoped = [(len(meta.get(d, {}).get("scope") or []), d) for d in docs if subject in (meta.get(d, {}).get("scope") or [])]
    if scoped:
        narrowest = min(n for n, _ in scoped)
        widths = {d: len(meta.get(d, {}).get("scope") or []) or 10**6 for d in docs}
        best = [d for n, d in scoped if n == narrowest]
        if len(best) == 1 and all(widths[d] > narrowest for d in docs if d != best[0]):
            return best[0], "lex specialis", (f"{best[0]} governs {narrowest} subject(s) including {subject}; the others govern more")
    start = {d: (meta.get(d, {}).get("validity") or {}).get("valid_from") or "" for d in docs}
    latest = max(docs, key=lambda d: (start[d], d))
    return latest, "lex posterior", f"{latest} took effect last ({start[latest] or 'date unknown'})"
