"""The docs are tested too: every CLI command is in the README's CLI table."""

from __future__ import annotations

import re

from api.cli import main
from tests.conftest import REPO


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text("utf-8")
    documented = set(re.findall(r"`policykg ([a-z0-9-]+)", readme))
    missing = sorted(set(main.commands) - documented)
    assert not missing, f"commands without a line in README.md: {missing}"


def test_readme_gives_the_two_setup_commands():
    readme = (REPO / "README.md").read_text("utf-8")
    assert "bash scripts/run.sh" in readme and "bash scripts/test.sh" in readme
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert "scripts/test.sh" in ci


def test_the_errors_page_lists_every_error_code() -> None:
    from tools.errors_page import errors_page

    page = (REPO / "docs" / "errors.md").read_text("utf-8")
    assert page == errors_page(), "docs/errors.md is out of date: regenerate it with `python -m tools.errors_page > docs/errors.md`"


def test_every_error_lives_in_its_layers_errors_module() -> None:
    """No error class is defined outside ingest/, graph/, search/ or api/errors.py, and each has a code."""
    import ast

    from tools.errors_page import LAYERS

    strays = []
    for layer in LAYERS:
        for path in (REPO / layer).rglob("*.py"):
            if path.name == "errors.py" and path.parent.name == layer:
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "").endswith("Error") for b in node.bases):
                    strays.append(f"{path.relative_to(REPO)}: {node.name}")
    assert not strays, f"error classes outside a layer's errors.py: {strays}"


def test_every_error_has_a_code_and_a_hint() -> None:
    """Issue 15 item 5: each error class gives a code and general advice, used when the raise site names none."""
    from tools.errors_page import error_classes

    for cls in error_classes():
        assert cls.code.startswith("E") and cls.default_hint, cls
        assert cls("x").hint == cls.default_hint and cls("x", hint="y").hint == "y"
