import json

import numpy as np
import pytest
from conftest import run_cli

from rjua.data import load_split
from rjua.errors import RJUAError
from rjua.retrieval import BM25, HashingEncoder, HybridRetriever, rrf, tokenize
from rjua.retrieval.build import build_retriever
from rjua.retrieval.evaluate import evaluate, ranking_metrics
from rjua.retrieval.index import VectorIndex


@pytest.fixture(scope="module")
def hashed():
    return build_retriever(pool=["valid"], embedder="hashing-128")


def test_tokenizers():
    assert tokenize("肾结石。") == ["肾结", "结石"]
    assert tokenize("肾结石", "char1") == ["肾", "结", "石"]
    assert "积水" in tokenize("左肾结石伴积水", "jieba")
    with pytest.raises(ValueError):
        tokenize("x", "words")


def test_bm25_ranks_matching_doc_first_and_handles_oov():
    bm = BM25().fit(["前列腺增生尿潴留", "输尿管结石肾绞痛", "睾丸扭转急诊手术"])
    assert int(np.argmax(bm.scores("肾绞痛怎么办"))) == 1
    assert not bm.scores("ＸＹＺ").any()


def test_rrf_prefers_agreement():
    fused = rrf([[1, 2, 3], [3, 2, 1], [2]])
    assert max(fused, key=fused.get) == 2
    assert rrf([[5]], [2.0], k=0)[5] == 2.0


def test_vector_index_kinds_agree_on_exact_neighbours():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((400, 16)).astype("float32")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    flat = VectorIndex(x, kind="flat")
    assert flat.search(x[7], 1)[1][0][0] == 7
    for kind in ("hnsw", "ivf"):
        vi = VectorIndex(x, kind=kind, nprobe=64)
        assert vi.search(x[7], 1)[1][0][0] == 7


def test_no_self_retrieval_and_exclusion(hashed):
    r, _ = hashed
    for rec in load_split("valid"):
        res = r.search(rec.question, k=5, n_cases=20, exclude_cases={f"valid:{rec.id}"})
        assert f"valid:{rec.id}" not in [c.key for c in res.cases]
        assert len(res.cases) == 15  # every other valid case, never itself
    full = r.search(load_split("valid")[0].question, n_cases=1)
    assert full.cases[0].key == "valid:101"  # without exclusion the record itself is the best match


def test_components_and_dense(hashed):
    r, _ = hashed
    q = load_split("test")[0].question
    for comps in (["bm25"], ["dense"], ["cases"], ["bm25", "dense", "cases"]):
        res = r.search(q, k=4, components=comps)
        assert len(res.passages) <= 4
        assert all(set(h.components) <= set(comps) for h in res.passages)
    lexical, _ = build_retriever(pool=["valid"], embedder="none")
    with pytest.raises(RJUAError, match="needs an embedder"):
        lexical.search(q, components=["dense"])


def test_bad_queries(hashed):
    r, _ = hashed
    with pytest.raises(RJUAError, match="empty query"):
        r.search("   ")
    with pytest.raises(RJUAError, match="too long"):
        r.search("尿" * 5000)
    with pytest.raises(RJUAError, match="component"):
        r.search("尿频", components=["magic"])


def test_index_round_trip_and_refusals(tmp_path, hashed):
    r, info = hashed
    r.save(tmp_path / "idx", info)
    loaded = HybridRetriever.load(tmp_path / "idx", encoder=HashingEncoder(128))
    q = load_split("test")[3].question
    a, b = r.search(q, k=8, n_cases=3), loaded.search(q, k=8, n_cases=3)
    assert [h.id for h in a.passages] == [h.id for h in b.passages]
    assert [c.key for c in a.cases] == [c.key for c in b.cases]
    with pytest.raises(RJUAError, match="built with embedder 'hashing-128', not 'hashing-64'"):
        HybridRetriever.load(tmp_path / "idx", embedder="hashing-64")
    with pytest.raises(RJUAError, match="changed since"):
        HybridRetriever.load(tmp_path / "idx", encoder=HashingEncoder(64))
    with pytest.raises(RJUAError, match="index directory not found"):
        HybridRetriever.load(tmp_path / "missing")


def test_changed_data_is_refused(tmp_path):
    import shutil

    from rjua.data import bundled_data_dir

    d = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), d)
    r, info = build_retriever(d, pool=["valid"])
    r.save(tmp_path / "idx", info)
    HybridRetriever.load(tmp_path / "idx")
    with open(d / "RJUA_test.json", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "999", "question": "新问题", "context": "Context：新", "answer": "a",
                            "disease": "d", "advice": "a"}, ensure_ascii=False) + "\n")
    with pytest.raises(RJUAError, match="changed since the index was built"):
        HybridRetriever.load(tmp_path / "idx")


def test_ranking_metrics_by_hand():
    m = ranking_metrics(["x", "a", "y", "b"], {"a", "b", "c"})
    assert m["hit@5"] == 1.0 and m["mrr@10"] == 0.5 and m["recall@20"] == pytest.approx(2 / 3)
    assert ranking_metrics(["x"] * 5, {"a"})["hit@5"] == 0.0


def test_evaluate_leave_one_out_sample(hashed):
    r, _ = hashed
    res = evaluate(r, load_split("valid"), "valid")
    assert set(res) == {"bm25", "dense", "cases", "bm25+dense", "bm25+cases", "hybrid"}
    for m in res.values():
        assert 0 <= m["hit@5"] <= 1 and m["n"] == 16


def test_cli_index_retrieve_eval(tmp_path):
    out = tmp_path / "idx"
    r = run_cli("index", "build", "--out", out, "--pool", "valid", "--embedder", "hashing-64")
    assert r.returncode == 0, r.stderr
    r = run_cli("retrieve", "我右边腰突然绞痛，尿里有血", "--index", out, "-k", "3", "--json")
    res = json.loads(r.stdout)
    assert len(res["passages"]) == 3 and res["cases"]
    r = run_cli("retrieval-eval", "--split", "test", "--index", out, "--json")
    assert set(json.loads(r.stdout)) >= {"bm25", "dense", "hybrid"}
    r = run_cli("retrieve", "", "--index", out)
    assert r.returncode == 2 and r.stderr.strip() == "error: empty query"
    r = run_cli("retrieve", "尿频", "--index", tmp_path / "nope")
    assert r.returncode == 2 and "index directory not found" in r.stderr


@pytest.mark.real_data
def test_real_valid_lexical_hybrid_meets_targets(real_dir):
    r, info = build_retriever(real_dir, pool=["valid"])
    assert info["n_passages"] == 309
    m = evaluate(r, load_split("valid", real_dir), "valid", modes=["bm25+cases"])["bm25+cases"]
    assert m["hit@5"] >= 0.80 and m["recall@20"] >= 0.55 and m["mrr@10"] >= 0.60


def test_reranker_reorders_the_head_and_persists(tmp_path):
    from rjua.retrieval.hybrid import HybridConfig

    plain, info = build_retriever(pool=["valid"])
    rer, _ = build_retriever(pool=["valid"], config=HybridConfig(reranker="overlap", rerank_depth=10))
    q = load_split("test")[0].question
    a, b = plain.search(q, k=10), rer.search(q, k=10)
    assert {h.id for h in a.passages} == {h.id for h in b.passages}  # same head, new order
    assert all("rerank" in h.components for h in b.passages)
    from rjua.retrieval.rerank import OverlapReranker
    sc = OverlapReranker().scores(q, [h.text for h in b.passages])
    assert list(sc) == sorted(sc, reverse=True)
    rer.save(tmp_path / "idx", info)
    assert HybridRetriever.load(tmp_path / "idx").reranker.name == "overlap"


def test_cross_encoder_reranker_with_tiny_random_model(tmp_path):
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from rjua.retrieval.rerank import CrossEncoderReranker

    chars = sorted(set("".join(r.question for r in load_split("valid"))))
    (tmp_path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]),
                                        encoding="utf-8")
    tok = BertTokenizerFast(str(tmp_path / "vocab.txt"))
    model = BertForSequenceClassification(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                                                     num_attention_heads=2, intermediate_size=64, num_labels=1))
    model.save_pretrained(tmp_path / "ce")
    tok.save_pretrained(tmp_path / "ce")
    s = CrossEncoderReranker(str(tmp_path / "ce")).scores("尿频", ["膀胱炎", "肾结石", "前列腺增生"])
    assert s.shape == (3,) and np.isfinite(s).all()
    with pytest.raises(RJUAError, match="cannot load reranker"):
        CrossEncoderReranker(str(tmp_path / "nothing")).scores("q", ["p"])


def test_negative_counts_and_unknown_modes_are_refused():
    # `retrieve -k -3` used to show 11 of 14 passages ([:-3]) and `--cases -2` 8 cases, exit 0;
    # `retrieval-eval --mode nonsense` ended on a bare KeyError (exit 1)
    r, _ = build_retriever(None)
    for kw in ({"k": -3}, {"n_cases": -2}, {"k": 2.5}):
        with pytest.raises(RJUAError, match="must be a whole number >= 0"):
            r.search("腰痛伴血尿", **kw)
    assert len(r.search("腰痛伴血尿", k=0, n_cases=0).cases) == 0
    with pytest.raises(RJUAError, match="unknown retrieval mode"):
        evaluate(r, load_split("valid")[:2], "valid", ["nonsense"])
    for args in (["retrieve", "腰痛", "-k", "-3"], ["retrieve", "腰痛", "-k", "0"],
                 ["retrieve", "腰痛", "--cases", "-2"], ["retrieval-eval", "--mode", "nonsense"]):
        res = run_cli(*args)
        assert res.returncode == 2 and "Traceback" not in res.stderr, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("error: "), res.stderr


def test_index_build_refuses_unknown_kind_and_tokenizer_before_any_work(tmp_path):
    # --index-kind bogus was ignored without an embedder (exit 0); --tokenizer bogus exited 1
    for opt in ("--index-kind", "--tokenizer"):
        res = run_cli("index", "build", "--out", tmp_path / "idx", opt, "bogus")
        assert res.returncode == 2 and res.stderr.strip().startswith(f"error: invalid value for '{opt}': 'bogus'")
        assert len(res.stderr.strip().splitlines()) == 1 and not (tmp_path / "idx").exists()
