"""Progress of a long `policykg ingest`: a bar on a terminal, JSON lines on stderr with ``--json``.

With ``--json`` stdout carries exactly one JSON document (the summary, at the
end), so a caller watching a long ingest had nothing to read until then;
each step now also writes one line to stderr as it starts and one when the
ingest ends::

    {"event": "step", "step": "build_graph", "index": 3, "steps": 5, "elapsed": 2.41}
    {"event": "done", "ok": true, "elapsed": 17.02}
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO


class IngestProgress:
    """The ``progress`` callback of :func:`ingest.pipeline.run_ingest` for the CLI; call :meth:`close` at the end."""

    def __init__(self, steps: list[str], *, as_json: bool, stream: TextIO | None = None) -> None:
        self.steps = steps
        self.as_json = as_json
        self.stream = stream or sys.stderr
        self.started = 0
        self.t0 = time.perf_counter()
        self.bar: Any = None
        if not as_json and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=len(steps), desc="ingest", unit="step", file=self.stream)

    def __call__(self, name: str) -> None:
        self.started += 1
        if self.as_json:
            self._line({"event": "step", "step": name, "index": self.started, "steps": len(self.steps)})
        elif self.bar is not None:
            self.bar.update(1 if self.started > 1 else 0)
            self.bar.set_postfix_str(name)

    def close(self, ok: bool) -> None:
        if self.as_json:
            self._line({"event": "done", "ok": ok})
        elif self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()

    def _line(self, event: dict[str, Any]) -> None:
        event["elapsed"] = round(time.perf_counter() - self.t0, 2)
        self.stream.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.stream.flush()
