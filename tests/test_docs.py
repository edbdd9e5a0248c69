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
    from ingest.errors import errors_page

    page = (REPO / "docs" / "errors.md").read_text("utf-8")
    assert page == errors_page(), "docs/errors.md is out of date: regenerate it with the command at its top"
