"""`policykg serve` as a real subprocess on a free 127.0.0.1 port, and Debian's chromium.

The server is polled until /health answers (never a fixed sleep); if it dies,
the test fails showing its stderr; it is always terminated. The browser is
/usr/bin/chromium driven by Playwright: a missing browser is a failure that
says how to install it, never a skip.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def policykg_command() -> list[str]:
    script = Path(sys.executable).with_name("policykg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from api.cli import main; main()"]


@pytest.fixture(scope="session")
def server(ingested_data: Path, corpus_dir: Path, tmp_path_factory):
    """Base URL of a running `policykg serve` over the session's ingest."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    env = {k: v for k, v in os.environ.items() if k != "POLICYKG_API_KEY"}
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [*policykg_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data", str(ingested_data), "--corpus", str(corpus_dir)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"policykg serve exited with {proc.returncode}:\n{log.read_text('utf-8', 'replace')}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"policykg serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text('utf-8', 'replace')}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server, request):
    """A fresh page; its screenshot is kept in test-artifacts/ named after the test.

    The test also fails on a JavaScript error or on any request that leaves
    the local server (everything must be served locally, no CDN).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    remote: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("request", lambda r: remote.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    pg.base = server  # type: ignore[attr-defined]
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not remote, f"the page fetched something not served by policykg (no CDN allowed): {remote}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


