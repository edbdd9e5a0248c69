"""No absolute server paths in what the API answers: data-dir-relative names instead.

Library errors name files as the library sees them (``/srv/policykg/data/
stores/…/graph.json``), which is right on the command line and a disclosure
over HTTP. Before an error or a store name leaves the API, each known root is
replaced by the name the documentation uses for it: ``DATA`` for the data
directory, ``CORPUS`` for the corpus the server was started with, ``SERVER``
for the installation and the interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ingest.errors import PolicyKGError

from .settings import Settings

INSTALL_DIR = Path(__file__).resolve().parents[1]


def path_roots(settings: Settings) -> list[tuple[str, str]]:
    """(absolute prefix, public name) pairs, longest prefix first so nested roots win."""
    named = [
        (settings.data, "DATA"),
        (settings.corpus, "CORPUS"),
        (INSTALL_DIR, "SERVER"),
        (Path(sys.prefix), "SERVER"),
        (Path.home(), "SERVER"),
    ]
    roots = {str(form): name for path, name in named for form in (path.absolute(), path.resolve()) if str(form) != "/"}
    return sorted(roots.items(), key=lambda item: len(item[0]), reverse=True)


def redact(text: str, roots: list[tuple[str, str]]) -> str:
    """``text`` with every root prefix replaced by its public name."""
    for prefix, name in roots:
        text = text.replace(prefix, name)
    return text


def public_error(err: PolicyKGError, settings: Settings) -> dict[str, Any]:
    """``err.to_dict()`` with its message and hint redacted."""
    roots = path_roots(settings)
    return {k: redact(v, roots) if isinstance(v, str) else v for k, v in err.to_dict().items()}


def store_name(store_dir: Path | None, settings: Settings) -> str | None:
    """The live store as the data directory names it (``stores/<generation>``)."""
    if store_dir is None:
        return None
    try:
        return str(Path(store_dir).resolve().relative_to(settings.data.resolve()))
    except ValueError:
        return Path(store_dir).name
