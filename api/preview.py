"""What an upload would become, shown before it is committed (POST /documents/preview).

:func:`preview_document` runs the part of a write that reads the document —
the manifest entry :func:`api.corpus_edit.put_document` would write, parsed
by :func:`ingest.loaders.document_from` (the same conversion, text checks,
metadata and clauses as :func:`ingest.loaders.load_document`), scope and
kind by :func:`ingest.scope.introduce`, facts by
:func:`ingest.extract.extract_with_entities` over the live corpus's alias
table and what each applies to by :func:`graph.build.target_facts`, as the
graph step derives them — and writes nothing: no corpus copy, no store, no
index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from graph.build import target_facts
from ingest.aliases import AliasTable
from ingest.extract import FACT_KINDS, extract_with_entities
from ingest.loaders import document_from
from ingest.scope import introduce

from .corpus_edit import NewDocument, manifest_entry, prepare


def preview_document(upload: NewDocument, table: AliasTable, known_ids: Collection[str] = ()) -> dict[str, Any]:
    """``upload`` converted, parsed and extracted with ``table`` (the live
    corpus's alias table); ``known_ids`` are the live corpus's document ids,
    which say whether committing it adds it (POST) or replaces one (PUT).

    Raises the same errors as a write of ``upload`` for a file that cannot
    be read, converted or parsed.
    """
    upload = prepare(upload)
    entry, text = manifest_entry(upload)
    doc = document_from(entry, text, upload.data if entry.get("source_file") else None)
    table = introduce([doc], table)  # the document's own scope, kind and defined terms
    facts, bearers = extract_with_entities(doc, table)
    target_facts(doc, table, (facts, bearers))  # read as the graph build reads them
    exists = doc.doc_id in set(known_ids)
    kinds = Counter(f.kind for f in facts)
    return {
        "document": doc.meta(),
        "exists": exists,
        "action": "replace" if exists else "add",
        "clauses": [c.to_dict() for c in doc.clauses],
        "facts": [f.to_dict() for f in facts],
        "counts": {"clauses": len(doc.clauses), "facts": len(facts), **{k: kinds[k] for k in FACT_KINDS}},
        "warnings": list(doc.warnings),
    }
