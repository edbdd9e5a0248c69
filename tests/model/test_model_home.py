"""One model location (search/model_home.py): any new data directory finds the model."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from search.model_home import MODEL_DIR_ENV, embedding_cache_dir, model_dir_for


def test_where_the_model_is_looked_for(tmp_path, monkeypatch):
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    fresh, legacy = tmp_path / "fresh", tmp_path / "legacy"
    (legacy / "model").mkdir(parents=True)
    assert model_dir_for(fresh) == tmp_path / "xdg" / "policykg" / "model"
    assert model_dir_for(legacy) == legacy / "model"  # a data directory's own model/ still counts
    assert embedding_cache_dir(fresh) == tmp_path / "xdg" / "policykg" / "cache"
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "elsewhere"))
    assert model_dir_for(fresh) == model_dir_for(legacy) == tmp_path / "elsewhere"


def test_ingest_into_a_fresh_data_directory(model_dir: Path, tmp_path, monkeypatch):
    """`policykg ingest --data $(mktemp -d)`: nothing linked, nothing copied, no model built in it."""
    monkeypatch.setenv(MODEL_DIR_ENV, str(model_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.txt").write_text(
        "北京市新型研发机构绩效评价工作指引\n第一条 为规范新型研发机构绩效评价工作，制定本指引。\n"
        "第二条 新型研发机构应当每年3月31日前向市科委报送上一年度绩效自评报告。\n",
        "utf-8",
    )
    data = tmp_path / "fresh-data"
    result = CliRunner().invoke(main, ["ingest", "--corpus", str(corpus), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert not (data / "model").exists() and (tmp_path / "xdg" / "policykg" / "cache" / "embeddings").exists()
    hits = CliRunner().invoke(main, ["search", "新型研发机构什么时候报送绩效自评报告", "--data", str(data), "--json"])
    assert hits.exit_code == 0, hits.output
    assert "3月31日" in json.loads(hits.stdout)["results"][0]["text"]
