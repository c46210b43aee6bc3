"""Recipes check data, model and output folder before they create anything."""
import time

import pytest
from conftest import run_cli

from rjua.errors import RJUAError
from rjua.train.config import SFTConfig, load_config
from rjua.train.preflight import check_model, preflight


def _one_line(r):
    lines = r.stderr.strip().splitlines()
    return r.returncode != 0 and len(lines) == 1 and "Traceback" not in r.stderr


def test_train_run_with_a_missing_data_dir_fails_fast_and_creates_nothing(tmp_path):
    out = tmp_path / "X"
    t0 = time.perf_counter()
    r = run_cli("train", "run", "--config", "run_tiny", f"output_dir={out}", "data.data_dir=/nonexistent")
    assert _one_line(r) and "/nonexistent" in r.stderr, r.stderr
    assert not out.exists()
    assert time.perf_counter() - t0 < 30  # no model is built first (was 11 s of model building, then the error)


def test_train_sft_with_bad_data_leaves_no_tiny_model(tmp_path):
    r = run_cli("train", "sft", "--config", "sft_tiny", "output_dir=out", "data.data_dir=/nonexistent",
                cwd=tmp_path)
    assert _one_line(r), r.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_without_a_model_is_one_clear_line(tmp_path):
    empty = tmp_path / "DIR"
    empty.mkdir()
    r = run_cli("train", "sft", "--config", "sft_tiny", f"model={empty}", f"output_dir={tmp_path / 'o'}")
    assert _one_line(r) and "not a model folder" in r.stderr and "sentencepiece" not in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()


def test_tilde_is_expanded_in_model_and_output_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    cfg = load_config(SFTConfig, "sft_tiny", ["model=~/x", "output_dir=~/o"])
    assert cfg.model == str(tmp_path / "x") and cfg.output_dir == str(tmp_path / "o")
    with pytest.raises(RJUAError, match=f"{tmp_path / 'x'} does not exist"):
        preflight(cfg)


def test_output_dir_inside_the_data_dir_is_refused(tmp_path):
    from rjua.data import bundled_data_dir

    d = tmp_path / "d"
    d.mkdir()
    for f in bundled_data_dir().iterdir():
        (d / f.name).write_bytes(f.read_bytes())
    cfg = load_config(SFTConfig, "sft_tiny", [f"data.data_dir={d}", f"output_dir={d / 'sft'}"])
    with pytest.raises(RJUAError, match="inside the data directory"):
        preflight(cfg)
    assert check_model("tiny-dense") == "tiny-dense"
