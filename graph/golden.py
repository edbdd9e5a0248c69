"""The formats of the project's golden YAML files, as typed models (after OpenFisca's YAML tests).

Golden files say what the system must answer, identified by spans of the
source text: extraction annotations (``tests/golden/extraction.yaml`` and every
gold set's ``gold.yaml``, read by ``policykg eval extraction``), profile cases
(``tests/golden/*.yaml``), search cases, overlap matrices, conflicts and
政策工具 codes, and dated answers. Each file is parsed into these models
before anything runs, and every model forbids unknown keys: a misspelled
expectation (``docs_inclde``) must fail loudly, naming the file, the case and
the key, instead of silently making a case pass.

:func:`load` is the one reader; the test suites and graph/evaluate.py use it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from ingest.extract import FACT_KINDS

from .errors import GoldenFormatError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _scalars_as_text(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML reads 2024-12-31 as a date and 2017 as a number; a text field takes them as written."""
        annotation = cls.model_fields[info.field_name].annotation if info.field_name else None
        if annotation in (str, str | None) and isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return value


# -- extraction annotations (graph/evaluate.py) -----------------------------------
class Annotation(_Strict):
    """One gold fact: a span of a document and the fields the extracted fact must agree on."""

    doc: str
    span: str
    occurrence: int = Field(1, ge=1, description="Which occurrence of the span, when it recurs")
    note: str | None = None
    actor: str | None = None
    recipient: str | None = None
    modality: str | None = None
    deadline: str | None = None
    condition: str | None = None
    normalized: str | None = None
    amount_min: int | float | None = None
    amount_max: int | float | None = None
    share: int | float | None = None
    condition_type: str | None = None
    rule: str | None = None


class Exhaustive(_Strict):
    """Where every fact of these kinds is annotated (precision is measured there)."""

    kinds: list[str]
    docs: list[str]


class ExtractionFile(_Strict):
    exhaustive: list[Exhaustive] = Field(default_factory=list)
    annotations: dict[str, list[Annotation]] = Field(default_factory=dict)

    @field_validator("annotations")
    @classmethod
    def _known_kinds(cls, value: dict[str, list[Annotation]]) -> dict[str, list[Annotation]]:
        unknown = sorted(set(value) - set(FACT_KINDS))
        if unknown:
            raise ValueError(f"unknown fact kind(s) {unknown}; known: {list(FACT_KINDS)}")
        return value


# -- profile cases (tests/golden/*.yaml) -------------------------------------------
class Source(_Strict):
    doc: str
    article: str


class RowExpect(_Strict):
    """A row that must come back: its text holds ``span``; given fields must agree
    (``recipient`` and ``sanction`` by containment, the others exactly)."""

    span: str | None = None
    doc: str | None = None
    actor: str | None = None
    modality: str | None = None
    deadline: str | None = None
    normalized: str | None = None
    kind: str | None = None
    clause_id: str | None = None
    recipient: str | None = None
    sanction: str | None = None


class Neighbour(_Strict):
    relation: str
    name: str


class RulesFor(_Strict):
    entity: str | None = None
    action: str | None = None
    kinds: list[str] | None = None


class Profile(_Strict):
    """What is asked of the graph: exactly one of the question keys (``role`` goes with ``platform_type``)."""

    platform_type: str | None = None
    role: str | None = None
    deadlines: str | None = None
    entity: str | None = None
    rules_for: RulesFor | None = None
    unknown: str | None = None

    @property
    def question(self) -> str:
        asked = [k for k in ("unknown", "platform_type", "deadlines", "entity", "rules_for") if k in self.model_fields_set]
        if len(asked) != 1:
            raise ValueError(f"a profile asks exactly one of unknown, platform_type, deadlines, entity, rules_for; got {asked}")
        return asked[0]


class ProfileExpect(_Strict):
    obligations: list[RowExpect] = Field(default_factory=list)
    only_actors: list[str] | None = None
    min_count: int | None = None
    order: list[tuple[str, str]] = Field(default_factory=list)
    deadlines: list[RowExpect] = Field(default_factory=list)
    absent: list[RowExpect] = Field(default_factory=list)
    entity: dict[str, str] = Field(default_factory=dict)
    applies_via: str | None = None
    sanctions: list[RowExpect] = Field(default_factory=list)
    conditions: list[RowExpect] = Field(default_factory=list)
    funding: list[RowExpect] = Field(default_factory=list)
    neighbours: list[Neighbour] = Field(default_factory=list)
    clause_ids: list[str] = Field(default_factory=list)
    rules: list[RowExpect] = Field(default_factory=list)
    suggests: list[str] = Field(default_factory=list)


class ProfileCase(_Strict):
    name: str
    source: Source
    profile: Profile
    expect: ProfileExpect = ProfileExpect()
    keywords: list[str] = Field(default_factory=list)

    def model_post_init(self, _context: Any) -> None:
        _ = self.profile.question  # exactly one question, checked when the file is read


class ProfileFile(_Strict):
    cases: list[ProfileCase] = Field(default_factory=list)
    exhaustive: list[Exhaustive] = Field(default_factory=list)
    annotations: dict[str, list[Annotation]] = Field(default_factory=dict)


# -- search cases (tests/search/golden_qa.yaml) -------------------------------------
class SearchExpect(_Strict):
    abstained: bool
    span: str | None = None
    within: int = Field(1, ge=1)


class SearchCase(_Strict):
    name: str
    source: str
    input: str
    expect: SearchExpect


# -- overlap (tests/overlap/golden/*.yaml) -----------------------------------------
class MatrixCase(_Strict):
    name: str
    by: str
    exhaustive: bool = False
    expect: dict[str, list[str]]
    absent: list[str] = Field(default_factory=list)
    known_gaps: dict[str, list[str]] = Field(default_factory=dict, description="Rows known wrong (strict xfail)")
    pending: dict[str, list[str]] = Field(default_factory=dict, description="Rows the alias table lacks (strict xfail)")


class MatrixFile(_Strict):
    cases: list[MatrixCase]


class ConflictSide(_Strict):
    doc: str
    span: str
    value: str | None = None
    applies_to: str | None = None


class ConflictCase(_Strict):
    name: str
    topic: str
    scope: str
    only_docs: list[str] = Field(default_factory=list)
    sides: list[ConflictSide]


class SharedSide(_Strict):
    doc: str
    span: str


class SharedCase(_Strict):
    name: str
    topic: str
    value: str
    documents: list[str]
    sides: list[SharedSide]


class ConflictsFile(_Strict):
    conflicts: list[ConflictCase] = Field(default_factory=list)
    shared: list[SharedCase] = Field(default_factory=list)


class ToolCase(_Strict):
    name: str
    doc: str
    span: str
    tools: list[str] = Field(default_factory=list)
    not_tools: list[str] = Field(default_factory=list)


class ToolsFile(_Strict):
    cases: list[ToolCase]


# -- answers as of a date (tests/golden/dated/as_of.yaml) ----------------------------
class DatedExpect(_Strict):
    first_doc: str | None = None
    docs_include: list[str] = Field(default_factory=list)
    docs_exclude: list[str] = Field(default_factory=list)
    status: dict[str, str] = Field(default_factory=dict)
    in_force: dict[str, bool] = Field(default_factory=dict)
    left_out: dict[str, str] = Field(default_factory=dict)
    answer_starts: str | None = None


class DatedCase(_Strict):
    name: str
    source: Source
    corpus: str = Field(pattern="^(seeds|repealed)$")
    run: list[str]
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    expect: DatedExpect


class DatedFile(_Strict):
    cases: list[DatedCase]


M = TypeVar("M", bound=BaseModel)


def _case_name(data: Any, loc: tuple[Any, ...]) -> str:
    """The ``name`` of the case a validation error's location points into, if any."""
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "name" in node:
            return str(node["name"])
    return "?"


def parse(data: Any, model: type[M], *, where: str) -> M:
    """``data`` as ``model``, or a GoldenFormatError naming ``where``, the case and the first bad key."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        key = ".".join(str(p) for p in loc)
        what = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise GoldenFormatError(
            f"{where}: case {_case_name(data, loc)!r}: {what}: {key}", hint=f"the format is graph/golden.py {model.__name__}"
        ) from None


def load(path: Path | str, model: type[M]) -> M:
    """The golden file at ``path`` parsed as ``model`` (a list at the top is parsed item by item)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as err:
        raise GoldenFormatError(f"{path.name}: not valid YAML: {err}") from None
    return parse(data if data is not None else {}, model, where=path.name)


def load_list(path: Path | str, model: type[M]) -> list[M]:
    """A golden file whose top level is a list of ``model`` cases."""
    path = Path(path)
    data = yaml.safe_load(path.read_text("utf-8")) or []
    if not isinstance(data, list):
        raise GoldenFormatError(f"{path.name}: expected a list of cases at the top")
    return [parse(item, model, where=f"{path.name}[{i}]") for i, item in enumerate(data)]
