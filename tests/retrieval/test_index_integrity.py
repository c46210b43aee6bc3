"""Index integrity, and retrieval progress / atomic builds.

A tiny random sentence-transformers model and the bundled sample data keep this fast. Every tampering
is refused through the CLI's ``main()`` with exit 2 and one stderr line naming the index and the file.
"""
import hashlib
import json
import shutil

import pytest

from rjua.cli import main
from rjua.errors import RJUAError
from rjua.retrieval import HybridRetriever, SentenceTransformerEncoder
from rjua.retrieval.build import build_retriever
from rjua.retrieval.integrity import RJUAIndexError, content_digest
from rjua.testing import tiny_sentence_encoder

pytest.importorskip("faiss")
pytest.importorskip("sentence_transformers")

FILES = ["manifest.json", "passages.jsonl", "cases.jsonl", "passages.faiss", "cases.faiss"]
QUERY = "我右边腰突然绞痛，尿里有血"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return tiny_sentence_encoder(tmp_path_factory.mktemp("st") / "m")


@pytest.fixture(scope="module")
def built(tmp_path_factory, model):
    out = tmp_path_factory.mktemp("idx") / "idx"
    assert main(["index", "build", "--out", str(out), "--pool", "valid", "--embedder", str(model)]) == 0
    return out


@pytest.fixture
def index(built, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(built, d)
    return d


def _man(d):
    return json.loads((d / "manifest.json").read_text(encoding="utf-8"))


def _put(d, m):
    (d / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def edit(fn):
    def tamper(d):
        m = _man(d)
        fn(m)
        _put(d, m)
    return tamper


def rehash(d, name):  # a consistent forgery: the manifest's record follows the changed file
    m, data = _man(d), (d / name).read_bytes()
    m["files"][name].update(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    _put(d, m)


def delete(name):
    return lambda d: (d / name).unlink()


def truncate(name):
    return lambda d: (d / name).write_bytes((d / name).read_bytes()[: (d / name).stat().st_size // 2])


def garbage(name):
    def tamper(d):
        data = bytearray((d / name).read_bytes())
        mid = len(data) // 2
        data[mid:mid + 8] = b"\xff\x00garbg\xfe"  # same size, other bytes
        (d / name).write_bytes(bytes(data))
    return tamper


def swap(dst, src, forge=False):
    def tamper(d):
        shutil.copyfile(d / src, d / dst)
        if forge:
            rehash(d, dst)
    return tamper


def raw(text):
    return lambda d: (d / "manifest.json").write_bytes(text if isinstance(text, bytes) else text.encode())


def forged_line(name, line):
    def tamper(d):
        (d / name).write_text(line + "\n" + (d / name).read_text(encoding="utf-8"), encoding="utf-8")
        rehash(d, name)
    return tamper


def _cite_unknown(d):
    rows = (d / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    case = json.loads(rows[0])
    case["passage_ids"] = ["p-not-there"]
    (d / "cases.jsonl").write_text("\n".join([json.dumps(case, ensure_ascii=False), *rows[1:]]) + "\n",
                                   encoding="utf-8")
    rehash(d, "cases.jsonl")


TAMPERINGS = {
    **{f"delete-{f}": (delete(f), f) for f in FILES},
    **{f"truncate-{f}": (truncate(f), f) for f in FILES},
    **{f"garbage-{f}": (garbage(f), f) for f in FILES},
    "swap-cases-over-passages": (swap("passages.faiss", "cases.faiss"), "passages.faiss"),
    "swap-passages-over-cases": (swap("cases.faiss", "passages.faiss"), "cases.faiss"),
    "swap-with-forged-hash": (swap("passages.faiss", "cases.faiss", forge=True), "passages.faiss"),
    "embedder-name-other-encoder": (edit(lambda m: m["embedder"].update(name="hashing-32")), "manifest.json"),
    "embedder-name-other-model": (edit(lambda m: m["embedder"].update(name="/nonexistent/m3e")), "manifest.json"),
    "embedder-name-unusable": (edit(lambda m: m["embedder"].update(name="onnx:")), "manifest.json"),
    "embedder-fingerprint": (edit(lambda m: m["embedder"].update(fingerprint="0" * 16)), "manifest.json"),
    "embedder-dim": (edit(lambda m: m["embedder"].update(dim=16)), "manifest.json"),
    "embedder-index-kind": (edit(lambda m: m["embedder"].update(index_kind="magic")), "manifest.json"),
    "count-passages": (edit(lambda m: m.update(n_passages=m["n_passages"] + 1)), "manifest.json"),
    "count-cases": (edit(lambda m: m.update(n_cases=m["n_cases"] - 1)), "manifest.json"),
    "count-vectors": (edit(lambda m: m["files"]["cases.faiss"].update(vectors=3)), "manifest.json"),
    "count-vectors-and-cases": (edit(lambda m: (m["files"]["cases.faiss"].update(vectors=3), m.update(n_cases=3))),
                                "cases.jsonl"),
    "record-size": (edit(lambda m: m["files"]["passages.jsonl"].update(size=1)), "passages.jsonl"),
    "record-missing": (edit(lambda m: m["files"].pop("cases.faiss")), "manifest.json"),
    "type-count-string": (edit(lambda m: m.update(n_passages="22")), "manifest.json"),
    "type-count-bool": (edit(lambda m: m.update(n_cases=True)), "manifest.json"),
    "type-count-negative": (edit(lambda m: m.update(n_cases=-1)), "manifest.json"),
    "type-embedder-list": (edit(lambda m: m.update(embedder=[])), "manifest.json"),
    "type-embedder-name-int": (edit(lambda m: m["embedder"].update(name=7)), "manifest.json"),
    "type-config-string": (edit(lambda m: m.update(config="fast")), "manifest.json"),
    "type-config-value": (edit(lambda m: m["config"].update(rrf_k="60")), "manifest.json"),
    "config-unknown-key": (edit(lambda m: m["config"].update(magic=1)), "manifest.json"),
    "type-files-list": (edit(lambda m: m.update(files=[])), "manifest.json"),
    "type-file-record-string": (edit(lambda m: m["files"].update({"cases.jsonl": "abc"})), "manifest.json"),
    "type-sha256-int": (edit(lambda m: m["files"]["cases.jsonl"].update(sha256=123)), "manifest.json"),
    "type-data-files": (edit(lambda m: m.update(data_files=[1])), "manifest.json"),
    "type-format-string": (edit(lambda m: m.update(format="2")), "manifest.json"),
    "old-format": (edit(lambda m: m.update(format=1)), "manifest.json"),
    **{f"missing-{k}": (edit(lambda m, k=k: m.pop(k)), "manifest.json")
       for k in ("files", "embedder", "n_cases", "config")},
    "missing-embedder-fingerprint": (edit(lambda m: m["embedder"].pop("fingerprint")), "manifest.json"),
    "manifest-not-json": (raw("{not json"), "manifest.json"),
    "manifest-a-list": (raw("[]"), "manifest.json"),
    "manifest-null": (raw("null"), "manifest.json"),
    "manifest-empty": (raw(""), "manifest.json"),
    "manifest-not-utf8": (raw(b'{"format": "\xff\xfe"}'), "manifest.json"),
    "manifest-deep": (raw("[" * 100_000), "manifest.json"),
    "passages-line-not-object": (forged_line("passages.jsonl", "[1, 2]"), "passages.jsonl:1"),
    "cases-line-bad-json": (forged_line("cases.jsonl", "{oops"), "cases.jsonl:1"),
    "case-cites-unknown-passage": (_cite_unknown, "cases.jsonl"),
}


def _run(capsys, *args):
    capsys.readouterr()
    rc = main(list(map(str, args)))
    return rc, capsys.readouterr()


def test_untampered_index_loads(index, capsys):
    rc, out = _run(capsys, "retrieve", QUERY, "--index", index, "-k", "3", "--json")
    assert rc == 0, out.err
    assert len(json.loads(out.out)["passages"]) == 3


@pytest.mark.parametrize("case", list(TAMPERINGS))
def test_tampered_index_is_refused_with_one_line(index, capsys, monkeypatch, case):
    monkeypatch.setenv("RJUA_PROGRESS", "0")
    tamper, named = TAMPERINGS[case]
    tamper(index)
    rc, out = _run(capsys, "retrieve", QUERY, "--index", index, "--mode", "bm25")
    lines = out.err.strip().splitlines()
    assert rc == 2 and len(lines) == 1, out.err
    assert lines[0].startswith(f"error: index {index}: {named}"), lines[0]
    assert "Traceback" not in out.err


def _flip_byte(path, at=-100):
    data = bytearray(path.read_bytes())
    data[at] ^= 0x5A
    path.write_bytes(bytes(data))


MODEL_CHANGES = {
    "weights": lambda m: _flip_byte(next(m.glob("*.safetensors"))),
    "config": lambda m: (m / "config.json").write_text(
        json.dumps({**json.loads((m / "config.json").read_text()), "hidden_dropout_prob": 0.3})),
    "tokenizer-removed": lambda m: (m / "tokenizer.json").unlink(),
    "file-added": lambda m: (m / "2_Dense").mkdir() or (m / "2_Dense" / "config.json").write_text("{}"),
}


@pytest.mark.parametrize("change", list(MODEL_CHANGES))
def test_changed_model_folder_is_refused_without_loading_it(built, model, tmp_path, capsys, monkeypatch, change):
    m = tmp_path / "m"
    shutil.copytree(model, m)
    out = tmp_path / "idx"
    assert main(["index", "build", "--out", str(out), "--pool", "valid", "--embedder", str(m)]) == 0
    rc, res = _run(capsys, "retrieve", QUERY, "--index", out, "--mode", "bm25")
    assert rc == 0, res.err
    MODEL_CHANGES[change](m)
    import sentence_transformers

    def no_load(*a, **k):
        raise AssertionError("the model must not be loaded to compare fingerprints")

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", no_load)
    rc, res = _run(capsys, "retrieve", QUERY, "--index", out, "--mode", "bm25")
    lines = res.err.strip().splitlines()
    assert rc == 2 and len(lines) == 1, res.err
    assert lines[0].startswith(f"error: index {out}: manifest.json: embedder") and "changed since" in lines[0]


def test_a_removed_model_folder_is_named_as_gone(built, model, tmp_path, capsys, monkeypatch):
    # was "embedder … changed since the index was built (its files give fingerprint …)": true, but no hint why
    monkeypatch.setenv("RJUA_PROGRESS", "0")
    m = tmp_path / "m"
    shutil.copytree(model, m)
    out = tmp_path / "idx"
    assert main(["index", "build", "--out", str(out), "--pool", "valid", "--embedder", str(m)]) == 0
    shutil.rmtree(m)
    rc, res = _run(capsys, "retrieve", QUERY, "--index", out, "--mode", "bm25")
    assert rc == 2 and res.err.strip() == (f"error: index {out}: manifest.json: the embedder's model folder {m} "
                                           "is gone (the index was built with it); restore the folder or rebuild "
                                           "the index")


def test_fingerprint_ignores_docs_and_hashes_big_files_by_their_edges(tmp_path):
    (tmp_path / "w.bin").write_bytes(bytes(3 << 20))
    enc = SentenceTransformerEncoder(str(tmp_path))
    fp = enc.fingerprint()
    (tmp_path / "README.md").write_text("a model card")
    assert enc.fingerprint() == fp
    before = content_digest(tmp_path / "w.bin")
    _flip_byte(tmp_path / "w.bin", -1)
    assert content_digest(tmp_path / "w.bin") != before and enc.fingerprint() != fp


def test_hub_id_is_fingerprinted_through_its_cached_snapshot(model, tmp_path, monkeypatch):
    import huggingface_hub.constants as hc

    monkeypatch.delenv("SENTENCE_TRANSFORMERS_HOME", raising=False)
    monkeypatch.setattr(hc, "HF_HUB_CACHE", str(tmp_path))
    rev = "0" * 40
    repo = tmp_path / "models--org--tiny"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(rev)
    shutil.copytree(model, repo / "snapshots" / rev)
    cached, uncached = SentenceTransformerEncoder("org/tiny"), SentenceTransformerEncoder("org/absent")
    assert cached.source() == {"kind": "hub", "id": "org/tiny", "snapshot": str(repo / "snapshots" / rev)}
    assert uncached.source()["snapshot"] is None
    fp = cached.fingerprint()
    assert fp == SentenceTransformerEncoder(str(model)).fingerprint() != uncached.fingerprint()
    _flip_byte(next((repo / "snapshots" / rev).glob("*.safetensors")))
    assert cached.fingerprint() != fp


def test_interrupted_build_leaves_the_previous_index_or_none(tmp_path, monkeypatch):
    from rjua.retrieval.index import VectorIndex

    r64, info = build_retriever(pool=["valid"], embedder="hashing-64")
    r64.save(tmp_path / "idx", info)
    r32, _ = build_retriever(pool=["valid"], embedder="hashing-32")
    saves = []

    def interrupted(self, path):  # the first faiss file is written, then ^C
        if saves:
            raise KeyboardInterrupt
        saves.append(path)
        real_save(self, path)

    real_save = VectorIndex.save
    monkeypatch.setattr(VectorIndex, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        r32.save(tmp_path / "idx", info)
    saves.clear()
    with pytest.raises(KeyboardInterrupt):
        r32.save(tmp_path / "fresh", info)
    assert not (tmp_path / "fresh").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]  # no temporary folder left behind
    loaded = HybridRetriever.load(tmp_path / "idx")
    assert loaded.manifest["embedder"]["name"] == "hashing-64" and loaded.passage_index.dim == 64
    assert loaded.search(QUERY, k=3).passages
    monkeypatch.undo()
    r32.save(tmp_path / "idx", info)  # a completed rebuild replaces it
    assert HybridRetriever.load(tmp_path / "idx").passage_index.dim == 32
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(RJUAError, match="not an rjua index"):
        r32.save(tmp_path / "other", info)


def test_long_steps_report_progress(model, tmp_path, capsys, monkeypatch):
    from rjua import progress

    monkeypatch.setattr(progress, "MIN_ITEMS", 1)  # the sample data is small; real runs have >= 64 items
    out = tmp_path / "idx"
    rc, res = _run(capsys, "index", "build", "--out", out, "--pool", "valid", "--embedder", model)
    assert rc == 0
    for line in (f"loading embedder {model}…", f"encoding 22 passages with {model}…",
                 f"encoding 16 questions with {model}…", f"writing index {out}…"):
        assert line in res.err.splitlines(), res.err
    rc, res = _run(capsys, "retrieval-eval", "--split", "valid", "--index", out, "--mode", "hybrid")
    assert rc == 0
    assert f"loading index {out} (22 passages, 16 cases, embedder {model})…" in res.err
    assert "evaluating hybrid on 16 valid questions…" in res.err
    monkeypatch.setenv("RJUA_PROGRESS", "0")
    rc, res = _run(capsys, "retrieval-eval", "--split", "valid", "--index", out, "--mode", "bm25")
    assert rc == 0 and res.err == ""


def test_query_dimension_mismatch_is_an_rjua_error(built):
    import numpy as np

    r = HybridRetriever.load(built)
    with pytest.raises(RJUAError, match="dimension 8 but the index has 32"):
        r.passage_index.search(np.ones((1, 8), "float32"), 1)


def test_index_error_is_one_line():
    e = RJUAIndexError("idx", "cases.faiss", "bad\nthing")
    assert str(e) == "index idx: cases.faiss: bad thing; rebuild the index"
