"""`policykg serve`: the HTTP API and the web page, on uvicorn.

Like Datasette's ``serve`` the command only parses options, builds one
:class:`api.settings.Settings` and one app, and hands it to uvicorn; ``--get
PATH`` instead runs one in-process request and exits non-zero unless it
answers 200 (a smoke test that needs no port).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_options import backend_options, data_dir_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("corpus"),
    show_default=True,
    help="Corpus the store was built from (base for document writes).",
)
@click.option("--cors-origin", "cors_origins", multiple=True, help="Allow this origin by CORS (repeatable).")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="uvicorn log level.",
)
@click.option(
    "--get", "get_path", default=None, metavar="PATH", help="Run one GET request in-process, print the body and exit (0 only on 200)."
)
@data_dir_option
@backend_options
def serve(
    host: str,
    port: int,
    corpus_dir: Path,
    cors_origins: tuple[str, ...],
    log_level: str,
    get_path: str | None,
    data_dir: Path,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
) -> None:
    """Serve the JSON API and the web page (the model and indexes load once, at start)."""
    from .app import create_app
    from .settings import Settings

    overrides = {
        "data": data_dir,
        "corpus": corpus_dir,
        "backend": backend,
        "neo4j_uri": neo4j_uri,
        "neo4j_user": neo4j_user,
        "neo4j_password": neo4j_password,
    }
    if cors_origins:
        overrides["cors_origins"] = list(cors_origins)
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    app = create_app(settings)
    if get_path is not None:
        from fastapi.testclient import TestClient

        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get(get_path)
        click.echo(response.text)
        sys.exit(0 if response.status_code == 200 else 1)

    from .server import run

    click.echo(f"policykg: serving {data_dir} on http://{host}:{port}/ (loading the model first)", err=True)
    run(app, host=host, port=port, log_level=log_level)


COMMANDS: list[click.Command] = [serve]
