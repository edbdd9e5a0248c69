"""Helpers for the center-record tests: small CSV files written to tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

HEADER = (
    "record_id,name,name_in_source,platform_type,record_kind,host,field,category,"
    "year_or_batch,director,source_url,snippet,source2_url,snippet2,confidence,notes"
)
REAL_CENTERS = Path(__file__).resolve().parents[2] / "corpus" / "centers.csv"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write ``lines`` (header first unless given) as a CSV file and return its path."""

    def write(*lines: str, header: str | None = HEADER, encoding: str = "utf-8", name: str = "centers.csv") -> Path:
        path = tmp_path / name
        rows = ([header] if header is not None else []) + list(lines)
        path.write_bytes(("\n".join(rows) + "\n").encode(encoding) if rows else b"")
        return path

    return write
