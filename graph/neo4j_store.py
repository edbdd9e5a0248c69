"""The Neo4j graph store: the same graph and the same answers as graph/nx_store.py.

This is the only file with Cypher. Every statement is a constant string with
``$parameters``; the only names ever placed into a statement's text are
labels and relation types taken from graph/schema.py (checked against its
lists), never user input.

Layout in the database
    Every graph node carries the label ``PolicyNode`` plus its schema label,
    ``id`` (the networkx node id), ``gen`` (the load generation), ``_ord`` (its
    position in the networkx graph, so listings keep the embedded store's
    order), ``_json`` (its full networkx properties, so rows are shaped from
    exactly the same data as the embedded store) and every property Neo4j can
    hold natively (scalars and lists of scalars), which the queries filter on.
    Clause nodes also hold ``embedding`` (384 floats, the search index's unit
    vector) and Document nodes ``source_text``. Relationships are typed by
    schema relation, with ``key``, ``_json`` and their positions ``_in`` / ``_out``
    only (no native copies of ``_json``'s fields: no statement reads them, and they
    were half of a load's relationship writing). Beside the graph, per
    generation: its BM25 statistics (``PolicykgSearchStats``) and the corpus
    record of ingest/corpus_record.py (a ``PolicykgCorpus`` node naming its
    files, a ``PolicykgCorpusFile`` node with each one's bytes), from which, with
    the Document nodes' texts, a server behind the live graph rebuilds its
    corpus copy before it writes (:func:`corpus_record`).

Loading (the ``load_neo4j`` ingest step, order 50)
    A load writes a complete new generation next to the live one in batched
    ``UNWIND … CREATE`` transactions (one statement per label and relation
    type, thousands of rows each), creates the read-only indexes if they are
    missing (so a first load populates them once, in bulk), checks its counts,
    then switches the one ``PolicykgMeta`` node to it in a single transaction
    and only then deletes the old generation. Readers always go through the meta node, so a load
    killed midway leaves the previous graph answering; the next load clears
    the leftovers. The generation id is a content hash: re-ingesting the same
    corpus finds it live and changes nothing (idempotent). Loads run one at a
    time on a server (a lock held in a transaction of their own), so one
    load's clean-up never deletes another's generation.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import threading
import time
from array import array
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence

import networkx as nx

from ingest.aliases import AliasTable, Entity
from ingest.document import Clause, Document
from ingest.errors import NotFoundError, NotIngestedError, PolicyKGError
from ingest.pipeline import Build, step

from . import schema as S
from .errors import BackendUnavailableError, GenerationConflictError, QueryError
from .neo4j_conn import Connection, resolve_connection
from .rows import alias_table, deadline_row, fact_row, obligation_row, obligation_sort_key, resolve_platform_type, rules_result

BASE_LABEL = "PolicyNode"
"""Every graph node also has this label: one uniqueness constraint and one id lookup for all."""
META_LABEL = "PolicykgMeta"
STATS_LABEL = "PolicykgSearchStats"
"""One node per generation (not a graph node): the BM25 statistics of its searchable clauses (search/bm25.py)."""
CORPUS_LABEL = "PolicykgCorpus"
"""One node per generation loaded with its corpus record (not a graph node): the record's file names and
how many documents the generation holds, written after the files, so a generation that has one has it whole."""
CORPUS_FILE_LABEL = "PolicykgCorpusFile"
"""One node per file of a generation's corpus record: ``name`` and ``data`` (its bytes)."""
CORPUS_BATCH_BYTES = 16 << 20
"""At most this many bytes of corpus files per load transaction (one original may be 20 MB, ingest/convert.py)."""
META_KEY = "graph"
LOAD_LOCK_KEY = "load-lock"
"""The key of the ``PolicykgMeta`` node a load holds locked from its first read of the live
generation to its clean-up (:func:`_load_lock`): one load writes at a time, whatever process runs it."""
EMBEDDING_DIM = 384
BATCH = 10_000
"""Rows per load transaction (benchmarks/bench_neo4j_load.py)."""
WRITERS = 2
"""Node transactions in flight at once during a load (one per core of the machine it was measured on)."""
INDEX_WAIT_SECONDS = 3600
"""How long a load waits for a new index's population (a vector index over 100,000 clauses takes minutes)."""
FULLTEXT_INDEX = "clause_text"
VECTOR_INDEX = "clause_embedding"
TOKEN_INDEX = "clause_tokens"
"""Full-text index over each searchable clause's jieba tokens (``search_tokens``, space-joined),
its generation and its id, with Lucene's whitespace analyzer: the terms Lucene's BM25 scores are
the terms the embedded BM25 index scores (search/index.py's index_tokens)."""
_PLURAL = {"obligation": "obligations", "deadline": "deadlines", "funding": "funding", "sanction": "sanctions", "condition": "conditions"}

LOAD_SCHEMA = (
    f"CREATE CONSTRAINT policynode_id_gen IF NOT EXISTS FOR (n:{BASE_LABEL}) REQUIRE (n.id, n.gen) IS UNIQUE",
    f"CREATE CONSTRAINT policykg_meta_key IF NOT EXISTS FOR (m:{META_LABEL}) REQUIRE m.key IS UNIQUE",
    f"CREATE INDEX policynode_gen IF NOT EXISTS FOR (n:{BASE_LABEL}) ON (n.gen)",
)
"""What a load itself relies on (the uniqueness of every node it creates, the leftovers to drop): created before it writes."""
READ_SCHEMA = (
    f"CREATE INDEX policynode_gen_label IF NOT EXISTS FOR (n:{BASE_LABEL}) ON (n.gen, n.label)",
    f"CREATE INDEX clause_gen_doc IF NOT EXISTS FOR (c:{S.CLAUSE}) ON (c.gen, c.doc_id)",
    # the obligations a role bears (actor_id): a checklist's second anchor beside the APPLIES_TO edges
    f"CREATE INDEX obligation_gen_actor IF NOT EXISTS FOR (o:{S.OBLIGATION}) ON (o.gen, o.actor_id)",
    # a searchable clause by its row in the search index (search/neo4j_index.py fetches candidates so)
    f"CREATE INDEX clause_gen_search_pos IF NOT EXISTS FOR (c:{S.CLAUSE}) ON (c.gen, c.search_pos)",
    f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (c:{S.CLAUSE}) ON EACH [c.text] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
    f"CREATE FULLTEXT INDEX {TOKEN_INDEX} IF NOT EXISTS FOR (c:{S.CLAUSE}) ON EACH [c.search_tokens, c.gen, c.clause_id] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
    f"CREATE VECTOR INDEX {VECTOR_INDEX} IF NOT EXISTS FOR (c:{S.CLAUSE}) ON c.embedding "
    # Quantization off: the scores (and so the top k) equal the exact cosine of the stored vectors.
    f"OPTIONS {{indexConfig: {{`vector.dimensions`: {EMBEDDING_DIM}, `vector.similarity_function`: 'cosine', "
    "`vector.quantization.enabled`: false}}",
)
"""What only the queries read: created after a load's bulk write when missing (one bulk population), awaited before its switch."""
SCHEMA_STATEMENTS = LOAD_SCHEMA + READ_SCHEMA
"""Constraints and indexes, all idempotent (``IF NOT EXISTS``)."""

_GEN = f"MATCH (m:{META_LABEL} {{key: $meta}}) RETURN m.generation AS gen, m.summary AS summary"


# ---------------------------------------------------------------- read statements
#
# Each question is one statement anchored on the (id, gen) uniqueness index of
# the node it is about, expanding relationships from there, never filtering
# every fact of the generation. graph/build.py writes an APPLIES_TO edge for
# each target of a fact's ``applies_to`` list that is a node (only a node can be
# asked about; tests/graph/test_store.py checks no such target lacks its edge),
# BINDS / REPORTS_TO / FUNDS / ABOUT edges, Clause-[:MENTIONS]->entity and
# Fact-[:STATED_IN]->Clause; these are what graph/nx_store.py's FactIndex
# indexes, so the same facts come back.


def _type_of(node: str, out: str) -> str:
    """Cypher binding ``out`` to the PlatformType ``node`` is an instance of
    (its first INSTANCE_OF edge, as nx_store._platform_type_of), else ``node``."""
    return (
        f"CALL ({node}) {{ OPTIONAL MATCH ({node})-[i:{S.INSTANCE_OF}]->(t) "
        f"WITH i, t ORDER BY i._out LIMIT 1 RETURN t AS {out}_type }} "
        f"WITH *, coalesce({out}_type, {node}) AS {out} "
    )


_FACT_COLUMNS = "[f.id, f._ord, f.kind]"
"""What a statement returns per fact: its properties come from the per-generation node cache (_nodes)."""
_ACTION = "($action IS NULL OR f.text CONTAINS $action OR coalesce(f.action, '') CONTAINS $action)"

_EXACT = "CASE WHEN e = base THEN [e] ELSE [e, base] END"
_RULES_OF = (
    # facts that apply to, fund or are about ``e`` or ``base``, or whose clause mentions
    # one of them (exactly); facts that bind or report to ``e``, ``base`` or a narrower
    # kind of ``base`` (SUBTYPE_OF, any depth): nx_store.FactIndex's touches and binds
    "CALL (e, base) { "
    f"UNWIND {_EXACT} AS x MATCH (f)-[:{S.APPLIES_TO}|{S.FUNDS}|{S.ABOUT}]->(x) RETURN f "
    f"UNION UNWIND {_EXACT} AS x MATCH (f)-[:{S.STATED_IN}]->(:{S.CLAUSE})-[:{S.MENTIONS}]->(x) RETURN f "
    f"UNION MATCH (s)-[:{S.SUBTYPE_OF}*0..]->(base) WITH e, collect(s) AS kinds "
    "UNWIND CASE WHEN e IN kinds THEN kinds ELSE kinds + e END AS x "
    f"MATCH (f)-[:{S.BINDS}|{S.REPORTS_TO}]->(x) RETURN f }} "
)

_OBLIGATIONS = (
    f"MATCH (p:{BASE_LABEL} {{id: $id, gen: $gen}}) "
    + _type_of("p", "target")
    + f"OPTIONAL MATCH (r:{BASE_LABEL} {{id: $role, gen: $gen}}) "
    + _type_of("r", "role")
    # the role and every narrower kind of it (SUBTYPE_OF, any depth): the actors kept
    + f"CALL (role) {{ OPTIONAL MATCH (s)-[:{S.SUBTYPE_OF}*0..]->(role) RETURN collect(DISTINCT s.id) AS actors }} "
    + "CALL (target, role, actors) { "
    # obligations that apply to the platform type (APPLIES_TO) or that it bears (actor_id, indexed)
    + f"CALL (target) {{ MATCH (f:{S.OBLIGATION})-[:{S.APPLIES_TO}]->(target) RETURN f "
    + f"UNION MATCH (f:{S.OBLIGATION} {{gen: $gen, actor_id: target.id}}) RETURN f }} "
    + f"WITH f WHERE role IS NULL OR f.actor_id IN actors RETURN collect({_FACT_COLUMNS}) AS facts }} "
    + "RETURN target.name AS platform_type, role.name AS role, facts"
)
"""A checklist: the platform type (a center's through INSTANCE_OF), the role's kinds, the obligations."""

_DEADLINES_FOR = (
    f"MATCH (p:{BASE_LABEL} {{id: $id, gen: $gen}}) "
    + _type_of("p", "target")
    + "CALL (target) { "
    + f"MATCH (f:{S.DEADLINE})-[:{S.APPLIES_TO}]->(target) OPTIONAL MATCH (f)-[:{S.STATED_IN}]->(c:{S.CLAUSE}) "
    + "RETURN collect([f.id, f._ord, c.id]) AS facts } "
    + "RETURN target.name AS platform_type, facts"
)
"""The deadlines that apply to a platform type, each with its clause."""

_DEADLINES_ALL = (
    f"MATCH (f:{BASE_LABEL} {{gen: $gen, label: '{S.DEADLINE}'}}) OPTIONAL MATCH (f)-[:{S.STATED_IN}]->(c:{S.CLAUSE}) "
    "RETURN null AS platform_type, collect([f.id, f._ord, c.id]) AS facts"
)
"""Every deadline (the (gen, label) index), each with its clause."""

_RULES_FOR_ENTITY = (
    f"MATCH (e:{BASE_LABEL} {{id: $id, gen: $gen}}) "
    + _type_of("e", "base")
    + _RULES_OF
    + f"WITH f WHERE f.label IN $labels AND {_ACTION} "
    + f"RETURN collect({_FACT_COLUMNS}) AS facts"
)
"""rules_for an entity (and an action)."""

_RULES_FOR_ACTION = f"MATCH (f:{BASE_LABEL} {{gen: $gen}}) WHERE f.label IN $labels AND {_ACTION} RETURN collect({_FACT_COLUMNS}) AS facts"
"""rules_for without an entity: the facts of the wanted kinds (the (gen, label) index) that name the action."""

_ENTITY = (
    f"MATCH (n:{BASE_LABEL} {{id: $id, gen: $gen}}) "
    # in-edges: the clauses that mention it (their ids only), documents and entities pointing at it
    + "CALL (n) { "
    + f"MATCH (s)-[r]->(n) WHERE type(r) = '{S.MENTIONS}' OR s.label IN $neighbour_labels "
    + f"RETURN collect(CASE WHEN type(r) = '{S.MENTIONS}' THEN [r._in, null, s.clause_id, null] "
    + "ELSE [r._in, s.id, s._json, r._json] END) AS incoming } "
    + "CALL (n) { MATCH (n)-[r]->(t) RETURN collect([r._out, t.id, t._json, r._json]) AS outgoing } "
    # what applies to it: rules_for its platform type (a center's type, else itself)
    + _type_of("n", "e")
    + _type_of("e", "base")
    + "CALL (e, base) { "
    + _RULES_OF
    + f"WITH f WHERE f.label IN $labels RETURN collect({_FACT_COLUMNS}) AS facts }} "
    + "RETURN n._json AS node, incoming, outgoing, e.id AS via, e.name AS via_name, facts"
)
"""An entity: its node, neighbours, the clauses naming it, and what applies to it."""

_NODES = f"UNWIND $ids AS id MATCH (n:{BASE_LABEL} {{id: id, gen: $gen}}) RETURN n.id AS id, n._json AS j"
"""The properties of nodes not in the cache yet (the only second statement a question may need)."""
NODE_CACHE_MAX = 200_000
"""Nodes whose properties a store keeps per generation (fact rows of 100,000 clauses fit); past it the cache starts over."""
ANSWERS_MAX = 1024
"""Answers a store keeps for one generation (lists of the shared rows: a 15,000-row checklist
holds 15,000 references, not 15,000 rows); past it the least recently asked goes."""


# ---------------------------------------------------------------- connecting


def connect(conn: Connection, *, timeout: float = 5.0) -> Any:
    """A driver that has logged in once; a clear error when the server is down or refuses us."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

    try:
        driver = GraphDatabase.driver(
            conn.uri, auth=(conn.user, conn.password), connection_timeout=timeout, notifications_min_severity="OFF"
        )
    except (ValueError, Neo4jError) as err:  # a malformed URI
        raise BackendUnavailableError(f"invalid Neo4j URI {conn.uri!r}: {err}", hint="use bolt://HOST:PORT") from None
    try:
        driver.verify_connectivity()
    except AuthError as err:
        driver.close()
        raise BackendUnavailableError(
            f"Neo4j at {conn.uri} refused the login of user {conn.user!r}: {err.message}",
            hint="check --neo4j-user/--neo4j-password (or NEO4J_USER/NEO4J_PASSWORD)",
        ) from None
    except (ServiceUnavailable, OSError, Neo4jError) as err:
        driver.close()
        raise BackendUnavailableError(
            f"Neo4j is not reachable at {conn.uri} ({type(err).__name__})",
            hint="start it with `policykg neo4j-dev start --data DIR`, or check --neo4j-uri",
        ) from None
    return driver


def open_neo4j_store(
    data_dir: Path | None, uri: str | None = None, user: str | None = None, password: str | None = None
) -> "Neo4jGraphStore":
    """The store on the server given explicitly, else on the data directory's neo4j-dev server."""
    return Neo4jGraphStore(connect(resolve_connection(data_dir, uri, user, password)))


def _at_generation(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A public read of one given generation (its first argument): what a caller that
    pinned a generation (search/neo4j_index.py) reads, whatever has been switched in
    since; a server that went away is reported as for :func:`_unavailable`."""
    from functools import wraps

    @wraps(fn)
    def wrapper(self: "Neo4jGraphStore", gen: str, *args: Any, **kwargs: Any) -> Any:
        from neo4j.exceptions import ServiceUnavailable, SessionExpired

        before = getattr(self._pinned, "gen", None), getattr(self._pinned, "once", False)
        self._pinned.gen, self._pinned.once = gen, True
        try:
            return fn(self, gen, *args, **kwargs)
        except (ServiceUnavailable, SessionExpired, OSError) as err:
            raise BackendUnavailableError(
                f"lost the connection to Neo4j ({type(err).__name__})", hint="is the server still running? `policykg neo4j-dev status`"
            ) from None
        finally:
            self._pinned.gen, self._pinned.once = before

    return wrapper


def _unavailable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A public read: one generation for all its statements, and a server that
    went away mid-session reported as BackendUnavailableError."""
    from functools import wraps

    @wraps(fn)
    def wrapper(self: "Neo4jGraphStore", *args: Any, **kwargs: Any) -> Any:
        from neo4j.exceptions import ServiceUnavailable, SessionExpired

        outermost = getattr(self._pinned, "gen", None) is None
        try:
            if outermost:
                self._pinned.gen = self._read_generation()
            return fn(self, *args, **kwargs)
        except (ServiceUnavailable, SessionExpired, OSError) as err:
            raise BackendUnavailableError(
                f"lost the connection to Neo4j ({type(err).__name__})", hint="is the server still running? `policykg neo4j-dev status`"
            ) from None
        finally:
            if outermost:
                self._pinned.gen = None

    return wrapper


def _kept(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A public query whose answer is kept for the generation it read (inside @_unavailable,
    which pins the live generation first on every call): a generation never changes once
    loaded, so a kept answer is the answer, and a generation another process switches in is
    read by the next call and is a new key. Callers get :func:`_fresh` copies."""

    @functools.wraps(fn)
    def wrapper(self: "Neo4jGraphStore", *args: Any, **kwargs: Any) -> Any:
        gen, key = str(self._pinned.gen), (fn.__name__, _hashable(args), _hashable(sorted(kwargs.items())))
        answer = self._answers.get(gen, key)
        if answer is None:
            answer = self._answers.put(gen, key, fn(self, *args, **kwargs))
        return _fresh(answer)

    return wrapper


def _hashable(value: Any) -> Any:
    """Call arguments as a key (a list of kinds becomes a tuple)."""
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


def _fresh(value: Any) -> Any:
    """A copy of a kept answer for a caller to change: new dicts and lists down to its rows,
    each row a new dict (a row's own lists stay shared, as the embedded store's ``dict(row)``)."""
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


class _Answers:
    """The kept answers of one generation, least recently asked dropped past ``limit``; thread-safe."""

    def __init__(self, limit: int = ANSWERS_MAX) -> None:
        from collections import OrderedDict

        self.limit = limit
        self._gen: str | None = None
        self._kept: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, gen: str, key: Any) -> Any:
        """The kept answer, or None."""
        with self._lock:
            if gen != self._gen or key not in self._kept:
                return None
            self._kept.move_to_end(key)
            return self._kept[key]

    def put(self, gen: str, key: Any, answer: Any) -> Any:
        """Keep ``answer`` (the answers of any other generation are dropped); returns it."""
        with self._lock:
            if gen != self._gen:
                self._gen = gen
                self._kept.clear()
            self._kept[key] = answer
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)
        return answer


# ---------------------------------------------------------------- loading


def _native(props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties Neo4j can store as they are (scalars, non-empty lists of one scalar type)."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key == "id" or value is None:
            continue
        if isinstance(value, (str, bool, int, float)):
            out[key] = value
        elif isinstance(value, (list, tuple)) and value:
            kinds = set(map(type, value))  # in C: a set comprehension here was a third of a load's row building
            if len(kinds) == 1 and kinds <= _SCALAR_TYPES:
                out[key] = list(value)
    return out


_SCALAR_TYPES = {str, int, float, bool}


@functools.lru_cache(maxsize=None)
def _names(allowed: tuple[str, ...]) -> frozenset[str]:
    """The set of a schema tuple, made once rather than once per row of a large load."""
    return frozenset(allowed)


def _check(name: str, allowed: tuple[str, ...]) -> str:
    """A label or relation type that may be written into a statement (schema names only)."""
    if name not in _names(tuple(allowed)):
        raise PolicyKGError(f"refusing unknown graph name {name!r}", hint="labels and relations come from graph/schema.py")
    return name


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


LOAD_FORMAT = 4
"""What a load writes for a given graph, as a version: part of the generation hash, so a
loader that writes differently never takes an older loader's generation for its own
(3: the corpus record beside the graph; 4: relationships without native properties)."""


def _json_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)``, with the C encoder made once: a load encodes
    every node and relationship (760,000 at 100,000 clauses) and json.dumps makes an encoder
    per call, which was a third of the encoding time."""
    import json.encoder

    make = getattr(json.encoder, "c_make_encoder", None)  # what json.dumps itself uses, when compiled in
    if make is None:
        return functools.partial(json.dumps, ensure_ascii=False)
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))


class Encoded(NamedTuple):
    """What a load would write, encoded once (:func:`encode`)."""

    nodes: list[str]
    """Each node's JSON (``_json``), in graph order."""
    edges: list[str]
    """Each relationship's JSON, in graph order (:func:`_edges`)."""
    in_positions: dict[tuple[Any, Any, Any], int]
    """Each edge's position among its target's in-edges."""
    generation: str


def encode(
    g: nx.MultiDiGraph,
    texts: Mapping[str, str],
    embeddings: Mapping[str, Sequence[float]],
    search: Mapping[str, Mapping[str, Any]] | None = None,
    corpus: Mapping[str, bytes] | None = None,
) -> Encoded:
    """The generation of what a load of ``g`` writes: a content hash (same input, same
    generation) of every node (id, order, JSON, vector, search properties, source text),
    relationship (ends, key, positions, JSON) and file of the corpus record, with the
    JSON kept for the rows.

    Only this runs for an unchanged graph: the rows (native properties, parameters) are
    built once the generation is known to be new. Vectors are hashed as their bytes:
    formatting 384 floats per clause as text was most of an unchanged re-load at 100,000 clauses.
    """
    search = search or {}
    digest = hashlib.sha256(f"policykg-neo4j-load:{LOAD_FORMAT}".encode())
    dumps = _json_encoder()
    nodes = []
    for order, (node_id, data) in enumerate(g._node.items()):  # networkx's own dicts: its views cost a second per 100,000 clauses
        nodes.append(dumps(data))
        digest.update((dumps([node_id, order]) + nodes[-1]).encode("utf-8"))
        if data.get("label") == S.CLAUSE:
            _hash_clause(digest, data.get("clause_id", ""), embeddings, search, dumps)
        if data.get("label") == S.DOCUMENT and data.get("doc_id") in texts:
            digest.update(dumps(["source_text", texts[data["doc_id"]]]).encode("utf-8"))
    if corpus is not None:
        names = sorted(corpus)
        digest.update(dumps(["corpus", [[name, len(corpus[name])] for name in names]]).encode("utf-8"))
        for name in names:
            digest.update(corpus[name])
    in_positions = _in_positions(g)
    edges = []
    for source, target, key, data, out in _edges(g):
        edges.append(dumps(data))
        digest.update((dumps([source, target, str(key), in_positions[(source, target, key)], out]) + edges[-1]).encode("utf-8"))
    return Encoded(nodes, edges, in_positions, digest.hexdigest()[:20])


def _hash_clause(
    digest: Any,
    clause_id: str,
    embeddings: Mapping[str, Sequence[float]],
    search: Mapping[str, Mapping[str, Any]],
    dumps: Callable[[Any], str],
) -> None:
    """A clause's vector and search properties into ``digest``, vectors as bytes."""
    if clause_id in embeddings:
        digest.update(b"embedding")
        digest.update(array("d", embeddings[clause_id]))
    if clause_id in search:
        extra = dict(search[clause_id])
        pieces = array("d", extra.pop("search_pieces", ()))
        digest.update(dumps(["search", extra]).encode("utf-8"))
        digest.update(pieces)


def node_rows(
    g: nx.MultiDiGraph,
    texts: Mapping[str, str],
    embeddings: Mapping[str, Sequence[float]],
    search: Mapping[str, Mapping[str, Any]] | None,
    encoded: Encoded,
) -> dict[str, list[dict[str, Any]]]:
    """Rows to write, by schema label: id, native properties, full JSON, order;
    a searchable clause also gets its ``search`` properties (:func:`search_props_of`)."""
    search = search or {}
    by_label: dict[str, list[dict[str, Any]]] = {}
    for order, ((node_id, data), text) in enumerate(zip(g._node.items(), encoded.nodes)):
        label = _check(data.get("label", ""), S.LABELS)
        # _json keeps networkx's key order, so printed answers look the same on both backends.
        props = {**_native(data), "_json": text, "_ord": order}
        if label == S.CLAUSE and data.get("clause_id") in embeddings:
            props["embedding"] = array("d", embeddings[data["clause_id"]]).tolist()
        if label == S.CLAUSE and data.get("clause_id") in search:
            props.update(search[data["clause_id"]])
        if label == S.DOCUMENT and data.get("doc_id") in texts:
            props["source_text"] = texts[data["doc_id"]]
        by_label.setdefault(label, []).append({"id": node_id, "props": props})
    return by_label


def _in_positions(g: nx.MultiDiGraph) -> dict[tuple[Any, Any, Any], int]:
    """Each edge's position among its target's in-edges, as networkx iterates them (one pass
    over the adjacency: asking ``g.in_edges(n)`` node by node cost seconds per 100,000 clauses)."""
    pos: dict[tuple[Any, Any, Any], int] = {}
    for target, sources in g._pred.items():
        i = 0
        for source, keys in sources.items():
            for key in keys:
                pos[(source, target, key)] = i
                i += 1
    return pos


def _edges(g: nx.MultiDiGraph) -> Iterator[tuple[Any, Any, Any, dict[str, Any], int]]:
    """(source, target, key, data, position among the source's out-edges) of every edge, in
    ``g.edges``' order, read from networkx's own dicts."""
    for source, targets in g._succ.items():
        out = 0
        for target, keys in targets.items():
            for key, data in keys.items():
                yield source, target, key, data, out
                out += 1


def edge_rows(g: nx.MultiDiGraph, encoded: Encoded) -> dict[str, list[dict[str, Any]]]:
    """Rows to write, by relation type: endpoints (``s``, ``t``), key (``k``), full JSON
    (``j``), and the edge's positions among its target's in-edges and its source's
    out-edges (``i``, ``o``), so neighbour lists keep networkx's order.

    No native copy of the JSON's fields (doc_id, start, extractor, ...): no statement reads
    one, and with them a relationship cost the server about twice the CPU to write
    (benchmarks/bench_neo4j_load.py, LOAD_FORMAT 4)."""
    by_rel: dict[str, list[dict[str, Any]]] = {}
    positions = encoded.in_positions
    for (source, target, key, data, out), text in zip(_edges(g), encoded.edges):
        rel = _check(data.get("rel", ""), S.RELATIONS)
        by_rel.setdefault(rel, []).append(
            {"s": source, "t": target, "k": str(key), "j": text, "i": positions[(source, target, key)], "o": out}
        )
    return by_rel


def ensure_schema(driver: Any, statements: Sequence[str] = SCHEMA_STATEMENTS, *, wait_seconds: int | None = 300) -> None:
    """Create what is missing of ``statements`` and wait until every index is online (``None``: do not wait)."""
    with driver.session() as session:
        for statement in statements:
            session.run(statement).consume()
        if wait_seconds is not None:
            session.run("CALL db.awaitIndexes($seconds)", seconds=wait_seconds).consume()


def _drop_generations(driver: Any, keep: str | None, batch: int = 5000) -> int:
    """Delete every node of a generation other than ``keep``, in bounded transactions."""
    deleted = 0
    statement = f"MATCH (n:{BASE_LABEL}) WHERE $keep IS NULL OR n.gen <> $keep WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS n"
    with driver.session() as session:
        for label in (STATS_LABEL, CORPUS_LABEL, CORPUS_FILE_LABEL):  # a generation's nodes beside its graph
            session.execute_write(
                lambda tx, label=label: tx.run(f"MATCH (s:{label}) WHERE $keep IS NULL OR s.gen <> $keep DELETE s", keep=keep).consume()
            )
        while True:
            n = session.execute_write(lambda tx: tx.run(statement, keep=keep, batch=batch).single()["n"])
            deleted += n
            if n == 0:
                return deleted


def _node_statement(label: str) -> str:
    """One statement per label, so the label is in the text and each row only carries its id and
    properties. It returns each node's element id, which the relationship statements find it by.
    CREATE, not MERGE: the generation is new (a load starts by dropping every generation but the
    live one, and the live one is never written), so there is nothing to match, and the
    (id, gen) uniqueness constraint still refuses a duplicate."""
    return (
        f"UNWIND $rows AS row CREATE (n:{BASE_LABEL}:{_check(label, S.LABELS)} {{id: row.id, gen: $gen}}) SET n += row.props "
        "RETURN collect([row.id, elementId(n)]) AS ids"
    )


def _relationship_statement(rel: str) -> str:
    """One statement per relation type; both ends found by the element ids the node statements
    returned (an id lookup: through the (id, gen) index, finding the two ends took a third of the
    time), its four properties set in the CREATE.

    The ends' ``gen`` is not read back (that walk of each end's property chain was a third of
    the relationship writing): an element id names a node this load created, in this
    generation, and it cannot name another node before the load ends. The ids are this load's,
    under the load lock (:func:`_load_lock`), which no other policykg load deletes from; a
    node someone else deletes meanwhile leaves its id unused while a transaction older than
    the delete is open (Neo4j buffers freed ids until then), and the lock's transaction is
    open from before the first node to after the switch; and such a delete makes the count
    check before the switch refuse the load."""
    return (
        "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b "
        f"CREATE (a)-[:{_check(rel, S.RELATIONS)} {{_json: row.j, _in: row.i, _out: row.o, key: row.k}}]->(b)"
    )


def _with_element_ids(element_ids: Mapping[str, str]) -> Callable[[Sequence[dict[str, Any]]], list[dict[str, Any]]]:
    """A batch of relationship rows as _relationship_statement takes them: the ends' element
    ids beside the row's JSON, positions and key (made per batch, in the writer)."""

    def rows(batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"a": element_ids[r["s"]], "b": element_ids[r["t"]], "j": r["j"], "i": r["i"], "o": r["o"], "k": r["k"]} for r in batch]

    return rows


class _Batch(list):  # type: ignore[type-arg]
    """A batch of rows as a statement parameter, packed as the list it is, printed short.

    The driver formats every RUN's parameters for its debug log whether or not that
    log is on (neo4j 6.4, Bolt 5.5 and later: ``" ".join(map(repr, fields))``): the
    repr of 5,000 rows with their vectors took longer than packing and sending them.
    """

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _write(session: Any, statement: str, rows: Sequence[Any], gen: str) -> list[Any]:
    """One batch in one transaction (retried whole on a transient error); its statement's returned values."""
    return session.execute_write(lambda tx: [record[0] for record in tx.run(statement, rows=_Batch(rows), gen=gen)])


def _write_groups(
    driver: Any,
    groups: Mapping[str, list[dict[str, Any]]],
    statement_for: Callable[[str], str],
    gen: str,
    *,
    batch: int,
    writers: int,
    tick: Callable[[str, int], None],
    shape: Callable[[Sequence[dict[str, Any]]], Sequence[Any]] = lambda rows: rows,
) -> tuple[dict[str, float], list[Any]]:
    """Write each group's rows in transactions of ``batch`` rows (``shape`` makes a batch's
    parameter rows), ``writers`` transactions at a time; seconds by group, and what the batches
    returned, in order.

    Two writers keep both cores busy: the server writes one batch while the next is
    packed and sent. Batches are ticked in order as they commit, so
    ``fail_after_batches`` and progress count committed batches.
    """
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    local = threading.local()
    sessions: list[Any] = []

    def run(statement: str, rows: Sequence[Any]) -> list[Any]:
        if not hasattr(local, "session"):
            local.session = driver.session()
            sessions.append(local.session)
        return _write(local.session, statement, shape(rows), gen)

    seconds: dict[str, float] = {}
    returned: list[Any] = []
    pending: deque[tuple[Future[list[Any]], str, int]] = deque()
    try:
        with ThreadPoolExecutor(max_workers=max(1, writers), thread_name_prefix="neo4j-load") as pool:
            for name, rows in groups.items():
                t_group = time.perf_counter()
                statement = statement_for(name)
                for chunk in _batches(rows, batch):
                    if len(pending) >= max(1, writers):
                        returned += _settle(pending.popleft(), tick)
                    pending.append((pool.submit(run, statement, chunk), name, len(chunk)))
                while pending:  # a group ends when its last batch committed: seconds by group stay true
                    returned += _settle(pending.popleft(), tick)
                seconds[name] = round(time.perf_counter() - t_group, 3)
    finally:
        for future, _, _ in pending:
            future.cancel()
        for session in sessions:
            session.close()
    return seconds, returned


def _settle(item: tuple[Any, str, int], tick: Callable[[str, int], None]) -> list[Any]:
    """Wait for one submitted batch (its error raised here), count it; what it returned."""
    future, name, n = item
    returned = future.result()
    tick(name, n)
    return list(returned)


@contextmanager
def _load_lock(driver: Any) -> Iterator[None]:
    """Hold the server's one load lock for the ``with`` body: a write lock on the
    LOAD_LOCK_KEY meta node, taken by a transaction of its own that stays open and is
    rolled back at the end (it changes nothing).

    A load reads the live generation, drops every other one, writes its own and
    switches: two of these interleaved would delete each other's nodes (the second
    one's clean-up can even delete the generation the first just switched in, under
    its readers). A second load waits here instead. The lock is the server's, so it
    holds across processes, and the server releases it when the holder dies (its
    connection closes and the transaction rolls back): a killed load blocks no one.
    """
    with driver.session() as session:
        session.execute_write(lambda tx: tx.run(f"MERGE (:{META_LABEL} {{key: $lock}})", lock=LOAD_LOCK_KEY).consume())
        tx = session.begin_transaction()
        try:
            tx.run(f"MATCH (l:{META_LABEL} {{key: $lock}}) SET l.held_since = datetime()", lock=LOAD_LOCK_KEY).consume()
            yield
        finally:
            tx.rollback()


def load_graph(
    driver: Any,
    g: nx.MultiDiGraph,
    *,
    texts: Mapping[str, str] | None = None,
    embeddings: Mapping[str, Sequence[float]] | None = None,
    search: Mapping[str, Mapping[str, Any]] | None = None,
    search_stats: Mapping[str, Any] | None = None,
    batch: int = BATCH,
    writers: int = WRITERS,
    progress: Callable[[str, int], None] | None = None,
    fail_after_batches: int | None = None,
    expect_generation: str | None = None,
    corpus: Mapping[str, bytes] | None = None,
) -> dict[str, Any]:
    """Load ``g`` as a new generation and switch to it; returns counts and timings.

    The order is what makes a bulk load fast and a killed one harmless: the
    uniqueness constraint first; nodes, one statement per label, in batches of
    ``batch`` rows; then the read-only indexes (full-text, vector, ...) when
    missing, so that a first load populates them once in bulk instead of row by
    row, in the background while the relationships (one statement per type) are
    written (when they exist, the live generation needs them and they stay);
    then the wait for the indexes, the count check and the one-transaction
    switch. All of it from the read of the live generation on holds the server's
    load lock (:func:`_load_lock`): a second load, from this process or another,
    waits for the first to finish, then reads the generation it switched in.
    ``fail_after_batches`` stops a load midway on purpose (tests prove the
    previous generation keeps answering). ``expect_generation`` is the generation
    the caller's graph was derived from (a write through a data directory: its
    last load); when another one is live, someone else changed the graph since,
    and the load refuses with GenerationConflictError instead of dropping that
    change (unless ``g`` is exactly what is live). ``corpus`` is the corpus record of
    ingest/corpus_record.py, written beside the generation before its switch (None: a
    generation no writer can rebuild its corpus from, :func:`corpus_record`).
    """
    t0 = time.perf_counter()
    encoded = encode(g, texts or {}, embeddings or {}, search, corpus)
    gen, n_nodes, n_edges = encoded.generation, len(encoded.nodes), len(encoded.edges)
    ensure_schema(driver, LOAD_SCHEMA)
    with _load_lock(driver):  # from the read of the live generation to the clean-up: one load at a time
        current = live_generation(driver)
        if current == gen:
            _drop_generations(driver, current)  # leftovers of a load that died
            ensure_schema(driver, READ_SCHEMA, wait_seconds=INDEX_WAIT_SECONDS)  # a read index a newer version added (else a no-op)
            return {
                "generation": gen,
                "unchanged": True,
                "nodes": n_nodes,
                "relationships": n_edges,
                "seconds": round(time.perf_counter() - t0, 3),
            }
        if expect_generation and current and current != expect_generation:
            raise GenerationConflictError(
                f"Neo4j's live graph (generation {current[:12]}) is not the one this write started from "
                f"({expect_generation[:12]}): another server or ingest changed it since"
            )
        nodes = node_rows(g, texts or {}, embeddings or {}, search, encoded)
        edges = edge_rows(g, encoded)
        _drop_generations(driver, current)  # leftovers of a load that died
        done = 0

        def tick(what: str, n: int) -> None:
            nonlocal done
            done += 1
            if fail_after_batches is not None and done > fail_after_batches:
                raise RuntimeError(f"load stopped on purpose after {fail_after_batches} batches")
            if progress:
                progress(what, n)

        t_nodes = time.perf_counter()
        per_label, returned = _write_groups(driver, nodes, _node_statement, gen, batch=batch, writers=writers, tick=tick)
        element_ids = dict(pair for ids in returned for pair in ids)
        # Missing read indexes (a first load) are created now and populate in the background,
        # from the nodes alone, on the core the relationship writes leave idle.
        ensure_schema(driver, READ_SCHEMA, wait_seconds=None)
        t_edges = time.perf_counter()
        # Relationships one transaction at a time: each CREATE locks both ends, and
        # batches sharing the few dense entity nodes would deadlock one another.
        _write_groups(driver, edges, _relationship_statement, gen, batch=batch, writers=1, tick=tick, shape=_with_element_ids(element_ids))
        t_indexes = time.perf_counter()
        ensure_schema(driver, READ_SCHEMA, wait_seconds=INDEX_WAIT_SECONDS)  # the new generation is searchable before it goes live
        if search_stats is not None:
            _write_search_stats(driver, gen, search_stats)
        if corpus is not None:
            _write_corpus_record(driver, gen, corpus, sum(1 for r in nodes.get(S.DOCUMENT, []) if "source_text" in r["props"]))
        t_switch = time.perf_counter()
        _switch(driver, gen, n_nodes, n_edges)
        _drop_generations(driver, gen)
        t_end = time.perf_counter()
        return {
            "generation": gen,
            "unchanged": False,
            "nodes": n_nodes,
            "relationships": n_edges,
            "seconds": round(t_end - t0, 3),
            "prepare_seconds": round(t_nodes - t0, 3),
            "node_seconds": round(t_edges - t_nodes, 3),
            "relationship_seconds": round(t_indexes - t_edges, 3),
            "index_seconds": round(t_switch - t_indexes, 3),
            "nodes_per_second": round(n_nodes / max(t_edges - t_nodes, 1e-9), 1),
            "relationships_per_second": round(n_edges / max(t_indexes - t_edges, 1e-9), 1),
            "rows_per_second": round((n_nodes + n_edges) / max(t_end - t0, 1e-9), 1),
            "vectors": sum(1 for r in nodes.get(S.CLAUSE, []) if "embedding" in r["props"]),
            "seconds_by_label": per_label,
        }


def _write_search_stats(driver: Any, gen: str, stats: Mapping[str, Any]) -> None:
    """Generation ``gen``'s BM25 statistics on its STATS_LABEL node (search/neo4j_index.py reads them)."""
    with driver.session() as session:
        session.execute_write(
            lambda tx: tx.run(
                f"MERGE (s:{STATS_LABEL} {{gen: $gen}}) SET s.json = $json", gen=gen, json=json.dumps(stats, ensure_ascii=False)
            ).consume()
        )


def _switch(driver: Any, gen: str, n_nodes: int, n_edges: int) -> None:
    """Check the new generation is complete, then point the meta node at it in one transaction."""
    with driver.session() as session:
        counted = session.run(
            f"MATCH (n:{BASE_LABEL} {{gen: $gen}}) WITH count(n) AS nodes "
            f"OPTIONAL MATCH (:{BASE_LABEL} {{gen: $gen}})-[r]->() RETURN nodes, count(r) AS rels",
            gen=gen,
        ).single()
        if counted["nodes"] != n_nodes or counted["rels"] != n_edges:
            raise BackendUnavailableError(
                f"Neo4j holds {counted['nodes']} nodes / {counted['rels']} relationships of generation {gen}, "
                f"expected {n_nodes} / {n_edges}; the previous graph stays live",
                hint="re-run the ingest",
            )
        summary = json.dumps({"nodes": n_nodes, "relationships": n_edges}, sort_keys=True)
        session.execute_write(
            lambda tx: tx.run(
                f"MERGE (m:{META_LABEL} {{key: $meta}}) SET m.previous = m.generation, m.generation = $gen, "
                "m.summary = $summary, m.loaded_at = datetime()",
                meta=META_KEY,
                gen=gen,
                summary=summary,
            ).consume()
        )


def live_generation(driver: Any) -> str | None:
    """The generation readers are answered from (None: nothing was loaded)."""
    with driver.session() as session:
        record = session.run(_GEN, meta=META_KEY).single()
    return record["gen"] if record else None


def _write_corpus_record(driver: Any, gen: str, files: Mapping[str, bytes], documents: int) -> None:
    """Generation ``gen``'s corpus record: a CORPUS_FILE_LABEL node per file, in transactions of
    at most CORPUS_BATCH_BYTES, then the CORPUS_LABEL node that names them all (last: its
    presence means the record is whole)."""
    batches: list[list[dict[str, Any]]] = [[]]
    size = 0
    for name in sorted(files):
        if batches[-1] and size + len(files[name]) > CORPUS_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append({"name": name, "data": files[name]})
        size += len(files[name])

    def write(tx: Any, statement: str, **params: Any) -> None:
        tx.run(statement, gen=gen, **params).consume()

    with driver.session() as session:
        for rows in filter(None, batches):
            statement = f"UNWIND $rows AS row CREATE (:{CORPUS_FILE_LABEL} {{gen: $gen, name: row.name, data: row.data}})"
            session.execute_write(write, statement, rows=_Batch(rows))  # _Batch: the driver's log never formats the bytes
        statement = f"CREATE (:{CORPUS_LABEL} {{gen: $gen, files: $names, documents: $documents}})"
        session.execute_write(write, statement, names=sorted(files), documents=documents)


class CorpusRecord(NamedTuple):
    """A generation's corpus, as ingest/corpus_record.restore_corpus writes it."""

    generation: str
    texts: dict[str, str]
    """Each document's file name -> its converted text (the Document nodes' ``source_text``)."""
    files: dict[str, bytes]
    """The record's other files, byte for byte (manifest, alias table, center records, originals)."""


def corpus_record(driver: Any, gen: str) -> CorpusRecord | None:
    """Generation ``gen``'s corpus, or None when it has no whole one: loaded without a record
    (by an older version, or a graph loaded directly), or dropped while being read."""

    def read(tx: Any) -> CorpusRecord | None:
        head = tx.run(f"MATCH (r:{CORPUS_LABEL} {{gen: $gen}}) RETURN r.files AS files, r.documents AS documents", gen=gen).single()
        if head is None:
            return None
        texts = {
            r["file"]: r["text"]
            for r in tx.run(
                f"MATCH (d:{S.DOCUMENT} {{gen: $gen}}) WHERE d.source_text IS NOT NULL RETURN d.file AS file, d.source_text AS text",
                gen=gen,
            )
        }
        files = {
            r["name"]: bytes(r["data"])
            for r in tx.run(f"MATCH (f:{CORPUS_FILE_LABEL} {{gen: $gen}}) RETURN f.name AS name, f.data AS data", gen=gen)
        }
        whole = len(texts) == head["documents"] and sorted(files) == sorted(head["files"])
        return CorpusRecord(gen, texts, files) if whole else None

    with driver.session() as session:
        return session.execute_read(read)


def embeddings_of(store_dir: Path) -> dict[str, list[float]]:
    """Clause id -> unit vector, from the staged search index (search/index.py's files)."""
    import numpy as np

    search = Path(store_dir) / "search"
    rows_file, matrix_file = search / "rows.jsonl", search / "embeddings.npy"
    if not rows_file.exists() or not matrix_file.exists():
        return {}
    with rows_file.open(encoding="utf-8") as fh:
        ids = [json.loads(line)["clause_id"] for line in fh if line.strip()]
    matrix = np.load(matrix_file)
    return {cid: matrix[i].tolist() for i, cid in enumerate(ids)}


def search_props_of(store_dir: Path) -> dict[str, dict[str, Any]]:
    """Clause id -> what a search over Neo4j alone needs of a searchable clause, from the
    staged search index (search/index.py's files): ``search_pos`` (its row in the index),
    ``search_row`` (the row as JSON: title, path, offsets, entities, scope),
    ``search_tokens`` (its BM25 tokens, space-joined, for the whitespace full-text index
    TOKEN_INDEX) and ``search_pieces`` (its sentences' unit vectors, flattened)."""
    import numpy as np

    search = Path(store_dir) / "search"
    rows_file, tokens_file = search / "rows.jsonl", search / "tokens.jsonl"
    if not rows_file.exists():
        return {}
    with rows_file.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    tokens: list[list[str]] = []
    if tokens_file.exists():
        with tokens_file.open(encoding="utf-8") as fh:
            tokens = [json.loads(line) for line in fh if line.strip()]
    pieces: dict[int, list[float]] = {}
    if (search / "pieces.npy").exists() and (search / "piece_rows.npy").exists():
        matrix, owners = np.load(search / "pieces.npy"), np.load(search / "piece_rows.npy")
        for vector, owner in zip(matrix, owners.tolist()):
            pieces.setdefault(int(owner), []).extend(float(x) for x in vector)
    out: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        props: dict[str, Any] = {"search_pos": i, "search_row": json.dumps(row, ensure_ascii=False)}
        if i < len(tokens):
            # a clause with no token gets none (bm25s indexes it as one empty token: it matches nothing either way)
            props["search_tokens"] = " ".join(tokens[i])
        if i in pieces:
            props["search_pieces"] = pieces[i]
        out[row["clause_id"]] = props
    return out


def load_store(driver: Any, store_dir: Path, **options: Any) -> dict[str, Any]:
    """Load one ingested store directory (graph.json as the embedded store reads it,
    documents.json's source texts, the search index's clause vectors, rows, tokens
    and sentence vectors, the corpus record when it keeps one) into Neo4j."""
    from ingest.corpus_record import read_record
    from ingest.store_files import read_documents

    from .nx_store import GRAPH_FILE, read_graph

    g = read_graph(Path(store_dir) / GRAPH_FILE)
    texts = {d["doc_id"]: d.get("text", "") for d in read_documents(store_dir)}
    stats_file = Path(store_dir) / "search" / "bm25_stats.json"
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else None
    return load_graph(
        driver,
        g,
        texts=texts,
        embeddings=embeddings_of(store_dir),
        search=search_props_of(store_dir),
        search_stats=stats,
        corpus=read_record(store_dir),
        **options,
    )


@step("load_neo4j", order=50, requires=("graph", "search"), assigns=("neo4j",))
def load_neo4j(build: Build) -> None:
    """Copy the staged store (graph, texts, clause vectors) into Neo4j when the ingest runs with ``--backend neo4j``."""
    build.artifacts["neo4j"] = None
    if build.backend != "neo4j":
        return
    conn_opts = dict((build.options or {}).get("neo4j") or {})
    driver = connect(resolve_connection(build.data_dir, conn_opts.get("uri"), conn_opts.get("user"), conn_opts.get("password")))
    try:
        build.summary["neo4j"] = build.artifacts["neo4j"] = load_store(driver, build.out_dir, expect_generation=conn_opts.get("expect"))
    finally:
        driver.close()


# ---------------------------------------------------------------- reading


class Neo4jGraphStore:
    """GraphStore over a Neo4j database (see graph/store.py for the contract)."""

    def __init__(self, driver: Any, *, keep_answers: int = ANSWERS_MAX) -> None:
        """``keep_answers``: how many answers to keep for the live generation (0: none, every call asks the server)."""
        self.driver = driver
        self._aliases: tuple[str, AliasTable] | None = None
        self._overlap: dict[tuple[str, str], dict[str, Any]] = {}  # (generation, by) -> answer
        self._overlap_lock = threading.Lock()
        self._pinned = threading.local()  # the generation the current call reads (per thread: the API is threaded)
        self._nodes_cache: tuple[str | None, dict[str, dict[str, Any]]] = (None, {})
        self._rows_cache: tuple[str | None, dict[tuple[str, str], dict[str, Any]]] = (None, {})
        self._nodes_lock = threading.Lock()
        self._answers = _Answers(keep_answers)

    def close(self) -> None:
        self.driver.close()

    # -- plumbing -----------------------------------------------------------
    def _run(self, statement: str, **params: Any) -> list[Any]:
        """One read statement over the live generation (``$gen`` is filled in)."""
        gen = params.pop("gen", None) or getattr(self._pinned, "gen", None) or self._read_generation()

        def work(tx: Any) -> list[Any]:
            return list(tx.run(statement, gen=gen, **params))

        with self.driver.session() as session:
            if getattr(self._pinned, "once", False):
                # a search read (search_*): one attempt, so that a dead server is reported at once
                # instead of after the driver's 30 s of retries (the others first read the generation)
                return list(session.run(statement, gen=gen, **params))
            return session.execute_read(work)

    def _single(self, statement: str, **params: Any) -> Any:
        """A statement that answers in one row (its lists collected in Cypher)."""
        rows = self._run(statement, **params)
        if len(rows) != 1:
            raise QueryError(f"expected one row from Neo4j, got {len(rows)}", hint="was the graph re-loaded during the call?")
        return rows[0]

    @_unavailable
    def generation(self) -> str:
        """The live generation id (NotIngestedError when nothing was loaded)."""
        return str(self._pinned.gen)

    def _read_generation(self) -> str:
        with self.driver.session() as session:
            record = session.run(_GEN, meta=META_KEY).single()
        if record is None or not record["gen"]:
            raise NotIngestedError("the Neo4j database holds no policykg graph", hint="run `policykg ingest --backend neo4j` first")
        return record["gen"]

    def _props(self, node_id: str) -> dict[str, Any]:
        rows = self._run(f"MATCH (n:{BASE_LABEL} {{gen: $gen, id: $id}}) RETURN n._json AS j", id=node_id)
        return {"id": node_id, **json.loads(rows[0]["j"])} if rows else {}

    def _nodes(self, ids: Iterable[str | None]) -> dict[str, dict[str, Any]]:
        """Node id -> its properties (``{"id", **_json}``), for the pinned generation.

        A generation never changes once loaded, so properties read once are kept
        (per generation, at most NODE_CACHE_MAX nodes): a question's statement
        returns ids and order only, and a second statement fetches the
        properties of the nodes not seen yet. Every question after the first
        over the same facts is one statement, and transfers and decodes no JSON.
        The dicts are shared: callers build their rows from them, never change them.
        """
        gen = str(self._pinned.gen)
        wanted = [i for i in ids if i is not None]
        with self._nodes_lock:
            if self._nodes_cache[0] != gen:
                self._nodes_cache = (gen, {})
            cache = self._nodes_cache[1]
            missing = list(dict.fromkeys(i for i in wanted if i not in cache))
        if not missing:
            return cache
        found = {r["id"]: {"id": r["id"], **json.loads(r["j"])} for r in self._run(_NODES, ids=missing)}
        with self._nodes_lock:
            cache = self._nodes_cache[1] if self._nodes_cache[0] == gen else {}
            if len(cache) + len(found) > NODE_CACHE_MAX:  # start over (a new dict: answers being built keep theirs)
                cache = {i: cache[i] for i in wanted if i in cache}
            cache.update(found)
            self._nodes_cache = (gen, cache)
        return cache

    def _shaped(self, ids: Sequence[str], shape: Callable[[str], dict[str, Any]], kind: str) -> list[dict[str, Any]]:
        """``shape(id)`` for each id, each shaped once per generation (as nx_store.FactIndex.row):
        an answer of 15,000 rows is references, not 15,000 row constructions. The rows are
        shared: answers are kept as they are (@_kept) and copied for callers (:func:`_fresh`)."""
        gen = str(self._pinned.gen)
        if self._rows_cache[0] != gen:
            self._rows_cache = (gen, {})
        rows = self._rows_cache[1]
        out, made = [], False
        for i in ids:
            row = rows.get((i, kind))
            if row is None:
                row = rows[(i, kind)] = shape(i)
                made = True
            out.append(row)
        if made:
            from ingest.memory import freeze_long_lived

            freeze_long_lived()  # the cached rows live as long as the generation: out of the collector's passes
        return out

    def _rules(self, facts: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        """rules_for's fact rows of collected ``[id, _ord, kind]`` rows, in the embedded store's
        order (kind, then graph order; rules_result then sorts by document and offset)."""
        props = self._nodes(f[0] for f in facts)
        return self._shaped([f[0] for f in sorted(facts, key=lambda f: (f[2], f[1]))], lambda i: fact_row(props[i]), "fact")

    @staticmethod
    def _facts(rows: Iterable[Any]) -> list[dict[str, Any]]:
        """Fact props in graph order (the order the embedded store iterates them)."""
        ordered = sorted(rows, key=lambda r: r["o"])
        return [{"id": r["id"], **json.loads(r["j"])} for r in ordered]

    @_unavailable
    def aliases(self) -> AliasTable:
        gen = self._pinned.gen
        if self._aliases is None or self._aliases[0] != gen:
            rows = self._run(
                f"MATCH (n:{BASE_LABEL} {{gen: $gen}}) WHERE n.label IN $labels RETURN n.id AS id, n._json AS j ORDER BY n._ord",
                gen=gen,
                labels=list(S.ENTITY_LABELS),
            )
            self._aliases = (gen, alias_table((r["id"], json.loads(r["j"])) for r in rows))
        return self._aliases[1]

    @_unavailable
    def resolve(self, name: str, kinds: list[str] | None = None) -> dict[str, Any]:
        """The node a name or alias stands for (NotFoundError with nearest names)."""
        return self._props(self._resolve(name, kinds).id)

    def _resolve(self, name: str, kinds: list[str] | None = None) -> Entity:
        """The entity a name stands for, from the alias table alone (no statement; its id and name are the node's)."""
        if name is None or not str(name).strip():
            raise QueryError("empty name", hint="give a name, e.g. 高精尖创新中心")
        if len(name) > 200:
            raise QueryError(f"name too long ({len(name)} characters, at most 200)")
        return self.aliases().resolve(name, kinds)

    def _platform_type_id(self, name: str) -> str:
        """rows.resolve_platform_type's node id (same answers and errors), without reading the node."""
        return str(resolve_platform_type(_IdResolver(self), name)["id"])

    # -- corpus -------------------------------------------------------------
    @_unavailable
    def documents(self) -> dict[str, Any]:
        rows = self._run(f"MATCH (d:{S.DOCUMENT} {{gen: $gen}}) WHERE d.doc_id IS NOT NULL RETURN d._json AS j ORDER BY d._ord")
        return {"documents": [{k: v for k, v in json.loads(r["j"]).items() if k != "label"} for r in rows]}

    def document(self, doc_id: str) -> dict[str, Any]:
        docs = self.documents()["documents"]
        for d in docs:
            if d["doc_id"] == doc_id:
                return d
        raise NotFoundError(f"unknown document {doc_id!r}", suggestions=[d["doc_id"] for d in docs])

    @_unavailable
    def clauses(self, doc_id: str | None = None) -> dict[str, Any]:
        if doc_id is not None:
            self.document(doc_id)
        rows = self._run(
            f"MATCH (c:{S.CLAUSE} {{gen: $gen}}) WHERE $doc IS NULL OR c.doc_id = $doc RETURN c._json AS j ORDER BY c._ord",
            doc=doc_id,
        )
        return {"clauses": [_clause_dict(json.loads(r["j"])) for r in rows]}

    @_unavailable
    def clause(self, clause_id: str) -> dict[str, Any]:
        rows = self._run(f"MATCH (c:{BASE_LABEL} {{gen: $gen, id: $id}}) RETURN c._json AS j", id=S.clause_node_id(str(clause_id)))
        if not rows:
            from rapidfuzz import process

            ids = [r["id"] for r in self._run(f"MATCH (c:{S.CLAUSE} {{gen: $gen}}) RETURN c.clause_id AS id")]
            near = [m[0] for m in process.extract(clause_id, ids, limit=5)]
            raise NotFoundError(f"unknown clause {clause_id!r}", suggestions=near)
        return _clause_dict(json.loads(rows[0]["j"]))

    # -- queries ------------------------------------------------------------
    # One statement each (graph/neo4j_store.py's read statements above), after
    # the generation read every public call pins; names resolve through the
    # alias table, which is read once per generation.
    @_unavailable
    @_kept
    def obligations(self, platform_type: str, role: str | None = None) -> dict[str, Any]:
        pt_id = self._platform_type_id(platform_type)
        role_id = self._resolve(role, [S.ROLE, S.ORGANIZATION, S.PLATFORM_TYPE, S.PLATFORM]).id if role else None
        row = self._single(_OBLIGATIONS, id=pt_id, role=role_id)
        props = self._nodes(f[0] for f in row["facts"])
        ids = [f[0] for f in sorted(row["facts"], key=lambda f: f[1])]
        ids.sort(key=lambda i: obligation_sort_key(props[i]))
        return {
            "platform_type": row["platform_type"],
            "role": row["role"] if role else None,
            "obligations": self._shaped(ids, lambda i: obligation_row(props[i]), "obligation"),
        }

    @_unavailable
    @_kept
    def deadlines(self, platform_type: str | None = None) -> dict[str, Any]:
        if platform_type:
            row = self._single(_DEADLINES_FOR, id=self._platform_type_id(platform_type))
        else:
            row = self._single(_DEADLINES_ALL)
        facts = row["facts"]
        props = self._nodes([*(f[0] for f in facts), *(f[2] for f in facts)])
        clause_of = {f[0]: f[2] for f in facts}
        ids = [f[0] for f in sorted(facts, key=lambda f: f[1])]
        out = self._shaped(ids, lambda i: deadline_row(props[i], props.get(clause_of[i] or "", {})), "deadline")
        out.sort(key=lambda r: (r["doc_id"], r["phrase_start"]))
        return {"platform_type": row["platform_type"], "deadlines": out}

    @_unavailable
    @_kept
    def rules_for(self, entity: str | None = None, action: str | None = None, kinds: list[str] | None = None) -> dict[str, Any]:
        """Facts that apply to ``entity`` and/or name ``action``; ``kinds`` filters by fact kind.

        The matching is graph/nx_store.py's: applies_to (its APPLIES_TO edges),
        FUNDS, ABOUT and the clause's MENTIONS match the resolved entity (or its
        platform type) exactly; BINDS and REPORTS_TO also match a narrower kind
        of it (a 市属高校 duty is a duty of a kind of 依托高校, not the other way round).
        """
        wanted = set(kinds or S.FACT_LABELS)
        unknown = wanted - set(S.FACT_LABELS)
        if unknown:
            raise QueryError(f"unknown fact kind(s) {sorted(unknown)}", hint=f"use {', '.join(S.FACT_LABELS)}")
        labels = [S.FACT_LABELS[k] for k in wanted]
        ent = None
        if entity:
            ent = self._resolve(entity)
            row = self._single(_RULES_FOR_ENTITY, id=ent.id, labels=labels, action=action or None)
        else:
            row = self._single(_RULES_FOR_ACTION, labels=labels, action=action or None)
        return rules_result(ent.name if ent else None, action, self._rules(row["facts"]))

    @_unavailable
    @_kept
    def entity(self, name: str) -> dict[str, Any]:
        nid = self._resolve(name).id
        row = self._single(_ENTITY, id=nid, neighbour_labels=[S.DOCUMENT, *S.ENTITY_LABELS], labels=list(S.FACT_LABELS.values()))
        node = {"id": nid, **json.loads(row["node"])}
        neighbours: list[dict[str, Any]] = []
        mentioned_in: list[str] = []
        for _, src_id, src_json, edge_json in sorted(row["incoming"], key=lambda r: r[0]):
            if src_id is None:  # a clause that mentions it (its clause_id in the third column)
                mentioned_in.append(src_json)
            else:
                neighbours.append(_neighbour(src_id, json.loads(src_json), json.loads(edge_json), "in"))
        for _, tgt_id, tgt_json, edge_json in sorted(row["outgoing"], key=lambda r: r[0]):
            neighbours.append(_neighbour(tgt_id, json.loads(tgt_json), json.loads(edge_json), "out"))
        applies_via, via_name = row["via"], row["via_name"]
        # The embedded store asks rules_for(<name of applies_via>): that name resolves
        # back to applies_via unless another node has the same surface form; then ask as it does.
        if self._resolve(via_name).id == applies_via:
            rules = self._rules(row["facts"])
        else:
            rules = self.rules_for(via_name)["rules"]
        grouped: dict[str, list[dict[str, Any]]] = {k: [] for k in S.FACT_LABELS}
        for r in rules_result(None, None, rules)["rules"]:
            grouped[r["kind"]].append(r)
        if grouped["obligation"]:
            grouped["obligation"].sort(key=obligation_sort_key)
        entity = {k: v for k, v in node.items() if k != "record"}
        if "record" in node:
            entity["source"] = node["record"]
        return {
            "query": name,
            "entity": entity,
            "applies_via": via_name if applies_via != nid else None,
            "neighbours": neighbours,
            "mentioned_in": sorted(set(mentioned_in)),
            "documents": sorted({c.split(":")[0] for c in mentioned_in}),
            "applies": {_PLURAL[k]: v for k, v in grouped.items()},
        }

    @_unavailable
    def overlap(self, by: str) -> dict[str, Any]:
        """The overlap matrix and conflicts (graph/overlap.py) over the documents,
        facts and alias table (curated names plus center records) held in Neo4j.

        A generation never changes once loaded, so each ``by`` is computed once
        per generation (the analysis re-reads every clause); callers get a copy
        they may change. A new load is a new generation, so never a stale answer.
        """
        from .overlap import check_by, compute_overlap

        by = check_by(by)
        key = (str(self._pinned.gen), by)
        with self._overlap_lock:
            if key not in self._overlap:
                facts = self._run(
                    f"MATCH (f:{BASE_LABEL} {{gen: $gen}}) WHERE f.label IN $labels RETURN f.id AS id, f._json AS j, f._ord AS o",
                    labels=list(S.FACT_LABELS.values()),
                )
                answer = compute_overlap(self.corpus(), by, facts=[fact_row(p) for p in self._facts(facts)], table=self.aliases())
                self._overlap = {k: v for k, v in self._overlap.items() if k[0] == key[0]}  # drop other generations
                self._overlap[key] = answer
            return copy.deepcopy(self._overlap[key])

    @_unavailable
    def corpus(self) -> list[Document]:
        """The documents with their source text and clauses, as ingested."""
        docs = self._run(
            f"MATCH (d:{S.DOCUMENT} {{gen: $gen}}) WHERE d.doc_id IS NOT NULL RETURN d._json AS j, d.source_text AS text ORDER BY d._ord"
        )
        by_doc: dict[str, list[Clause]] = {}
        for c in self.clauses()["clauses"]:
            by_doc.setdefault(c["doc_id"], []).append(Clause.from_dict(c))
        out = []
        for row in docs:
            d = json.loads(row["j"])
            out.append(Document.from_meta(d, row["text"] or "", by_doc.get(d["doc_id"], [])))
        return out

    @_unavailable
    def graph(self) -> nx.MultiDiGraph:
        """The live generation as the networkx graph it was loaded from: nodes in
        their order, each node's out-edges in theirs (so edges iterate as in graph.json)."""
        g = nx.MultiDiGraph()
        for row in self._run(f"MATCH (n:{BASE_LABEL} {{gen: $gen}}) RETURN n.id AS id, n._json AS j ORDER BY n._ord"):
            g.add_node(row["id"], **json.loads(row["j"]))
        edges = self._run(
            f"MATCH (s:{BASE_LABEL} {{gen: $gen}})-[r]->(t:{BASE_LABEL} {{gen: $gen}}) "
            "RETURN s.id AS source, t.id AS target, r.key AS k, r._json AS j, s._ord AS o, r._out AS out ORDER BY o, out"
        )
        for row in edges:
            g.add_edge(row["source"], row["target"], key=row["k"], **json.loads(row["j"]))
        return g

    # -- search in the database ---------------------------------------------
    @_unavailable
    def vector_search(self, vector: Sequence[float], k: int = 10) -> list[dict[str, Any]]:
        """Clauses nearest to a unit query vector by cosine, from the vector index."""
        if len(vector) != EMBEDDING_DIM:
            raise QueryError(f"query vector has {len(vector)} dimensions, the index {EMBEDDING_DIM}")
        rows = self._run(
            "CALL db.index.vector.queryNodes($index, $depth, $vector) YIELD node, score "
            "WHERE node.gen = $gen RETURN node.clause_id AS clause_id, score ORDER BY score DESC, clause_id LIMIT $k",
            index=VECTOR_INDEX,
            depth=max(4 * k, 50),
            vector=[float(x) for x in vector],
            k=int(k),
        )
        return [{"clause_id": r["clause_id"], "score": float(r["score"])} for r in rows]

    @_unavailable
    def fulltext_search(self, query: str, k: int = 10) -> list[dict[str, Any]]:
        """Clauses matching ``query`` in the full-text index (CJK analyzer); the query is escaped, never parsed."""
        from neo4j.exceptions import ClientError

        if not query or not query.strip():
            raise QueryError("empty query")
        terms = " ".join(_lucene_escape(t) for t in query.split())
        try:
            rows = self._run(
                "CALL db.index.fulltext.queryNodes($index, $q) YIELD node, score "
                "WHERE node.gen = $gen RETURN node.clause_id AS clause_id, score ORDER BY score DESC, clause_id LIMIT $k",
                index=FULLTEXT_INDEX,
                q=terms,
                k=int(k),
            )
        except ClientError as err:
            raise QueryError(f"full-text query rejected: {err.message}") from None
        return [{"clause_id": r["clause_id"], "score": float(r["score"])} for r in rows]

    # -- the search index in the database (search/neo4j_index.py) ------------
    # Each takes the generation its caller pinned, so one question reads one generation
    # even while a load switches in the next.
    @_at_generation
    def search_lexical(
        self, gen: str, terms: Sequence[str], limit: int, clause_ids: Sequence[str] | None = None
    ) -> list[tuple[str, int, int, list[int]]]:
        """The searchable clauses of generation ``gen`` holding any of ``terms`` (BM25 tokens),
        at most ``limit`` of them (Lucene's BM25 best first; only among ``clause_ids`` when
        given): (clause id, row position, token count, each term's count in it). The
        generation and the clause ids are required terms of weight 0 in the same Lucene
        query: they select without adding to a score, and the limit applies after them."""
        terms = [t for t in dict.fromkeys(terms) if t.strip()]
        if not terms or (clause_ids is not None and not clause_ids):
            return []
        query = f"+gen:{_lucene_escape(gen)}^0 "
        if clause_ids is not None:
            query += "+clause_id:(" + " ".join(_lucene_escape(c) for c in clause_ids) + ")^0 "
        query += "+search_tokens:(" + " ".join(_lucene_escape(t) for t in terms) + ")"
        # one record (the matches collected): a record per match cost more than the query itself
        row = self._single(
            "CALL db.index.fulltext.queryNodes($index, $q, {limit: $limit}) YIELD node "
            "WITH node, split(node.search_tokens, ' ') AS tokens "
            "RETURN collect([node.clause_id, node.search_pos, size(tokens), [t IN $terms | size([x IN tokens WHERE x = t])]]) AS hits",
            index=TOKEN_INDEX,
            q=query,
            limit=int(limit),
            terms=terms,
        )
        return [(h[0], int(h[1]), int(h[2]), list(h[3])) for h in row["hits"]]

    @_at_generation
    def search_stats(self, gen: str) -> dict[str, Any]:
        """The BM25 statistics of generation ``gen``'s searchable clauses (search/bm25.py corpus_stats)."""
        rows = self._run(f"MATCH (s:{STATS_LABEL} {{gen: $gen}}) RETURN s.json AS j")
        if not rows:
            raise NotIngestedError(
                f"generation {gen} of the Neo4j graph holds no search statistics",
                hint="re-run `policykg ingest --backend neo4j --force` with this version",
            )
        return dict(json.loads(rows[0]["j"]))

    @_at_generation
    def search_dense(self, gen: str, vector: Sequence[float], k: int) -> list[tuple[str, int, float]]:
        """(clause id, row position, cosine) of the ``k`` searchable clauses of generation ``gen``
        nearest to a unit query vector (the vector index, exact: quantization is off), best first.
        Twice ``k`` neighbours are asked for, as a generation being loaded beside the live
        one holds near copies of its vectors."""
        if len(vector) != EMBEDDING_DIM:
            raise QueryError(f"query vector has {len(vector)} dimensions, the index {EMBEDDING_DIM}")
        row = self._single(
            "CALL db.index.vector.queryNodes($index, $depth, $vector) YIELD node, score "
            "WHERE node.gen = $gen AND node.search_pos IS NOT NULL "
            "RETURN collect([node.clause_id, node.search_pos, score]) AS hits",
            index=VECTOR_INDEX,
            depth=max(2 * int(k), 10),
            vector=[float(x) for x in vector],
        )
        hits = sorted(((h[0], int(h[1]), float(h[2])) for h in row["hits"]), key=lambda h: (-h[2], h[1]))
        return hits[: int(k)]

    @_at_generation
    def search_rows(self, gen: str, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The searchable clauses of generation ``gen`` at row ``positions``: ``clause_id``,
        ``pos``, ``row`` (search/index.py's Row as a dict), ``embedding`` and ``pieces``
        (its sentences' vectors, flattened; empty for a clause of one sentence)."""
        rows = self._run(
            f"UNWIND $positions AS p MATCH (c:{S.CLAUSE} {{gen: $gen, search_pos: p}}) "
            "RETURN c.clause_id AS clause_id, c.search_pos AS pos, c.search_row AS row, c.embedding AS embedding, "
            "coalesce(c.search_pieces, []) AS pieces",
            positions=[int(p) for p in positions],
        )
        return [
            {
                "clause_id": r["clause_id"],
                "pos": int(r["pos"]),
                "row": json.loads(r["row"]),
                "embedding": r["embedding"],
                "pieces": r["pieces"],
            }
            for r in rows
        ]

    @_at_generation
    def search_count(self, gen: str) -> int:
        """How many searchable clauses generation ``gen`` holds."""
        return int(self._single(f"MATCH (c:{S.CLAUSE} {{gen: $gen}}) WHERE c.search_pos IS NOT NULL RETURN count(c) AS n")["n"])

    @_at_generation
    def search_documents(self, gen: str) -> list[tuple[str, str]]:
        """(document id, title) of every document with searchable clauses, in row order."""
        rows = self._run(
            f"MATCH (c:{S.CLAUSE} {{gen: $gen}}) WHERE c.search_pos IS NOT NULL "
            "WITH c.doc_id AS doc, min(c.search_pos) AS first, head(collect(c.search_row)) AS row "
            "RETURN doc, first, row ORDER BY first"
        )
        return [(r["doc"], json.loads(r["row"]).get("doc_title", "")) for r in rows]

    @_at_generation
    def search_facts(self, gen: str, clause_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Clause id -> the facts stated in it, as rules_for's rows and in its order
        (what search/service.py reads for the graph features and the rule fields of ``ask``)."""
        rows = self._run(
            f"UNWIND $ids AS id MATCH (f)-[:{S.STATED_IN}]->(c:{BASE_LABEL} {{id: id, gen: $gen}}) "
            f"WHERE f.label IN $labels RETURN c.clause_id AS clause_id, collect({_FACT_COLUMNS}) AS facts",
            ids=[S.clause_node_id(str(c)) for c in clause_ids],
            labels=list(S.FACT_LABELS.values()),
        )
        out: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            out[r["clause_id"]] = _fresh(rules_result(None, None, self._rules(r["facts"]))["rules"])
        return out


def _lucene_escape(term: str) -> str:
    """Escape Lucene query syntax so user text is matched literally."""
    if term in ("AND", "OR", "NOT"):
        return term.lower()  # operators are upper-case only; lower-case they are plain words
    special = set('+-&|!(){}[]^"~*?:\\/')
    return "".join("\\" + ch if ch in special else ch for ch in term)


class _IdResolver:
    """What rows.resolve_platform_type needs of a store, answering with the node id only."""

    def __init__(self, store: Neo4jGraphStore) -> None:
        self.store = store

    def resolve(self, name: str, kinds: list[str] | None = None) -> dict[str, Any]:
        return {"id": self.store._resolve(name, kinds).id}

    def aliases(self) -> AliasTable:
        return self.store.aliases()


def _clause_dict(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in ("clause_id", "doc_id", "path", "text", "start", "end", "kind")}


def _neighbour(node_id: str, d: Mapping[str, Any], edge: Mapping[str, Any], direction: str) -> dict[str, Any]:
    out = {
        "relation": edge.get("rel"),
        "direction": direction,
        "id": node_id,
        "label": d.get("label"),
        "name": d.get("name") or d.get("title") or d.get("text", "")[:60],
    }
    if edge.get("record"):
        out["source"] = edge["record"]
    return out
