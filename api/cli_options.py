"""Options shared by the read commands, declared once."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import click

DEFAULT_DATA = Path(".policykg")


def data_dir_option(fn: Callable) -> Callable:
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=lambda: Path(os.environ.get("POLICYKG_DATA", DEFAULT_DATA)),
        show_default=".policykg/ (or $POLICYKG_DATA)",
        help="Data directory holding the ingested store.",
    )(fn)


def backend_options(fn: Callable) -> Callable:
    """--backend plus the Neo4j connection flags (env vars as fallbacks)."""
    fn = click.option("--neo4j-password", envvar="NEO4J_PASSWORD", default=None, help="Neo4j password.")(fn)
    fn = click.option("--neo4j-user", envvar="NEO4J_USER", default=None, help="Neo4j user.")(fn)
    fn = click.option("--neo4j-uri", envvar="NEO4J_URI", default=None, help="Bolt URI of a Neo4j server.")(fn)
    fn = click.option(
        "--backend",
        type=click.Choice(["networkx", "neo4j"]),
        envvar="POLICYKG_BACKEND",
        default="networkx",
        show_default=True,
        help="Graph backend.",
    )(fn)
    return fn


def as_of_options(fn: Callable) -> Callable:
    """--as-of DATE and --all-versions (graph/as_of.py): rules as they stand on a date."""
    fn = click.option(
        "--all-versions",
        "all_versions",
        is_flag=True,
        help="Keep rules whose source is not in force on that date (draft, expired, repealed), marked.",
    )(fn)
    fn = click.option(
        "--as-of",
        "as_of",
        default=None,
        metavar="YYYY-MM-DD",
        help="Answer as of this date (default: today): rules from documents not in force then are "
        "left out of checklists and marked elsewhere.",
    )(fn)
    return fn


def json_option(fn: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document.")(fn)


def emit(obj: Any, as_json: bool, human: Callable[[Any], str] | None = None) -> None:
    """Print ``obj`` as one JSON document, or through ``human`` for a terminal."""
    if as_json or human is None:
        click.echo(json.dumps(obj, ensure_ascii=False, indent=None if as_json else 2))
    else:
        click.echo(human(obj))
