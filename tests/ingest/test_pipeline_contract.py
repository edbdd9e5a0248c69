"""The ingest pipeline's contract: steps declare what they require and assign,
the run order follows from that, and a declaration that cannot hold is refused
before anything runs."""

from __future__ import annotations

import pytest

from ingest.errors import PipelineError
from ingest.pipeline import Step, plan, register_steps, registered_steps


def _step(name: str, order: int, requires=(), assigns=()) -> Step:
    return Step(name, lambda build: None, order, tuple(requires), tuple(assigns))


def test_the_registered_steps_run_in_dependency_order():
    register_steps()
    names = [s.name for s in registered_steps()]
    assert names == ["load_corpus", "load_centers", "build_graph", "index_clauses", "load_neo4j"]


def test_order_follows_declarations_not_numbers():
    steps = plan([_step("b", 1, requires=["x"], assigns=["y"]), _step("a", 2, assigns=["x"])])
    assert [s.name for s in steps] == ["a", "b"]


def test_a_requirement_no_step_assigns_is_refused_at_start():
    with pytest.raises(PipelineError, match="'b' requires 'missing'"):
        plan([_step("a", 1, assigns=["x"]), _step("b", 2, requires=["x", "missing"])])


def test_an_artifact_two_steps_assign_is_refused():
    with pytest.raises(PipelineError, match="both assign 'x'"):
        plan([_step("a", 1, assigns=["x"]), _step("b", 2, assigns=["x"])])


def test_a_cycle_is_refused():
    with pytest.raises(PipelineError, match="cycle"):
        plan([_step("a", 1, requires=["y"], assigns=["x"]), _step("b", 2, requires=["x"], assigns=["y"])])


def test_a_step_that_does_not_assign_what_it_declares_fails_the_ingest(tmp_path, monkeypatch):
    from ingest import pipeline

    lazy = _step("lazy", 1, assigns=["thing"])
    monkeypatch.setattr(pipeline, "_REGISTRY", {"lazy": lazy})
    with pytest.raises(PipelineError, match="'lazy' declares 'thing'"):
        pipeline.run_ingest(tmp_path / "corpus", tmp_path / "data")
    assert not list((tmp_path / "data" / "stores").iterdir()), "nothing half-written"
