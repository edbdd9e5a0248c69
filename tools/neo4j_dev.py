"""A local Neo4j Community server for development and tests (``policykg neo4j-dev``).

The server is the small Maven project in ``neo4j-dev/`` (an embedded DBMS with
the Bolt connector, Neo4j 5.26 LTS from Maven Central). This module builds it
when needed, runs it in the background with its home under ``<data>/neo4j/``,
keeps the generated credentials in ``<data>/neo4j/connection.json`` and waits
until a real Bolt login succeeds, so "started" always means "usable".
``--backend neo4j`` then finds the server through
:func:`graph.neo4j_conn.resolve_connection`, which reads that record (and is
re-exported here with the record's helpers, for the tools and tests that
start a server and then connect to it).

Why a JVM we launch ourselves rather than a Neo4j tarball: only Maven Central
is reachable here, and the same artifacts work on every machine with Java 17.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from graph.errors import BackendUnavailableError
from graph.neo4j_conn import DEFAULT_USER, Connection, connection_file, read_state, resolve_connection, server_home

__all__ = ["Connection", "connection_file", "read_state", "resolve_connection", "server_home", "start", "status", "stop"]

PROJECT_DIR = Path(__file__).resolve().parent.parent / "neo4j-dev"
"""The Maven project holding the launcher (``neo4j-dev/pom.xml``)."""

MAIN_CLASS = "policykg.Neo4jDev"
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE_MB = 256
START_TIMEOUT_S = 240.0
STOP_TIMEOUT_S = 90.0
_BUILD_STAMP = "policykg-build.stamp"
_CDS_ARCHIVE = "neo4j-dev.jsa"
"""Class-data-sharing archive of the launcher's classes: halves the JVM start-up."""


def console_log(data_dir: Path) -> Path:
    return server_home(data_dir) / "logs" / "console.log"


# ---------------------------------------------------------------- building


def launcher_classpath(project_dir: Path = PROJECT_DIR) -> str:
    target = project_dir / "target"
    return f"{target / 'neo4j-dev.jar'}{os.pathsep}{target / 'lib' / '*'}"


def _build_inputs(project_dir: Path) -> list[Path]:
    return [project_dir / "pom.xml", *sorted((project_dir / "src").rglob("*.java"))]


def is_built(project_dir: Path = PROJECT_DIR) -> bool:
    """True when the launcher jar and its libraries are newer than pom.xml and the sources."""
    stamp = project_dir / "target" / _BUILD_STAMP
    if not stamp.exists() or not (project_dir / "target" / "neo4j-dev.jar").exists():
        return False
    built = stamp.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in _build_inputs(project_dir))


def build(project_dir: Path = PROJECT_DIR, *, force: bool = False) -> Path:
    """Build the launcher with Maven unless it is up to date; returns the target dir.

    The first build resolves ~120 MB of artifacts from Maven Central into
    ``~/.m2``; later builds are skipped entirely (stamp newer than inputs).
    """
    if not (project_dir / "pom.xml").exists():
        raise BackendUnavailableError(
            f"the neo4j-dev Maven project is missing ({project_dir / 'pom.xml'})",
            hint="run from a checkout of the policykg repository, or point --neo4j-uri at your own server",
        )
    target = project_dir / "target"
    target.mkdir(exist_ok=True)
    with _locked(target / ".build.lock"):
        if not force and is_built(project_dir):
            return target
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BackendUnavailableError(
                "Maven (mvn) is not installed, so the neo4j-dev server cannot be built",
                hint="install Maven and Java 17 (apt-get install maven openjdk-17-jdk-headless)",
            )
        _require_java()
        proc = subprocess.run([mvn, "-q", "-B", "package"], cwd=project_dir, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
            raise BackendUnavailableError(
                f"building the neo4j-dev server failed (mvn exit {proc.returncode}):\n{tail}",
                hint="Maven needs Maven Central the first time; check the network and ~/.m2",
            )
        (target / _CDS_ARCHIVE).unlink(missing_ok=True)  # belongs to the old jars
        (target / _BUILD_STAMP).write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z") + "\n", "utf-8")
    return target


def _require_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise BackendUnavailableError(
            "Java is not installed; the neo4j-dev server needs Java 17",
            hint="apt-get install openjdk-17-jre-headless",
        )
    return java


# ---------------------------------------------------------------- state


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so concurrent starts/stops/builds do not race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_state(data_dir: Path, state: dict[str, Any]) -> None:
    """Write the record atomically and readable only by its owner (it holds a password)."""
    path = connection_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=2)
    os.replace(tmp, path)


def _is_our_server(pid: int | None, home: Path) -> bool:
    """True when ``pid`` is alive and is the launcher for ``home`` (not a recycled pid)."""
    if not pid:
        return False
    try:
        import psutil

        proc = psutil.Process(int(pid))
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        cmdline = proc.cmdline()
    except Exception:  # noqa: BLE001 - gone, not ours, or not visible: not our server
        return False
    return MAIN_CLASS in cmdline and str(home) in cmdline


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(data_dir: Path, lines: int = 30) -> str:
    """The last lines of the console log and of Neo4j's debug.log, for error messages."""
    parts = []
    for path in (console_log(data_dir), server_home(data_dir) / "logs" / "debug.log"):
        if path.exists():
            text = path.read_text("utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path} ---\n" + "\n".join(text))
    return "\n".join(parts) or "(no server log written)"


# ---------------------------------------------------------------- commands


def status(data_dir: Path) -> dict[str, Any]:
    """Whether the server of this data directory runs and answers; no password in it."""
    home = server_home(data_dir)
    state = read_state(data_dir) or {}
    running = _is_our_server(state.get("pid"), home)
    reachable = False
    if running:
        reachable = _try_login(Connection(state["uri"], state["user"], state["password"])) is None
    return {
        "running": running,
        "reachable": reachable,
        "uri": state.get("uri"),
        "user": state.get("user"),
        "pid": state.get("pid") if running else None,
        "home": str(home),
        "connection_file": str(connection_file(data_dir)),
        "log": str(console_log(data_dir)),
    }


def start(
    data_dir: Path,
    *,
    port: int | None = None,
    heap: str = DEFAULT_HEAP,
    pagecache_mb: int = DEFAULT_PAGECACHE_MB,
    timeout: float = START_TIMEOUT_S,
    project_dir: Path = PROJECT_DIR,
) -> dict[str, Any]:
    """Start the server (building it first if needed) and wait until a login succeeds.

    Reuses a server that already runs for this data directory. Keeps the
    password of an earlier start, so connection details a user copied stay
    valid. Raises :class:`BackendUnavailableError` with the log tail when the
    server dies or does not answer within ``timeout`` seconds.
    """
    home = server_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home / ".lock"):
        state = read_state(data_dir) or {}
        if _is_our_server(state.get("pid"), home):
            conn = Connection(state["uri"], state["user"], state["password"])
            _wait_ready(conn, int(state["pid"]), data_dir, timeout)
            return {**status(data_dir), "started": False}
        target = build(project_dir)
        java = _require_java()
        if port is None:
            old = state.get("port")
            port = int(old) if old and _port_free(int(old)) else _free_port()
        elif not _port_free(port):
            raise BackendUnavailableError(
                f"port {port} on 127.0.0.1 is already in use",
                hint="choose another --port, or omit it to pick a free one",
            )
        password = state.get("password") or secrets.token_urlsafe(24)
        conn = Connection(f"bolt://127.0.0.1:{port}", DEFAULT_USER, password)
        log = console_log(data_dir)
        log.parent.mkdir(parents=True, exist_ok=True)
        cds_flag, cds_dump = _cds_options(target)
        cmd = [
            java,
            f"-Xmx{heap}",
            cds_flag,
            "-Xlog:cds=off",  # the archive's "skipping class" notes would flood the log
            "-Xlog:cds+dynamic=off",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            "-cp",
            launcher_classpath(target.parent),
            MAIN_CLASS,
            str(home),
            str(port),
            str(pagecache_mb),
        ]
        env = {**os.environ, "NEO4J_DEV_PASSWORD": password}
        with open(log, "ab") as out:
            out.write(f"\n=== start {time.strftime('%Y-%m-%dT%H:%M:%S%z')} port {port}\n".encode())
            out.flush()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        _write_state(
            data_dir,
            {
                "uri": conn.uri,
                "user": conn.user,
                "password": password,
                "pid": proc.pid,
                "port": port,
                "cds_dump": cds_dump,
            },
        )
        try:
            _wait_ready(conn, proc.pid, data_dir, timeout, proc=proc)
        except BaseException:
            _terminate(proc.pid, STOP_TIMEOUT_S)
            raise
        return {**status(data_dir), "started": True}


def stop(data_dir: Path, *, timeout: float = STOP_TIMEOUT_S) -> dict[str, Any]:
    """Stop the server cleanly (SIGTERM lets Neo4j checkpoint) and wait until it is gone."""
    home = server_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home / ".lock"):
        state = read_state(data_dir)
        if not state or not _is_our_server(state.get("pid"), home):
            return {"stopped": False, "running": False, "message": "no neo4j-dev server runs for this data directory"}
        pid = int(state["pid"])
        forced = _terminate(pid, timeout)
        _keep_cds_archive(state.get("cds_dump"), complete=not forced)
        _write_state(data_dir, {**state, "pid": None, "cds_dump": None})
        return {"stopped": True, "running": False, "pid": pid, "forced": forced}


def _cds_options(target: Path) -> tuple[str, str | None]:
    """Use the class-data-sharing archive if there is one, else have this run write it.

    The JVM writes the archive when it exits; a run-specific name (renamed into
    place by :func:`stop`) keeps two servers from writing the same file.
    """
    archive = target / _CDS_ARCHIVE
    if archive.exists():
        return f"-XX:SharedArchiveFile={archive}", None
    dump = target / f"{_CDS_ARCHIVE}.{secrets.token_hex(4)}.tmp"
    return f"-XX:ArchiveClassesAtExit={dump}", str(dump)


def _keep_cds_archive(dump: str | None, *, complete: bool) -> None:
    """Install the archive a cleanly stopped server wrote; drop one a kill may have cut short."""
    if not dump or not Path(dump).exists():
        return
    if complete:
        os.replace(dump, Path(dump).parent / _CDS_ARCHIVE)
    else:
        Path(dump).unlink()


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; True when it had to be killed."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return False
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    while _alive(pid):
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    """Alive and not a zombie (reaps our own child if it exited)."""
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        import psutil

        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except Exception:  # noqa: BLE001 - no such process
        return False


def _try_login(conn: Connection, timeout: float = 3.0) -> str | None:
    """None when a Bolt login and a trivial query succeed, else the reason."""
    from neo4j import GraphDatabase

    try:
        with (
            GraphDatabase.driver(
                conn.uri,
                auth=(conn.user, conn.password),
                connection_timeout=timeout,
                max_connection_pool_size=1,
                notifications_min_severity="OFF",
            ) as driver,
            driver.session() as session,
        ):
            # session.run, not execute_query: no built-in retries that would hide the answer.
            session.run("RETURN 1").consume()
    except Exception as err:  # noqa: BLE001 - any failure means "not ready yet"
        return f"{type(err).__name__}: {err}"
    return None


def _wait_ready(conn: Connection, pid: int, data_dir: Path, timeout: float, proc: subprocess.Popen | None = None) -> None:
    """Poll a real login until it works; fail fast with the log when the JVM exits."""
    deadline = time.monotonic() + timeout
    reason = "not polled"
    delay = 0.25
    while time.monotonic() < deadline:
        exited = proc.poll() is not None if proc is not None else not _alive(pid)
        if exited:
            code = f" with exit code {proc.returncode}" if proc is not None else ""
            raise BackendUnavailableError(
                f"the neo4j-dev server exited during start-up{code}\n{_log_tail(data_dir)}",
                hint="see the log above; a stale lock or a full disk are common causes",
            )
        reason = _try_login(conn) or ""
        if not reason:
            return
        time.sleep(delay)
        delay = min(delay * 1.5, 2.0)
    raise BackendUnavailableError(
        f"the neo4j-dev server did not answer on {conn.uri} within {timeout:.0f}s ({reason})\n{_log_tail(data_dir)}",
        hint="the machine may be busy; retry with a larger --timeout",
    )
