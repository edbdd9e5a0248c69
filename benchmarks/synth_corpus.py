"""A synthetic search index of N clauses (default 100,000) for latency benchmarks.

How it is made (so the figures can be judged):

* **Texts**: every synthetic clause starts from one real searchable clause of
  the ingested store. Each entity mention in it (platform types,
  organizations, roles, fields, places, programs — found with the alias
  table) is replaced by a surface form of a random entity of the same kind,
  and with probability 0.3 one sentence of another real clause is appended
  (kept under 400 characters). Synthetic clauses are grouped 100 to a
  synthetic document ``S00000``… whose title is a real title with a variant
  suffix. So the vocabulary, clause lengths and entity density are those of
  the real corpus, with far more distinct combinations.
* **Tokens**: the texts go through the real jieba tokenizer and the real
  bm25s index (search/index.py:write_index), exactly as at ingest.
* **Vectors**: encoding 100k clauses with e5 on 2 cores would take about an
  hour, and latency does not depend on vector content (a matmul costs the
  same whatever the numbers), so each clause vector (and each sentence vector)
  is its source clause's real vector plus Gaussian noise, renormalized
  (cosine to the source ≈ 0.95). Retrieval *quality* is not measured here.

    python benchmarks/synth_corpus.py --data .policykg --n 100000 --out /tmp/synth100k
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.aliases import load_aliases  # noqa: E402
from ingest.pipeline import current_store  # noqa: E402
from search.index import SEARCH_DIR, Row, pieces_of, write_index  # noqa: E402
from search.intent import ENTITY_KINDS_FOR_SCOPE, domain_words  # noqa: E402
from search.service import SearchIndex  # noqa: E402
from search.tokenize import Tokenizer  # noqa: E402

MAX_CHARS = 400
NOISE = 0.3


def _perturb(vec: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    v = vec + rng.normal(0.0, NOISE / np.sqrt(vec.shape[0]), vec.shape).astype(np.float32)
    return (v / np.linalg.norm(v)).astype(np.float32)


def synthesize(src: SearchIndex, n: int, seed: int = 7) -> tuple[list[Row], np.ndarray, np.ndarray, np.ndarray]:
    """``n`` synthetic rows with their clause vectors, piece vectors and piece owners."""
    table = load_aliases()
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    by_kind: dict[str, list] = {}
    for ent in table.entities():
        by_kind.setdefault(ent.kind, []).append(ent)
    real = src.rows
    mentions = [table.find_mentions(r.text) for r in real]
    sentences = [p for r in real for p in (pieces_of(r.text) or [r.text])]
    piece_of_row: dict[int, list[int]] = {}
    for k, owner in enumerate(src.piece_rows.tolist()):
        piece_of_row.setdefault(owner, []).append(k)
    rows: list[Row] = []
    vecs = np.zeros((n, src.vectors.shape[1]), np.float32)
    pvecs: list[np.ndarray] = []
    powners: list[int] = []
    for i in range(n):
        j = rng.randrange(len(real))
        base = real[j]
        text, shift, ents = base.text, 0, []
        for m in mentions[j]:
            new = rng.choice(by_kind[m.kind])
            surface = rng.choice([s for s in (new.name, *new.aliases) if s] or [new.name])
            text = text[: m.start + shift] + surface + text[m.end + shift :]
            shift += len(surface) - (m.end - m.start)
            ents.append(new.id)
        if rng.random() < 0.3:
            extra = rng.choice(sentences)
            if len(text) + len(extra) <= MAX_CHARS:
                text += extra
        text = text[:MAX_CHARS]
        doc = f"S{i // 100:05d}"
        scope = tuple(dict.fromkeys(e for e in ents if e.split(":", 1)[0] in ENTITY_KINDS_FOR_SCOPE)) or base.scope
        rows.append(
            Row(
                f"{doc}:{i % 100}",
                doc,
                f"{base.doc_title}（合成{i // 100}）",
                base.path,
                text,
                0,
                len(text),
                base.kind,
                tuple(dict.fromkeys(ents)),
                scope,
            )
        )
        vecs[i] = _perturb(src.vectors[j], nrng)
        srcp = piece_of_row.get(j, [])
        for k, _ in enumerate(pieces_of(text)):
            pvecs.append(_perturb(src.pieces[srcp[k % len(srcp)]] if srcp else src.vectors[j], nrng))
            powners.append(i)
    pieces = np.stack(pvecs) if pvecs else np.zeros((0, vecs.shape[1]), np.float32)
    return rows, vecs, pieces, np.asarray(powners, np.int32)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(".policykg"), help="data dir with an ingested store")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--out", type=Path, required=True, help="directory to write the synthetic search index to")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    src = SearchIndex.load(current_store(args.data) / SEARCH_DIR)
    t0 = time.perf_counter()
    rows, vecs, pieces, owners = synthesize(src, args.n, args.seed)
    t1 = time.perf_counter()
    manifest = write_index(
        args.out,
        rows,
        Tokenizer(domain_words()),
        vecs,
        model_id=src.manifest.get("model_id", ""),
        encoded=0,
        piece_vectors=pieces,
        piece_rows=owners,
    )
    t2 = time.perf_counter()
    print(
        f"synthetic clauses: {manifest['rows']}  sentence vectors: {manifest['pieces']}  "
        f"generate {t1 - t0:.1f}s  index (jieba + bm25s + save) {t2 - t1:.1f}s  -> {args.out}"
    )


if __name__ == "__main__":
    main()
