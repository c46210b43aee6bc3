"""A real (non-editable) install works: the wheel holds the sample data, the configs and the demo module,
and every module-level third-party import is a declared dependency."""
import ast
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import packages_distributions

import pytest
import tomllib
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _req_name(req: str) -> str:
    for sep in "<>=!~[; ":
        req = req.split(sep)[0]
    return req.lower().replace("_", "-")


def _extra(name: str) -> set[str]:
    return {_req_name(r) for r in PYPROJECT["project"]["optional-dependencies"][name]}


# module-level imports allowed outside the core, with the extra (or docs/install.md step) that brings them
OPTIONAL_AT_MODULE_LEVEL = {
    ("rjua/cli/demo_app.py", "gradio"): _extra("demo"),
    ("rjua/train/c3po.py", "torch"): {"torch"},  # training modules: CPU/CUDA torch installed first (docs/install.md)
    ("rjua/train/packing.py", "torch"): {"torch"},
    ("rjua/train/moe.py", "torch"): {"torch"},
    ("rjua/train/trainer.py", "torch"): {"torch"},  # the C3PO trainer subclasses TRL's GRPOTrainer at module level
    ("rjua/train/trainer.py", "trl"): _extra("train"),
    ("rjua/train/verl/loss.py", "torch"): {"torch"},
}


def _module_level_imports():
    for path in sorted((ROOT / "rjua").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "rjua":
                    yield path.relative_to(ROOT).as_posix(), top


def test_every_module_level_import_is_a_declared_dependency():
    core = {_req_name(r) for r in PYPROJECT["project"]["dependencies"]}
    dists = packages_distributions()
    missing = []
    for rel, top in _module_level_imports():
        names = {d.lower().replace("_", "-") for d in dists.get(top, [top])}
        if names & core:
            continue
        if (rel, top) in OPTIONAL_AT_MODULE_LEVEL and names & OPTIONAL_AT_MODULE_LEVEL[(rel, top)]:
            continue
        missing.append(f"{rel}: {top}")
    assert not missing, f"imported at module level but not a core dependency: {missing}"


def test_bundled_sample_lives_in_the_package():
    from rjua.data import bundled_data_dir, find_split_files

    pkg_sample = ROOT / "rjua" / "_sample"
    assert {"test", "valid"} <= set(find_split_files(pkg_sample))
    assert bundled_data_dir().resolve() == pkg_sample.resolve()


def test_named_configs_do_not_hard_code_the_data_dir():
    import yaml

    from rjua.train.config import CONFIG_DIR

    def data_dirs(d):
        if isinstance(d, dict):
            yield from ([d["data_dir"]] if "data_dir" in d else [])
            for v in d.values():
                yield from data_dirs(v)

    for p in CONFIG_DIR.glob("*.yaml"):
        assert not list(data_dirs(yaml.safe_load(p.read_text(encoding="utf-8")))), f"{p.name} overrides $RJUA_DATA_DIR"


def test_gpu_config_reads_the_data_dir_from_the_environment(monkeypatch, tmp_path):
    from rjua.data import resolve_data_dir
    from rjua.train.config import RLConfig, SFTConfig, load_config

    monkeypatch.setenv("RJUA_DATA_DIR", str(tmp_path))
    for cls, name in ((SFTConfig, "sft_qwen05b_gpu"), (RLConfig, "rl_c3po_gpu")):
        cfg = load_config(cls, name)
        assert cfg.data.data_dir is None and resolve_data_dir(cfg.data.data_dir) == tmp_path
        assert load_config(cls, name, [f"data.data_dir={tmp_path}/x"]).data.data_dir == f"{tmp_path}/x"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    src = tmp_path_factory.mktemp("src") / "rjua"  # build from a copy: no build/ or egg-info in the checkout
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "runs", "build", "dist", "*.egg-info",
                                                             "__pycache__", ".git", ".pytest_cache", ".ruff_cache"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)],
                       capture_output=True, text=True, timeout=300, check=False)
    if r.returncode != 0 and "No matching distribution" in r.stderr:
        pytest.skip("no setuptools available to build a wheel offline")
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("rjua-*.whl")
    return whl


def test_wheel_ships_sample_configs_and_demo(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in ("rjua/_sample/RJUA_valid.json", "rjua/_sample/RJUA_test.json", "rjua/cli/demo_app.py",
                 "rjua/train/configs/sft_tiny.yaml", "rjua/train/verl/c3po_multi_gpu.yaml",
                 "rjua/templates/report.html.j2", "rjua/templates/judge_agreement.html.j2"):
        assert must in names, must
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Requires-Dist: scipy" in meta


def test_installed_wheel_runs_without_the_source_tree(wheel, tmp_path):
    """The wheel unpacked on its own (no checkout on sys.path): the sample, stats, the report template and the demo
    module are there."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import sys; sys.path[:0] = [sys.argv[1]]; import rjua, rjua.cli.demo_app as d; "
            "from rjua.cli import main; assert rjua.__file__.startswith(sys.argv[1]), rjua.__file__; "
            "assert d.create_app; from rjua.data import load_split; from rjua.report import to_html; "
            "from rjua.scoring import gold_as_predictions as gp, score_predictions as sp; g = load_split('test'); "
            "assert '<h2>Worst records</h2>' in to_html(sp(g, gp(g), n_resamples=10)); "
            "sys.exit(main(['data', 'stats', '--split', 'test', '--json']))")
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("PYTHONPATH", "RJUA_DATA_DIR")}
    r = subprocess.run([sys.executable, "-I", "-c", code, str(site)], capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert '"n": ' in r.stdout
