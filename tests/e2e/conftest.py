"""Debian's chromium against `policykg serve` (the ``server`` fixture of tests/conftest.py, and
``write_server``: one with writes on over a copy of the data, for the upload form).

The browser is /usr/bin/chromium driven by Playwright: a missing browser is
a failure that says how to install it, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import copy_data_dir, serving

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WRITE_KEY = "e2e-write-key"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextmanager
def browsing(browser, base: str, name: str) -> Iterator:
    """A fresh page on the server at ``base``; its screenshot is kept in test-artifacts/ as ``name``.

    The test also fails on a JavaScript error or on any request that leaves
    the local server (everything must be served locally, no CDN).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    remote: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: remote.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None)
    pg.base = base  # type: ignore[attr-defined]
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not remote, f"the page fetched something not served by policykg (no CDN allowed): {remote}"


@pytest.fixture()
def page(browser, server, request):
    """A fresh page on the read-only server (see :func:`browsing`)."""
    with browsing(browser, server, request.node.name) as pg:
        yield pg


@pytest.fixture(scope="session")
def write_server(ingested_data: Path, corpus_dir: Path, tmp_path_factory):
    """Base URL of a `policykg serve` with writes on (the key is WRITE_KEY) over a private
    copy of the session's ingest, so what a test commits never reaches the shared one."""
    tmp = tmp_path_factory.mktemp("write-serve")
    data = copy_data_dir(ingested_data, tmp / "data")
    with serving(data, corpus_dir, tmp / "stderr.log", {**os.environ, "POLICYKG_API_KEY": WRITE_KEY}) as base:
        yield base


@pytest.fixture(scope="session")
def write_key() -> str:
    return WRITE_KEY


@pytest.fixture()
def write_page(browser, write_server, request):
    """A fresh page on the write-enabled server (see :func:`browsing`)."""
    with browsing(browser, write_server, request.node.name) as pg:
        yield pg


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
