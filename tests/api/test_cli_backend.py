"""Every CLI command that reads or writes a store takes ``--backend`` (issue 15, item 5).

Two kinds of command have no store to choose: ``neo4j-dev`` manages the
development server itself (tools/neo4j_dev.py), and ``eval extraction`` and
``eval train-judge`` read a corpus and its gold annotations, never an ingested store.
"""

from __future__ import annotations

import click

from api.cli import main

NO_STORE = {"neo4j-dev", "eval extraction", "eval train-judge"}


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if path in NO_STORE:
            continue
        if isinstance(command, click.Group):
            out.extend(_commands(command, path + " "))
        else:
            out.append((path, command))
    return out


def test_every_store_command_takes_backend() -> None:
    commands = _commands(main)
    assert {"policy-tools", "export graphml", "eval train-ranker", "search"} <= {p for p, _ in commands}
    missing = [path for path, command in commands if not any(p.name == "backend" for p in command.params)]
    assert not missing, f"commands without --backend: {missing}"
