"""Graph commands: ``obligations``, ``deadlines``, ``entity`` and ``eval extraction``.

Each command only parses options, opens the store and prints what the store
returns (JSON with ``--json``, a readable table otherwise).  ``eval_group`` is
the ``policykg eval`` click group; other areas add their own subcommands with
``from api.commands_graph import eval_group; eval_group.add_command(cmd)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click

from .cli_options import as_of_options, backend_options, data_dir_option, emit, json_option
from .services import dated, open_graph_store

since_option = click.option(
    "--since",
    "since",
    default=None,
    metavar="YYYY-MM-DD",
    help="When the center's cycle began (its approval): cycle-bound duties get next due dates from it.",
)
MODALITY_ZH = {"must": "必须", "should": "应当", "may": "可以", "must-not": "不得"}


def _cut(text: str, width: int) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _checklist(result: dict[str, Any]) -> str:
    """The obligations as a numbered checklist a university can act on."""
    rows = result["obligations"]
    head = (
        f"Obligations for {result['platform_type']}"
        + (f" / {result['role']}" if result.get("role") else "")
        + f" ({len(rows)}, as of {result.get('as_of')})"
    )
    lines = [head, "=" * len(head)]
    for i, r in enumerate(rows, 1):
        when = r["deadline"] + (f" before {r['due_before']}" if r.get("due_before") else "") if r["deadline"] else "—"
        lines.append(
            f"[ ] {i:>2}. {r['actor']} {r['modality']}（{MODALITY_ZH.get(r['modality'], '')}） {r['action']} {_cut(r['object'], 40)}"
        )
        details = [f"when: {when}" + (f" (next: {r['next_due']})" if r.get("next_due") else "")]
        if r["recipient"]:
            details.append(f"to: {r['recipient']}")
        if r.get("condition"):
            details.append(f"if: {_cut(r['condition'], 30)}")
        lines.append("        " + " | ".join(details))
        if r["sanction"]:
            lines.append(f"        if missed: {_cut(r['sanction'], 70)}")
        standing = "" if r.get("in_force", True) else f" ({r['doc_status']})"
        lines.append(f"        source: {r['doc_id']}{standing} {r['clause_id']} [{r['start']}:{r['end']}] {' > '.join(r.get('path', []))}")
    lines.extend(_left_out(result))
    return "\n".join(lines)


def _left_out(result: dict[str, Any]) -> list[str]:
    """What a dated checklist left out, and why (graph/as_of.py)."""
    return [
        f"left out: {d['items']} from {d['doc_id']} 《{d['title']}》: {d['reason']} (--all-versions keeps them)"
        for d in result.get("left_out") or []
    ]


def _deadline_table(result: dict[str, Any]) -> str:
    rows = result["deadlines"]
    lines = [f"Deadlines ({len(rows)})", f"{'doc':<4} {'normalized':<16} {'kind':<11} {'phrase':<20} subject / clause"]
    for r in rows:
        norm = r["normalized"] + (f"<{r['before']}" if r.get("before") else "")
        lines.append(
            f"{r['doc_id']:<4} {norm:<16} {r['kind']:<11} {_cut(r['phrase'], 18):<20} {_cut(r['subject'], 24)}  ({r['clause_id']})"
        )
    return "\n".join(lines + _left_out(result))


def _entity_text(result: dict[str, Any]) -> str:
    e = result["entity"]
    lines = [f"{e['name']}  [{e['label']}]  id={e['id']}"]
    if e.get("aliases") or e.get("english"):
        lines.append("  also: " + "、".join([*e.get("aliases", []), *e.get("english", [])][:10]))
    if result.get("applies_via"):
        lines.append(f"  rules apply via its type: {result['applies_via']}")
    for n in result["neighbours"][:25]:
        arrow = "->" if n["direction"] == "out" else "<-"
        lines.append(f"  {arrow} {n['relation']:<12} {n['name']} [{n['label']}]")
    if result["documents"]:
        lines.append("  mentioned in documents: " + ", ".join(result["documents"]))
    for kind, rows in result["applies"].items():
        if rows:
            lines.append(f"  {kind} ({len(rows)}):")
            for r in rows[:8]:
                lines.append(f"    - {r['clause_id']}: {_cut(r['text'], 60)}")
    return "\n".join(lines)


def _query(
    conn: tuple[Path, str, str | None, str | None, str | None],
    ask: Callable[[Any], dict[str, Any]],
    as_json: bool,
    human: Callable[[dict[str, Any]], str],
) -> None:
    """Open the store, ask it one question, print the answer, close the store."""
    store = open_graph_store(*conn)
    try:
        emit(ask(store), as_json, human)
    finally:
        store.close()


@click.command("obligations")
@click.option("--platform-type", "platform_type", required=True, help="Platform type (or a center's name), e.g. 高精尖创新中心.")
@click.option("--role", default=None, help="Only this role's duties, e.g. 依托高校.")
@as_of_options
@since_option
@data_dir_option
@backend_options
@json_option
def obligations_cmd(
    platform_type: str,
    role: str | None,
    as_of: str | None,
    all_versions: bool,
    since: str | None,
    data_dir: Path,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
    as_json: bool,
) -> None:
    """The obligation checklist of a platform type (and role), ordered by when each falls due."""
    _query(
        (data_dir, backend, neo4j_uri, neo4j_user, neo4j_password),
        lambda s: dated("obligations", s.obligations(platform_type, role), s, as_of, all_versions, since=since, center=platform_type),
        as_json,
        _checklist,
    )


@click.command("deadlines")
@click.option("--platform-type", "platform_type", default=None, help="Only deadlines that apply to this platform type.")
@as_of_options
@since_option
@data_dir_option
@backend_options
@json_option
def deadlines_cmd(
    platform_type: str | None,
    as_of: str | None,
    all_versions: bool,
    since: str | None,
    data_dir: Path,
    backend: str,
    neo4j_uri,
    neo4j_user,
    neo4j_password,
    as_json: bool,
) -> None:
    """Every deadline, period and recurrence, normalized (ISO 8601 where it fits)."""
    _query(
        (data_dir, backend, neo4j_uri, neo4j_user, neo4j_password),
        lambda s: dated("deadlines", s.deadlines(platform_type), s, as_of, all_versions, since=since, center=platform_type),
        as_json,
        _deadline_table,
    )


@click.command("entity")
@click.argument("name")
@as_of_options
@data_dir_option
@backend_options
@json_option
def entity_cmd(
    name: str, as_of: str | None, all_versions: bool, data_dir: Path, backend: str, neo4j_uri, neo4j_user, neo4j_password, as_json: bool
) -> None:
    """Resolve a name or alias (Chinese or English, a center's name too) and show what applies to it."""
    _query(
        (data_dir, backend, neo4j_uri, neo4j_user, neo4j_password),
        lambda s: dated("entity", s.entity(name), s, as_of, all_versions),
        as_json,
        _entity_text,
    )


@click.group("eval")
def eval_group() -> None:
    """Evaluations against the golden files and the dev sets."""


@eval_group.command("extraction")
@click.option(
    "--golden",
    "golden_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("tests/golden"),
    show_default=True,
    help="Folder of golden YAML files.",
)
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True)
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A self-contained gold set (DIR/gold.yaml + DIR/corpus/), e.g. tests/extraction_dev2; overrides --golden/--corpus.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Figures only, no missed or spurious items: how a frozen held-out set is scored without being looked at.",
)
@click.option(
    "--second",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="A folder with a second annotator's YAML files for the same documents: "
    "score them instead of the extractor (inter-annotator agreement).",
)
@json_option
def eval_extraction_cmd(
    golden_dir: Path, corpus_dir: Path, gold_dir: Path | None, summary: bool, second: Path | None, as_json: bool
) -> None:
    """Precision and recall per fact kind (obligation, deadline, funding, sanction, condition),
    span recall, bearer accuracy and modality agreement."""
    from graph.evaluate import evaluate_extraction, format_report, gold_set_dirs

    if gold_dir is not None:
        golden_dir, corpus_dir = gold_set_dirs(gold_dir)
    report = evaluate_extraction(golden_dir, corpus_dir, second)
    if summary:
        report = {k: v for k, v in report.items() if k not in ("misses", "spurious")}
    emit(report, as_json, format_report)


@eval_group.command("train-judge")
@click.option(
    "--gold",
    "gold_dirs",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    multiple=True,
    required=True,
    help="A self-contained gold set (DIR/gold.yaml + DIR/corpus/); repeat. Each is held out in turn to choose the settings.",
)
@click.option(
    "--fixed-golden",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("tests/golden"),
    show_default=True,
    help="Golden files always trained on, never held out, whose gold facts must all stay (the seeds).",
)
@click.option("--fixed-corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("ingest/fact_judge.json"),
    show_default=True,
    help="Where to write the model.",
)
@json_option
def train_judge_cmd(gold_dirs: tuple[Path, ...], fixed_golden: Path, fixed_corpus: Path, out: Path, as_json: bool) -> None:
    """Fit which proposed duties and deadlines are facts (ingest/fact_judge.py,
    graph/judge_training.py): each --gold set judged by a model fitted on the others chooses the
    settings; the judge written is fitted on all of them. Prints precision/recall per kind on each
    set as held out."""
    import json

    from graph.evaluate import gold_set_dirs
    from graph.judge_training import train

    folds = [(d.name, *gold_set_dirs(d)) for d in gold_dirs]
    judge, report = train(folds, [("seeds", fixed_golden, fixed_corpus)])
    out.write_text(json.dumps(judge.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    emit(report | {"written": str(out)}, as_json, lambda r: json.dumps(r, ensure_ascii=False, indent=1))


COMMANDS: list[click.Command] = [obligations_cmd, deadlines_cmd, entity_cmd, eval_group]
