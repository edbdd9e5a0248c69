"""The `policykg` console script: a click group over the library.

Each area keeps its commands in its own module (``commands_*.py``) and lists
them in ``COMMANDS``; this file only assembles the group and turns every
:class:`PolicyKGError` into a clear message and a non-zero exit.
"""

from __future__ import annotations

import json

import click

from ingest.errors import PolicyKGError

from . import commands_corpus, commands_graph, commands_neo4j, commands_overlap, commands_search, commands_serve


class _Group(click.Group):
    """Reports library errors as messages (JSON with --json), never tracebacks.

    With ``--json`` a usage error (a missing option, say) is one JSON document
    on stdout too, so scripts always get something they can parse.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["wants_json"] = "--json" in args
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        wants_json = ctx.meta.get("wants_json", False)
        try:
            return super().invoke(ctx)
        except PolicyKGError as err:
            if wants_json:
                click.echo(json.dumps({"error": err.to_dict()}, ensure_ascii=False))
            click.echo(f"error: {err}", err=True)
            ctx.exit(2)
        except click.UsageError as err:
            if wants_json:
                click.echo(
                    json.dumps({"error": {"code": "E_USAGE", "message": err.format_message(), "hint": "see --help"}}, ensure_ascii=False)
                )
            raise


@click.group(cls=_Group)
@click.version_option(package_name="policykg")
def main() -> None:
    """policykg: a provenance-tracked knowledge graph of policy documents."""


for _module in (commands_corpus, commands_graph, commands_overlap, commands_search, commands_serve, commands_neo4j):
    for _command in _module.COMMANDS:
        main.add_command(_command)
