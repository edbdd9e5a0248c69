"""Search commands: ``search``, ``ask`` (both with ``--batch``) and ``eval qa``.

The commands only parse options, build one :class:`search.service.Searcher`
(model, indexes and graph facts loaded once) and print what it returns; with
``--batch FILE`` they print JSON Lines, one document per line of FILE, in
input order. A bad query in a batch gives an ``{"error": …}`` line for that
query instead of stopping the batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import click

from graph.errors import QueryError
from ingest.errors import PolicyKGError
from search.limits import MAX_K

from .cli_options import as_of_options, backend_options, data_dir_option, emit, json_option
from .commands_graph import eval_group
from .services import dated, open_graph_store, open_searcher


def _searcher(data_dir: Path, backend: str, uri: str | None, user: str | None, password: str | None) -> Any:
    store = open_graph_store(data_dir, backend, uri, user, password)
    return open_searcher(data_dir, backend, store)


def _read_batch(path: Path) -> list[str]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"cannot read batch file {path}: {err}", hint="one UTF-8 query per line") from err
    return [line.strip() for line in lines if line.strip()]


def _run(
    query: str | None, batch: Path | None, fn: Callable[[str], dict[str, Any]], as_json: bool, human: Callable[[dict[str, Any]], str]
) -> None:
    if batch is None:
        if query is None:
            raise QueryError("give a QUERY or --batch FILE")
        emit(fn(query), as_json, human)
        return
    for q in _read_batch(batch):
        try:
            out = fn(q)
        except PolicyKGError as err:
            out = {"query": q, "error": err.to_dict()}
        click.echo(json.dumps(out, ensure_ascii=False))


def _results_text(result: dict[str, Any]) -> str:
    lines = [f"Query: {result['query']}"]
    for n, r in enumerate(result["results"], 1):
        standing = "" if r.get("in_force", True) else f"  ({r['doc_status']})"
        lines.append(f"{n:>2}. [{r['score']:.3f}] {r['doc_id']} {r['clause_id']}  {' > '.join(r['path'])}{standing}")
        lines.append(f"    {r['text']}")
    return "\n".join(lines)


def _answer_text(result: dict[str, Any]) -> str:
    head = "No rule found (abstained)" if result["abstained"] else f"{len(result['rules'])} applicable rule(s)"
    lines = [f"Q: {result['question']}", head, "", result["answer"]]
    for r in result.get("rules", []):
        standing = "" if r.get("in_force", True) else f"  ({r['doc_status']})"
        lines.append(f"  - [{r['kind']}] {r['clause_id']} [{r['start']}:{r['end']}] scope={'、'.join(r['scope'])}{standing}")
        details = [
            f"{k}: {r[k]}"
            for k in ("actor", "modality", "action", "recipient", "deadline", "deadline_normalized", "amount", "sanction")
            if r.get(k)
        ]
        if details:
            lines.append("      " + " | ".join(details))
    for r in result.get("related", []):
        lines.append(f"  ~ related {r['clause_id']}: {r['text'][:60]}")
    return "\n".join(lines)


batch_option = click.option(
    "--batch",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="File with one query per line; prints JSON Lines in input order.",
)


@click.command("search")
@click.argument("query", required=False)
@click.option("--k", "k", type=click.IntRange(1, MAX_K), default=10, show_default=True, help="Number of clauses.")
@batch_option
@as_of_options
@data_dir_option
@backend_options
@json_option
def search_cmd(
    query: str | None,
    k: int,
    batch: Path | None,
    as_of: str | None,
    all_versions: bool,
    data_dir: Path,
    backend: str,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_password: str | None,
    as_json: bool,
) -> None:
    """Ranked clauses for a question or keywords (Chinese or English), each marked with its source's standing."""
    s = _searcher(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    _run(
        query, batch, lambda q: dated("search", s.search(q, k), s.store, as_of, all_versions, data_dir=s.local_data), as_json, _results_text
    )


@click.command("ask")
@click.argument("question", required=False)
@batch_option
@as_of_options
@data_dir_option
@backend_options
@json_option
def ask_cmd(
    question: str | None,
    batch: Path | None,
    as_of: str | None,
    all_versions: bool,
    data_dir: Path,
    backend: str,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_password: str | None,
    as_json: bool,
) -> None:
    """The rules that apply, with an answer built from the cited clauses (its source's standing first
    when not in force), or an explicit abstention."""
    s = _searcher(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    _run(question, batch, lambda q: dated("ask", s.ask(q), s.store, as_of, all_versions, data_dir=s.local_data), as_json, _answer_text)


def _qa_report(r: dict[str, Any]) -> str:
    def row(name: str, m: dict[str, Any]) -> str:
        return (
            f"{name:<10} R@1 {m['recall@1']:.3f}  R@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}  mean chars {m['mean_returned_chars']}"
        )

    def abstained(name: str, ab: dict[str, Any]) -> str:
        return (
            f"{name:<10} abstained on {ab['abstained_on_unanswerable']}/{ab['unanswerable']} unanswerable, "
            f"{ab['abstained_on_answerable']}/{ab['answerable']} answerable (accuracy {ab['accuracy']})"
        )

    sysm, spans = r["system"], r["system"]["answer_span"]
    split = f" (split {r['split']})" if r.get("split") else ""
    lines = [
        f"QA set {r['set']}{split}: {r['questions']} questions over {r['clauses']} clauses",
        row("system", sysm),
        *(row(name, m) for name, m in r["baselines"].items()),
        f"R@5 vs BM25: {r['recall@5_vs_bm25']}x",
        abstained("system", sysm["abstention"]),
        *([abstained("baseline", sysm["abstention_baseline"])] if sysm.get("abstention_baseline") else []),
        abstained("hand", sysm["abstention_hand"]),
        f"answer sentence holds a gold span: {spans['hit_rate']:.3f} of {spans['n']} (mean {spans['mean_extra_chars']} chars beyond it)",
    ]
    for t, m in sysm["per_type"].items():
        a = spans["per_type"].get(t, {})
        answer = f"  answer {a['hit_rate']:.3f} (+{a['mean_extra_chars']} chars)" if a else ""
        lines.append(f"  {t:<14} n={m['n']:<3} R@1 {m['recall@1']:.3f}  R@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}{answer}")
    return "\n".join(lines)


@eval_group.command("train-ranker")
@click.option(
    "--set",
    "qa_sets",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    multiple=True,
    help="Split JSON Lines QA file; repeat with --data for several corpora (the n-th --set goes with the n-th --data).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("search/ranker.json"),
    show_default=True,
    help="Where to write the trained models.",
)
@click.option(
    "--data",
    "data_dirs",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    multiple=True,
    help="Data directory of a --set's corpus.",
)
@click.option(
    "--keep-ranking",
    is_flag=True,
    help="Keep the ranking weights of the --out file and fit only the abstention classifiers.",
)
@backend_options
@json_option
def train_ranker_cmd(
    qa_sets: tuple[Path, ...],
    out: Path,
    data_dirs: tuple[Path, ...],
    keep_ranking: bool,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
    as_json: bool,
) -> None:
    """Fit the ranking weights (train splits) and the abstention classifier, choose their settings on
    the dev splits, and write them (search/learn.py). Test splits are not read."""
    import json

    from search.learn import train

    if len(qa_sets) != len(data_dirs):
        raise click.UsageError("give one --data for each --set")
    if keep_ranking and not out.is_file():
        raise click.UsageError(f"--keep-ranking: {out} holds no ranking to keep")
    keep = json.loads(out.read_text("utf-8")) if keep_ranking else None
    doc = train([(_searcher(d, backend, neo4j_uri, neo4j_user, neo4j_password), q) for q, d in zip(qa_sets, data_dirs)], keep)
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    emit(doc["meta"] | {"written": str(out)}, as_json, lambda m: json.dumps(m, ensure_ascii=False, indent=1))


@eval_group.command("qa")
@click.option(
    "--set",
    "qa_set",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="JSON Lines QA file (id, type, question, gold_spans).",
)
@click.option("--split", default=None, help="Only the questions of this split (train, dev or test) of a split set.")
@data_dir_option
@backend_options
@json_option
def eval_qa_cmd(
    qa_set: Path,
    split: str | None,
    data_dir: Path,
    backend: str,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_password: str | None,
    as_json: bool,
) -> None:
    """Recall@1/5, MRR@10, abstention, per type, with BM25 and dense-only baselines on the same clauses."""
    from search.evaluate import evaluate

    s = _searcher(data_dir, backend, neo4j_uri, neo4j_user, neo4j_password)
    emit(evaluate(s, qa_set, split), as_json, _qa_report)


COMMANDS: list[click.Command] = [search_cmd, ask_cmd]
"""``eval qa`` joins the ``eval`` group of api/commands_graph.py instead."""
