"""Vocabulary is data: no Chinese word is written inside a function body of
ingest/, search/ or graph/ (issue 10).  Words live in ingest/lexicon/*.yaml and
are read through ingest.lexicon; code holds grammar (single function
characters such as 的 or 由, numerals, punctuation).  A message for people
(an error hint with an example name) may quote Chinese: it is English text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
MESSAGE = re.compile(r"[A-Za-z]{3,}")


def _words_in_function_bodies(path: Path) -> list[str]:
    found = []
    for fn in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = fn.body[1:] if ast.get_docstring(fn, clean=False) is not None else fn.body
        for stmt in body:
            for node in ast.walk(stmt):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and WORD.search(node.value)
                    and not MESSAGE.search(node.value)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} in {fn.name}(): {node.value[:30]!r}")
    return found


def test_no_chinese_word_lists_inside_functions() -> None:
    found = [
        hit
        for pkg in ("ingest", "search", "graph")
        for path in sorted((ROOT / pkg).rglob("*.py"))
        for hit in _words_in_function_bodies(path)
    ]
    assert not found, "move these words into ingest/lexicon/*.yaml:\n" + "\n".join(found)
