"""docs/errors.md: every error code, layer by layer, read from the error classes.

    python -m tools.errors_page > docs/errors.md

tests/test_docs.py fails when the checked-in page differs from what this prints.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ingest.errors import PolicyKGError

LAYERS = ("ingest", "graph", "search", "api")
"""Each layer keeps its errors in ``<layer>/errors.py``."""


def error_modules() -> list[ModuleType]:
    return [importlib.import_module(f"{layer}.errors") for layer in LAYERS]


def error_classes() -> list[type[PolicyKGError]]:
    """Every PolicyKGError subclass defined in a layer's errors module (the base first)."""
    modules = {m.__name__ for m in error_modules()}
    seen: dict[type[PolicyKGError], None] = {}
    todo: list[type[PolicyKGError]] = [PolicyKGError]
    while todo:
        cls = todo.pop(0)
        if cls.__module__ in modules:
            seen.setdefault(cls)
        todo.extend(sorted(cls.__subclasses__(), key=lambda c: c.__name__))
    return list(seen)


def _summary(module: ModuleType) -> str:
    return " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())


def errors_page() -> str:
    """The page: one table per layer, rows by code."""
    lines = [
        "# Error codes",
        "",
        "Every error the CLI prints (`error: [CODE] message` and a `hint`) and the API returns",
        '(`{"error": {"code", "message", "hint"}}`). Each layer keeps its errors in its own',
        "`errors.py`, all subclasses of `ingest.errors.PolicyKGError`. Generated from those",
        "classes by `python -m tools.errors_page > docs/errors.md`.",
    ]
    classes = error_classes()
    for module in error_modules():
        rows = sorted((c for c in classes if c.__module__ == module.__name__), key=lambda c: (c.code, c.__name__))
        lines += [
            "",
            f"## {module.__name__.split('.')[0]}",
            "",
            _summary(module),
            "",
            "| code | error | meaning | hint |",
            "|---|---|---|---|",
        ]
        for cls in rows:
            doc = " ".join((cls.__doc__ or "").split())
            lines.append(f"| {cls.code} | `{cls.__module__}.{cls.__name__}` | {doc} | {cls.default_hint} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(errors_page(), end="")
