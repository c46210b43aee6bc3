"""Recipe configs: the safe YAML loader (alias bombs, size, depth) and field type / range validation."""
import pytest
from conftest import run_cli

from rjua.errors import RJUAError
from rjua.train.config import RLConfig, SelectConfig, SFTConfig, StagesConfig, load_config
from rjua.yamlio import load_yaml, load_yaml_file


def billion_laughs() -> str:
    """The issue's ~370-byte document: nine levels of nine aliases (9**9 leaves once expanded)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_in_one_line_by_the_cli(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(billion_laughs(), encoding="utf-8")
    assert len(bomb.read_bytes()) < 400
    r = run_cli("train", "sft", "--config", bomb)
    assert r.returncode == 2
    err = r.stderr.strip()
    assert "\n" not in err and len(err) < 300 and str(bomb) in err and "aliases" in err
    assert len(r.stdout) < 1000


def test_alias_expansion_is_refused_even_under_the_alias_count():
    with pytest.raises(RJUAError, match="expands to more than"):
        load_yaml(billion_laughs(), "b.yaml", max_aliases=10_000)


def test_a_few_aliases_and_merge_keys_still_work(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text("data: &d {context: none, context_tokens: 64}\nmodel: tiny-dense\n", encoding="utf-8")
    assert load_config(SFTConfig, str(p)).data.context == "none"
    assert load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")["other"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text,msg", [
    ("[" * 5000 + "]" * 5000, "nested deeper"),
    ("a: 1\n" + "#" * 2_000_000, "bytes"),
    ("a: [1, 2\n", "invalid YAML"),
    ("x: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
])
def test_hostile_yaml_is_a_one_line_error_naming_the_file(tmp_path, text, msg):
    p = tmp_path / "h.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RJUAError, match=msg) as ei:
        load_yaml_file(p)
    assert str(ei.value).startswith(str(p)) and "\n" not in str(ei.value) and len(str(ei.value)) < 300


def test_non_utf8_yaml_names_the_file(tmp_path):
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"model: caf\xe9\n")
    with pytest.raises(RJUAError, match="latin.yaml: not UTF-8"):
        load_config(SFTConfig, str(p))


@pytest.mark.parametrize("overrides,msg", [
    (["model={a: 1}"], r"model: expected str, got \{'a': 1\}"),
    (["model=[1, 2]"], "model: expected str"),
    (["max_steps=-1"], "max_steps must be > 0, got -1"),
    (["max_steps=0"], "max_steps must be > 0"),
    (["max_steps=true"], "max_steps: expected int, got True"),
    (["max_steps=2.5"], "max_steps: expected int"),
    (["max_steps='3'"], "max_steps: expected int"),
    (["learning_rate=-1e-5"], "learning_rate must be > 0"),
    (["learning_rate=.nan"], "learning_rate: expected float"),
    (["per_device_train_batch_size=0"], "per_device_train_batch_size must be > 0"),
    (["seed=-3"], "seed must be >= 0"),
    (["lora_dropout=1.5"], r"lora_dropout must be in \[0, 1\)"),
    (["data.context_tokens=-5"], "data.context_tokens must be > 0"),
    (["data.max_records=0"], "data.max_records must be > 0"),
    (["data=3"], "data: expected a mapping"),
    (["bf16=maybe"], "bf16: expected bool"),
])
def test_sft_field_types_and_ranges_name_the_key(overrides, msg):
    with pytest.raises(RJUAError, match=msg) as ei:
        load_config(SFTConfig, "sft_tiny", overrides)
    assert "sft_tiny.yaml" in str(ei.value)


@pytest.mark.parametrize("cls,name,overrides,msg", [
    (RLConfig, "rl_c3po_tiny", ["temperature=0"], "temperature must be > 0"),
    (RLConfig, "rl_c3po_tiny", ["beta=-1"], "beta must be >= 0"),
    (RLConfig, "rl_c3po_tiny", ["reward.disease_weight=0", "reward.advice_weight=0"], "must be > 0"),
    (SelectConfig, "select_tiny", ["n_prompts=-2"], "n_prompts must be > 0"),
    (StagesConfig, "stages_tiny", ["stage2.max_steps=-1"], "stage2.max_steps must be > 0"),
])
def test_other_recipes_are_validated(cls, name, overrides, msg):
    with pytest.raises(RJUAError, match=msg):
        load_config(cls, name, overrides)


def test_valid_configs_still_load():
    for cls, name in ((SFTConfig, "sft_tiny"), (RLConfig, "rl_c3po_tiny"), (SelectConfig, "select_tiny"),
                      (StagesConfig, "stages_tiny"), (SFTConfig, "sft_qwen05b_gpu"), (RLConfig, "rl_c3po_gpu")):
        load_config(cls, name)
    assert load_config(SFTConfig, "sft_tiny", ["learning_rate=1e-5"]).learning_rate == 1e-5


def test_cli_rejects_bad_train_config_with_exit_2():
    r = run_cli("train", "sft", "--config", "sft_tiny", "model={a: 1}")
    assert r.returncode == 2 and "model: expected str" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("train", "sft", "--config", "sft_tiny", "max_steps=-1")
    assert r.returncode == 2 and "max_steps must be > 0" in r.stderr
