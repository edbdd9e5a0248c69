"""The corpus steps of the ingest pipeline: documents, clauses, centers."""

from __future__ import annotations

import json

from .aliases import aliases_for_corpus
from .bounds import check_corpus_size
from .centers import CENTER_FILE_NAMES, find_centers_file, load_centers
from .corpus_record import record_files, write_record
from .errors import CenterRecordError, CorpusError
from .loaders import load_corpus as _load_corpus
from .pipeline import Build, step
from .scope import introduce
from .store_files import write_corpus
from .validity import resolve_corpus as resolve_validity

CORPUS_RECORD = "corpus.json"
"""Names the corpus directory a store was built from, so `policykg add` edits that corpus."""


@step("load_corpus", order=10, assigns=("documents",))
def load_corpus(build: Build) -> None:
    """Decode and parse every document of the manifest; write the corpus files."""
    build.documents = _load_corpus(build.corpus_dir)
    check_corpus_size(build.documents)
    # scope and kind read from the text where the manifest is silent
    introduce(build.documents, aliases_for_corpus(build.corpus_dir))
    resolve_validity(build.documents)  # terms of force, and which document repeals which
    write_corpus(build.out_dir, build.documents)
    if build.backend == "neo4j":
        # read with the documents, as ingest read them; the load keeps it beside the graph, so
        # a server whose corpus copy is behind starts its write from this one (ingest/corpus_record.py)
        write_record(build.out_dir, record_files(build.corpus_dir, build.documents))
    (build.out_dir / CORPUS_RECORD).write_text(json.dumps({"corpus": str(build.corpus_dir.resolve())}), "utf-8")
    build.summary["documents"] = len(build.documents)
    build.summary["clauses"] = {d.doc_id: len(d.clauses) for d in build.documents}
    build.summary["warnings"] = {d.doc_id: d.warnings for d in build.documents if d.warnings}


@step("load_centers", order=20, requires=("documents",), assigns=("centers",))
def load_center_records(build: Build) -> None:
    """Load the center records; unusable rows fail the ingest with their reasons.

    With the ``skip_bad_rows`` option the usable rows load and the rejected
    ones are reported in the summary and in centers.json instead.
    """
    path = find_centers_file(build.corpus_dir)  # centers.csv or centers.xlsx; both is an error
    if path is None:
        if build.options.get("require_centers", False):
            raise CorpusError(f"{build.corpus_dir} has no center records ({' or '.join(CENTER_FILE_NAMES)})")
        build.artifacts["centers"] = None
        build.summary["centers"] = {"loaded": 0, "rejected": 0}
        return
    result = load_centers(path)
    if result.rejected and not build.options.get("skip_bad_rows", False):
        reasons = "; ".join(f"row {r.row}: {r.reason}" for r in result.rejected[:10])
        raise CenterRecordError(
            f"{path}: {len(result.rejected)} center record(s) cannot be used: {reasons}",
            hint="fix the rows, or pass --skip-bad-rows to load the others and report these",
        )
    build.artifacts["centers"] = result
    (build.out_dir / "centers.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), "utf-8")
    build.summary["centers"] = {"loaded": len(result.records), "rejected": len(result.rejected)}
