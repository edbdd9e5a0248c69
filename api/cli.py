"""The `policykg` console script: a click group over the library.

Each area keeps its commands in its own module (``commands_*.py``) and lists
them in ``COMMANDS``; this file only assembles the group and turns every
:class:`PolicyKGError` into a clear message and a non-zero exit.
"""
from __future__ import annotations

import sys

import click

from ingest.errors import PolicyKGError

from . import commands_corpus, commands_graph, commands_neo4j, commands_overlap, commands_search, commands_serve


class _Group(click.Group):
    """Reports library errors as messages (JSON with --json), never tracebacks."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except PolicyKGError as err:
            if "--json" in sys.argv:
                import json

                click.echo(json.dumps({"error": err.to_dict()}, ensure_ascii=False))
            click.echo(f"error: {err}", err=True)
            ctx.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="policykg")
def main() -> None:
    """policykg: a provenance-tracked knowledge graph of policy documents."""


for _module in (commands_corpus, commands_graph, commands_overlap, commands_search, commands_serve, commands_neo4j):
    for _command in _module.COMMANDS:
        main.add_command(_command)
