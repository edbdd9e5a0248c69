"""``policykg neo4j-dev start|stop|status``: the local Neo4j server for development and tests.

Thin wrappers over :mod:`tools.neo4j_dev`; errors are library errors
(:class:`BackendUnavailableError`) that the CLI group prints without a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tools import neo4j_dev

from .cli_options import data_dir_option, emit, json_option


def _human_status(s: dict[str, Any]) -> str:
    if not s.get("running"):
        return f"neo4j-dev: not running (home {s['home']})"
    state = "ready" if s.get("reachable") else "running but not answering"
    return f"neo4j-dev: {state} on {s['uri']} (pid {s['pid']}, user {s['user']})\n  credentials: {s['connection_file']}\n  log: {s['log']}"


@click.group("neo4j-dev")
def neo4j_dev_group() -> None:
    """A local Neo4j Community server (Bolt on 127.0.0.1), credentials kept in --data."""


@neo4j_dev_group.command("start")
@data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Bolt port (default: a free one).")
@click.option("--heap", default=neo4j_dev.DEFAULT_HEAP, show_default=True, help="JVM maximum heap (-Xmx).")
@click.option(
    "--timeout",
    type=click.FloatRange(1, 3600),
    default=neo4j_dev.START_TIMEOUT_S,
    show_default=True,
    help="Seconds to wait for the server to accept a login.",
)
@json_option
def start_command(data_dir: Path, port: int | None, heap: str, timeout: float, as_json: bool) -> None:
    """Build (first time: Maven Central) and start the server, then wait until it answers."""
    if not as_json and not neo4j_dev.is_built():
        click.echo("building the neo4j-dev server (first time: downloads from Maven Central)…", err=True)
    result = neo4j_dev.start(data_dir, port=port, heap=heap, timeout=timeout)
    emit(result, as_json, lambda s: ("started " if s["started"] else "already running: ") + _human_status(s))


@neo4j_dev_group.command("stop")
@data_dir_option
@json_option
def stop_command(data_dir: Path, as_json: bool) -> None:
    """Stop the server cleanly and wait until it has exited."""
    result = neo4j_dev.stop(data_dir)
    emit(
        result,
        as_json,
        lambda r: f"neo4j-dev: stopped (pid {r['pid']}{', forced' if r['forced'] else ''})" if r["stopped"] else r["message"],
    )


@neo4j_dev_group.command("status")
@data_dir_option
@json_option
def status_command(data_dir: Path, as_json: bool) -> None:
    """Whether the server of this data directory runs and accepts a login."""
    emit(neo4j_dev.status(data_dir), as_json, _human_status)


COMMANDS: list[click.Command] = [neo4j_dev_group]
