"""ONNX Runtime embedder: same vectors as torch (fp32), close ones (int8), cached export, refusals."""
import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from rjua.errors import RJUAError  # noqa: E402
from rjua.retrieval.build import build_retriever  # noqa: E402
from rjua.retrieval.dense import SentenceTransformerEncoder, load_encoder  # noqa: E402
from rjua.retrieval.hybrid import HybridRetriever  # noqa: E402
from rjua.retrieval.onnx_encoder import OnnxEncoder, parse_runtime  # noqa: E402
from rjua.testing import tiny_sentence_encoder  # noqa: E402

TEXTS = ["尿频尿急尿痛三天", "左侧腰痛伴血尿，B超提示输尿管结石", "前列腺增生", "多饮水"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return tiny_sentence_encoder(tmp_path_factory.mktemp("st") / "m")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("RJUA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "rjua-cache"))


def test_fp32_onnx_matches_torch_and_int8_is_close(model_dir):
    ref = SentenceTransformerEncoder(str(model_dir)).encode_docs(TEXTS)
    fp32 = load_encoder(f"onnx:{model_dir}")
    assert isinstance(fp32, OnnxEncoder)
    got = fp32.encode_docs(TEXTS)
    assert got.shape == ref.shape
    np.testing.assert_allclose((got * ref).sum(1), 1.0, atol=1e-4)
    np.testing.assert_allclose(fp32.encode_queries(TEXTS[:2]), got[:2], atol=1e-5)  # batching does not matter
    int8 = load_encoder(f"onnx-int8:{model_dir}").encode_docs(TEXTS)
    cos = (int8 * ref).sum(1)
    assert cos.min() > 0.9 and not np.allclose(int8, ref, atol=1e-6)  # quantised, yet close
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)


def test_export_is_cached_and_keyed_by_runtime(model_dir):
    a, b = OnnxEncoder(f"onnx:{model_dir}"), OnnxEncoder(f"onnx-int8:{model_dir}")
    a.encode_queries(["尿频"])
    stamp = a.path.stat().st_mtime_ns
    again = OnnxEncoder(f"onnx:{model_dir}")
    again.encode_queries(["腰痛"])
    assert again.path == a.path and a.path.stat().st_mtime_ns == stamp  # no second export
    torch_fp = SentenceTransformerEncoder(str(model_dir)).fingerprint()
    assert len({a.fingerprint(), b.fingerprint(), torch_fp}) == 3


def test_index_built_with_torch_refuses_onnx_int8(model_dir, tmp_path):
    r, info = build_retriever(None, ["valid"], str(model_dir))
    r.save(tmp_path / "idx", info)
    with pytest.raises(RJUAError, match="embedder"):
        HybridRetriever.load(tmp_path / "idx", embedder=f"onnx-int8:{model_dir}")
    r8, info8 = build_retriever(None, ["valid"], f"onnx-int8:{model_dir}")
    r8.save(tmp_path / "idx8", info8)
    loaded = HybridRetriever.load(tmp_path / "idx8")
    assert loaded.encoder.name == f"onnx-int8:{model_dir}"
    q = loaded.cases.cases[0].question
    assert [h.id for h in loaded.search(q, k=5).passages] == [h.id for h in r8.search(q, k=5).passages]


def test_refusals(tmp_path):
    with pytest.raises(RJUAError, match="transformer \\+ pooling"):
        OnnxEncoder(f"onnx:{tiny_sentence_encoder(tmp_path / 'dense', dense_head=True)}").encode_queries(["尿频"])
    with pytest.raises(RJUAError, match="not an ONNX embedder"):
        OnnxEncoder("some/model")
    assert parse_runtime("onnx:") == ("torch", "onnx:")


def test_a_damaged_cached_export_is_exported_again(model_dir):
    # a truncated cache file used to end every later run with onnxruntime's raw InvalidProtobuf (exit 1)
    a = OnnxEncoder(f"onnx:{model_dir}")
    want = a.encode_queries(["尿频"])
    good = a.path.read_bytes()
    a.path.write_bytes(good[: len(good) // 3])
    again = OnnxEncoder(f"onnx:{model_dir}")
    np.testing.assert_allclose(again.encode_queries(["尿频"]), want, atol=1e-5)
    assert again.path.stat().st_size == len(good)


def test_onnx_applies_the_models_query_and_document_prompts(model_dir, tmp_path):
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir), device="cpu")
    st.prompts = {"query": "尿痛：", "document": "多饮水："}
    st.save(str(tmp_path / "prompted"))
    prompted = tmp_path / "prompted"
    ref_q = SentenceTransformerEncoder(str(prompted)).encode_queries(TEXTS)
    ref_d = SentenceTransformerEncoder(str(prompted)).encode_docs(TEXTS)
    onnx = OnnxEncoder(f"onnx:{prompted}")
    assert onnx.declares_prompts() and not OnnxEncoder(f"onnx:{model_dir}").declares_prompts()
    got_q, got_d = onnx.encode_queries(TEXTS), onnx.encode_docs(TEXTS)
    np.testing.assert_allclose((got_q * ref_q).sum(1), 1.0, atol=1e-4)  # same as torch, prompts included
    np.testing.assert_allclose((got_d * ref_d).sum(1), 1.0, atol=1e-4)
    assert (got_q * got_d).sum(1).min() < 0.9999  # query and document prompts differ
    plain = OnnxEncoder(f"onnx:{model_dir}").encode_queries(TEXTS)
    assert (plain * got_q).sum(1).min() < 0.9999  # and the prompt is not skipped
    assert onnx.fingerprint() != OnnxEncoder(f"onnx:{model_dir}").fingerprint()
